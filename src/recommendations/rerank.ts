import type { CatalogIndex } from '../catalog-index/catalog-index';
import type { Candidate } from './pool-search';
import type { QueryPlan } from './query-plan';

export interface Pick extends Candidate {
  /** What variety cost the track when it was picked: diversity × its highest similarity so far. */
  penalty: number;
  /** The already-picked track it is most similar to (-1 for none). */
  similarTo: number;
}

export interface RerankResult {
  picks: Pick[];
  /** Pool positions left out because one of their artists reached the cap. */
  capped: Set<number>;
}

/**
 * Picks the answer from the candidate pool (best first): greedily the track with the highest score
 * minus diversity × its highest similarity to the tracks already picked (maximal marginal
 * relevance), among the tracks whose artists are all below `maxPerArtist` picks. Equal values go to
 * the earlier pool position (higher score, then smaller id), so the answer is deterministic.
 */
export function rerank(
  plan: QueryPlan,
  index: CatalogIndex,
  pool: Candidate[],
  limit: number,
  maxPerArtist: number,
  diversity: number,
): RerankResult {
  const taken = new Uint8Array(pool.length);
  const highestSimilarity = new Float64Array(pool.length);
  const similarTo = new Int32Array(pool.length).fill(-1);
  const picksPerArtist = new Map<number, number>();
  const atCap = (slot: number) =>
    index.artistsOf(slot).some((artist) => (picksPerArtist.get(artist) ?? 0) >= maxPerArtist);
  const picks: Pick[] = [];

  while (picks.length < limit) {
    let chosen = -1;
    let chosenValue = -Infinity;
    for (let i = 0; i < pool.length; i++) {
      if (taken[i] || atCap(pool[i].slot)) continue;
      const value = pool[i].score - diversity * highestSimilarity[i];
      if (value > chosenValue) {
        chosen = i;
        chosenValue = value;
      }
    }
    if (chosen < 0) break;
    taken[chosen] = 1;
    const slot = pool[chosen].slot;
    picks.push({
      ...pool[chosen],
      penalty: diversity * highestSimilarity[chosen],
      similarTo: similarTo[chosen] >= 0 ? pool[similarTo[chosen]].slot : -1,
    });
    for (const artist of index.artistsOf(slot))
      picksPerArtist.set(artist, (picksPerArtist.get(artist) ?? 0) + 1);
    if (diversity === 0) continue;
    for (let i = 0; i < pool.length; i++) {
      if (taken[i]) continue;
      const similarity = plan.terms.similarity(pool[i].slot, slot);
      if (similarity > highestSimilarity[i]) {
        highestSimilarity[i] = similarity;
        similarTo[i] = chosen;
      }
    }
  }
  const capped = new Set<number>();
  pool.forEach((candidate, i) => {
    if (!taken[i] && atCap(candidate.slot)) capped.add(i);
  });
  return { picks, capped };
}
