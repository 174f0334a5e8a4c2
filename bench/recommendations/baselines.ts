/**
 * What the recommenders are compared with, each as a ranking of catalog slots (best first) from
 * which the evaluation picks under the artist cap:
 *   random                 a seeded shuffle;
 *   most popular           by popularity;
 *   centroid-cosine        the mean of the seeds' standardised audio features, tracks by cosine
 *                          similarity to it (what most open-source recommenders do);
 *   nearest seed + artist + year
 *                          the engine's closeness to the nearest seed, plus a same-artist bonus and
 *                          release-year closeness (ranking-features.ts): no genres, no playlists, no
 *                          learning. Its two weights were chosen on the tuning half over a grid
 *                          (artist 0.5…8, year 0…6): the highest hit@20 both capped and uncapped.
 */
import { AUDIO_FEATURES } from '../../src/common/tracks/audio-features';
import { seededRandom, shuffled } from '../../src/common/numeric';
import { SPLIT_SEED, type Case } from './protocol';
import { type CatalogSignals, CLOSENESS_COLUMNS } from './ranking/catalog-signals';
import { FEATURE_COUNT } from './ranking/ranking-features';
import { dot, type LinearWeights, type ScoredCatalog, weightVector } from './ranking/two-stage';

/** How many ranked tracks a baseline hands over: enough for 20 under any artist cap. */
const RANKED = 400;
const C = CLOSENESS_COLUMNS.length;

export const NEAREST_ARTIST_YEAR: LinearWeights = {
  closeness: 1,
  same_artist: 4,
  year_closeness: 2,
};

export type Ranking = (item: Case, catalog: ScoredCatalog) => number[];

export function baselines(signals: CatalogSignals): Record<string, Ranking> {
  const slots = Array.from({ length: signals.size }, (_, slot) => slot);
  const popularity = (slot: number) => signals.values[slot * C + C - 1] || 0;
  const byPopularity = [...slots].sort((a, b) => popularity(b) - popularity(a) || a - b);
  const audio = AUDIO_FEATURES.map((_, c) => c);
  // Standardised audio features, 0 (the mean) where unknown.
  const vectors = slots.map((slot) =>
    audio.map((c) => {
      const v = signals.values[slot * C + c];
      return v === v ? (v - signals.mean[c]) / signals.sd[c] : 0;
    }),
  );
  const norms = vectors.map((v) => Math.hypot(...v));
  const random = seededRandom(SPLIT_SEED + 1);
  const withoutSeeds = (item: Case, ranked: number[]) => {
    const seeds = new Set(item.seeds.map((id) => signals.slotOf.get(id)));
    return ranked.filter((slot) => !seeds.has(slot)).slice(0, RANKED);
  };
  const nearest = weightVector(NEAREST_ARTIST_YEAR);
  return {
    random: (item) => withoutSeeds(item, shuffled(slots, random)),
    'most popular': (item) => withoutSeeds(item, byPopularity),
    'centroid-cosine': (item) => {
      const seeds = item.seeds.map((id) => signals.slotOf.get(id)!);
      const centroid = audio.map(
        (_, k) => seeds.reduce((sum, seed) => sum + vectors[seed][k], 0) / seeds.length,
      );
      const centroidNorm = Math.hypot(...centroid) || 1;
      const cosine = vectors.map(
        (v, slot) =>
          v.reduce((sum, x, k) => sum + x * centroid[k], 0) / ((norms[slot] || 1) * centroidNorm),
      );
      return withoutSeeds(
        item,
        [...slots].sort((a, b) => cosine[b] - cosine[a] || a - b),
      );
    },
    'nearest seed + artist + year': (_item, catalog) => {
      const score = new Map<number, number>();
      for (const slot of catalog.slots)
        score.set(slot, dot(nearest, catalog.features, slot * FEATURE_COUNT));
      return [...catalog.slots]
        .sort((a, b) => score.get(b)! - score.get(a)! || a - b)
        .slice(0, RANKED);
    },
  };
}
