/**
 * The exhaustive numpy scan of the same queries (numpy-scan.py), run in the same benchmark run as
 * the engine: the reference its speed-up is given against. Null (and said so) where python3 has no
 * numpy.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLUMN_COUNT, INDEX_COLUMNS } from '../../src/catalog-index/catalog-index';
import type { RecommendationRequest } from '../../src/recommendations/recommendation-request';
import type { RecommendationWeights } from '../../src/recommendations/recommendation-weights';

export interface NumpyTimes {
  queries: number;
  p50_ms: number;
  p99_ms: number;
  numpy: string;
}

export function hasNumpy(): boolean {
  return spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}

/**
 * Times the numpy scan of `requests` (their seed tracks as rows of `values`, found by `rowOf`) over
 * `values` (rows × the index's columns). `mean` and `sd`: the index's, or left to the script.
 */
export function numpyScan(
  values: Float32Array,
  requests: RecommendationRequest[],
  rowOf: (id: string) => number | undefined,
  weights: RecommendationWeights,
  pool: number,
  statistics?: { mean: ArrayLike<number>; sd: ArrayLike<number> },
): NumpyTimes | null {
  if (!hasNumpy()) {
    console.log('python3 has no numpy: no numpy reference in this run');
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-numpy-'));
  try {
    const byColumn = (record: Partial<Record<string, number>>) =>
      Object.fromEntries(
        Object.entries(record).map(([column, value]) => [
          INDEX_COLUMNS.indexOf(column as never),
          value,
        ]),
      );
    writeFileSync(
      join(dir, 'values.f32'),
      new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    );
    writeFileSync(
      join(dir, 'queries.json'),
      JSON.stringify({
        columns: COLUMN_COUNT,
        ...(statistics ? { mean: Array.from(statistics.mean), sd: Array.from(statistics.sd) } : {}),
        weights: {
          features: INDEX_COLUMNS.map((column) => weights.features[column]),
          nearest: weights.nearest,
          targets: weights.targets,
        },
        pool,
        queries: requests.map((request) => ({
          seeds: request.seeds.flatMap((seed) => {
            const row = seed.type === 'track' ? rowOf(seed.id) : undefined;
            return row === undefined ? [] : [row];
          }),
          targets: byColumn(request.targets),
          min: byColumn(request.min),
          max: byColumn(request.max),
        })),
      }),
    );
    const out = execFileSync(
      'python3',
      [join(__dirname, 'numpy-scan.py'), join(dir, 'values.f32'), join(dir, 'queries.json')],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    return JSON.parse(out.trim().split('\n').at(-1)!) as NumpyTimes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
