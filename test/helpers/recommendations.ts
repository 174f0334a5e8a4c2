import { BestCandidates, type PoolSearch } from '../../src/recommendations/pool-search';
import {
  DEFAULT_LIMIT,
  DEFAULT_MAX_PER_ARTIST,
} from '../../src/recommendations/recommendation-parameters';
import type {
  RecommendationRequest,
  SeedInput,
} from '../../src/recommendations/recommendation-request';

/**
 * A request for these seeds with the query string's defaults (20 tracks, 2 per artist, no bounds),
 * then `options`. For tests and benchmarks.
 */
export function requestFor(
  seeds: SeedInput[],
  options: Partial<RecommendationRequest> = {},
): RecommendationRequest {
  return {
    seeds,
    targets: {},
    min: {},
    max: {},
    limit: DEFAULT_LIMIT,
    maxPerArtist: DEFAULT_MAX_PER_ARTIST,
    excludeTracks: [],
    negativeTracks: [],
    excludeArtists: [],
    explain: false,
    ...options,
  };
}

/**
 * Scores every live track in full (no bonus cap, so no early exit): the reference the tree search
 * must always agree with, in the pool-search spec and the speed benchmark.
 */
export const exhaustiveSearch: PoolSearch = (plan, limits) => {
  const best = new BestCandidates(plan, limits);
  const { slotCount, live } = plan.index.columns();
  for (let slot = 0; slot < slotCount; slot++) if (live[slot]) best.offer(slot);
  return best.sorted();
};
