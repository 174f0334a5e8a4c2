/**
 * Queries with their candidate pools, for learning and scoring the second stage, and
 * cross-validation by playlist on the tuning half.
 */
import { hitRate, LIMIT, type Case } from '../protocol';
import type { CatalogSignals, ClosenessColumn } from './catalog-signals';
import { fitRanker, type TrainingQuery } from './fit-ranker';
import { type FeatureName, QueryFeatures } from './ranking-features';
import {
  type CandidatePool,
  type CandidateSource,
  candidatePool,
  pickCapped,
  rankPool,
  scoreCatalog,
  type ScoredCatalog,
  weightVector,
  type LinearWeights,
} from './two-stage';

export interface PooledCase extends TrainingQuery {
  item: Case;
}

/**
 * The query's features. `hideOwnPlaylist`: the case's playlist is an imported one (tuning half) and
 * must be hidden from every signal for its own query; held-out playlists are hidden already.
 */
export function queryFeatures(
  signals: CatalogSignals,
  item: Case,
  closenessWeights: Partial<Record<ClosenessColumn, number>>,
  hideOwnPlaylist: boolean,
  negatives: string[] = [],
): QueryFeatures {
  const slot = (id: string) => signals.slotOf.get(id)!;
  return new QueryFeatures(
    signals.view(hideOwnPlaylist ? item.playlist.id : undefined),
    { seeds: item.seeds.map(slot), negatives: negatives.map(slot) },
    closenessWeights,
  );
}

export function labelled(signals: CatalogSignals, item: Case, pool: CandidatePool): PooledCase {
  const labels = Uint8Array.from(pool.slots, (slot) =>
    item.members.has(signals.ids[slot]) ? 1 : 0,
  );
  return { item, pool, labels };
}

/** Each case's pool from its scored catalog (computed once: the scan is the expensive part). */
export function pooledCases(
  signals: CatalogSignals,
  cases: readonly Case[],
  closenessWeights: Partial<Record<ClosenessColumn, number>>,
  hideOwnPlaylist: boolean,
  sources: readonly CandidateSource[],
  onCatalog?: (item: Case, catalog: ScoredCatalog) => void,
): PooledCase[] {
  return cases.map((item) => {
    const catalog = scoreCatalog(queryFeatures(signals, item, closenessWeights, hideOwnPlaylist));
    onCatalog?.(item, catalog);
    return labelled(signals, item, candidatePool(signals, catalog, sources));
  });
}

/** The answer's ids for one pooled case under `weights`. */
export function answer(
  signals: CatalogSignals,
  pooled: PooledCase,
  weights: LinearWeights,
  maxPerArtist: number,
): string[] {
  const ranking = rankPool(pooled.pool, weightVector(weights));
  return pickCapped(signals, ranking, LIMIT, maxPerArtist).map((slot) => signals.ids[slot]);
}

export const FOLDS = 5;

/**
 * k-fold cross-validation by playlist: every draw of a playlist falls in one fold; the model learnt
 * on the other folds scores that fold's `scored` cases (the first seed draws). Per-playlist hit
 * rates, in `scored` order.
 */
export function crossValidate(
  signals: CatalogSignals,
  training: readonly PooledCase[],
  scored: readonly PooledCase[],
  features: readonly FeatureName[],
): { cap2: number[]; uncapped: number[] } {
  const playlists = [...new Set(training.map((q) => q.item.playlist.id))];
  const foldOf = new Map(playlists.map((id, i) => [id, i % FOLDS]));
  const cap2 = new Array<number>(scored.length);
  const uncapped = new Array<number>(scored.length);
  for (let fold = 0; fold < FOLDS; fold++) {
    const fit = fitRanker(
      training.filter((q) => foldOf.get(q.item.playlist.id) !== fold),
      features,
    );
    scored.forEach((q, i) => {
      if (foldOf.get(q.item.playlist.id) !== fold) return;
      cap2[i] = hitRate(q.item, answer(signals, q, fit.weights, 2));
      uncapped[i] = hitRate(q.item, answer(signals, q, fit.weights, LIMIT));
    });
  }
  return { cap2, uncapped };
}
