/**
 * Candidate generation, then rerank. The first stage is a union of sources, each the exact top-k of
 * a linear function of a few cheap features (terms the engine's tree search can bound, or postings
 * it can walk); the second stage scores only that pool with the learnt weights, and the answer is
 * picked from it best first under the artist cap. Here every source is an exhaustive scan of the
 * query's features (the same top-k the service's exact searches give), which a 20,579-track sample
 * affords.
 */
import type { CatalogSignals } from './catalog-signals';
import {
  FEATURE_COUNT,
  type FeatureName,
  FEATURES,
  PLAYLIST_DERIVED,
  type QueryFeatures,
} from './ranking-features';

export type LinearWeights = Partial<Record<FeatureName, number>>;

export function weightVector(weights: LinearWeights): Float64Array {
  return Float64Array.from(FEATURES, (name) => weights[name] ?? 0);
}

/** Every eligible track's features for one query (the exhaustive scan both stages read). */
export interface ScoredCatalog {
  /** Eligible slots: not a seed, not excluded. */
  slots: Int32Array;
  /** slot × FEATURE_COUNT, filled for eligible slots. */
  features: Float64Array;
}

/** The first stage's pool: slots best first, with their features (pool × FEATURE_COUNT). */
export interface CandidatePool {
  slots: Int32Array;
  features: Float64Array;
}

/** One source of candidates: the `size` tracks with the highest `weights` · features. */
export interface CandidateSource {
  weights: LinearWeights;
  size: number;
}

export function scoreCatalog(
  query: QueryFeatures,
  excluded: ReadonlySet<number> = new Set(),
): ScoredCatalog {
  const signals = query.view.signals;
  const seeds = new Set(query.query.seeds);
  const features = new Float64Array(signals.size * FEATURE_COUNT);
  const slots: number[] = [];
  for (let slot = 0; slot < signals.size; slot++) {
    if (seeds.has(slot) || excluded.has(slot)) continue;
    query.fill(slot, features, slot * FEATURE_COUNT);
    slots.push(slot);
  }
  return { slots: Int32Array.from(slots), features };
}

/**
 * The union of each source's best tracks (ties to the smaller id), in source order: each source
 * adds its `size` best tracks that earlier sources did not bring.
 */
export function candidatePool(
  signals: CatalogSignals,
  catalog: ScoredCatalog,
  sources: readonly CandidateSource[],
): CandidatePool {
  const chosen = new Set<number>();
  for (const source of sources) {
    const weights = weightVector(source.weights);
    const scores = new Map<number, number>();
    for (const slot of catalog.slots)
      scores.set(slot, dot(weights, catalog.features, slot * FEATURE_COUNT));
    const order = [...catalog.slots].sort(
      (a, b) => scores.get(b)! - scores.get(a)! || compareIds(signals, a, b),
    );
    let taken = 0;
    for (const slot of order) {
      if (taken === source.size) break;
      if (chosen.has(slot)) continue;
      chosen.add(slot);
      taken++;
    }
  }
  const slots = Int32Array.from(chosen);
  const features = new Float64Array(slots.length * FEATURE_COUNT);
  slots.forEach((slot, i) =>
    features.set(
      catalog.features.subarray(slot * FEATURE_COUNT, (slot + 1) * FEATURE_COUNT),
      i * FEATURE_COUNT,
    ),
  );
  centreKnown(features, slots.length);
  return { slots, features };
}

/**
 * Centres each playlist-derived feature over the pool's candidates that can have it, and sets it to
 * 0 for those that cannot. A catalog track that is in no imported playlist (harvested, or from a
 * file without playlists) then reads as an average fit, neither better nor worse than the pool's
 * playlisted tracks on average; and within a pool the feature says nothing about whether a track is
 * playlisted at all, so a learner cannot turn it into "being in no imported playlist is good" (what
 * the evaluation's sample, where a playlist's tracks are mostly in no other one, would teach).
 */
export function centreKnown(features: Float64Array, rows: number): void {
  for (const { feature, known } of PLAYLIST_DERIVED) {
    const f = FEATURES.indexOf(feature);
    const k = FEATURES.indexOf(known);
    let sum = 0;
    let count = 0;
    for (let i = 0; i < rows; i++) {
      if (features[i * FEATURE_COUNT + k] !== 1) continue;
      sum += features[i * FEATURE_COUNT + f];
      count++;
    }
    const mean = count > 0 ? sum / count : 0;
    for (let i = 0; i < rows; i++) {
      const known = features[i * FEATURE_COUNT + k] === 1;
      features[i * FEATURE_COUNT + f] = known ? features[i * FEATURE_COUNT + f] - mean : 0;
    }
  }
}

/** The pool's slots by second-stage score, best first (ties to the earlier pool position). */
export function rankPool(pool: CandidatePool, model: Float64Array): number[] {
  const n = pool.slots.length;
  const scores = Float64Array.from({ length: n }, (_, i) =>
    dot(model, pool.features, i * FEATURE_COUNT),
  );
  return [...Array(n).keys()]
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .map((i) => pool.slots[i]);
}

/** The first `limit` slots of a ranking whose artist has fewer than `maxPerArtist` picks so far. */
export function pickCapped(
  signals: CatalogSignals,
  ranking: readonly number[],
  limit: number,
  maxPerArtist: number,
): number[] {
  const perArtist = new Map<number, number>();
  const picks: number[] = [];
  for (const slot of ranking) {
    if (picks.length === limit) break;
    const artist = signals.artistOf[slot];
    const count = perArtist.get(artist) ?? 0;
    if (count >= maxPerArtist) continue;
    perArtist.set(artist, count + 1);
    picks.push(slot);
  }
  return picks;
}

export function dot(weights: Float64Array, rows: Float64Array, offset: number): number {
  let sum = 0;
  for (let f = 0; f < weights.length; f++)
    if (weights[f] !== 0) sum += weights[f] * rows[offset + f];
  return sum;
}

function compareIds(signals: CatalogSignals, a: number, b: number): number {
  return signals.ids[a] < signals.ids[b] ? -1 : signals.ids[a] > signals.ids[b] ? 1 : 0;
}
