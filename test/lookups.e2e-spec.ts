import request from 'supertest';
import { loadTidyTuesday } from '../bench/recommendations/tidytuesday';
import { CatalogIndexLoader } from '../src/catalog-index/catalog-index-loader';
import type { CatalogTrackRecord } from '../src/catalog/catalog-track';
import { AUDIO_FEATURES } from '../src/common/tracks/audio-features';
import { importText } from './helpers/catalog-import';
import {
  createTestApp,
  expectErrorBody,
  type TestApp,
  useTestApp,
} from './helpers/create-test-app';
import { readSharedText, sharedDataPath } from './helpers/shared-data';

const sample = loadTidyTuesday(sharedDataPath('spotify_songs_dev.csv'));
const [first, second, third] = sample.records;
/** A well-formed id no catalog track has. */
const UNKNOWN = '0000000000000000000000';
const ED_SHEERAN_ID = '6eUKZXaKkcviH0Ku9w2n3V';

/** Two tracks the sample lacks, credited to artists by Spotify id, as a JSON catalog import carries them. */
const CREDITED_BY_ID = {
  tracks: [
    {
      ...first.features,
      id: 'ZZtestEdSheeranTrack01',
      name: 'A song by Ed Sheeran, credited by id',
      artists: [{ id: ED_SHEERAN_ID, name: 'Ed Sheeran' }],
      genres: ['pop'],
    },
    // Sounds exactly like the track above, in the same genre: the most related artist of all.
    {
      ...first.features,
      id: 'ZZtestBillieTrack00002',
      name: 'A song by Billie Eilish, credited by id',
      artists: [{ id: '6qqNVTkY8uBg9cP3Jd7DAH', name: 'Billie Eilish' }],
      genres: ['pop'],
    },
  ],
};

describe('Spotify lookups answered from the catalog (/api/v1, TidyTuesday sample)', () => {
  let testApp: TestApp;
  const http = () => request(testApp.app.getHttpServer());

  beforeAll(async () => {
    testApp = await createTestApp();
    // The real sample, imported as an operator would, plus two tracks credited by artist id.
    await importText(testApp.app, readSharedText('spotify_songs_dev.csv'));
    await importText(testApp.app, JSON.stringify(CREDITED_BY_ID), {
      contentType: 'application/json',
    });
    await testApp.app.get(CatalogIndexLoader).settled();
  });
  afterAll(async () => {
    await testApp.close();
  });

  /** Spotify's audio-features object of a sample track, from the file itself. */
  const audioFeaturesOf = (record: CatalogTrackRecord) => ({
    ...record.features,
    type: 'audio_features',
    id: record.id,
    uri: `spotify:track:${record.id}`,
    track_href: `https://api.spotify.com/v1/tracks/${record.id}`,
    analysis_url: `https://api.spotify.com/v1/audio-analysis/${record.id}`,
  });

  describe('GET /audio-features', () => {
    it("answers each id in order in Spotify's shape, null where unknown, URIs and links too", async () => {
      const ids = [
        first.id,
        UNKNOWN,
        `spotify:track:${second.id}`,
        `https://open.spotify.com/intl-de/track/${third.id}?si=x`,
        first.id,
      ];
      const { body } = await http()
        .get('/api/v1/audio-features')
        .query({ ids: ids.join(',') })
        .expect(200);
      expect(body).toEqual({
        audio_features: [
          audioFeaturesOf(first),
          null,
          audioFeaturesOf(second),
          audioFeaturesOf(third),
          audioFeaturesOf(first),
        ],
      });
      // The sample has no time signature: a feature the catalog lacks is null, never made up.
      expect(body.audio_features[0].time_signature).toBeNull();
      expect(Object.keys(body.audio_features[0]).sort()).toEqual(
        [...AUDIO_FEATURES, 'type', 'id', 'uri', 'track_href', 'analysis_url'].sort(),
      );
    });

    it('takes 100 ids and refuses 101, an empty or missing list and a bad item, naming it', async () => {
      const hundred = sample.records.slice(0, 100).map((record) => record.id);
      const { body } = await http()
        .get('/api/v1/audio-features')
        .query({ ids: hundred.join(',') })
        .expect(200);
      expect(body.audio_features.map((features: { id: string }) => features.id)).toEqual(hundred);

      const refused = async (query: Record<string, string>, path: string) => {
        const answer = await http().get('/api/v1/audio-features').query(query).expect(400);
        expectErrorBody(answer.body, 400, 'VALIDATION_FAILED');
        expect(answer.body.details).toEqual([{ path, message: expect.any(String) }]);
        return answer.body.details[0].message as string;
      };
      expect(await refused({ ids: [...hundred, third.id].join(',') }, 'ids')).toMatch(
        /at most 100/,
      );
      expect(await refused({ ids: '' }, 'ids')).toMatch(/empty/);
      expect(await refused({}, 'ids')).toMatch(/required/);
      expect(await refused({ ids: `${first.id},not-an-id` }, 'ids[1]')).toMatch(/track id/);
      expect(await refused({ ids: `spotify:episode:${first.id}` }, 'ids[0]')).toMatch(/episode/);
      expect(await refused({ ids: first.id, idz: first.id }, 'idz')).toMatch(/did you mean ids/);
    });
  });

  describe('GET /audio-features/{id}', () => {
    it('answers one track by id, URI or link; 404 TRACK_NOT_FOUND when unknown; 400 when malformed', async () => {
      for (const ref of [
        first.id,
        `spotify:track:${first.id}`,
        `https://open.spotify.com/track/${first.id}`,
      ]) {
        const { body } = await http()
          .get(`/api/v1/audio-features/${encodeURIComponent(ref)}`)
          .expect(200);
        expect(body).toEqual(audioFeaturesOf(first));
      }
      const missing = await http().get(`/api/v1/audio-features/${UNKNOWN}`).expect(404);
      expectErrorBody(missing.body, 404, 'TRACK_NOT_FOUND');
      const bad = await http().get('/api/v1/audio-features/nope').expect(400);
      expectErrorBody(bad.body, 400, 'VALIDATION_FAILED');
      expect(bad.body.details).toEqual([{ path: 'id', message: expect.any(String) }]);
    });
  });

  describe('GET /tracks', () => {
    it("answers the catalog's one track view per id, in order, null where unknown", async () => {
      const { body } = await http()
        .get('/api/v1/tracks')
        .query({ ids: `${second.id},${UNKNOWN},spotify:track:${first.id}`, market: 'ES' })
        .expect(200);
      const view = async (id: string) =>
        (await http().get(`/api/v1/catalog/tracks/${id}`).expect(200)).body as unknown;
      expect(body).toEqual({ tracks: [await view(second.id), null, await view(first.id)] });
      expect(body.tracks[0]).toMatchObject({
        id: second.id,
        name: second.name,
        genres: second.genres,
      });
    });

    it("refuses more than Spotify's 50 ids", async () => {
      const ids = sample.records.slice(0, 51).map((record) => record.id);
      const { body } = await http()
        .get('/api/v1/tracks')
        .query({ ids: ids.join(',') })
        .expect(400);
      expectErrorBody(body, 400, 'VALIDATION_FAILED');
      expect(body.details).toEqual([{ path: 'ids', message: expect.stringMatching(/at most 50/) }]);
    });
  });

  describe('GET /recommendations/available-genre-seeds', () => {
    it("lists the catalog's genres, sorted, leaving GET /recommendations' parameters as they were", async () => {
      const { body } = await http()
        .get('/api/v1/recommendations/available-genre-seeds')
        .expect(200);
      const { body: catalog } = await http().get('/api/v1/catalog').expect(200);
      const names = (catalog.genres as { name: string }[]).map((genre) => genre.name);
      expect(body.genres).toEqual([...names].sort());
      expect(new Set(body.genres)).toEqual(new Set(sample.records.flatMap((r) => r.genres)));

      // A genre seed from the list works in GET /recommendations; a typo'd parameter is still a 400.
      const seeded = await http()
        .get('/api/v1/recommendations')
        .query({ seed_genres: body.genres[0], limit: 5 })
        .expect(200);
      expect(seeded.body.tracks).toHaveLength(5);
      const typo = await http()
        .get('/api/v1/recommendations')
        .query({ seed_genre: 'pop' })
        .expect(400);
      expect(typo.body.details).toContainEqual({ path: 'seed_genre', message: expect.any(String) });
    });
  });

  describe('GET /artists/{id}/related-artists', () => {
    /** The sample's artists by name: their genres and their tracks' mean standardised sound. */
    const SOUND = ['danceability', 'energy', 'acousticness', 'valence', 'speechiness'] as const;
    const spread = SOUND.map((feature) => {
      const values = sample.records.map((record) => record.features[feature]!);
      const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
      const sd = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
      return { mean, sd };
    });
    const artists = new Map<string, { genres: Set<string>; sound: number[]; tracks: number }>();
    for (const record of sample.records) {
      for (const { name } of record.artists) {
        const key = name.toLowerCase();
        const artist = artists.get(key) ?? {
          genres: new Set(),
          sound: SOUND.map(() => 0),
          tracks: 0,
        };
        artists.set(key, artist);
        record.genres.forEach((genre) => artist.genres.add(genre));
        SOUND.forEach((feature, i) => {
          artist.sound[i] += (record.features[feature]! - spread[i].mean) / spread[i].sd;
        });
        artist.tracks++;
      }
    }
    const profile = (name: string) => {
      const artist = artists.get(name.toLowerCase())!;
      return { genres: artist.genres, sound: artist.sound.map((sum) => sum / artist.tracks) };
    };
    const jaccard = (a: Set<string>, b: Set<string>) => {
      const shared = [...a].filter((genre) => b.has(genre)).length;
      return shared / (a.size + b.size - shared);
    };
    const distance = (a: number[], b: number[]) =>
      Math.sqrt(a.reduce((sum, x, i) => sum + (x - b[i]) ** 2, 0));
    const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
    const quantile = (values: number[], share: number) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length * share)];

    it.each(['Ed Sheeran', 'Metallica', 'Drake'])(
      '%s (by name): 20 artists sharing genres and closer in sound than most that share one, never itself',
      async (name) => {
        const { body } = await http()
          .get(`/api/v1/artists/${encodeURIComponent(name)}/related-artists`)
          .expect(200);
        expect(body.artists).toHaveLength(20);
        const returned: string[] = body.artists.map((artist: { name: string }) => artist.name);
        expect(returned.map((n) => n.toLowerCase())).not.toContain(name.toLowerCase());
        expect(new Set(returned).size).toBe(20);
        const scores: number[] = body.artists.map(
          (a: { relatedness: { score: number } }) => a.relatedness.score,
        );
        expect(scores).toEqual([...scores].sort((a, b) => b - a));
        expect(body.artists[0]).toMatchObject({
          type: 'artist',
          id: null,
          uri: null,
          external_urls: {},
          genres: expect.arrayContaining([expect.any(String)]),
        });

        // Against every other artist sharing a genre with it, computed from the file alone: the
        // related ones share more of its genres and sound closer to it than most.
        const asked = profile(name);
        const sharing = [...artists.keys()]
          .filter((other) => other !== name.toLowerCase())
          .map(profile)
          .filter((other) => jaccard(asked.genres, other.genres) > 0);
        const related = returned.map(profile);
        for (const other of related) expect(jaccard(asked.genres, other.genres)).toBeGreaterThan(0);
        expect(mean(related.map((other) => jaccard(asked.genres, other.genres)))).toBeGreaterThan(
          quantile(
            sharing.map((other) => jaccard(asked.genres, other.genres)),
            0.5,
          ),
        );
        expect(mean(related.map((other) => distance(asked.sound, other.sound)))).toBeLessThan(
          quantile(
            sharing.map((other) => distance(asked.sound, other.sound)),
            0.25,
          ),
        );
      },
    );

    it('answers the same for any case of the name, and always the same', async () => {
      const get = async (ref: string): Promise<unknown> =>
        (
          await http()
            .get(`/api/v1/artists/${encodeURIComponent(ref)}/related-artists`)
            .expect(200)
        ).body;
      const answer = await get('Metallica');
      expect(await get('metallica')).toEqual(answer);
      expect(await get('  METALLICA ')).toEqual(answer);
    });

    it('takes an artist id or URI where the catalog has one, never answering any credit of the artist', async () => {
      const answers = [];
      for (const ref of [ED_SHEERAN_ID, `spotify:artist:${ED_SHEERAN_ID}`]) {
        const { body } = await http()
          .get(`/api/v1/artists/${encodeURIComponent(ref)}/related-artists`)
          .expect(200);
        expect(body.artists).toHaveLength(20);
        // Not the name-only "Ed Sheeran" of the sample either: one artist under two credits.
        expect(body.artists.map((artist: { name: string }) => artist.name)).not.toContain(
          'Ed Sheeran',
        );
        answers.push(body);
      }
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[0].artists[0]).toEqual({
        id: '6qqNVTkY8uBg9cP3Jd7DAH',
        name: 'Billie Eilish',
        uri: 'spotify:artist:6qqNVTkY8uBg9cP3Jd7DAH',
        href: 'https://api.spotify.com/v1/artists/6qqNVTkY8uBg9cP3Jd7DAH',
        external_urls: { spotify: 'https://open.spotify.com/artist/6qqNVTkY8uBg9cP3Jd7DAH' },
        genres: ['pop'],
        type: 'artist',
        relatedness: { score: 1, genres: 1, sound: 1, playlists: null },
      });
    });

    it('is 404 ARTIST_NOT_FOUND for an artist the catalog lacks, 400 for a blank or overlong one', async () => {
      const missing = await http()
        .get('/api/v1/artists/Nobody%20Anyone%20Knows/related-artists')
        .expect(404);
      expectErrorBody(missing.body, 404, 'ARTIST_NOT_FOUND');
      // A long name in a script URL-encoding makes long is still read, and answered.
      const japanese = await http()
        .get(
          `/api/v1/artists/${encodeURIComponent('存在しない長い名前のアーティストです')}/related-artists`,
        )
        .expect(404);
      expectErrorBody(japanese.body, 404, 'ARTIST_NOT_FOUND');
      for (const ref of ['%20', 'x'.repeat(201)]) {
        const bad = await http().get(`/api/v1/artists/${ref}/related-artists`).expect(400);
        expectErrorBody(bad.body, 400, 'VALIDATION_FAILED');
        expect(bad.body.details).toEqual([{ path: 'id', message: expect.any(String) }]);
      }
    });
  });
});

describe('Spotify lookups over an empty catalog', () => {
  const { testApp, http } = useTestApp();
  beforeAll(() => testApp().app.get(CatalogIndexLoader).settled());

  it('answers an empty catalog with nulls and 404s, and no genre', async () => {
    const { body } = await http().get('/api/v1/audio-features').query({ ids: UNKNOWN }).expect(200);
    expect(body).toEqual({ audio_features: [null] });
    expect(
      (await http().get('/api/v1/recommendations/available-genre-seeds').expect(200)).body,
    ).toEqual({
      genres: [],
    });
    await http().get('/api/v1/artists/Queen/related-artists').expect(404);
  });
});
