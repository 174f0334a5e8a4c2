import { CatalogIndex } from '../catalog-index/catalog-index';
import type { CatalogFeatures, CatalogTrackRecord } from '../catalog/catalog-track';
import { AUDIO_FEATURES } from '../common/tracks';
import { requestFor } from '../../test/helpers/recommendations';
import { type LearntRanking, RANKING_FEATURES, type RankingFeature } from './learnt-ranking';
import { LEARNT_RANKING } from './learnt-ranking-weights';
import { RecommendationEngine } from './recommendation-engine';
import { DEFAULT_WEIGHTS } from './recommendation-weights';

const NO_FEATURES = Object.fromEntries(AUDIO_FEATURES.map((f) => [f, null])) as CatalogFeatures;

function track(id: string, energy: number, year: number): CatalogTrackRecord {
  return {
    id,
    name: `Song ${id}`,
    artists: [{ id: null, name: `artist ${id}` }],
    album: { id: `album ${id}`, name: `album ${id}`, release_date: String(year), year },
    popularity: 50,
    explicit: false,
    genres: [],
    features: { ...NO_FEATURES, energy },
  };
}

/**
 * One seed from 2000; NEAR sounds most like it but is from 1980, ERA is from 2000 but sounds less
 * like it, FAR is neither.
 */
const index = CatalogIndex.fromRecords([
  track('SEED', 0.5, 2000),
  track('NEAR', 0.52, 1980),
  track('ERA', 0.7, 2000),
  track('FAR', 0.1, 1960),
]);
const request = requestFor([{ type: 'track', id: 'SEED' }], {
  limit: 3,
  maxPerArtist: 3,
  explain: true,
});

function ranking(weights: Partial<Record<RankingFeature, number>>): LearntRanking {
  return {
    ...LEARNT_RANKING,
    weights: Object.fromEntries(RANKING_FEATURES.map((f) => [f, weights[f] ?? 0])) as Record<
      RankingFeature,
      number
    >,
  };
}

function answer(learnt: LearntRanking | null) {
  return new RecommendationEngine(DEFAULT_WEIGHTS, undefined, learnt).recommend(index, request)
    .tracks;
}

describe('RecommendationEngine: the learnt second stage', () => {
  it("reorders the first stage's pool as its weights say", () => {
    const ids = (learnt: LearntRanking | null) => answer(learnt).map((t) => t.id);
    // The first stage alone ranks by closeness.
    expect(ids(null)).toEqual(['NEAR', 'ERA', 'FAR']);
    // Release year weighs most: the seed's year first, then the nearer years.
    expect(ids(ranking({ year_closeness: 5 }))).toEqual(['ERA', 'NEAR', 'FAR']);
    // The seeds' sound alone: the closeness order again.
    expect(ids(ranking({ style_fit: 1 }))).toEqual(['NEAR', 'ERA', 'FAR']);
  });

  it('explains a pick by the second stage: its learnt parts, adding up to its score', () => {
    const [first] = answer(ranking({ year_closeness: 5, style_fit: 1 }));
    expect(first.id).toBe('ERA');
    const { score, contributions, closest_seed } = first.reason!;
    expect(contributions).toContainEqual({ factor: 'year_closeness', value: 5 });
    expect(contributions.map((part) => part.factor)).toEqual(['year_closeness', 'style_fit']);
    expect(contributions.reduce((sum, part) => sum + part.value, 0)).toBeCloseTo(score, 4);
    expect(closest_seed?.id).toBe('SEED');
  });

  it('uses the shipped weights by default', () => {
    expect(new RecommendationEngine().ranking).toBe(LEARNT_RANKING);
  });
});
