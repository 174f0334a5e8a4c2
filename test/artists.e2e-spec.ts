import { expectErrorBody, useTestApp } from './helpers/create-test-app';
import { readSharedJson } from './helpers/shared-data';

const URL = '/api/v1/favourite_artists';
const sample = readSharedJson<unknown[]>('playlist_artists.json');

function row(trackId: string, artistId: string, artistName: string) {
  return {
    track_id: trackId,
    href: `https://api.spotify.com/v1/artists/${artistId}`,
    artist_id: artistId,
    artist_name: artistName,
  };
}

describe('POST /api/v1/favourite_artists', () => {
  const { http } = useTestApp();

  it('ranks the shared sample: Extremoduro first with 21, Fito y Fitipaldis second with 17', async () => {
    const response = await http().post(URL).send(sample).expect(200);
    expect(response.body.total_tracks).toBe(73);
    expect(response.body.artists.slice(0, 2)).toEqual([
      {
        artist_id: '3bgsNtcf5d5h9jbQbohfBK',
        artist_name: 'Extremoduro',
        href: 'https://api.spotify.com/v1/artists/3bgsNtcf5d5h9jbQbohfBK',
        counter: 21,
        ms_played: null,
      },
      expect.objectContaining({ artist_name: 'Fito y Fitipaldis', counter: 17 }),
    ]);
    const counters = response.body.artists.map((a: { counter: number }) => a.counter);
    expect(counters).toEqual([...counters].sort((a, b) => b - a));
    expect(response.body.artists).toHaveLength(20);
  });

  it('accepts {tracks: [...]} the same as a bare array', async () => {
    const bare = await http().post(URL).send(sample).expect(200);
    const wrapped = await http().post(URL).send({ tracks: sample }).expect(200);
    expect(wrapped.body).toEqual(bare.body);
  });

  it('returns at most `limit` artists', async () => {
    const response = await http().post(`${URL}?limit=3`).send(sample).expect(200);
    expect(response.body.artists.map((a: { artist_name: string }) => a.artist_name)).toEqual([
      'Extremoduro',
      'Fito y Fitipaldis',
      'Platero Y Tu',
    ]);
  });

  it.each(['0', '101', 'abc', '2.5'])('rejects limit=%s naming the parameter', async (limit) => {
    const response = await http().post(`${URL}?limit=${limit}`).send(sample).expect(400);
    expectErrorBody(response.body, 400, 'VALIDATION_FAILED');
    expect(response.body.details[0].path).toBe('limit');
  });

  it('orders ties by name, whatever the input order', async () => {
    const body = [
      row('t1', 'z', 'Zoe'),
      row('t2', 'a', 'abba'),
      row('t3', 'm', 'Mana'),
      row('t4', 'm', 'Mana'),
      row('t5', 'b', 'Beta'),
    ];
    const response = await http().post(URL).send(body).expect(200);
    expect(response.body.artists.map((a: { artist_id: string }) => a.artist_id)).toEqual([
      'm',
      'a',
      'b',
      'z',
    ]);
  });

  it('counts a Spotify track with several artists once for each artist', async () => {
    const artist = (id: string, name: string) => ({ id, name, href: `https://x/${id}` });
    const body = [
      { id: 's1', name: 'Duet', artists: [artist('a', 'Ana'), artist('b', 'Bea')] },
      { id: 's2', name: 'Solo', artists: [artist('a', 'Ana')] },
      {
        track: { id: 's3', name: 'Item-wrapped', artists: [artist('b', 'Bea'), artist('c', 'Cy')] },
      },
    ];
    const response = await http().post(URL).send(body).expect(200);
    expect(response.body).toEqual({
      total_tracks: 3,
      artists: [
        { artist_id: 'a', artist_name: 'Ana', href: 'https://x/a', counter: 2, ms_played: null },
        { artist_id: 'b', artist_name: 'Bea', href: 'https://x/b', counter: 2, ms_played: null },
        { artist_id: 'c', artist_name: 'Cy', href: 'https://x/c', counter: 1, ms_played: null },
      ],
      resolved: { given: 3, by_id: 0, by_name: 0, unresolved: 0 },
      skipped: [],
    });
  });

  it('counts artist rows of one track_id as one track with several artists', async () => {
    const body = [row('t1', 'a', 'Ana'), row('t1', 'b', 'Bea'), row('t2', 'a', 'Ana')];
    const response = await http().post(URL).send(body).expect(200);
    expect(response.body.total_tracks).toBe(2);
    expect(response.body.artists.map((a: { counter: number }) => a.counter)).toEqual([2, 1]);
  });

  describe('bad input gets the one error body', () => {
    it('rejects a body that is not JSON', async () => {
      const response = await http()
        .post(URL)
        .set('Content-Type', 'application/json')
        .send('[{"artist_id": "a",')
        .expect(400);
      expectErrorBody(response.body, 400, 'INVALID_JSON');
    });

    it('rejects JSON of another shape, saying what was expected', async () => {
      const response = await http().post(URL).send({ artist: 'Extremoduro' }).expect(400);
      expectErrorBody(response.body, 400, 'VALIDATION_FAILED');
      expect(response.body.details[0].path).toBe('body');
      expect(response.body.message).toMatch(/expected a JSON array/);
    });

    it('rejects an empty list', async () => {
      const response = await http().post(URL).send([]).expect(400);
      expectErrorBody(response.body, 400, 'VALIDATION_FAILED');
      expect(response.body.details).toEqual([
        { path: 'tracks', message: 'must contain at least one track' },
      ]);
    });

    it('names a missing field by its path', async () => {
      const body = [row('t1', 'a', 'Ana'), { track_id: 't2', artist_id: 'b' }];
      const response = await http().post(URL).send(body).expect(400);
      expectErrorBody(response.body, 400, 'VALIDATION_FAILED');
      expect(response.body.details).toEqual([
        { path: 'tracks[1].artist_name', message: 'is required' },
      ]);
    });

    it('names a field of the wrong type by its path, inside nested artists too', async () => {
      const body = [
        {
          id: 's1',
          artists: [
            { id: 'a', name: 'Ana' },
            { id: 42, name: 'Bea' },
          ],
        },
      ];
      const response = await http().post(URL).send(body).expect(400);
      expectErrorBody(response.body, 400, 'VALIDATION_FAILED');
      expect(response.body.details).toEqual([
        { path: 'tracks[0].artists[1].id', message: 'must be a string' },
      ]);
    });

    it('rejects an element that is not an object', async () => {
      const response = await http()
        .post(URL)
        .send([row('t1', 'a', 'Ana'), 'Extremoduro'])
        .expect(400);
      expect(response.body.details).toEqual([{ path: 'tracks[1]', message: 'must be an object' }]);
    });

    it('answers an unknown route with a 404 in the same shape', async () => {
      const response = await http().get('/api/v1/favourite_artist').expect(404);
      expectErrorBody(response.body, 404, 'NOT_FOUND');
    });
  });

  it('echoes the caller’s x-request-id, and makes one otherwise', async () => {
    const given = await http().post(URL).set('x-request-id', 'req-123').send([]).expect(400);
    expect(given.headers['x-request-id']).toBe('req-123');
    expect(given.body.requestId).toBe('req-123');
    const made = await http().post(URL).send(sample).expect(200);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
