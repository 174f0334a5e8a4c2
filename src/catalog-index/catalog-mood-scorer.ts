import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CatalogChanges } from '../catalog/catalog-changes';
import { collectGarbage } from '../common/full-gc';
import { AUDIO_FEATURES } from '../common/tracks';
import type { MoodTrackFeatures } from '../mood/mood-features';
import { COLUMN_COUNT, type CatalogIndex } from './catalog-index';
import { CatalogIndexLoader } from './catalog-index-loader';
import { CatalogIndexRef } from './catalog-index-ref';
import { CatalogMoodProgress } from './catalog-mood-progress';
import { TRACK_MOOD_MODEL, type TrackMoodModel, type MoodTrackScorer } from './track-mood-model';

/**
 * Tracks per forward pass; between batches the event loop serves requests. A batch of 512 takes
 * about 12 ms with the default three-network model here, the longest a request waits behind it.
 */
export const MOOD_SCORING_BATCH = 512;

/**
 * Gives every track of the in-memory catalog index its predicted mood and probability from the
 * active model, so that `mood=` in recommendations costs nothing per request. It runs in the
 * background, in batches that leave the event loop to requests: every track after the active model
 * changes (a training, an activation), the tracks without a mood after the index changes (an import,
 * a harvest batch, a reload, which carries the moods it had).
 *
 * After a model change the new moods are computed aside and put in the index at once, so a search
 * sees the old model's moods or the new model's, never a mixture. A pass that finds the model or the
 * index swapped under it stops and starts again. Each instance scores its own index: the moods are a
 * pure function of the tracks and the model, a pass over a million tracks takes seconds, and nothing
 * has to be written to the database or passed between instances.
 */
@Injectable()
export class CatalogMoodScorer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CatalogMoodScorer.name);
  private readonly unsubscribe: Array<() => void> = [];
  /** The model whose moods the index carries. */
  private scoredModelId: string | null = null;
  private pending = false;
  private running?: Promise<void>;
  private stopped = false;
  /** Ids the catalog changed while a pass ran: their moods computed before the change are stale. */
  private changedDuringPass = new Set<string>();
  private collectedAfterStart = false;

  constructor(
    private readonly index: CatalogIndexRef,
    private readonly loader: CatalogIndexLoader,
    private readonly changes: CatalogChanges,
    @Inject(TRACK_MOOD_MODEL) private readonly mood: TrackMoodModel,
    private readonly progress: CatalogMoodProgress,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe.push(
      this.changes.subscribe((change) => {
        if (change.type === 'upserted') for (const id of change.ids) this.changedDuringPass.add(id);
        this.schedule();
      }),
      this.mood.onModelChange(() => this.schedule()),
    );
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    await this.running;
  }

  /** Settles when every track has the active model's mood (tests). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Asks for a pass; passes never overlap, and requests during one give one more pass after it. */
  schedule(): void {
    this.pending = true;
    this.running ??= this.loop().finally(() => {
      this.running = undefined;
    });
  }

  private async loop(): Promise<void> {
    while (this.pending && !this.stopped) {
      this.pending = false;
      try {
        await this.pass();
      } catch (error) {
        this.logger.error(`Scoring the catalog's moods failed: ${(error as Error).message}`);
      }
    }
  }

  private async pass(): Promise<void> {
    await this.loader.settled();
    const scorer = this.mood.trackScorer();
    const index = this.index.current;
    if (!scorer) {
      this.progress.update({ status: 'no_model', model_id: null, scored: 0, to_score: 0 });
      return;
    }
    if (!this.index.loaded) return;
    const started = performance.now();
    const full =
      this.scoredModelId !== scorer.modelId || !sameLabels(index.moodLabels(), scorer.labels);
    const ids = unscoredIds(index, full);
    this.changedDuringPass = new Set();
    this.progress.update({
      status: ids.length === 0 ? 'done' : 'scoring',
      model_id: scorer.modelId,
      scored: 0,
      to_score: ids.length,
    });
    if (ids.length === 0) {
      this.scoredModelId = scorer.modelId;
      return;
    }
    const labels = new Int8Array(ids.length);
    const probabilities = new Float32Array(ids.length);
    for (let start = 0; start < ids.length; start += MOOD_SCORING_BATCH) {
      await nextTurn();
      if (this.stopped) return;
      if (this.index.current !== index || this.mood.trackScorer()?.modelId !== scorer.modelId) {
        this.pending = true; // the ground moved: start again on the new index or model
        return;
      }
      const end = Math.min(start + MOOD_SCORING_BATCH, ids.length);
      scoreBatch(index, scorer, ids, start, end, labels, probabilities);
      this.progress.update({ scored: end });
    }
    // Tracks changed meanwhile are left without a mood; the pass their change asked for scores them.
    const fresh = ids.flatMap((id, i) => (this.changedDuringPass.has(id) ? [] : [i]));
    if (full) index.setMoodLabels(scorer.labels);
    index.setMoods(
      fresh.map((i) => ids[i]),
      fresh.map((i) => labels[i]),
      fresh.map((i) => probabilities[i]),
    );
    this.scoredModelId = scorer.modelId;
    const ms = Math.round(performance.now() - started);
    this.progress.update({ status: 'done', last_pass_ms: ms });
    this.logger.log(
      `Predicted the moods of ${ids.length} catalog tracks with model ${scorer.modelId} in ${ms} ms`,
    );
    if (full && !this.collectedAfterStart) this.collectAfterStart();
  }

  /**
   * The first full pass ends the service's start-up work, and leaves its garbage: a million ids,
   * track objects and answers (with the index build's, ≈ 200 MB of a 1M catalog's heap). V8 may
   * keep those pages for as long as the service idles, so one full collection is asked for here,
   * once per process (1M tracks: RSS 760 → 651 MB at first start with both collections, the
   * pause ≈ 110 ms and logged).
   */
  private collectAfterStart(): void {
    this.collectedAfterStart = true;
    const started = performance.now();
    collectGarbage();
    this.logger.log(
      `Collected the start-up's garbage in ${Math.round(performance.now() - started)} ms`,
    );
  }
}

function sameLabels(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((label, i) => label === b[i]);
}

/** Every live track's id (`all`), or those of live tracks without a mood yet. */
function unscoredIds(index: CatalogIndex, all: boolean): string[] {
  const { slotCount, live, moodLabel } = index.columns();
  const ids: string[] = [];
  for (let slot = 0; slot < slotCount; slot++) {
    if (live[slot] && (all || moodLabel[slot] < 0)) ids.push(index.idOf(slot));
  }
  return ids;
}

/** Scores ids[start, end) from the index's current values; a track gone meanwhile scores nothing. */
function scoreBatch(
  index: CatalogIndex,
  scorer: MoodTrackScorer,
  ids: readonly string[],
  start: number,
  end: number,
  labels: Int8Array,
  probabilities: Float32Array,
): void {
  const { values } = index.columns();
  const tracks: MoodTrackFeatures[] = [];
  for (let i = start; i < end; i++) {
    const slot = index.slotOf(ids[i]);
    const track: MoodTrackFeatures = {};
    if (slot !== undefined) {
      AUDIO_FEATURES.forEach((feature, c) => {
        const value = values[slot * COLUMN_COUNT + c];
        track[feature] = Number.isNaN(value) ? null : value;
      });
    }
    tracks.push(track);
  }
  const predicted = scorer.score(tracks);
  for (let i = start; i < end; i++) {
    const p = predicted[i - start];
    let best = 0;
    for (let j = 1; j < p.length; j++) if (p[j] > p[best]) best = j;
    labels[i] = best;
    probabilities[i] = p[best];
  }
}
