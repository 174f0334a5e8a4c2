import request from 'supertest';
import { loadTidyTuesday } from '../bench/recommendations/tidytuesday';
import { CatalogIndexLoader } from '../src/catalog-index/catalog-index-loader';
import { CatalogMoodScorer } from '../src/catalog-index/catalog-mood-scorer';
import { HISTORY_EXAMPLE } from '../src/recommendations/dto/recommendations.examples';
import { RECOMMENDATION_PARAMETERS } from '../src/recommendations/recommendation-parameters';
import { importText } from './helpers/catalog-import';
import {
  createTestApp,
  expectErrorBody,
  SMALL_MOOD_TRAINING,
  type TestApp,
  useTestApp,
} from './helpers/create-test-app';
import { ADMIN } from './helpers/mood-data';
import { readSharedJson, readSharedText, sharedDataPath } from './helpers/shared-data';

const URL = '/api/v1/recommendations';
const sample = loadTidyTuesday(sharedDataPath('spotify_songs_dev.csv'));

/** Imports a catalog file over HTTP and waits until the in-memory index has it. */
async function importIntoCatalog(testApp: TestApp, text: string, contentType = 'text/csv') {
  const view = await importText(testApp.app, text, { contentType });
  await testApp.app.get(CatalogIndexLoader).settled();
  return view;
}

describe('/api/v1/recommendations over an empty catalog', () => {
  const { testApp, http } = useTestApp();
  beforeAll(() => testApp().app.get(CatalogIndexLoader).settled());

  it('is 503 CATALOG_EMPTY, with a hint to import one', async () => {
    const { body } = await http().get(URL).query({ seed_genres: 'pop' }).expect(503);
    expectErrorBody(body, 503, 'CATALOG_EMPTY');
    expect(body.message).toContain('catalog/imports');
  });
});

describe('/api/v1/recommendations', () => {
  let testApp: TestApp;
  const http = () => request(testApp.app.getHttpServer());
  const playlist = sample.playlists.find((p) => p.trackIds.length >= 50)!;
  const seeds = playlist.trackIds.slice(0, 3);
  const byId = new Map(sample.records.map((record) => [record.id, record]));

  beforeAll(async () => {
    testApp = await createTestApp();
    // The real sample, imported as an operator would, then loaded into the index.
    const imported = await importIntoCatalog(testApp, readSharedText('spotify_songs_dev.csv'));
    expect(imported.tracks_added).toBe(sample.records.length);
  });
  afterAll(async () => {
    await testApp.close();
  });

  it('GET with seed tracks: 20 catalog tracks, each within the bounds asked for, seeds reported', async () => {
    const { body } = await http()
      .get(URL)
      .query({
        seed_tracks: seeds.join(','),
        min_energy: 0.5,
        max_tempo: 140,
        min_popularity: 30,
        target_valence: 0.6,
        market: 'ES',
      })
      .expect(200);
    expect(body.tracks).toHaveLength(20);
    for (const track of body.tracks) {
      expect(track.features.energy).toBeGreaterThanOrEqual(0.5);
      expect(track.features.tempo).toBeLessThanOrEqual(140);
      expect(track.popularity).toBeGreaterThanOrEqual(30);
      expect(seeds).not.toContain(track.id);
      expect(track).toMatchObject({
        uri: `spotify:track:${track.id}`,
        href: `https://api.spotify.com/v1/tracks/${track.id}`,
      });
      expect(track.features).toEqual(byId.get(track.id)!.features);
    }
    expect(body.seeds).toEqual(
      seeds.map((id): unknown =>
        expect.objectContaining({
          id,
          type: 'track',
          href: `https://api.spotify.com/v1/tracks/${id}`,
        }),
      ),
    );
  });

  it('GET with an artist (by name) and a genre seed', async () => {
    const artist = byId.get(seeds[0])!.artists[0].name;
    const { body } = await http()
      .get(URL)
      .query({ seed_artists: artist, seed_genres: 'Dance-Pop', limit: 10 })
      .expect(200);
    expect(body.tracks).toHaveLength(10);
    expect(body.seeds.map((seed: { type: string }) => seed.type)).toEqual(['artist', 'genre']);
    expect(
      body.tracks.some((track: { genres: string[] }) => track.genres.includes('dance pop')),
    ).toBe(true);
  });

  it('keeps exclusions and the artist cap, and explains each track', async () => {
    const first = await http()
      .get(URL)
      .query({ seed_tracks: seeds.join(',') })
      .expect(200);
    const excluded = first.body.tracks[0];
    const { body } = await http()
      .get(URL)
      .query({
        seed_tracks: seeds.join(','),
        exclude_tracks: excluded.id,
        exclude_artists: excluded.artists[0].name,
        max_per_artist: 1,
        explain: true,
      })
      .expect(200);
    const artists = body.tracks.map(
      (track: { artists: { name: string }[] }) => track.artists[0].name,
    );
    expect(artists).not.toContain(excluded.artists[0].name);
    expect(new Set(artists).size).toBe(artists.length);
    for (const { reason } of body.tracks) {
      expect(seeds).toContain(reason.closest_seed.id);
      const sum = reason.contributions.reduce(
        (total: number, part: { value: number }) => total + part.value,
        0,
      );
      expect(sum).toBeCloseTo(reason.score, 3);
    }
  });

  it('GET with negative_seed_tracks: never returns them, and takes the penalty off tracks near them, which rank lower', async () => {
    type Reason = { score: number; negative_seed: { id: string; penalty: number } | null };
    type Answer = { id: string; reason: Reason }[];
    const query = { seed_tracks: seeds.join(','), limit: 100, explain: true };
    const without: Answer = (await http().get(URL).query(query).expect(200)).body.tracks;
    // The best track for the seeds, so the one most like them, and the tracks near it.
    const negative = without[0].id;
    const withNegative: Answer = (
      await http()
        .get(URL)
        .query({ ...query, negative_seed_tracks: `${negative},0000000000000000000000` })
        .expect(200)
    ).body.tracks;
    expect(withNegative.map((track) => track.id)).not.toContain(negative);
    const scoreBefore = new Map(without.map((track) => [track.id, track.reason.score]));
    const penalised = withNegative.filter((track) => track.reason.negative_seed !== null);
    expect(penalised.length).toBeGreaterThan(0);
    for (const { id, reason } of withNegative) {
      const penalty = reason.negative_seed?.penalty ?? 0;
      if (reason.negative_seed) expect(reason.negative_seed).toMatchObject({ id: negative });
      // The same score as without the negative seed, less the penalty the reason names.
      if (scoreBefore.has(id)) expect(reason.score).toBeCloseTo(scoreBefore.get(id)! - penalty, 3);
    }
    // Near it: the tracks of the first answer that lost a fifth of a point or more, or left the
    // answer. Each ranks no higher than before among the tracks that lost nothing, and most lower.
    // (Not one and all lower: the variety rerank no longer pays for resembling the negative seed.)
    const unpenalised = new Set(
      withNegative.filter((track) => track.reason.negative_seed === null).map((t) => t.id),
    );
    const rankAmongUnpenalised = (answer: Answer, id: string) => {
      const rank = answer.findIndex((track) => track.id === id);
      return rank < 0
        ? Infinity
        : answer.slice(0, rank).filter((t) => unpenalised.has(t.id)).length;
    };
    const near = without.slice(1).filter(({ id }) => {
      const now = withNegative.find((track) => track.id === id);
      return !now || (now.reason.negative_seed?.penalty ?? 0) >= 0.2;
    });
    expect(near.length).toBeGreaterThan(0);
    const moves = near.map(
      ({ id }) => rankAmongUnpenalised(withNegative, id) - rankAmongUnpenalised(without, id),
    );
    expect(moves.filter((move) => move < 0)).toEqual([]);
    expect(moves.filter((move) => move > 0).length).toBeGreaterThan(near.length / 2);
  });

  it.each([
    [{ seed_genres: 'pop', negative_seed_tracks: 'x'.repeat(201) }, 'negative_seed_tracks'],
    [
      { seed_genres: 'pop', negative_seed_tracks: seeds.concat(['a', 'b', 'c']).join(',') },
      'negative_seed_tracks',
    ],
    [{}, 'seed_tracks'],
    [{ seed_genres: 'a,b,c,d,e,f' }, 'seed_genres'],
    [{ seed_genres: 'pop', target_enrgy: 0.5 }, 'target_enrgy'],
    [{ seed_genres: 'pop', max_energy: 2 }, 'max_energy'],
    [{ seed_genres: 'pop', min_tempo: 150, max_tempo: 100 }, 'min_tempo'],
    [{ seed_genres: 'pop', mood: 'Happy' }, 'mood'],
  ])('GET %j is a 400 naming %s', async (query, path) => {
    const { body } = await http().get(URL).query(query).expect(400);
    expectErrorBody(body, 400, 'VALIDATION_FAILED');
    expect(body.details.map((detail: { path: string }) => detail.path)).toContain(path);
  });

  it('answers when some seeds are unknown and lists them; 404 SEED_NOT_FOUND when all are', async () => {
    const { body } = await http()
      .get(URL)
      .query({ seed_tracks: `${seeds[0]},0000000000000000000000`, seed_artists: 'Nobody At All' })
      .expect(200);
    expect(body.seeds[1]).toEqual({
      id: '0000000000000000000000',
      type: 'track',
      href: null,
      initialPoolSize: 0,
      afterFilteringSize: 0,
      afterRelinkingSize: 0,
    });
    expect(body.seeds[2]).toMatchObject({ id: 'Nobody At All', initialPoolSize: 0 });
    const missing = await http()
      .get(URL)
      .query({ seed_tracks: '0000000000000000000000', seed_genres: 'polka' })
      .expect(404);
    expectErrorBody(missing.body, 404, 'SEED_NOT_FOUND');
    expect(missing.body.details).toHaveLength(2);
  });

  it("runs Swagger's examples as they are", async () => {
    const document = await http().get('/docs-json').expect(200);
    type Parameter = { name: string; schema: { example?: unknown } };
    const parameters = document.body.paths['/api/v1/recommendations'].get.parameters as Parameter[];
    expect(parameters.map((p) => p.name).sort()).toEqual(
      RECOMMENDATION_PARAMETERS.filter((spec) => spec.calls.includes('get'))
        .map((spec) => spec.name)
        .sort(),
    );
    // Swagger UI fills each parameter in with its example.
    const example = Object.fromEntries(
      parameters
        .filter((p) => p.schema.example !== undefined)
        .map((p) => [p.name, p.schema.example]),
    );
    expect(Object.keys(example)).toContain('seed_tracks');
    await http().get(URL).query(example).expect(200);
    await http().post(URL).send(HISTORY_EXAMPLE).expect(200);
  });

  it('POST needs only the trend features: no key or time_signature is fine, no energy is a 400 by path', async () => {
    const history = readSharedJson<Record<string, unknown>[]>('trendy_metrics.json');
    const withoutKeys = history.map(({ key: _key, time_signature: _ts, ...track }) => track);
    const { body } = await http().post(URL).send(withoutKeys).expect(200);
    expect(body.tracks.length).toBeGreaterThan(0);
    const withoutEnergy = history.map((track, i) =>
      i === 2 ? { ...track, energy: undefined } : track,
    );
    const refused = await http().post(URL).send(withoutEnergy).expect(400);
    expect(refused.body.details).toEqual([{ path: 'tracks[2].energy', message: 'is required' }]);
  });

  // Last: it adds the history's own tracks to the catalog.
  it('POST of a listening history: targets equal what /metrics answers, no track of the history back', async () => {
    const history = readSharedJson<{ id: string }[]>('trendy_metrics.json');
    // The history's own tracks in the catalog (as audio-features objects), so that leaving them out
    // is something to check.
    await importIntoCatalog(testApp, JSON.stringify(history), 'application/json');
    const metrics = await http().post('/api/v1/metrics').send(history).expect(200);
    const { body } = await http().post(URL).send(history).expect(200);
    expect(body.targets).toEqual(metrics.body.metrics);
    expect(body.mood).toBeNull();
    expect(body.tracks).toHaveLength(20);
    const played = new Set(history.map((track) => track.id));
    for (const track of body.tracks) expect(played.has(track.id)).toBe(false);
    expect(body.seeds.map((seed: { id: string }) => seed.id)).toEqual(
      [...new Set(history.map((t) => t.id))].reverse().slice(0, 5),
    );
  });
});

describe('/api/v1/recommendations?mood= over the moods of catalog tracks', () => {
  let testApp: TestApp;
  const http = () => request(testApp.app.getHttpServer());
  const settled = async () => {
    await testApp.app.get(CatalogIndexLoader).settled();
    await testApp.app.get(CatalogMoodScorer).settled();
  };
  const catalogMoods = async (): Promise<Record<string, unknown>> =>
    (await http().get('/api/v1/catalog').expect(200)).body.moods as Record<string, unknown>;
  const moodShare = (
    tracks: { reason: { contributions: { factor: string; value: number }[] } }[],
  ) =>
    tracks.filter((track) =>
      track.reason.contributions.some(({ factor, value }) => factor === 'mood' && value > 0),
    ).length / tracks.length;

  beforeAll(async () => {
    testApp = await createTestApp(SMALL_MOOD_TRAINING);
    await importIntoCatalog(testApp, readSharedText('spotify_songs_dev.csv'));
  });
  afterAll(async () => {
    await testApp.close();
  });

  it("GET /catalog says no model is active, then, after a training, every track has the model's mood", async () => {
    await settled();
    expect(await catalogMoods()).toMatchObject({ status: 'no_model', model_id: null });
    const { body: run } = await http().get('/api/v1/default_train_mood').set(ADMIN).expect(200);
    await settled();
    expect(await catalogMoods()).toMatchObject({
      status: 'done',
      model_id: run.model_id,
      scored: sample.records.length,
      to_score: sample.records.length,
    });
  });

  it('mood= prefers tracks the active model predicts in that mood, and says so in each reason', async () => {
    const { body: model } = await http().get('/api/v1/mood/model').expect(200);
    const mood: string = model.labels[0];
    const query = { seed_genres: 'rock', explain: true, limit: 50 };
    const plain = (await http().get(URL).query(query).expect(200)).body.tracks;
    const moody = (
      await http()
        .get(URL)
        .query({ ...query, mood })
        .expect(200)
    ).body.tracks;
    expect(moodShare(moody)).toBeGreaterThan(0.5);
    // Without mood= no track has a mood contribution.
    expect(moodShare(plain)).toBe(0);
    // The model itself agrees: a track with a mood contribution is predicted in that mood.
    const chosen = moody.find((track: { reason: { contributions: { factor: string }[] } }) =>
      track.reason.contributions.some(({ factor }) => factor === 'mood'),
    );
    const predicted = await http()
      .post('/api/v1/predict_mood')
      .send([{ id: chosen.id, ...chosen.features }])
      .expect(200);
    expect(predicted.body.tracks[0].mood).toBe(mood);
  });

  it('scores tracks an import adds, and everything again after another model is activated', async () => {
    const before = await catalogMoods();
    const history = readSharedJson<{ id: string }[]>('trendy_metrics.json');
    await importIntoCatalog(testApp, JSON.stringify(history), 'application/json');
    await settled();
    const added = await catalogMoods();
    expect(added).toMatchObject({ status: 'done', model_id: before.model_id });
    expect(added.to_score).toBeLessThanOrEqual(history.length);
    const { body: run } = await http().get('/api/v1/default_train_mood').set(ADMIN).expect(200);
    await settled();
    const after = await catalogMoods();
    expect(after).toMatchObject({ status: 'done', model_id: run.model_id });
    expect(after.model_id).not.toBe(before.model_id);
    expect(after.scored).toBeGreaterThan(sample.records.length);
  });
});
