import fc from 'fast-check';
import { readSharedJson } from '../../test/helpers/shared-data';
import { arbitraryFeatures } from '../../test/helpers/tracks';
import { AUDIO_FEATURES, ParsedTracks, parseTracksBody, Track } from '../common/tracks';
import type { SimilarityResponseDto } from './dto/similarity-response.dto';
import { KnnEngine } from './knn-engine';
import { SimilarityService } from './similarity.service';

/**
 * The real service on the real ml-knn engine, checked against a brute-force nearest-neighbour search
 * written independently here. An answer whose neighbours are looked up a few rows off makes a
 * returned track's true distance differ from the reported one, so these tests fail.
 */

const sample = parseTracksBody(readSharedJson('playlist_example_json.json'));

interface Oracle {
  pool: Track[];
  features: string[];
  distance(a: Track, b: Track): number;
}

/** The contract, the plain way: play order, queries, pool, z-scores, Euclidean distance. */
function oracleFor(tracks: Track[], recent: number): { queries: Track[]; oracle: Oracle } {
  const time = (t: Track) => (t.playedAt ? t.playedAt.getTime() : -Infinity);
  const order = [...tracks].sort((a, b) =>
    time(b) === time(a) ? b.row - a.row : time(b) - time(a),
  );
  const queries: Track[] = [];
  for (const t of order) {
    if (queries.length < recent && !(t.id && queries.some((q) => q.id === t.id))) queries.push(t);
  }
  const excluded = new Set(queries.map((q) => q.id).filter(Boolean));
  const pool = order.filter((t) => {
    if (queries.includes(t)) return false;
    if (t.id && excluded.has(t.id)) return false;
    if (t.id) excluded.add(t.id);
    return true;
  });
  const scale = AUDIO_FEATURES.map((f) => {
    const mean = pool.reduce((sum, t) => sum + t[f], 0) / pool.length;
    const sd = Math.sqrt(pool.reduce((sum, t) => sum + (t[f] - mean) ** 2, 0) / pool.length);
    return { f, mean, sd };
  }).filter(({ f, sd }) => new Set(pool.map((t) => t[f])).size > 1 && sd > 0);
  const features = scale.map(({ f }) => f);
  const z = (t: Track) => scale.map(({ f, mean, sd }) => (t[f] - mean) / sd);
  const distance = (a: Track, b: Track) => {
    const [za, zb] = [z(a), z(b)];
    return Math.sqrt(za.reduce((sum, value, i) => sum + (value - zb[i]) ** 2, 0));
  };
  return { queries, oracle: { pool, features, distance } };
}

/** Every way the answer disagrees with brute force; empty when it is right. */
function disagreements(
  tracks: Track[],
  recent: number,
  k: number,
  answer: SimilarityResponseDto,
): string[] {
  const { queries, oracle } = oracleFor(tracks, recent);
  const problems: string[] = [];
  const byRow = new Map(oracle.pool.map((t) => [t.row, t]));
  if (answer.pool_size !== oracle.pool.length) problems.push(`pool_size ${answer.pool_size}`);
  if (answer.features_used.join() !== oracle.features.join()) problems.push('features_used');
  if (answer.results.length !== queries.length) problems.push('number of results');
  answer.results.forEach((result, q) => {
    const query = queries[q];
    if (result.query.row !== query.row) problems.push(`query ${q} is row ${result.query.row}`);
    const expected = oracle.pool
      .map((t) => oracle.distance(query, t))
      .sort((a, b) => a - b)
      .slice(0, k);
    if (result.neighbours.length !== expected.length) problems.push(`query ${q}: count`);
    result.neighbours.forEach(({ track, distance }, rank) => {
      const candidate = byRow.get(track.row);
      if (!candidate) return void problems.push(`query ${q}: row ${track.row} is not in the pool`);
      if (candidate.id !== (track.id ?? undefined) || candidate.tempo !== track.tempo) {
        problems.push(`query ${q}: row ${track.row} carries another track's fields`);
      }
      const truth = oracle.distance(query, candidate);
      if (Math.abs(truth - distance) > 1e-9) {
        problems.push(`query ${q} rank ${rank}: reported ${distance}, true ${truth}`);
      }
      if (Math.abs(expected[rank] - distance) > 1e-9) {
        problems.push(`query ${q} rank ${rank}: ${distance} is not the ${rank + 1}-th nearest`);
      }
    });
    if (new Set(result.neighbours.map((n) => n.track.row)).size !== result.neighbours.length) {
      problems.push(`query ${q}: a neighbour repeats`);
    }
  });
  return problems;
}

/** The same answer with every neighbour looked up `offset` places further along the pool. */
function shifted(answer: SimilarityResponseDto, pool: Track[], offset: number) {
  const position = new Map(pool.map((t, i) => [t.row, i]));
  return {
    ...answer,
    results: answer.results.map((result) => ({
      ...result,
      neighbours: result.neighbours.map(({ track, distance }) => {
        const moved = pool[(position.get(track.row)! + offset) % pool.length];
        return {
          track: { ...track, id: moved.id ?? null, row: moved.row, tempo: moved.tempo },
          distance,
        };
      }),
    })),
  };
}

describe('similarity against brute-force nearest neighbours (real ml-knn)', () => {
  const service = new SimilarityService(new KnnEngine({ indexCacheSize: 4 }));

  it.each([
    [5, 1],
    [5, 3],
    [20, 1],
    [20, 10],
    [1, 50],
  ])('agrees on the shared 596-track sample with recent=%i, k=%i', (recent, k) => {
    const answer = service.nearestToRecent(sample, { recent, k });
    expect(answer.results).toHaveLength(recent);
    expect(disagreements(sample.tracks, recent, k, answer)).toEqual([]);
  });

  it.each([1, 2, 3, 4, 5, 6, 10])(
    'notices an answer whose neighbours are %i rows off',
    (offset) => {
      const answer = service.nearestToRecent(sample, { recent: 5, k: 3 });
      const { oracle } = oracleFor(sample.tracks, 5);
      expect(disagreements(sample.tracks, 5, 3, shifted(answer, oracle.pool, offset))).not.toEqual(
        [],
      );
    },
  );

  const randomTrack = fc.record({
    id: fc.option(fc.constantFrom('s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8'), {
      nil: undefined,
    }),
    playedAt: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
    features: arbitraryFeatures,
  });
  const randomPlaylist = fc
    .array(randomTrack, { minLength: 2, maxLength: 120 })
    .map((rows): ParsedTracks => ({
      tracks: rows.map(({ playedAt, id, features }, row) => ({
        ...features,
        row,
        label: String(row),
        ...(id === undefined ? {} : { id }),
        ...(playedAt === undefined
          ? {}
          : { playedAt: new Date(Date.UTC(2024, 0, 1, 0, playedAt)) }),
      })),
      skipped: [],
    }));

  it('agrees on random playlists (repeated ids, ties in play time, some untimed) for several k', () => {
    fc.assert(
      fc.property(
        randomPlaylist,
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 12 }),
        (playlist, recent, k) => {
          const { oracle } = oracleFor(playlist.tracks, recent);
          fc.pre(oracle.pool.length >= k);
          const answer = service.nearestToRecent(playlist, { recent, k });
          expect(disagreements(playlist.tracks, recent, k, answer)).toEqual([]);
        },
      ),
      { seed: 20240601, numRuns: 300 },
    );
  });

  it('returns exactly brute force’s neighbour ids, equal distances broken newest first', () => {
    fc.assert(
      fc.property(randomPlaylist, fc.integer({ min: 1, max: 6 }), (playlist, k) => {
        const tracks = playlist.tracks.map((t) => ({ ...t, id: `t${t.row}` }));
        const { queries, oracle } = oracleFor(tracks, 3);
        fc.pre(oracle.pool.length >= k);
        const answer = service.nearestToRecent({ tracks, skipped: [] }, { recent: 3, k });
        answer.results.forEach((result, q) => {
          const expected = oracle.pool
            .map((t) => ({ id: t.id, d: oracle.distance(queries[q], t) }))
            .sort((a, b) => a.d - b.d)
            .slice(0, k)
            .map((n) => n.id);
          expect(result.neighbours.map((n) => n.track.id)).toEqual(expected);
        });
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});
