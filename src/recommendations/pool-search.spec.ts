import { CatalogIndex, COLUMN_RULES, INDEX_COLUMNS } from '../catalog-index/catalog-index';
import { seededRandom } from '../common/numeric';
import { randomCatalog, typicalRange } from '../../test/helpers/catalog-records';
import { exhaustiveSearch, requestFor } from '../../test/helpers/recommendations';
import { LEARNT_RANKING } from './learnt-ranking-weights';
import { treeSearch } from './pool-search';
import { QueryPlan } from './query-plan';
import { RecommendationEngine } from './recommendation-engine';
import type { ColumnValues, RecommendationRequest, SeedInput } from './recommendation-request';
import { DEFAULT_WEIGHTS, type RecommendationWeights } from './recommendation-weights';
import { ScoringTerms } from './scoring-terms';

const MOODS = ['calm', 'happy', 'sad'];

function withMoods(index: CatalogIndex, random: () => number): CatalogIndex {
  index.setMoodLabels(MOODS);
  const ids: string[] = [];
  const labels: number[] = [];
  const probabilities: number[] = [];
  const { slotCount, live } = index.columns();
  for (let slot = 0; slot < slotCount; slot++) {
    if (!live[slot] || random() < 0.3) continue;
    ids.push(index.idOf(slot));
    labels.push(Math.floor(random() * MOODS.length));
    probabilities.push(Math.round(random() * 100) / 100);
  }
  index.setMoods(ids, labels, probabilities);
  return index;
}

function randomValue(random: () => number, column: (typeof INDEX_COLUMNS)[number]): number {
  const rule = COLUMN_RULES[column];
  const [min, max] = typicalRange(column);
  const value = min + random() * (max - min);
  return rule.integer ? Math.round(value) : value;
}

function randomRequest(random: () => number, index: CatalogIndex): RecommendationRequest {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const someId = () => index.idOf(Math.floor(random() * index.columns().slotCount));
  const seeds: SeedInput[] = Array.from({ length: 1 + Math.floor(random() * 5) }, () => {
    const kind = random();
    if (kind < 0.55) return { type: 'track', id: random() < 0.1 ? 'unknown-track' : someId() };
    if (kind < 0.8)
      return { type: 'artist', id: pick(['artist1', 'Artist 3', 'artist4', 'ARTIST 6', 'nobody']) };
    return { type: 'genre', id: pick(['genre 1', 'Genre-2', 'genre 5', 'no genre']) };
  });
  const columns = (count: number) => Array.from({ length: count }, () => pick(INDEX_COLUMNS));
  const targets: ColumnValues = {};
  for (const column of columns(Math.floor(random() * 4)))
    targets[column] = randomValue(random, column);
  const min: ColumnValues = {};
  const max: ColumnValues = {};
  for (const column of columns(Math.floor(random() * 3))) {
    const [a, b] = [randomValue(random, column), randomValue(random, column)].sort((x, y) => x - y);
    if (random() < 0.7) min[column] = a;
    if (random() < 0.7) max[column] = b;
  }
  return {
    seeds,
    targets,
    min,
    max,
    limit: 1 + Math.floor(random() * 30),
    maxPerArtist: 1 + Math.floor(random() * 3),
    excludeTracks: random() < 0.3 ? [someId(), someId()] : [],
    // Negative seeds, now and then one the catalog lacks.
    negativeTracks:
      random() < 0.5
        ? Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
            random() < 0.1 ? 'unknown-track' : someId(),
          )
        : [],
    excludeArtists: random() < 0.2 ? ['artist2', 'Artist 5'] : [],
    mood: random() < 0.4 ? pick(MOODS) : undefined,
    explain: true,
  };
}

function randomWeights(random: () => number): RecommendationWeights {
  if (random() < 0.3) return { ...DEFAULT_WEIGHTS };
  const weight = (scale: number) =>
    random() < 0.25 ? 0 : Math.round(random() * scale * 100) / 100;
  return {
    ...DEFAULT_WEIGHTS,
    features: Object.fromEntries(
      INDEX_COLUMNS.map((column) => [column, weight(2)]),
    ) as RecommendationWeights['features'],
    nearest: weight(4),
    targets: weight(4),
    sameArtist: weight(4),
    sameAlbum: weight(4),
    genre: weight(8),
    genreRarity: Math.floor(random() * 3),
    mood: weight(4),
    popularity: weight(2),
    popularityWithoutSeedTracks: weight(2),
    negativeSeed: weight(4),
    negativeSeedRadius: weight(2),
    diversity: weight(1),
    poolFactor: 1 + Math.floor(random() * 5),
  };
}

/**
 * The engine's whole answer with either pool search: the tracks, their reasons and the seed counts;
 * with the first stage alone (every weight set as drawn) and then with the learnt second stage
 * (its pool drawn with the ranking's pool weights).
 */
function answers(
  index: CatalogIndex,
  request: RecommendationRequest,
  weights: RecommendationWeights,
) {
  return [null, LEARNT_RANKING].map((ranking) =>
    [treeSearch, exhaustiveSearch].map((search) =>
      new RecommendationEngine(weights, search, ranking).recommend(index, request),
    ),
  );
}

describe('tree search (exactness against the exhaustive scan)', () => {
  it('gives the same answers on 150 random catalogs, requests and weight sets', () => {
    for (let run = 0; run < 150; run++) {
      const random = seededRandom(1000 + run);
      const records = randomCatalog(random, 200 + Math.floor(random() * 1500), {
        missing: random() < 0.5 ? 0.1 : 0,
        absent: random() < 0.3 ? ['time_signature'] : [],
        coarse: random() < 0.3,
      });
      const index = withMoods(
        CatalogIndex.fromRecords(records, { leafSize: 4 + Math.floor(random() * 30) }),
        random,
      );
      const weights = randomWeights(random);
      for (let query = 0; query < 4; query++) {
        const request = randomRequest(random, index);
        for (const [tree, exhaustive] of answers(index, request, weights))
          expect(tree).toEqual(exhaustive);
      }
    }
  });

  it('gives the same pools of every size and artist quota, ties by id included, when most tracks tie', () => {
    const random = seededRandom(7);
    // Two-decimal values and few distinct popularity values: many equal scores.
    const records = randomCatalog(random, 3000, { coarse: true, missing: 0.05 });
    const index = CatalogIndex.fromRecords(records, { leafSize: 8 });
    for (let query = 0; query < 30; query++) {
      const request = randomRequest(random, index);
      const plan = new QueryPlan(index, planOf(index, request), {
        ...DEFAULT_WEIGHTS,
        features: { ...DEFAULT_WEIGHTS.features, tempo: 0 },
      });
      for (const size of [1, 7, 50, 400]) {
        for (const perArtist of [1, 3, Infinity]) {
          expect(treeSearch(plan, { size, perArtist })).toEqual(
            exhaustiveSearch(plan, { size, perArtist }),
          );
        }
      }
    }
  });

  it('stays exact after upserts (new tracks in the tail, changed tracks widening bounds) and removals', () => {
    const random = seededRandom(99);
    const records = randomCatalog(random, 2000);
    const index = withMoods(CatalogIndex.fromRecords(records), random);
    const changed = randomCatalog(random, 300).map((record, i) => ({
      ...record,
      id: records[i * 5].id,
    }));
    index.upsert(changed);
    index.upsert(randomCatalog(random, 200, { idPrefix: 'new' }));
    index.remove(records.slice(1000, 1300).map((record) => record.id));
    index.setMoods(['new000001', records[0].id], [2, 1], [0.99, 0.98]);
    for (let query = 0; query < 40; query++) {
      const request = randomRequest(random, index);
      for (const [tree, exhaustive] of answers(index, request, randomWeights(random))) {
        expect(tree).toEqual(exhaustive);
        const returned = new Set(tree.tracks.map((track) => track.id));
        for (const removed of records.slice(1000, 1300))
          expect(returned.has(removed.id)).toBe(false);
      }
    }
  });

  it('skips most of a large catalog of clustered tracks (the bounds prune)', () => {
    const random = seededRandom(5);
    // Audio features move together (energy, loudness and acousticness; tempo and danceability…):
    // 400 songs from three hidden traits, 50 near copies of each (versions, remixes, similar
    // songs), one genre for all, so that only the closeness bounds can rule tracks out.
    const songs = randomCatalog(random, 400, { missing: 0, artists: 400 }).map((song) => {
      const [a, b, c] = [random(), random(), random()];
      const features = {
        ...song.features,
        energy: a,
        loudness: -40 + 40 * a,
        acousticness: 1 - a,
        danceability: b,
        tempo: 60 + 140 * b,
        valence: (b + c) / 2,
        speechiness: c / 3,
        instrumentalness: 1 - c,
        liveness: c / 2,
        duration_ms: Math.round(60000 + 340000 * c),
      };
      return { ...song, features, genres: ['pop'] };
    });
    const records = songs.flatMap((song) =>
      Array.from({ length: 50 }, (_, copy) => ({
        ...song,
        id: `${song.id}-${copy}`,
        features: Object.fromEntries(
          Object.entries(song.features).map(([feature, value]) => [
            feature,
            value === null ? null : value * (1 + 0.02 * (random() - 0.5)),
          ]),
        ) as typeof song.features,
      })),
    );
    const index = CatalogIndex.fromRecords(records, { splitWeights: DEFAULT_WEIGHTS.features });
    const request = requestFor(
      [0, 1, 2].map((i) => ({ type: 'track', id: records[i * 977].id })),
      { targets: { energy: 0.5 } },
    );
    const score = jest.spyOn(ScoringTerms.prototype, 'score');
    // The first stage at its own pool (4 × limit); the second stage's pool (15 × limit) scores
    // about 22 % of this catalog, its cost is measured by bench:recommendations.
    new RecommendationEngine(DEFAULT_WEIGHTS, treeSearch, null).recommend(index, request);
    expect(score.mock.calls.length).toBeLessThan(index.size / 8);
    score.mockRestore();
  });
});

/** The plan the engine would compile for a request (through a throw-away engine run's pieces). */
function planOf(index: CatalogIndex, request: RecommendationRequest) {
  const slots = request.seeds.flatMap((seed) =>
    seed.type === 'track' && index.slotOf(seed.id) !== undefined ? [index.slotOf(seed.id)!] : [],
  );
  const negatives = request.negativeTracks.flatMap((id) =>
    index.slotOf(id) !== undefined ? [{ id, slot: index.slotOf(id)! }] : [],
  );
  return {
    points: slots.map((slot, seed) => ({
      seed,
      values: index.columns().values.subarray(slot * 14, slot * 14 + 14),
    })),
    targets: Object.entries(request.targets).map(([column, value]) => ({
      column: INDEX_COLUMNS.indexOf(column as never),
      value: value,
    })),
    filters: [],
    affinityArtists: new Set(slots.flatMap((slot) => [...index.artistsOf(slot)])),
    affinityAlbums: new Set(slots.map((slot) => index.albumOf(slot))),
    genreWeights: new Map<number, number>(),
    moodLabel: -1,
    negativePoints: negatives.map(({ id, slot }) => ({
      id,
      values: index.columns().values.subarray(slot * 14, slot * 14 + 14),
    })),
    excludedSlots: new Set([...slots, ...negatives.map(({ slot }) => slot)]),
    excludedArtists: new Set<number>(),
  };
}
