import { CatalogIndex, COLUMN_COUNT, INDEX_COLUMNS } from '../catalog-index/catalog-index';
import type { CatalogFeatures, CatalogTrackRecord } from '../catalog/catalog-track';
import { AUDIO_FEATURES } from '../common/tracks';
import { requestFor } from '../../test/helpers/recommendations';
import { compilePlan } from './query-plan';
import type { RecommendationRequest, SeedInput } from './recommendation-request';
import { DEFAULT_WEIGHTS, type RecommendationWeights } from './recommendation-weights';

/**
 * A catalog small enough to score by hand. Energy, valence and danceability are 0 or 1 on the
 * tracks that have them: mean 0.5, standard deviation 0.5, so every known value is z = ±1.
 *
 *        energy valence danceability  artists   album    genres     popularity  mood
 *   A      0      0        0          X         album-A  rock       80          happy 0.75
 *   B      0      1        1          Y, X      album-B  pop, rock  20          calm 0.5
 *   C      1      0        0          Z         album-A  pop        50          happy 0.25
 *   D      1      1        1          W         album-D  —          unknown     —
 *   E   unknown unknown unknown       V         album-E  —          0           —
 *
 * Only A has a speechiness (0.1); no track has a tempo.
 */
const NO_FEATURES = Object.fromEntries(AUDIO_FEATURES.map((f) => [f, null])) as CatalogFeatures;

function track(
  id: string,
  features: Partial<CatalogFeatures>,
  rest: Pick<CatalogTrackRecord, 'popularity' | 'genres'> & { artists: string[]; album: string },
): CatalogTrackRecord {
  return {
    id,
    name: `Song ${id}`,
    artists: rest.artists.map((name) => ({ id: null, name })),
    album: { id: rest.album, name: rest.album, release_date: '2020', year: 2020 },
    popularity: rest.popularity,
    explicit: false,
    genres: rest.genres,
    features: { ...NO_FEATURES, ...features },
  };
}

const IDS = ['A', 'B', 'C', 'D', 'E'] as const;
type Id = (typeof IDS)[number];

function handCatalog(): CatalogIndex {
  const index = CatalogIndex.fromRecords([
    track(
      'A',
      { energy: 0, valence: 0, danceability: 0, speechiness: 0.1 },
      { artists: ['X'], album: 'album-A', genres: ['rock'], popularity: 80 },
    ),
    track(
      'B',
      { energy: 0, valence: 1, danceability: 1 },
      { artists: ['Y', 'X'], album: 'album-B', genres: ['pop', 'rock'], popularity: 20 },
    ),
    track(
      'C',
      { energy: 1, valence: 0, danceability: 0 },
      { artists: ['Z'], album: 'album-A', genres: ['pop'], popularity: 50 },
    ),
    track(
      'D',
      { energy: 1, valence: 1, danceability: 1 },
      { artists: ['W'], album: 'album-D', genres: [], popularity: null },
    ),
    track('E', {}, { artists: ['V'], album: 'album-E', genres: [], popularity: 0 }),
  ]);
  index.setMoodLabels(['calm', 'happy']);
  index.setMoods(['A', 'B', 'C'], [1, 0, 1], [0.75, 0.5, 0.25]);
  return index;
}

const NO_FEATURE_WEIGHTS = Object.fromEntries(INDEX_COLUMNS.map((c) => [c, 0])) as Record<
  (typeof INDEX_COLUMNS)[number],
  number
>;

/** Closeness on energy (weight 3) and valence (weight 1): 0.75 and 0.25 once they add up to 1. */
const CLOSENESS_ONLY: RecommendationWeights = {
  ...DEFAULT_WEIGHTS,
  features: { ...NO_FEATURE_WEIGHTS, energy: 3, valence: 1 },
  nearest: 1,
  targets: 1,
  sameArtist: 0,
  sameAlbum: 0,
  genre: 0,
  genreRarity: 0,
  mood: 0,
  popularity: 0,
  popularityWithoutSeedTracks: 0,
};

/** The default bonuses alone (no closeness, no targets). */
const BONUSES_ONLY: RecommendationWeights = { ...DEFAULT_WEIGHTS, nearest: 0, targets: 0 };

const trackSeed = (id: string): SeedInput => ({ type: 'track', id });
const genreSeed = (id: string): SeedInput => ({ type: 'genre', id });

describe('ScoringTerms (costs worked out by hand)', () => {
  const index = handCatalog();

  function scores(
    seeds: SeedInput[],
    weights: RecommendationWeights,
    options: Partial<RecommendationRequest> = {},
  ): Record<Id, number> {
    const { plan } = compilePlan(index, requestFor(seeds, options), weights);
    return Object.fromEntries(IDS.map((id) => [id, plan.terms.score(index.slotOf(id)!)])) as Record<
      Id,
      number
    >;
  }

  function expectScores(actual: Record<Id, number>, expected: Record<Id, number>): void {
    for (const id of IDS) {
      if (expected[id] === -Infinity) expect([id, actual[id]]).toEqual([id, -Infinity]);
      else expect([id, actual[id]]).toEqual([id, expect.closeTo(expected[id], 12)]);
    }
  }

  it('costs the weighted squared standardised difference to the nearest seed, weights adding up to 1', () => {
    // To A (z −1, −1): B differs on valence by 2 sd (0.25 × 4), C on energy (0.75 × 4), D on both.
    expectScores(scores([trackSeed('A')], CLOSENESS_ONLY), {
      A: 0,
      B: -1,
      C: -3,
      D: -4,
      E: -2,
    });
    // The nearest of two seeds, not their average (z 0, 0), which would cost A and D 1 each.
    expectScores(scores([trackSeed('A'), trackSeed('D')], CLOSENESS_ONLY), {
      A: 0,
      B: -1,
      C: -1,
      D: 0,
      E: -2,
    });
    expectScores(scores([trackSeed('A')], { ...CLOSENESS_ONLY, nearest: 2 }), {
      A: 0,
      B: -2,
      C: -6,
      D: -8,
      E: -4,
    });
  });

  it('costs a value one side lacks 1 + z² of the other side, and 2 when both lack it', () => {
    // A seed outside the catalog, by its own values: energy unknown, valence 1 (z +1).
    const values = new Float64Array(COLUMN_COUNT).fill(NaN);
    values[INDEX_COLUMNS.indexOf('valence')] = 1;
    const outside: SeedInput = { type: 'track', id: 'outside', values };
    // Energy: 0.75 × (1 + 1) for every known track, 0.75 × 2 for E. Valence: 0.25 × (z − 1)², and
    // 0.25 × (1 + 1) for E, which lacks it.
    expectScores(scores([outside], CLOSENESS_ONLY), {
      A: -2.5,
      B: -1.5,
      C: -2.5,
      D: -1.5,
      E: -2,
    });
  });

  it('lets a feature no track has change no ranking: it costs every track the same', () => {
    // Tempo weighs 1 too: weights 0.6, 0.2 and 0.2; tempo is unknown on both sides, 0.2 × 2.
    const withTempo = {
      ...CLOSENESS_ONLY,
      features: { ...CLOSENESS_ONLY.features, tempo: 1 },
    };
    expectScores(scores([trackSeed('A')], withTempo), {
      A: -0.4,
      B: -1.2,
      C: -2.8,
      D: -3.6,
      E: -2,
    });
  });

  it('pulls toward each target alike, whatever the feature weights: targets × their mean cost', () => {
    // Energy 1 (z +1) and valence 0.5 (z 0): each target's (z − z_target)², averaged.
    const targets = { energy: 1, valence: 0.5 };
    expectScores(scores([trackSeed('A')], CLOSENESS_ONLY, { targets }), {
      A: 0 - (4 + 1) / 2,
      B: -1 - (4 + 1) / 2,
      C: -3 - (0 + 1) / 2,
      D: -4 - (0 + 1) / 2,
      // Targets against unknown values: 1 + z(target)².
      E: -2 - (2 + 1) / 2,
    });
    expectScores(scores([trackSeed('A')], { ...CLOSENESS_ONLY, targets: 2 }, { targets }), {
      A: -5,
      B: -6,
      C: -4,
      D: -5,
      E: -5,
    });
    // Without seeds, targets alone, also on a feature closeness does not weigh (danceability).
    expectScores(scores([], CLOSENESS_ONLY, { targets: { danceability: 1 } }), {
      A: -4,
      B: 0,
      C: -4,
      D: 0,
      E: -2,
    });
  });

  it('leaves out a track outside a min/max bound or without the value; bounds are inclusive as stored', () => {
    const seeds = [trackSeed('A')];
    expectScores(scores(seeds, CLOSENESS_ONLY, { min: { energy: 1 } }), {
      A: -Infinity,
      B: -Infinity,
      C: -3,
      D: -4,
      E: -Infinity,
    });
    expectScores(scores(seeds, CLOSENESS_ONLY, { max: { valence: 0 } }), {
      A: 0,
      B: -Infinity,
      C: -3,
      D: -Infinity,
      E: -Infinity,
    });
    // 0.1 is stored as the float32 nearest it, a little above 0.1: still within [0.1, 0.1].
    expectScores(
      scores(seeds, CLOSENESS_ONLY, { min: { speechiness: 0.1 }, max: { speechiness: 0.1 } }),
      {
        A: 0,
        B: -Infinity,
        C: -Infinity,
        D: -Infinity,
        E: -Infinity,
      },
    );
  });

  it("adds 1 × a seed's artist, 1 × a seed track's album, 4 × the seeds' genre share, 0.5 × P(mood)", () => {
    // Seeds A (rock) and the genre pop: each genre carried by one seed, so each is half the weight.
    expectScores(scores([trackSeed('A'), genreSeed('pop')], BONUSES_ONLY, { mood: 'happy' }), {
      A: 1 + 1 + 4 * 0.5 + 0.5 * 0.75,
      B: 1 + 4 * 1 + 0,
      C: 1 + 4 * 0.5 + 0.5 * 0.25,
      D: 0,
      E: 0,
    });
    // Rock carried by two seeds (A and the genre), pop by one: two thirds and a third.
    expectScores(scores([trackSeed('A'), genreSeed('rock'), genreSeed('pop')], BONUSES_ONLY), {
      A: 1 + 1 + (4 * 2) / 3,
      B: 1 + 4,
      C: 1 + 4 / 3,
      D: 0,
      E: 0,
    });
  });

  it('with seed genres only, adds 1 × popularity/100 (no popularity bonus with seed tracks)', () => {
    expectScores(scores([genreSeed('pop')], BONUSES_ONLY), {
      A: 0.8,
      B: 4 + 0.2,
      C: 4 + 0.5,
      D: 0,
      E: 0,
    });
  });

  it('takes negativeSeed × max(0, 1 − d/radius) off, d the closeness distance to the nearest negative seed', () => {
    // Weight 2, radius 2; no seed, so the penalty is the whole score. To A: B is 1 apart (cost 1),
    // C √3, E (no values) √2 on average, D 2: the radius, no penalty.
    const negative = { ...CLOSENESS_ONLY, negativeSeed: 2, negativeSeedRadius: 2 };
    expectScores(scores([], negative, { negativeTracks: ['A'] }), {
      A: -2,
      B: -2 * (1 - 1 / 2),
      C: -2 * (1 - Math.sqrt(3) / 2),
      D: 0,
      E: -2 * (1 - Math.sqrt(2) / 2),
    });
    // The nearest of two negative seeds: C is 1 from D. A negative seed the catalog lacks is
    // ignored.
    expectScores(scores([], negative, { negativeTracks: ['A', 'nowhere', 'D'] }), {
      A: -2,
      B: -1,
      C: -1,
      D: -2,
      E: -2 * (1 - Math.sqrt(2) / 2),
    });
    // Beside a seed: closeness to A, minus the penalty for nearness to D.
    expectScores(scores([trackSeed('A')], negative, { negativeTracks: ['D'] }), {
      A: 0,
      B: -1 - 2 * (1 - Math.sqrt(3) / 2),
      C: -3 - 1,
      D: -4 - 2,
      E: -2 - 2 * (1 - Math.sqrt(2) / 2),
    });
    // Weight 0: no penalty at all.
    const unweighted = { ...negative, negativeSeed: 0 };
    expectScores(scores([trackSeed('A')], unweighted, { negativeTracks: ['D'] }), {
      A: 0,
      B: -1,
      C: -3,
      D: -4,
      E: -2,
    });
  });

  it('never recommends a negative seed', () => {
    const { plan } = compilePlan(
      index,
      requestFor([trackSeed('A')], { negativeTracks: ['C'] }),
      DEFAULT_WEIGHTS,
    );
    expect(IDS.filter((id) => !plan.allowed(index.slotOf(id)!))).toEqual(['A', 'C']);
  });

  it('rates the similarity of two tracks as exp(−closeness cost)', () => {
    const { plan } = compilePlan(index, requestFor([trackSeed('A')]), CLOSENESS_ONLY);
    const similarity = (a: Id, b: Id) => plan.terms.similarity(index.slotOf(a)!, index.slotOf(b)!);
    expect(similarity('A', 'B')).toBeCloseTo(Math.exp(-1), 12);
    expect(similarity('A', 'D')).toBeCloseTo(Math.exp(-4), 12);
    expect(similarity('B', 'C')).toBeCloseTo(Math.exp(-4), 12);
    expect(similarity('A', 'E')).toBeCloseTo(Math.exp(-2), 12);
    expect(similarity('E', 'E')).toBeCloseTo(Math.exp(-2), 12);
    expect(similarity('C', 'C')).toBe(1);
  });
});
