/**
 * 95 % intervals over playlists: a percentile bootstrap that resamples whole playlists with
 * replacement (RESAMPLES times, seeded, so a run repeats). Playlists, not recommendations, are the
 * independent units: the 20 answers of one query share its seeds. A difference or a ratio between
 * two recommenders resamples the same playlists for both (paired), which is much tighter than
 * setting two separate intervals side by side.
 */
import { seededRandom } from '../../src/common/numeric';

export const RESAMPLES = 2000;
const BOOTSTRAP_SEED = 7;

export interface Interval {
  mean: number;
  low: number;
  high: number;
}

/**
 * `statistic` of per-playlist value columns (each of the same playlists), with the 2.5th and
 * 97.5th percentiles of the statistic over resampled playlists.
 */
export function bootstrap(
  columns: readonly (readonly number[])[],
  statistic: (means: number[]) => number,
): Interval {
  const n = columns[0].length;
  if (n === 0 || columns.some((column) => column.length !== n))
    throw new Error('per-playlist values of equal, non-zero length');
  const meansOf = (pick: (i: number) => number) =>
    columns.map((column) => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += column[pick(i)];
      return sum / n;
    });
  const random = seededRandom(BOOTSTRAP_SEED);
  const resampled = new Float64Array(RESAMPLES);
  for (let r = 0; r < RESAMPLES; r++) {
    const draw = Array.from({ length: n }, () => Math.floor(random() * n));
    resampled[r] = statistic(meansOf((i) => draw[i]));
  }
  resampled.sort();
  return {
    mean: statistic(meansOf((i) => i)),
    low: resampled[Math.floor(0.025 * RESAMPLES)],
    high: resampled[Math.ceil(0.975 * RESAMPLES) - 1],
  };
}

export function meanInterval(values: readonly number[]): Interval {
  return bootstrap([values], ([mean]) => mean);
}

/** Mean of a − b over the same playlists. */
export function pairedInterval(a: readonly number[], b: readonly number[]): Interval {
  return bootstrap([a, b], ([x, y]) => x - y);
}

/** mean(a) / mean(b) over the same playlists. */
export function ratioInterval(a: readonly number[], b: readonly number[]): Interval {
  return bootstrap([a, b], ([x, y]) => x / y);
}

/** `12.3 % (10.1 … 14.6)`; `signed` puts a + on gains. */
export function formatInterval(interval: Interval, signed = false): string {
  const percent = (x: number) => `${signed && x > 0 ? '+' : ''}${(100 * x).toFixed(1)}`;
  return `${percent(interval.mean)} % (${percent(interval.low)} … ${percent(interval.high)})`;
}

/** `5.2× (3.9 … 7.1)` */
export function formatRatio(interval: Interval): string {
  return `${interval.mean.toFixed(1)}× (${interval.low.toFixed(1)} … ${interval.high.toFixed(1)})`;
}
