import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { CatalogIndexStatus } from '../catalog-index/catalog-index-status';
import { AUDIO_FEATURES } from '../common/tracks';
import { CatalogChanges } from './catalog-changes';
import { TrackNotFoundError } from './catalog.errors';
import { toTrackView, type TrackView } from './catalog-track';
import type { CatalogSummaryResponseDto } from './dto/catalog-summary-response.dto';
import { CatalogImportsService } from './imports/catalog-imports.service';
import { StarterCatalog } from './starter/starter-catalog';
import { type CatalogCounts, CatalogStore } from './storage/catalog-store';

/**
 * The catalog as the API shows it: its summary, one track, deleting a track. The summary's counts
 * take a scan of the catalog, so they are kept until the catalog changes (an import, a harvest
 * batch, a delete, another process's import) and computed again on the next request.
 */
@Injectable()
export class CatalogService implements OnModuleDestroy {
  private counts?: Promise<CatalogCounts>;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: CatalogStore,
    private readonly imports: CatalogImportsService,
    private readonly changes: CatalogChanges,
    private readonly index: CatalogIndexStatus,
    private readonly starter: StarterCatalog,
  ) {
    this.unsubscribe = changes.subscribe(() => {
      this.counts = undefined;
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  async summary(): Promise<CatalogSummaryResponseDto> {
    const pending = (this.counts ??= this.store.counts());
    let counts: CatalogCounts;
    try {
      counts = await pending;
    } catch (error) {
      if (this.counts === pending) this.counts = undefined;
      throw error;
    }
    const share = (n: number) =>
      counts.tracks === 0 ? 0 : Math.round((n / counts.tracks) * 1e4) / 1e4;
    return {
      tracks: counts.tracks,
      artists: counts.artists,
      genres: counts.genres,
      feature_coverage: Object.fromEntries(
        AUDIO_FEATURES.map((feature) => [feature, share(counts.featureCounts[feature])]),
      ),
      sources: counts.sources,
      last_import: await this.imports.lastSucceeded(),
      moods: this.index.moods(),
      starter: this.starter.status(),
    };
  }

  async track(id: string): Promise<TrackView> {
    const track = await this.store.findById(id);
    if (!track) throw new TrackNotFoundError(id);
    return toTrackView(track);
  }

  async delete(id: string): Promise<void> {
    if (!(await this.store.delete(id))) {
      throw new TrackNotFoundError(id);
    }
    this.changes.publish({ type: 'removed', ids: [id] });
  }
}
