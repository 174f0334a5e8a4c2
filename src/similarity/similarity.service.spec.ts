import { parsedTrack } from '../../test/helpers/tracks';
import { typedMock } from '../../test/helpers/typed-mock';
import { ValidationFailedError } from '../common/errors';
import { AUDIO_FEATURES, ParsedTracks, Track } from '../common/tracks';
import type { KnnEngine, Neighbour, NeighbourIndex } from './knn-engine';
import { SimilarityService } from './similarity.service';

let nextRow = 0;
/** The next row, its features varying with the row (energy, key, loudness, mode, tempo), then `fields`. */
function track(id: string | undefined, playedAt?: string, fields: Partial<Track> = {}): Track {
  const row = nextRow++;
  return parsedTrack(row, {
    ...(id === undefined ? {} : { id }),
    ...(playedAt ? { playedAt: new Date(playedAt) } : {}),
    energy: 0.1 * (row % 10),
    key: row % 12,
    loudness: -row,
    mode: row % 2,
    tempo: 100 + row,
    ...fields,
  });
}

const playlist = (tracks: Track[], skipped: ParsedTracks['skipped'] = []): ParsedTracks => ({
  tracks,
  skipped,
});

/** A fake engine that records what it was fitted on and answers with chosen rows. */
function fakeEngine(answer: (point: readonly number[], k: number) => Neighbour[] = () => []) {
  const fitted: { rows: number[][]; dimensions: number }[] = [];
  const queries: number[][] = [];
  const engine = {
    fit: typedMock<KnnEngine['fit']>((rows, dimensions): NeighbourIndex => {
      fitted.push({ rows: rows.map((row) => [...row]), dimensions });
      return {
        size: rows.length,
        dimensions,
        nearest: (point, k) => {
          queries.push([...point]);
          return answer(point, k);
        },
      };
    }),
  };
  return { engine: engine as unknown as KnnEngine, fitted, queries };
}

function ids(tracks: { id: string | null }[]): (string | null)[] {
  return tracks.map((t) => t.id);
}

function validationError(run: () => unknown): ValidationFailedError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationFailedError);
    return error as ValidationFailedError;
  }
  throw new Error('expected a validation error');
}

describe('SimilarityService (mocked k-NN engine)', () => {
  beforeEach(() => {
    nextRow = 0;
  });

  it('takes the newest tracks by play time as queries, newest first, and the rest as the pool', () => {
    const { engine, fitted } = fakeEngine(() => [{ index: 0, distance: 0.5 }]);
    const tracks = [
      track('a', '2023-08-12T19:00:00Z'),
      track('b', '2023-08-12T19:05:00Z'),
      track('c', '2023-08-12T18:00:00Z'),
      track('d', '2023-08-12T19:10:00Z'),
      track('e', '2023-08-12T17:00:00Z'),
    ];
    const answer = new SimilarityService(engine).nearestToRecent(playlist(tracks), {
      recent: 2,
      k: 1,
    });
    expect(answer.results.map((r) => r.query)).toEqual([
      { id: 'd', played_at: '2023-08-12T19:10:00.000Z', row: 3, resolved_by: 'features' },
      { id: 'b', played_at: '2023-08-12T19:05:00.000Z', row: 1, resolved_by: 'features' },
    ]);
    expect(answer.pool_size).toBe(3);
    expect(fitted[0].rows).toHaveLength(3);
    // The pool is in play order too: a (19:00), c (18:00), e (17:00); index 0 is a.
    expect(answer.results[0].neighbours[0]).toEqual({
      track: expect.objectContaining({ id: 'a', row: 0, played_at: '2023-08-12T19:00:00.000Z' }),
      distance: 0.5,
    });
  });

  it('maps each neighbour back by the index the engine returns, within the pool only', () => {
    const { engine } = fakeEngine((_, k) =>
      [2, 0, 1].slice(0, k).map((index) => ({ index, distance: index })),
    );
    const tracks = ['p', 'q', 'r', 'x', 'y'].map((id, i) => track(id, `2023-08-12T19:0${i}:00Z`));
    const answer = new SimilarityService(engine).nearestToRecent(playlist(tracks), {
      recent: 2,
      k: 3,
    });
    // Pool newest first: r, q, p. Engine indices 2, 0, 1 → p, r, q.
    expect(ids(answer.results[0].neighbours.map((n) => n.track))).toEqual(['p', 'r', 'q']);
  });

  it('breaks equal play times by row: the later row is the newer', () => {
    const { engine } = fakeEngine(() => [{ index: 0, distance: 1 }]);
    const same = '2023-08-12T19:28:48.750Z';
    const tracks = [track('a', same), track('b', same), track('c', same)];
    const answer = new SimilarityService(engine).nearestToRecent(playlist(tracks), {
      recent: 2,
      k: 1,
    });
    expect(answer.results.map((r) => r.query.id)).toEqual(['c', 'b']);
    expect(answer.results[0].neighbours[0].track.id).toBe('a');
  });

  it('uses array order as play order when no track has a play time (last element newest)', () => {
    const { engine } = fakeEngine(() => [{ index: 0, distance: 1 }]);
    const tracks = [track('a'), track('b'), track('c'), track('d')];
    const answer = new SimilarityService(engine).nearestToRecent(playlist(tracks), {
      recent: 2,
      k: 1,
    });
    expect(answer.results.map((r) => r.query)).toEqual([
      { id: 'd', played_at: null, row: 3, resolved_by: 'features' },
      { id: 'c', played_at: null, row: 2, resolved_by: 'features' },
    ]);
    expect(answer.results[0].neighbours[0].track).not.toHaveProperty('played_at');
    expect(answer.results[0].neighbours[0].track.id).toBe('b');
  });

  it('counts tracks without a play time as older than every timed track', () => {
    const { engine } = fakeEngine(() => [{ index: 0, distance: 1 }]);
    const tracks = [track('timed', '2020-01-01T00:00:00Z'), track('untimed-late-row')];
    const answer = new SimilarityService(engine).nearestToRecent(playlist(tracks), {
      recent: 1,
      k: 1,
    });
    expect(answer.results[0].query.id).toBe('timed');
    expect(answer.results[0].neighbours[0].track.id).toBe('untimed-late-row');
  });

  it('takes distinct songs as queries and drops their other plays from the pool', () => {
    const { engine } = fakeEngine(() => [{ index: 0, distance: 1 }]);
    const tracks = [
      track('a', '2023-08-12T19:00:00Z'),
      track('q', '2023-08-12T19:01:00Z'),
      track('b', '2023-08-12T19:02:00Z'),
      track('q', '2023-08-12T19:03:00Z'),
    ];
    const answer = new SimilarityService(engine).nearestToRecent(playlist(tracks), {
      recent: 2,
      k: 1,
    });
    expect(answer.results.map((r) => r.query)).toEqual([
      { id: 'q', played_at: '2023-08-12T19:03:00.000Z', row: 3, resolved_by: 'features' },
      { id: 'b', played_at: '2023-08-12T19:02:00.000Z', row: 2, resolved_by: 'features' },
    ]);
    expect(answer.pool_size).toBe(1); // only a: the earlier play of q is excluded by id
  });

  it('counts duplicate rows of one track once in the pool (the most recent), rows without id each', () => {
    const { engine, fitted } = fakeEngine(() => [{ index: 0, distance: 0 }]);
    const tracks = [
      track('dup', '2023-08-12T19:00:00Z', { tempo: 90 }),
      track(undefined, '2023-08-12T19:01:00Z'),
      track('dup', '2023-08-12T19:02:00Z', { tempo: 150 }),
      track(undefined, '2023-08-12T19:03:00Z'),
      track('query', '2023-08-12T19:04:00Z'),
    ];
    const answer = new SimilarityService(engine).nearestToRecent(playlist(tracks), {
      recent: 1,
      k: 1,
    });
    expect(answer.pool_size).toBe(3);
    expect(fitted[0].rows).toHaveLength(3);
    // Pool newest first: row 3 (no id), row 2 (dup, the newer play), row 1 (no id).
    expect(answer.results[0].neighbours[0].track).toEqual(
      expect.objectContaining({ id: null, row: 3 }),
    );
  });

  it('standardises with the pool’s mean and population standard deviation, leaving out constant features', () => {
    const { engine, fitted, queries } = fakeEngine(() => [{ index: 0, distance: 0 }]);
    const base = { energy: 0.5, key: 5, loudness: -5, mode: 1, tempo: 120 };
    const tracks = [
      track('p1', '2023-01-01T00:00:00Z', { ...base, energy: 0.2, tempo: 100 }),
      track('p2', '2023-01-02T00:00:00Z', { ...base, energy: 0.4, tempo: 100 }),
      track('p3', '2023-01-03T00:00:00Z', { ...base, energy: 0.6, tempo: 130 }),
      track('q', '2023-01-04T00:00:00Z', { ...base, energy: 0.9, tempo: 150 }),
    ];
    const answer = new SimilarityService(engine).nearestToRecent(playlist(tracks), {
      recent: 1,
      k: 1,
    });
    expect(answer.features_used).toEqual(['energy', 'tempo']);
    expect(fitted[0].dimensions).toBe(2);
    const energySd = Math.sqrt(((0.2 - 0.4) ** 2 + 0 + (0.6 - 0.4) ** 2) / 3);
    const tempoMean = 110;
    const tempoSd = Math.sqrt((100 + 100 + 400) / 3);
    // Pool in play order: p3, p2, p1.
    const expected = [
      [(0.6 - 0.4) / energySd, (130 - tempoMean) / tempoSd],
      [0, (100 - tempoMean) / tempoSd],
      [(0.2 - 0.4) / energySd, (100 - tempoMean) / tempoSd],
    ];
    fitted[0].rows.forEach((row, r) =>
      row.forEach((value, c) => expect(value).toBeCloseTo(expected[r][c], 12)),
    );
    expect(queries[0][0]).toBeCloseTo((0.9 - 0.4) / energySd, 12);
    expect(queries[0][1]).toBeCloseTo((150 - tempoMean) / tempoSd, 12);
  });

  it('uses only the features every track has: one missing on some row (a query or a candidate) is left out', () => {
    // The pool in play order is p2, p1: answer p1, the track without a key.
    const { engine, fitted } = fakeEngine(() => [{ index: 1, distance: 0 }]);
    const tracks = [
      track('p1', '2023-01-01T00:00:00Z', { key: undefined }),
      track('p2', '2023-01-02T00:00:00Z'),
      track('q', '2023-01-03T00:00:00Z', { time_signature: undefined }),
    ];
    const answer = new SimilarityService(engine).nearestToRecent(playlist(tracks), {
      recent: 1,
      k: 1,
    });
    // energy, loudness, mode and tempo vary with the row; key and time_signature are missing once.
    expect(answer.features_used).toEqual(['energy', 'loudness', 'mode', 'tempo']);
    expect(fitted[0].dimensions).toBe(4);
    const [{ track: neighbour }] = answer.results[0].neighbours;
    expect(neighbour).toEqual(expect.objectContaining({ id: 'p1', key: undefined }));
  });

  it('is a 400 naming tracks when no feature is on every track', () => {
    const { engine } = fakeEngine();
    const [a, b] = [track('a'), track('b')];
    const onlyHalf = (t: Track, keep: (feature: string, i: number) => boolean) =>
      ({
        ...t,
        ...Object.fromEntries(AUDIO_FEATURES.map((f, i) => [f, keep(f, i) ? t[f] : undefined])),
      }) as Track;
    const error = validationError(() =>
      new SimilarityService(engine).nearestToRecent(
        playlist([onlyHalf(a, (_, i) => i % 2 === 0), onlyHalf(b, (_, i) => i % 2 === 1)]),
        { recent: 1, k: 1 },
      ),
    );
    expect(error.details).toEqual([
      { path: 'tracks', message: expect.stringMatching(/no audio feature in common/) },
    ]);
    expect(engine.fit).not.toHaveBeenCalled();
  });

  it('answers with raw features, the engine’s distance, pool size and the skipped rows', () => {
    const { engine } = fakeEngine(() => [{ index: 0, distance: 1.25 }]);
    const skipped = [
      { row: 2, id: 'gone', reason: 'no audio features (Spotify: analysis not found)' },
    ];
    const candidate = track('c', '2023-01-01T00:00:00Z');
    const answer = new SimilarityService(engine).nearestToRecent(
      playlist([candidate, track('q', '2023-01-02T00:00:00Z')], skipped),
      { recent: 1, k: 1 },
    );
    const expectedTrack = Object.fromEntries(AUDIO_FEATURES.map((f) => [f, candidate[f]]));
    expect(answer).toEqual({
      results: [
        {
          query: {
            id: 'q',
            played_at: '2023-01-02T00:00:00.000Z',
            row: 1,
            resolved_by: 'features',
          },
          neighbours: [
            {
              track: {
                id: 'c',
                row: 0,
                resolved_by: 'features',
                played_at: '2023-01-01T00:00:00.000Z',
                ...expectedTrack,
              },
              distance: 1.25,
            },
          ],
        },
      ],
      pool_size: 1,
      features_used: [],
      skipped,
      resolved: { given: 2, by_id: 0, by_name: 0, unresolved: 0 },
    });
  });

  it('is a 400 naming k when the pool is smaller than k, saying how large the pool is', () => {
    const { engine } = fakeEngine();
    const tracks = ['a', 'b', 'c', 'd'].map((id) => track(id));
    const error = validationError(() =>
      new SimilarityService(engine).nearestToRecent(playlist(tracks), { recent: 2, k: 3 }),
    );
    expect(error.details).toEqual([
      { path: 'k', message: 'must not exceed the candidate pool (2)' },
    ]);
    expect(error.message).toMatch(/2 distinct track\(s\) remain .* 2 most recent .* k=3/);
    expect(engine.fit).not.toHaveBeenCalled();
  });

  it('is a 400 when every track is a query (empty pool)', () => {
    const { engine } = fakeEngine();
    const error = validationError(() =>
      new SimilarityService(engine).nearestToRecent(playlist([track('a'), track('b')]), {
        recent: 5,
        k: 1,
      }),
    );
    expect(error.details).toEqual([
      { path: 'k', message: 'must not exceed the candidate pool (0)' },
    ]);
  });

  it('is a 400 naming tracks when no row had audio features (no query)', () => {
    const { engine } = fakeEngine();
    const error = validationError(() =>
      new SimilarityService(engine).nearestToRecent(
        playlist([], [{ row: 0, reason: 'no audio features (Spotify: analysis not found)' }]),
        { recent: 5, k: 1 },
      ),
    );
    expect(error.details).toEqual([
      { path: 'tracks', message: expect.stringMatching(/no track with audio features.*1 rows/) },
    ]);
  });
});
