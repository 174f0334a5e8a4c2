/**
 * Closeness in audio features as the engine's scoring defines it: per column the squared difference
 * standardised by the catalog's standard deviation, weighted (weights adding up to 1) and summed. A
 * value the catalog lacks costs what an unknown costs on average (1 + z² of the known side, 2 when
 * both are unknown), so missing data neither helps nor hurts.
 */
import { CLOSENESS_COLUMNS, type ClosenessColumn, type CatalogSignals } from './catalog-signals';

const C = CLOSENESS_COLUMNS.length;

export class Closeness {
  readonly weight = new Float64Array(C);
  private readonly scaled = new Float64Array(C);
  private readonly inverseVariance = new Float64Array(C);
  private readonly mean: Float64Array;

  constructor(signals: CatalogSignals, weights: Partial<Record<ClosenessColumn, number>>) {
    const total = CLOSENESS_COLUMNS.reduce((sum, column) => sum + (weights[column] ?? 0), 0);
    this.mean = signals.mean;
    CLOSENESS_COLUMNS.forEach((column, c) => {
      this.weight[c] = (weights[column] ?? 0) / total;
      this.inverseVariance[c] = 1 / signals.sd[c] ** 2;
      this.scaled[c] = this.weight[c] * this.inverseVariance[c];
    });
  }

  /** Cost between row `i` of `a` and row `j` of `b` (rows of CLOSENESS_COLUMNS raw values). */
  cost(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
    let sum = 0;
    for (let c = 0; c < C; c++) {
      if (this.weight[c] === 0) continue;
      const x = a[i * C + c];
      const s = b[j * C + c];
      const d = x - s;
      sum += d === d ? d * d * this.scaled[c] : this.weight[c] * this.unknownGap(c, x, s);
    }
    return sum;
  }

  private unknownGap(c: number, x: number, s: number): number {
    if (x !== x && s !== s) return 2;
    const known = x === x ? x : s;
    return 1 + (known - this.mean[c]) ** 2 * this.inverseVariance[c];
  }
}
