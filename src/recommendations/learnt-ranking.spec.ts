import { CatalogIndex, INDEX_COLUMNS } from '../catalog-index/catalog-index';
import type { CatalogFeatures, CatalogTrackRecord } from '../catalog/catalog-track';
import { AUDIO_FEATURES } from '../common/tracks';
import { requestFor } from '../../test/helpers/recommendations';
import {
  baseName,
  type LearntRanking,
  RANKING_FEATURE_COUNT,
  RANKING_FEATURES,
  type RankingFeature,
  StageTwoScorer,
} from './learnt-ranking';
import { compilePlan } from './query-plan';
import { DEFAULT_WEIGHTS, type RecommendationWeights } from './recommendation-weights';

/**
 * A catalog to score by hand (a track's year is its album's). Closeness reads energy only: 0 or 1, mean 0.5, standard deviation
 * 0.5, so every track is at z = ±1.
 *
 *          energy artist album year popularity  name               genres
 *   S1       0      X     a1   2000     50      Song One           rock    (seed)
 *   S2       1      Y     a2   2004     70      Song Two           pop     (seed)
 *   C        0      X     a1   2000     60      Song One - Remix   rock
 *   D        1      Z     a3   2010   unknown   Other              pop
 *   N0, N1   0, 1   W     a4   1990     10      Far                jazz   (for negative seeds)
 */
const NO_FEATURES = Object.fromEntries(AUDIO_FEATURES.map((f) => [f, null])) as CatalogFeatures;

function track(
  id: string,
  name: string,
  energy: number,
  artist: string,
  album: string,
  year: number,
  popularity: number | null,
  genre: string,
): CatalogTrackRecord {
  return {
    id,
    name,
    artists: [{ id: null, name: artist }],
    album: { id: album, name: album, release_date: String(year), year },
    popularity,
    explicit: false,
    genres: [genre],
    features: { ...NO_FEATURES, energy },
  };
}

const ENERGY_ONLY: RecommendationWeights = {
  ...DEFAULT_WEIGHTS,
  features: Object.fromEntries(
    INDEX_COLUMNS.map((column) => [column, column === 'energy' ? 1 : 0]),
  ) as RecommendationWeights['features'],
};

function ranking(weights: Partial<Record<RankingFeature, number>>): LearntRanking {
  return {
    weights: Object.fromEntries(RANKING_FEATURES.map((f) => [f, weights[f] ?? 0])) as Record<
      RankingFeature,
      number
    >,
    poolFactor: 15,
    poolWeights: {},
    diversity: 0,
  };
}

function handCatalog(): CatalogIndex {
  return CatalogIndex.fromRecords([
    track('S1', 'Song One', 0, 'X', 'a1', 2000, 50, 'rock'),
    track('S2', 'Song Two', 1, 'Y', 'a2', 2004, 70, 'pop'),
    track('C', 'Song One - Remix', 0, 'X', 'a1', 2000, 60, 'rock'),
    track('D', 'Other', 1, 'Z', 'a3', 2010, null, 'pop'),
    track('N0', 'Far', 0, 'W', 'a4', 1990, 10, 'jazz'),
    track('N1', 'Far', 1, 'W', 'a4', 1990, 10, 'jazz'),
  ]);
}

function scorerFor(
  learnt: LearntRanking,
  negativeTracks: string[] = [],
  everyFeature = false,
  index = handCatalog(),
) {
  const request = requestFor(
    ['S1', 'S2'].map((id) => ({ type: 'track', id })),
    { negativeTracks },
  );
  const { plan, seeds } = compilePlan(index, request, ENERGY_ONLY);
  const scorer = new StageTwoScorer(
    plan,
    seeds.flatMap((seed) => seed.slots),
    learnt,
    everyFeature,
  );
  return { scorer, slot: (id: string) => index.slotOf(id)! };
}

function featuresOf(scorer: StageTwoScorer, slot: number): Record<RankingFeature, number> {
  const out = new Float64Array(RANKING_FEATURE_COUNT);
  scorer.features(slot, out);
  return Object.fromEntries(RANKING_FEATURES.map((f, i) => [f, out[i]])) as Record<
    RankingFeature,
    number
  >;
}

describe('StageTwoScorer (the learnt second stage)', () => {
  it("computes each feature of a candidate as its definition says, from the index's facts", () => {
    const { scorer, slot } = scorerFor(ranking({}), [], true);
    // Seeds' z: −1 and +1 (mean 0, variance 1): each column weighs 1 / (1 + 0.25) = 0.8.
    // Seed years 2000, 2004: median 2004 (the upper middle), spread (4 + 0) / 2 + 2 = 4.
    // Seed artists X (tracks S1, C: rock ×2) and Y (S2: pop): profile (rock + pop) / √2.
    const expected: Record<'C' | 'D', Record<RankingFeature, number>> = {
      C: {
        style_fit: -0.8,
        same_artist: 1,
        artist_seeds: 0.5,
        artist_closeness: 0, // X's mean energy is 0, as the seed artist X's
        artist_popularity_gap: 0, // X's mean popularity (55) is the seed artist X's
        same_album: 1,
        year_closeness: 1, // its album's year, S1's
        year_typical: -1,
        popularity_gap: -0.1,
        popularity: 0.6,
        same_name: 1, // "Song One - Remix" is another version of "Song One"
        artist_genres: Math.SQRT1_2,
      },
      D: {
        style_fit: -0.8,
        same_artist: 0,
        artist_seeds: 0,
        artist_closeness: 0, // Z's mean energy is the seed artist Y's
        artist_popularity_gap: -1, // unknown: the largest gap
        same_album: 0,
        year_closeness: Math.exp(-6 / 3),
        year_typical: -1.5,
        popularity_gap: -1,
        popularity: 0,
        same_name: 0,
        artist_genres: Math.SQRT1_2,
      },
    };
    for (const id of ['C', 'D'] as const) {
      const features = featuresOf(scorer, slot(id));
      for (const f of RANKING_FEATURES)
        expect([id, f, features[f]]).toEqual([id, f, expect.closeTo(expected[id][f], 10)]);
    }
  });

  it('leaves a feature the ranking does not weigh at 0 when it only scores', () => {
    const { scorer, slot } = scorerFor(ranking({ year_closeness: 1 }));
    const features = featuresOf(scorer, slot('C'));
    expect(features.same_name).toBe(0);
    expect(features.artist_genres).toBe(0);
    expect(features.same_album).toBe(1);
  });

  it('scores Σ weight × feature, and lists each non-zero part (adding up to the score)', () => {
    const { scorer, slot } = scorerFor(
      ranking({ same_artist: 2, year_closeness: 3, popularity: -1, same_name: -0.5 }),
    );
    const c = slot('C');
    const expected = 2 * 1 + 3 * 1 - 1 * 0.6 - 0.5 * 1;
    expect(scorer.score(c)).toBeCloseTo(expected, 12);
    expect(scorer.parts(c)).toEqual([
      { factor: 'same_artist', value: 2 },
      { factor: 'year_closeness', value: 3 },
      { factor: 'popularity', value: expect.closeTo(-0.6, 12) },
      { factor: 'same_name', value: -0.5 },
    ]);
  });

  it("keeps the first stage's negative-seed penalty as a part of the score", () => {
    const learnt = ranking({ year_closeness: 1 });
    const without = scorerFor(learnt);
    const withNegative = scorerFor(learnt, ['N0']);
    const c = without.slot('C');
    // C has N0's energy: distance 0, the whole penalty (negativeSeed 1).
    const penalty = withNegative.scorer.plan.terms.negativePenalty(c);
    expect(penalty).toBe(1);
    expect(withNegative.scorer.score(c)).toBeCloseTo(without.scorer.score(c) - penalty, 12);
    expect(withNegative.scorer.parts(c)).toContainEqual({
      factor: 'negative_seed',
      value: -penalty,
    });
  });

  it("sees an artist's new tracks: its profile is cached until the index's tracks change", () => {
    const index = handCatalog();
    const before = featuresOf(scorerFor(ranking({}), [], true, index).scorer, index.slotOf('D')!);
    expect(before.artist_popularity_gap).toBe(-1);
    // Z gets a track with a popularity: its mean popularity (70) is now the seed artist Y's.
    index.upsert([track('D2', 'Other Two', 1, 'Z', 'a3', 2010, 70, 'pop')]);
    const after = featuresOf(scorerFor(ranking({}), [], true, index).scorer, index.slotOf('D')!);
    expect(after.artist_popularity_gap).toBeCloseTo(0, 12);
  });

  it('reads a version suffix off a name', () => {
    expect(baseName('Song One (feat. Someone)')).toBe('song one');
    expect(baseName('Song One [Live]')).toBe('song one');
    expect(baseName(null)).toBe('');
  });
});
