import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { AUDIO_FEATURES, type Track } from '../common/tracks';
import { catalogConfig } from './catalog.config';
import { CatalogChanges } from './catalog-changes';
import type { CatalogFeatures, CatalogTrackRecord } from './catalog-track';
import { CatalogWriters } from './storage/catalog-writers';

export const HARVEST_SOURCE = 'harvest';
/** Tracks waiting beyond this many batches are dropped (and counted): the writer cannot keep up. */
const MAX_PENDING_BATCHES = 10;
const SPOTIFY_ID = /^[A-Za-z0-9]{22}$/;

/**
 * Adds tracks that clients post to other calls (id + audio features) to the catalog. `offer` only
 * queues them and returns; batches are written later, off the request path, through the same bulk
 * writer as imports (a track's stored name, artists and genres are kept: a harvest brings features).
 * A write that fails is logged and its batch dropped; nothing reaches the caller.
 */
@Injectable()
export class CatalogHarvester implements BeforeApplicationShutdown {
  private readonly logger = new Logger(CatalogHarvester.name);
  private pending = new Map<string, CatalogTrackRecord>();
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  private dropped = 0;

  constructor(
    private readonly writers: CatalogWriters,
    private readonly changes: CatalogChanges,
    @Inject(catalogConfig.KEY) private readonly config: ConfigType<typeof catalogConfig>,
  ) {}

  /** Queues the tracks that have a Spotify id and at least one feature. Never throws, never waits. */
  offer(tracks: readonly Track<never>[]): void {
    if (!this.config.harvest) return;
    try {
      const limit = this.config.harvestBatchSize * MAX_PENDING_BATCHES;
      for (const track of tracks) {
        const record = toHarvestRecord(track);
        if (!record) continue;
        if (this.pending.size >= limit && !this.pending.has(record.id)) {
          this.dropped += 1;
          continue;
        }
        this.pending.set(record.id, record);
      }
      this.schedule();
    } catch (error) {
      this.logger.error(`Could not queue harvested tracks: ${(error as Error).message}`);
    }
  }

  /** Writes everything queued now (shutdown, tests). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing || this.pending.size > 0) {
      if (this.writing) await this.writing;
      else await this.startWrite();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  private schedule(): void {
    if (this.pending.size === 0 || this.timer || this.writing) return;
    const delay =
      this.pending.size >= this.config.harvestBatchSize ? 0 : this.config.harvestFlushMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.startWrite();
    }, delay);
    this.timer.unref();
  }

  private startWrite(): Promise<void> {
    const batch = [...this.pending.values()].slice(0, this.config.harvestBatchSize);
    for (const track of batch) this.pending.delete(track.id);
    this.writing = this.write(batch).finally(() => {
      this.writing = undefined;
      this.schedule();
    });
    return this.writing;
  }

  private async write(batch: CatalogTrackRecord[]): Promise<void> {
    if (this.dropped > 0) {
      this.logger.warn(`Dropped ${this.dropped} harvested tracks: the catalog writer fell behind`);
      this.dropped = 0;
    }
    try {
      const writer = this.writers.create();
      try {
        await writer.begin();
        await writer.stage(batch.map((track, i) => ({ line: i + 1, track })));
        const counts = await writer.commit(HARVEST_SOURCE, new Date());
        this.changes.publish(
          counts.changedIds
            ? { type: 'upserted', ids: counts.changedIds }
            : { type: 'reset', reason: 'harvest' },
        );
      } catch (error) {
        await writer.abort().catch(() => undefined);
        throw error;
      }
    } catch (error) {
      this.logger.error(
        `Could not add ${batch.length} harvested tracks to the catalog: ${(error as Error).message}`,
      );
    }
  }
}

function toHarvestRecord(track: Track<never>): CatalogTrackRecord | null {
  if (!track.id || !SPOTIFY_ID.test(track.id)) return null;
  const features = {} as CatalogFeatures;
  let known = 0;
  for (const feature of AUDIO_FEATURES) {
    const value = track[feature] as number | undefined | null;
    features[feature] = typeof value === 'number' && Number.isFinite(value) ? value : null;
    if (features[feature] !== null) known += 1;
  }
  if (known === 0) return null;
  return {
    id: track.id,
    name: null,
    artists: [],
    album: { id: null, name: null, release_date: null, year: null },
    popularity: null,
    explicit: null,
    genres: [],
    features,
  };
}
