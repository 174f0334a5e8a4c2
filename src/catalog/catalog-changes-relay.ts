import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ClusterNotices } from '../cluster/cluster-notices';
import { type CatalogChange, CatalogChanges } from './catalog-changes';

/**
 * Carries catalog changes between instances: this process's own go out as notices (a list of ids
 * too long for one message goes as a reset, after which the others reload), and the others' come in
 * as changes of origin `remote`, which are never sent on again. When the notices resume after an
 * outage, a reset reloads the index, for the changes whose notices were lost.
 */
@Injectable()
export class CatalogChangesRelay implements OnModuleInit, OnModuleDestroy {
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly changes: CatalogChanges,
    private readonly notices: ClusterNotices,
  ) {}

  onModuleInit(): void {
    this.stops.push(
      this.changes.subscribe((change, origin) => {
        if (origin === 'local') this.notices.publish('catalog', this.fitted(change));
      }),
      this.notices.subscribe('catalog', (change) => this.changes.publish(change, 'remote')),
      // Changes whose notices were lost while the notices were down: reload from the database.
      this.notices.onResumed(() =>
        this.changes.publish(
          { type: 'reset', reason: 'change notices resumed; some may have been missed' },
          'remote',
        ),
      ),
    );
  }

  onModuleDestroy(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  private fitted(change: CatalogChange): CatalogChange {
    if (change.type === 'reset' || this.notices.fits('catalog', change)) return change;
    return {
      type: 'reset',
      reason: `${change.ids.length} tracks ${change.type} by another instance`,
    };
  }
}
