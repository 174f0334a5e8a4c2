import request from 'supertest';
import { loadTidyTuesday } from '../bench/recommendations/tidytuesday';
import { CatalogHarvester } from '../src/catalog/catalog-harvester';
import type { CatalogTrackRecord } from '../src/catalog/catalog-track';
import { CatalogIndexLoader } from '../src/catalog-index/catalog-index-loader';
import { CatalogIndexRef } from '../src/catalog-index/catalog-index-ref';
import { CatalogMoodScorer } from '../src/catalog-index/catalog-mood-scorer';
import { LISTENING_EXAMPLES } from '../src/common/listening/listening-examples';
import { AUDIO_FEATURES } from '../src/common/tracks';
import { importText } from './helpers/catalog-import';
import {
  createTestApp,
  expectErrorBody,
  SMALL_MOOD_TRAINING,
  type TestApp,
} from './helpers/create-test-app';
import { buildListeningExports, isRightSong } from './helpers/listening-exports';
import { ADMIN } from './helpers/mood-data';
import { sharedDataPath } from './helpers/shared-data';

const sample = loadTidyTuesday(sharedDataPath('spotify_songs_dev.csv'));
const exportsOfSample = buildListeningExports(sample.records, { plays: 600, seed: 7 });
const byId = new Map(sample.records.map((record) => [record.id, record]));

/** The catalog as NDJSON of track views, the format an export of the catalog has. */
const ndjson = (records: readonly CatalogTrackRecord[]) =>
  records.map((record) => JSON.stringify(record)).join('\n');

type Body = Record<string, unknown>;

/** A play of a catalog track every three minutes, from 2026-11-30 18:00 UTC. */
const playedAt = (i: number) => new Date(Date.UTC(2026, 10, 30, 18, 3 * i)).toISOString();

describe('listening data as clients hold it', () => {
  let testApp: TestApp;
  const http = () => request(testApp.app.getHttpServer());
  // A listener's history: 40 plays of one playlist's tracks (some repeated).
  const playlist = sample.playlists.find((p) => p.trackIds.length >= 30)!;
  const plays = Array.from({ length: 40 }, (_, i) => playlist.trackIds[(i * 7) % 30]).filter((id) =>
    exportsOfSample.catalog.some((record) => record.id === id),
  );

  beforeAll(async () => {
    testApp = await createTestApp(SMALL_MOOD_TRAINING);
    await importText(testApp.app, ndjson(exportsOfSample.catalog), {
      contentType: 'application/x-ndjson',
    });
    await testApp.app.get(CatalogIndexLoader).settled();
    await http().get('/api/v1/default_train_mood').set(ADMIN).expect(200);
    // Every catalog track has the new model's mood before the first recommendation.
    await testApp.app.get(CatalogMoodScorer).settled();
  });
  afterAll(async () => {
    await testApp?.close();
  });

  describe('an ids-only history answers as the same history with the features inlined', () => {
    const index = () => testApp.app.get(CatalogIndexRef).current;
    /** The catalog's own features of each play, as a client that had them would send them. */
    const inlined = () =>
      plays.map((id, i) => {
        const { features } = index().record(index().slotOf(id)!);
        return { id, played_at: playedAt(i), ...features };
      });
    const idsOnly = () => plays.map((id, i) => ({ id, played_at: playedAt(i) }));

    it('POST /recommendations: the same tracks in the same order, the same targets and mood', async () => {
      const features = (await http().post('/api/v1/recommendations').send(inlined()).expect(200))
        .body;
      const ids = (await http().post('/api/v1/recommendations').send(idsOnly()).expect(200)).body;
      expect(ids.tracks.map((t: Body) => t.id)).toEqual(features.tracks.map((t: Body) => t.id));
      expect(ids.tracks.length).toBeGreaterThan(0);
      for (const [metric, value] of Object.entries(features.targets as Record<string, number>)) {
        expect(ids.targets[metric]).toBeCloseTo(value, 5);
      }
      expect(ids.mood).toEqual(features.mood);
      expect(features.resolved).toEqual({
        given: plays.length,
        by_id: 0,
        by_name: 0,
        unresolved: 0,
      });
      expect(ids.resolved).toEqual({ given: 0, by_id: plays.length, by_name: 0, unresolved: 0 });
    });

    it('POST /predict_mood and POST /metrics: the same probabilities and targets', async () => {
      type MoodAnswer = { mood: string; probabilities: Record<string, number>; tracks: Body[] };
      const moodOf = async (body: object): Promise<MoodAnswer> =>
        (await http().post('/api/v1/predict_mood').send(body).expect(200)).body as MoodAnswer;
      const [features, ids] = [await moodOf(inlined()), await moodOf(idsOnly())];
      expect(ids.mood).toBe(features.mood);
      for (const [mood, p] of Object.entries(features.probabilities)) {
        expect(ids.probabilities[mood]).toBeCloseTo(p, 5);
      }
      expect(ids.tracks.map((t) => [t.id, t.resolved_by])).toEqual(plays.map((id) => [id, 'id']));
      expect(features.tracks[0].resolved_by).toBe('features');

      const metricsOf = async (body: object): Promise<Record<string, number>> =>
        (await http().post('/api/v1/metrics').send(body).expect(200)).body.metrics as Record<
          string,
          number
        >;
      const [inlinedTargets, idTargets] = [await metricsOf(inlined()), await metricsOf(idsOnly())];
      for (const [metric, value] of Object.entries(inlinedTargets)) {
        expect(idTargets[metric]).toBeCloseTo(value, 5);
      }
    });

    it('POST /similarity: the same neighbours, each with its catalog id and how it resolved', async () => {
      const similar = async (body: object): Promise<Body> =>
        (await http().post('/api/v1/similarity').send(body).expect(200)).body as Body;
      const [features, ids] = [await similar(inlined()), await similar(idsOnly())];
      const neighbours = (answer: Body) =>
        (answer.results as { neighbours: { track: Body }[] }[]).map((result) =>
          result.neighbours.map((n) => n.track.id),
        );
      expect(neighbours(ids)).toEqual(neighbours(features));
      expect((ids.results as { query: Body }[])[0].query.resolved_by).toBe('id');
    });
  });

  describe('Spotify Web API answers, ids, URIs and links are read by their shape', () => {
    const trackObject = (id: string) => {
      const record = byId.get(id)!;
      return {
        id,
        name: record.name,
        type: 'track',
        uri: `spotify:track:${id}`,
        artists: record.artists.map((a) => ({ id: a.id, name: a.name, type: 'artist' })),
        duration_ms: record.features.duration_ms,
        is_local: false,
      };
    };
    const shapes: [string, () => unknown][] = [
      ['bare ids', () => plays.slice(0, 6)],
      [
        'URIs and links',
        () =>
          plays
            .slice(0, 6)
            .map((id, i) =>
              i % 2 ? `spotify:track:${id}` : `https://open.spotify.com/track/${id}?si=abc`,
            ),
      ],
      [
        '{id}/{uri} objects with played_at',
        () =>
          plays
            .slice(0, 6)
            .map((id, i) =>
              i % 2
                ? { id, played_at: playedAt(i) }
                : { uri: `spotify:track:${id}`, played_at: playedAt(i) },
            ),
      ],
      ['a track object', () => trackObject(plays[0])],
      [
        'recently played',
        () => ({
          items: plays
            .slice(0, 6)
            .map((id, i) => ({ track: trackObject(id), played_at: playedAt(i), context: null })),
          cursors: { after: '1', before: '0' },
          limit: 6,
          next: null,
        }),
      ],
      [
        'top tracks',
        () => ({
          items: plays.slice(0, 6).map(trackObject),
          total: 6,
          limit: 20,
          offset: 0,
          next: null,
          previous: null,
          href: 'https://api.spotify.com/v1/me/top/tracks',
        }),
      ],
      [
        'saved tracks',
        () => ({
          items: plays
            .slice(0, 6)
            .map((id, i) => ({ added_at: playedAt(i), track: trackObject(id) })),
        }),
      ],
      [
        'playlist items (track)',
        () => ({
          items: plays
            .slice(0, 6)
            .map((id, i) => ({ added_at: playedAt(i), is_local: false, track: trackObject(id) })),
        }),
      ],
      [
        'playlist items (item, February 2026)',
        () => ({
          items: plays
            .slice(0, 6)
            .map((id, i) => ({ added_at: playedAt(i), is_local: false, item: trackObject(id) })),
        }),
      ],
      [
        'ListenBrainz listens',
        () => ({
          payload: {
            count: 6,
            listens: plays.slice(0, 6).map((id, i) => ({
              listened_at: 1764525600 + i * 180,
              track_metadata: {
                artist_name: byId.get(id)!.artists[0].name,
                track_name: byId.get(id)!.name,
                additional_info: { spotify_id: `https://open.spotify.com/track/${id}` },
              },
            })),
          },
        }),
      ],
    ];

    it.each(shapes)('%s: predict_mood resolves every row by id', async (_, body) => {
      const answer = (
        await http()
          .post('/api/v1/predict_mood')
          .send(body() as object)
          .expect(200)
      ).body;
      const rows =
        Array.isArray(body()) || 'items' in (body() as Body) || 'payload' in (body() as Body)
          ? answer.tracks.length
          : 1;
      expect(answer.resolved).toEqual({ given: 0, by_id: rows, by_name: 0, unresolved: 0 });
      expect(answer.skipped).toEqual([]);
      for (const track of answer.tracks) expect(byId.has(track.id)).toBe(true);
    });

    it('ListenBrainz export lines (JSON Lines) are read as the same listens', async () => {
      const listens = (shapes[9][1]() as { payload: { listens: unknown[] } }).payload.listens;
      const lines = listens.map((listen) => JSON.stringify(listen)).join('\n');
      const answer = (
        await http()
          .post('/api/v1/predict_mood')
          .set('Content-Type', 'application/x-ndjson')
          .send(lines)
          .expect(200)
      ).body;
      expect(answer.resolved.by_id).toBe(6);
    });

    it("Swagger's example of each shape answers", async () => {
      // The examples name tracks of the full TidyTuesday file; those of the sample resolve.
      for (const [name, example] of Object.entries(LISTENING_EXAMPLES)) {
        const answer = await http().post('/api/v1/predict_mood').send(example.value);
        expect([name, answer.status]).toEqual([name, 200]);
      }
    });

    it('a body of no known shape is a 400 that lists the shapes accepted', async () => {
      const response = await http().post('/api/v1/metrics').send({ plays: plays }).expect(400);
      expectErrorBody(response.body, 400, 'VALIDATION_FAILED');
      expect(response.body.details[0].path).toBe('body');
      expect(response.body.message).toMatch(/recently played/);
    });

    it('local files and podcast episodes are skipped with their reason', async () => {
      const local = {
        ...trackObject(plays[0]),
        id: null,
        uri: 'spotify:local:a:b:c:180',
        is_local: true,
      };
      const episode = {
        id: '512ojhOuo1ktJprKbVcKyQ',
        type: 'episode',
        name: 'An episode',
        uri: 'spotify:episode:512ojhOuo1ktJprKbVcKyQ',
      };
      const body = {
        items: [local, episode, ...plays.slice(0, 3).map(trackObject)].map((item, i) => ({
          added_at: playedAt(i),
          is_local: item === local,
          item,
        })),
      };
      const answer = (await http().post('/api/v1/predict_mood').send(body).expect(200)).body;
      expect(answer.tracks).toHaveLength(3);
      expect(answer.skipped.map((s: Body) => s.row)).toEqual([0, 1]);
      for (const skip of answer.skipped) expect(skip.reason).toMatch(/local|episode|podcast/i);
    });
  });

  describe('listening exports', () => {
    const { extended, account, extendedSource, accountSource, heldOut, otherVersion } =
      exportsOfSample;

    it('Extended history: every catalog track resolves by id; every unused row says why', async () => {
      const answer = (await http().post('/api/v1/predict_mood').send(extended).expect(200)).body;
      const trackRows = extendedSource.filter((source) => source !== undefined);
      const inCatalog = trackRows.filter((source) => !heldOut.has(source.id)).length;
      expect(answer.resolved.by_id).toBe(inCatalog);
      expect(answer.resolved.unresolved).toBe(trackRows.length - inCatalog);
      const used = new Set<number>(answer.tracks.map((t: Body) => t.row));
      const skipped = new Set<number>(answer.skipped.map((s: Body) => s.row));
      for (let row = 0; row < extended.length; row++) {
        expect(used.has(row) !== skipped.has(row)).toBe(true);
      }
      for (const track of answer.tracks) {
        expect(track.id).toBe(extendedSource[track.row]!.id);
      }
      const reasons = new Set(answer.skipped.map((s: Body) => s.reason));
      expect([...reasons].join('\n')).toMatch(/not in the catalog/);
      expect([...reasons].join('\n')).toMatch(/episode/i);
      expect([...reasons].join('\n')).toMatch(/shorter than 30 s/);
      expect([...reasons].join('\n')).toMatch(/skipped by the listener/);
    });

    it('Account data: ≥ 97 % of the name-only rows resolve to the right song (or a duplicate of it), none to a wrong one', async () => {
      const answer = (await http().post('/api/v1/predict_mood').send(account).expect(200)).body;
      let right = 0;
      let wrong = 0;
      let resolvable = 0;
      // The catalog id each row resolved to: the tracks used, and the plays skipped as no listen.
      const resolvedRow = new Map<number, string>(
        [...answer.tracks, ...answer.skipped]
          .filter((entry: Body) => entry.id !== undefined)
          .map((entry: Body) => [entry.row as number, entry.id as string]),
      );
      account.forEach((_, row) => {
        const source = accountSource[row];
        const id = resolvedRow.get(row);
        const canResolve =
          source !== undefined && !heldOut.has(source.id) && !otherVersion.has(row);
        if (canResolve) resolvable++;
        if (id === undefined) return;
        if (canResolve && isRightSong(byId.get(id)!, source)) right++;
        else wrong++;
      });
      expect(resolvable).toBeGreaterThan(100);
      expect(wrong).toBe(0);
      expect(right / resolvable).toBeGreaterThanOrEqual(0.97);
      expect(answer.resolved.by_name).toBe(right);
      expect(answer.tracks.every((t: Body) => t.resolved_by === 'name')).toBe(true);
    });

    it('POST /recommendations on an export never recommends a track the listener skipped', async () => {
      const skippedIds = extended
        .filter((play) => play.skipped === true && typeof play.spotify_track_uri === 'string')
        .map((play) => (play.spotify_track_uri as string).split(':')[2]);
      expect(skippedIds.length).toBeGreaterThan(0);
      const answer = (
        await http()
          .post('/api/v1/recommendations')
          .query({ limit: 100, explain: true })
          .send(extended)
          .expect(200)
      ).body;
      const recommended = new Set(answer.tracks.map((t: Body) => t.id));
      for (const id of skippedIds) expect(recommended.has(id)).toBe(false);
      // The latest skips are negative seeds: some recommendation was pushed away from one.
      const pushed = answer.tracks.filter(
        (t: { reason: { negative_seed: unknown } }) => t.reason.negative_seed !== null,
      );
      const passedOver = extended
        .filter((play) => play.skipped === true || play.reason_end === 'fwdbtn')
        .map((play) => String(play.spotify_track_uri).split(':')[2]);
      expect(pushed.length).toBeGreaterThan(0);
      for (const track of pushed) expect(passedOver).toContain(track.reason.negative_seed.id);
      expect(answer.resolved.by_id).toBeGreaterThan(0);
    });

    it('favourite_artists on an export ranks by plays and reports listening time', async () => {
      const answer = (await http().post('/api/v1/favourite_artists').send(extended).expect(200))
        .body;
      expect(answer.artists.length).toBeGreaterThan(0);
      const [first] = answer.artists;
      expect(first.counter).toBeGreaterThan(1);
      expect(first.ms_played).toBeGreaterThanOrEqual(first.counter * 30_000);
      expect(typeof first.artist_name).toBe('string');
      const counters = answer.artists.map((a: Body) => a.counter as number);
      expect(counters).toEqual([...counters].sort((a, b) => b - a));
    });

    it('favourite_artists counts a track the catalog lacks for its artist, by name', async () => {
      const lacking = account.findIndex(
        (_, row) => accountSource[row] !== undefined && heldOut.has(accountSource[row].id),
      );
      expect(lacking).toBeGreaterThanOrEqual(0);
      const play = account[lacking];
      const answer = (await http().post('/api/v1/favourite_artists').send([play]).expect(200)).body;
      expect(answer.artists).toHaveLength(1);
      expect(answer.artists[0].artist_name).toBe(play.artistName);
      expect(answer.resolved.unresolved).toBe(1);
    });
  });

  describe('bad listening bodies', () => {
    it('names the bad field of each shape by its path; never a 5xx', async () => {
      const cases: [unknown, string][] = [
        [
          [{ ts: 'not a time', ms_played: 1000, spotify_track_uri: `spotify:track:${plays[0]}` }],
          'tracks[0].ts',
        ],
        [
          [{ endTime: '2026-11-30 19:02', artistName: 'A', trackName: 'B', msPlayed: 'long' }],
          'tracks[0].msPlayed',
        ],
        [{ items: [{ track: { id: 7 }, played_at: playedAt(0) }] }, 'items[0].track.id'],
        [
          {
            payload: {
              listens: [
                { listened_at: 'yesterday', track_metadata: { artist_name: 'A', track_name: 'B' } },
              ],
            },
          },
          'payload.listens[0].listened_at',
        ],
        [['not-an-id'], 'tracks[0]'],
        [[{ id: 'x'.repeat(10_000), played_at: playedAt(0) }], 'tracks[0].id'],
      ];
      for (const [body, path] of cases) {
        const response = await http()
          .post('/api/v1/predict_mood')
          .send(body as object);
        expect([path, response.status]).toEqual([path, 400]);
        expect(response.body.details.map((d: Body) => d.path)).toContain(path);
      }
    });

    it('refuses 1M ids with a 400 naming the list, and a 60 MB export with a 413', async () => {
      const ids = Array.from(
        { length: 1_000_000 },
        (_, i) => `spotify:track:${String(i).padStart(22, '0')}`,
      );
      const many = await http().post('/api/v1/recommendations').send(ids);
      expect(many.status).toBe(400);
      expect(many.body.details[0].path).toBe('tracks');
      const play = JSON.stringify(exportsOfSample.extended[0]);
      const huge = `[${Array.from({ length: Math.ceil(60e6 / play.length) }, () => play).join(',')}]`;
      const response = await http()
        .post('/api/v1/recommendations')
        .set('Content-Type', 'application/json')
        .send(huge);
      expect(response.status).toBe(413);
    });

    it('harvests nothing from a body refused for one bad row', async () => {
      const fresh = (i: number) => `${'H'.repeat(20)}${String(i).padStart(2, '0')}`;
      const features = Object.fromEntries(
        AUDIO_FEATURES.map((f) => [f, byId.get(plays[0])!.features[f]]),
      );
      const body = [
        { id: fresh(1), played_at: playedAt(0), ...features },
        { id: fresh(2), played_at: playedAt(1), ...features, energy: 7 },
      ];
      await http().post('/api/v1/predict_mood').send(body).expect(400);
      await testApp.app.get(CatalogHarvester).flush();
      await testApp.app.get(CatalogIndexLoader).settled();
      expect(testApp.app.get(CatalogIndexRef).current.slotOf(fresh(1))).toBeUndefined();
    });
  });
});
