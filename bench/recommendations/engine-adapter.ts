/**
 * The service's recommendation engine as the evaluation calls it: the one place the benchmarks of
 * recommendation quality reach into src/ for the engine and its index, so that moving them touches
 * this file only. A request here is what `GET /recommendations?seed_tracks=…&limit=20` makes, with
 * the artist cap given.
 */
import { CatalogIndex } from '../../src/catalog-index/catalog-index';
import type { CatalogTrackRecord } from '../../src/catalog/catalog-track';
import { DEFAULT_MAX_PER_ARTIST } from '../../src/recommendations/recommendation-parameters';
import type { LearntRanking } from '../../src/recommendations/learnt-ranking';
import { LEARNT_RANKING } from '../../src/recommendations/learnt-ranking-weights';
import { RecommendationEngine } from '../../src/recommendations/recommendation-engine';
import {
  DEFAULT_WEIGHTS,
  type RecommendationWeights,
} from '../../src/recommendations/recommendation-weights';
import { requestFor } from '../../test/helpers/recommendations';
import { LIMIT } from './protocol';

export { DEFAULT_MAX_PER_ARTIST, DEFAULT_WEIGHTS };
export type { RecommendationWeights };

export type EngineRecommender = (seeds: readonly string[], maxPerArtist: number) => string[];

/** The service's in-memory index of these records (its tree split as the default weights score). */
export function catalogIndex(records: readonly CatalogTrackRecord[]): CatalogIndex {
  return CatalogIndex.fromRecords(records, { splitWeights: DEFAULT_WEIGHTS.features });
}

/**
 * The engine over `index` with `weights` and second stage `ranking` (the service's by default; null:
 * the first stage alone, as the engine ranked before it had a second).
 */
export function engineRecommender(
  index: CatalogIndex,
  weights: RecommendationWeights = { ...DEFAULT_WEIGHTS },
  ranking: Readonly<LearntRanking> | null = LEARNT_RANKING,
): EngineRecommender {
  const engine = new RecommendationEngine(weights, undefined, ranking);
  return (seeds, maxPerArtist) => {
    const request = requestFor(
      seeds.map((id) => ({ type: 'track', id })),
      { limit: LIMIT, maxPerArtist },
    );
    return engine.recommend(index, request).tracks.map((track) => track.id);
  };
}
