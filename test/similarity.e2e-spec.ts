import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AUDIO_FEATURES } from '../src/common/tracks';
import { expectErrorBody, useTestApp } from './helpers/create-test-app';
import { readSharedJson } from './helpers/shared-data';
import { trackBody } from './helpers/tracks';

const URL = '/api/v1/similarity';
/** The shared sample in its own pandas column-oriented form (596 rows, play times in `ts`). */
const pandasSample = readSharedJson<Record<string, Record<string, unknown>>>(
  'playlist_example_json.json',
);
const labels = Object.keys(pandasSample.danceability);
/** The same rows as an array of Spotify audio-features objects. */
const arraySample = labels.map((label) =>
  Object.fromEntries(
    Object.keys(pandasSample).map((column) => [column, pandasSample[column][label]]),
  ),
);

let nextId = 0;
/** A Spotify audio-features object; each call's features differ from the last one's. */
function track(fields: Record<string, unknown> = {}) {
  const n = nextId++;
  return trackBody({
    id: `t${n}`,
    danceability: (n % 10) / 10,
    energy: ((n * 7) % 10) / 10,
    key: n % 12,
    loudness: -3 - (n % 9),
    mode: n % 2,
    acousticness: ((n * 3) % 10) / 10,
    liveness: 0.1 + (n % 5) / 10,
    valence: ((n * 11) % 10) / 10,
    tempo: 90 + n,
    duration_ms: 180_000 + n * 1000,
    type: 'audio_features',
    uri: `spotify:track:t${n}`,
    ...fields,
  });
}

describe('POST /api/v1/similarity', () => {
  const { http } = useTestApp();

  describe('the shared 596-track sample', () => {
    it('answers the 5 most recently played distinct tracks, newest first, with their nearest other song', async () => {
      const response = await http().post(URL).send(pandasSample).expect(200);
      const { results, pool_size, features_used, skipped } = response.body;
      expect(skipped).toEqual([]);
      expect(features_used).toEqual(AUDIO_FEATURES);
      expect(results).toHaveLength(5);

      // Newest first by ts; the last row is the newest play.
      const playedAt = results.map((r: { query: { played_at: string } }) => r.query.played_at);
      expect(playedAt).toEqual([...playedAt].sort().reverse());
      expect(results[0].query).toEqual({
        id: pandasSample.id['595'],
        played_at: '2023-08-12T19:37:14.439Z',
        row: 595,
        resolved_by: 'features',
      });

      const queryIds = new Set(results.map((r: { query: { id: string } }) => r.query.id));
      expect(queryIds.size).toBe(5);
      const distinctIds = new Set(Object.values(pandasSample.id));
      expect(pool_size).toBe(distinctIds.size - 5);
      for (const { neighbours } of results) {
        expect(neighbours).toHaveLength(1);
        const [{ track, distance }] = neighbours;
        expect(queryIds.has(track.id)).toBe(false);
        expect(distance).toBeGreaterThanOrEqual(0);
        // The neighbour's raw features are the input row's, unstandardised.
        const label = String(track.row);
        for (const feature of AUDIO_FEATURES)
          expect(track[feature]).toBe(pandasSample[feature][label]);
        expect(track.id).toBe(pandasSample.id[label]);
        expect(track.played_at).toEqual(expect.stringMatching(/^2023-08-12T19:/));
      }
    });

    it('answers the same for the array form and for {tracks: [...]}', async () => {
      const pandas = await http().post(URL).send(pandasSample).expect(200);
      const array = await http().post(URL).send(arraySample).expect(200);
      const wrapped = await http().post(URL).send({ tracks: arraySample }).expect(200);
      expect(array.body).toEqual(pandas.body);
      expect(wrapped.body).toEqual(pandas.body);
    });

    it('returns k neighbours per query, nearest first, each distinct', async () => {
      const response = await http().post(`${URL}?recent=3&k=7`).send(pandasSample).expect(200);
      expect(response.body.results).toHaveLength(3);
      for (const { neighbours } of response.body.results) {
        expect(neighbours).toHaveLength(7);
        const distances = neighbours.map((n: { distance: number }) => n.distance);
        expect(distances).toEqual([...distances].sort((a, b) => a - b));
        const ids = neighbours.map((n: { track: { id: string } }) => n.track.id);
        expect(new Set(ids).size).toBe(7);
      }
    });
  });

  it('uses array order as play order when no track has a play time (the last element newest)', async () => {
    const tracks = [track(), track(), track(), track()];
    const response = await http().post(`${URL}?recent=2`).send(tracks).expect(200);
    expect(response.body.results.map((r: { query: unknown }) => r.query)).toEqual([
      { id: tracks[3].id, played_at: null, row: 3, resolved_by: 'features' },
      { id: tracks[2].id, played_at: null, row: 2, resolved_by: 'features' },
    ]);
    expect(response.body.pool_size).toBe(2);
  });

  it('excludes from the pool every row whose id is a query’s', async () => {
    const query = track({ played_at: '2024-05-01T10:00:00Z' });
    const replay = { ...query, played_at: '2024-04-01T10:00:00Z' }; // same song, features identical
    const other = track({ played_at: '2024-03-01T10:00:00Z' });
    const response = await http().post(`${URL}?recent=1`).send([replay, other, query]).expect(200);
    expect(response.body.pool_size).toBe(1);
    expect(response.body.results[0].neighbours[0].track.id).toBe(other.id);
  });

  it('counts duplicate rows of one track once (its most recent play)', async () => {
    const dup = track();
    const tracks = [
      { ...dup, played_at: '2024-01-01T00:00:00Z' },
      { ...dup, played_at: '2024-01-02T00:00:00Z' },
      { ...dup, played_at: '2024-01-03T00:00:00Z' },
      track({ played_at: '2024-01-04T00:00:00Z' }),
      track({ played_at: '2024-01-05T00:00:00Z' }),
    ];
    const response = await http().post(`${URL}?recent=1&k=2`).send(tracks).expect(200);
    expect(response.body.pool_size).toBe(2);
    const neighbours = response.body.results[0].neighbours;
    expect(neighbours.map((n: { track: { id: string } }) => n.track.id).sort()).toEqual(
      [dup.id, tracks[3].id].sort(),
    );
    const dupNeighbour = neighbours.find((n: { track: { id: string } }) => n.track.id === dup.id);
    expect(dupNeighbour.track).toEqual(
      expect.objectContaining({ row: 2, played_at: '2024-01-03T00:00:00.000Z' }),
    );
  });

  it('leaves out a feature constant across the pool, and it does not affect the distance', async () => {
    const tracks = [0, 1, 2, 3].map((n) => track({ energy: 0.5, liveness: 0.3, tempo: 100 + n }));
    tracks[3].energy = 0.9; // the query differs, but the pool does not vary in energy
    const response = await http().post(`${URL}?recent=1&k=3`).send(tracks).expect(200);
    expect(response.body.features_used).not.toContain('energy');
    expect(response.body.features_used).not.toContain('liveness');
    expect(response.body.features_used).not.toContain('speechiness');
    expect(response.body.features_used).toContain('tempo');
    for (const { distance } of response.body.results[0].neighbours) {
      expect(Number.isFinite(distance)).toBe(true);
    }
  });

  it('uses the features every track has: rows without key or time_signature leave those out', async () => {
    const tracks = [0, 1, 2, 3, 4].map((n) =>
      track(n === 1 ? { key: undefined } : n === 3 ? { time_signature: null } : {}),
    );
    const response = await http().post(`${URL}?recent=1&k=2`).send(tracks).expect(200);
    const used: string[] = response.body.features_used;
    expect(used).not.toContain('key');
    expect(used).not.toContain('time_signature');
    expect(used).toEqual(expect.arrayContaining(['danceability', 'energy', 'tempo']));
    expect(response.body.results[0].neighbours).toHaveLength(2);
  });

  it('is a 400 on tracks when no feature is on every track', async () => {
    const [first, second] = [track(), track()];
    const half = (row: Record<string, unknown>, keep: number) =>
      Object.fromEntries(
        Object.entries(row).filter(
          ([name]) =>
            !AUDIO_FEATURES.includes(name as never) ||
            AUDIO_FEATURES.indexOf(name as never) % 2 === keep,
        ),
      );
    const response = await http()
      .post(`${URL}?recent=1&k=1`)
      .send([half(first, 0), half(second, 1)])
      .expect(400);
    expectErrorBody(response.body, 400, 'VALIDATION_FAILED');
    expect(response.body.details).toEqual([
      { path: 'tracks', message: expect.stringMatching(/no audio feature in common/) },
    ]);
  });

  it('reports skipped rows (no audio features) and works on the rest', async () => {
    const empty = Object.fromEntries(AUDIO_FEATURES.map((feature) => [feature, null]));
    const tracks = [track(), { id: 'analysis-not-found', ...empty }, track(), track()];
    const response = await http().post(`${URL}?recent=1&k=2`).send(tracks).expect(200);
    expect(response.body.skipped).toEqual([
      {
        row: 1,
        path: 'tracks[1]',
        id: 'analysis-not-found',
        reason: expect.stringMatching(/no audio features/),
      },
    ]);
    expect(response.body.results[0].query.row).toBe(3);
    expect(response.body.pool_size).toBe(2);
    const rows = response.body.results[0].neighbours.map(
      (n: { track: { row: number } }) => n.track.row,
    );
    expect(rows.sort()).toEqual([0, 2]);
  });

  describe('bad input', () => {
    it('is a 400 naming k when k exceeds the candidate pool, saying how large the pool is', async () => {
      const response = await http()
        .post(`${URL}?recent=2&k=3`)
        .send([track(), track(), track(), track()])
        .expect(400);
      expectErrorBody(response.body, 400, 'VALIDATION_FAILED');
      expect(response.body.details).toEqual([
        { path: 'k', message: 'must not exceed the candidate pool (2)' },
      ]);
      expect(response.body.message).toMatch(/2 distinct track\(s\) remain/);
    });

    it('is a 400 when every track is a query', async () => {
      const response = await http().post(URL).send([track(), track()]).expect(400);
      expect(response.body.details).toEqual([
        { path: 'k', message: 'must not exceed the candidate pool (0)' },
      ]);
    });

    it('is a 400 naming tracks when no row has audio features (no query)', async () => {
      const empty = Object.fromEntries(AUDIO_FEATURES.map((feature) => [feature, '']));
      const response = await http()
        .post(URL)
        .send([
          { id: 'a', ...empty },
          { id: 'b', ...empty },
        ])
        .expect(400);
      expectErrorBody(response.body, 400, 'VALIDATION_FAILED');
      expect(response.body.details).toEqual([
        { path: 'tracks', message: expect.stringMatching(/no track with audio features.*2 rows/) },
      ]);
    });

    it.each([
      ['k', '0'],
      ['k', '51'],
      ['k', 'abc'],
      ['k', '1.5'],
      ['recent', '0'],
      ['recent', '101'],
      ['recent', 'x'],
    ])('rejects %s=%s naming the parameter', async (name, value) => {
      const response = await http()
        .post(`${URL}?${name}=${value}`)
        .send([track(), track(), track()])
        .expect(400);
      expectErrorBody(response.body, 400, 'VALIDATION_FAILED');
      expect(response.body.details).toEqual([{ path: name, message: expect.any(String) }]);
    });

    it('names a bad feature by its path', async () => {
      const response = await http()
        .post(URL)
        .send([track(), track(), track({ energy: 1.5 })])
        .expect(400);
      expect(response.body.details).toEqual([
        { path: 'tracks[2].energy', message: 'must not be greater than 1' },
      ]);
    });
  });

  it('answers the example request in data/examples/similarity.json', async () => {
    const example = JSON.parse(
      readFileSync(resolve(__dirname, '..', 'data', 'examples', 'similarity.json'), 'utf8'),
    );
    const response = await http().post(URL).send(example).expect(200);
    expect(response.body.results).toHaveLength(5);
    expect(response.body.pool_size).toBe(5);
  });
});
