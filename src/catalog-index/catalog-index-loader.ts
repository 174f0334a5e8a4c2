import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { join } from 'node:path';
import { type ClusterConfig, clusterConfig } from '../cluster/cluster.config';
import { type AppConfig, appConfig } from '../config/app.config';
import { CatalogChanges, type CatalogChange } from '../catalog/catalog-changes';
import { CatalogStore } from '../catalog/storage/catalog-store';
import { collectGarbage } from '../common/full-gc';
import { DEFAULT_WEIGHTS } from '../recommendations/recommendation-weights';
import { CatalogIndex, type CatalogIndexOptions } from './catalog-index';
import { CatalogIndexRef } from './catalog-index-ref';
import { readIndexSnapshot, writeIndexSnapshot } from './index-snapshot';

/** The saved copy of the index, in DATA_DIR. */
export const INDEX_SNAPSHOT_FILE = 'catalog-index.snapshot';

/** The index serves recommendations: its tree splits on features as their engine weighs them. */
const INDEX_OPTIONS: CatalogIndexOptions = { splitWeights: DEFAULT_WEIGHTS.features };

/** For /health: whether recommendations can be answered yet, and from how many tracks. */
export interface CatalogIndexLoadStatus {
  loaded: boolean;
  tracks: number;
  /** Milliseconds the last full load took. */
  load_ms: number | null;
}

/**
 * Keeps the in-memory catalog index in step with the catalog: loaded in the background at start-up
 * (recommendations answer 503 CATALOG_LOADING until then), from the saved copy of the last full
 * load (index-snapshot.ts) when the catalog's version is still the one it was built at, else from
 * the database (and then saved again, in the background); then every change notice applied in
 * order: added or changed tracks are read back and upserted, removed ones removed, and a reset (a
 * large import, another process's import) reloads everything and swaps the new index in. When
 * enough has changed in place that searches would slow down, a compact copy is swapped in.
 */
@Injectable()
export class CatalogIndexLoader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CatalogIndexLoader.name);
  /** Changes are applied one after another, after the first load. */
  private applying: Promise<void> = Promise.resolve();
  private unsubscribe?: () => void;
  private lastLoadMs: number | null = null;
  private stopped = false;

  constructor(
    private readonly store: CatalogStore,
    private readonly changes: CatalogChanges,
    private readonly index: CatalogIndexRef,
    @Inject(clusterConfig.KEY) private readonly cluster: ClusterConfig,
    @Inject(appConfig.KEY) private readonly app: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // An instance that only runs jobs answers no recommendation: it holds no index.
    if (!this.cluster.servesApi) return;
    this.unsubscribe = this.changes.subscribe((change) => this.enqueue(change));
    this.applying = this.reload('start-up');
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    await this.applying;
  }

  status(): CatalogIndexLoadStatus {
    return { loaded: this.index.loaded, tracks: this.index.current.size, load_ms: this.lastLoadMs };
  }

  /** Settles when every change notified so far is in the index (tests, shutdown). */
  settled(): Promise<void> {
    return this.applying;
  }

  private enqueue(change: CatalogChange): void {
    this.applying = this.applying.then(() => this.apply(change));
  }

  private async apply(change: CatalogChange): Promise<void> {
    if (this.stopped) return;
    try {
      if (change.type === 'reset') return await this.reload(change.reason);
      const index = this.index.current;
      if (change.type === 'removed') {
        index.remove(change.ids);
      } else {
        const records = await this.store.findByIds(change.ids);
        index.upsert(records);
        // Announced but gone by now (deleted meanwhile): gone from the index too.
        const found = new Set(records.map((record) => record.id));
        index.remove(change.ids.filter((id) => !found.has(id)));
      }
      if (index.needsRebuild()) this.index.swap(index.rebuilt());
    } catch (error) {
      this.logger.error(
        `Could not apply a catalog change (${change.type}); reloading the index: ${(error as Error).message}`,
      );
      await this.reload('a change could not be applied');
    }
  }

  private async reload(reason: string): Promise<void> {
    if (this.stopped) return;
    const started = Date.now();
    try {
      // Read before the tracks: a change committed meanwhile raises the version past the one the
      // saved copy records, so that copy is never taken for newer than it is.
      const version = await this.store.version();
      const saved = reason === 'start-up' ? this.readSnapshot(version) : null;
      const index =
        saved ?? (await CatalogIndex.build(this.store.streamAll(10_000), INDEX_OPTIONS));
      // The build's records are garbage now. At start-up, before anything is served from the
      // index, one full collection gives their pages back (the mood scorer asks for one more once
      // its first pass is done); later builds leave it to V8, not to pause live requests.
      if (!saved && reason === 'start-up') collectGarbage();
      const previous = this.index.current;
      if (previous.moodLabels().length > 0) carryMoods(previous, index);
      this.index.swap(index);
      this.lastLoadMs = Date.now() - started;
      this.logger.log(
        `Catalog index loaded (${reason}${saved ? ', saved copy' : ''}): ${index.size} tracks in ${this.lastLoadMs} ms`,
      );
      if (!saved) await this.writeSnapshot(index, version);
    } catch (error) {
      this.logger.error(`Could not load the catalog index: ${(error as Error).message}`);
    }
  }

  private get snapshotPath(): string {
    return join(this.app.dataDir, INDEX_SNAPSHOT_FILE);
  }

  /** The saved index if it is of this catalog version; a damaged one is logged and ignored. */
  private readSnapshot(version: number): CatalogIndex | null {
    try {
      return readIndexSnapshot(this.snapshotPath, version);
    } catch (error) {
      this.logger.warn(`Ignored the saved catalog index: ${(error as Error).message}`);
      return null;
    }
  }

  private async writeSnapshot(index: CatalogIndex, version: number): Promise<void> {
    try {
      const started = Date.now();
      await writeIndexSnapshot(index, this.snapshotPath, version);
      this.logger.log(`Catalog index saved (version ${version}) in ${Date.now() - started} ms`);
    } catch (error) {
      this.logger.warn(`Could not save the catalog index: ${(error as Error).message}`);
    }
  }
}

/** A reloaded index keeps the moods already predicted for its tracks until they are scored again. */
function carryMoods(from: CatalogIndex, to: CatalogIndex): void {
  to.setMoodLabels(from.moodLabels());
  const { moodLabel, moodProbability, slotCount, live } = from.columns();
  const ids: string[] = [];
  const labels: number[] = [];
  const probabilities: number[] = [];
  for (let slot = 0; slot < slotCount; slot++) {
    if (!live[slot] || moodLabel[slot] < 0) continue;
    ids.push(from.idOf(slot));
    labels.push(moodLabel[slot]);
    probabilities.push(moodProbability[slot]);
  }
  to.setMoods(ids, labels, probabilities);
}
