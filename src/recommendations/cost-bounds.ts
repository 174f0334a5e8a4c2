import { COLUMN_COUNT } from '../catalog-index/catalog-index';
import type { FeatureTree } from '../catalog-index/structures/feature-tree';
import { type ScoringTerms, SLACK } from './scoring-terms';

/**
 * Lower bounds of a request's cost, for one track or for every track under a tree node: what lets
 * the tree search skip nodes and, inside a leaf, skip tracks without scoring them. A track's score
 * is its bonuses minus its cost to the nearest seed point, where the cost to a point is
 *   targets' scale × Σ target terms + nearest weight × Σ closeness terms to the point
 * (ScoringTerms; with no seed point, the target terms alone). Both kinds of term are weighted squared
 * differences, so per column they add up to one quadratic in the track's value x:
 *   a(x − s)² + b(x − v)² = (a + b)(x − m)² + ab/(a + b) · (s − v)²,   m = (as + bv)/(a + b),
 * and its least over a node's range of x is far tighter than the least of each term apart, which
 * may sit at opposite ends of the range. A min/max filter narrows the range further (a track
 * outside it, or without the value, is never scored).
 *
 * The sums here run in another order than the track's score, so every limit and bound is widened by
 * a slack (SLACK) far larger than their rounding errors: a bound never excludes a track whose score
 * could still count, and the answer stays the exhaustive scan's. (Partial sums of terms that are
 * never negative only grow in floating point too, so a sum may stop as soon as it passes a limit.)
 */
export class CostBounds {
  /** Seed points (one stand-in with no closeness terms when the request has none). */
  readonly points: number;
  /** Columns with a closeness or a target term, and each one's quadratic weight a + b. */
  private readonly columns: Int32Array;
  private readonly weight: Float64Array;
  /** Per point and column (point-major): the centre m, the constant, the cost of an unknown value. */
  private readonly centre: Float64Array;
  private readonly constant: Float64Array;
  private readonly unknown: Float64Array;
  /** Per point: the sum of its constants, the cost of a track with every value known at the centres. */
  private readonly constantSum: Float64Array;
  /** Bit c: column c has a term here; a node without unknown values there takes the fast path. */
  readonly columnMask: number;
  /** Per index column: the filters' intersection (±Infinity where there is no filter). */
  private readonly filterLo = new Float64Array(COLUMN_COUNT).fill(-Infinity);
  private readonly filterHi = new Float64Array(COLUMN_COUNT).fill(Infinity);
  private readonly filtered = new Uint8Array(COLUMN_COUNT);
  private readonly filterColumns: Int32Array;
  private readonly values: Float32Array;
  /** A node's range per column with a term (scratch for nodeLeast). */
  private readonly rangeLo: Float64Array;
  private readonly rangeHi: Float64Array;
  private readonly rangeMissing: Uint8Array;
  /** How many points the last nodeLeast found within its limit. */
  nearCount = 0;

  constructor(terms: ScoringTerms) {
    this.values = terms.values;
    for (let f = 0; f < terms.filterColumns.length; f++) {
      const c = terms.filterColumns[f];
      this.filtered[c] = 1;
      this.filterLo[c] = Math.max(this.filterLo[c], terms.filterMin[f]);
      this.filterHi[c] = Math.min(this.filterHi[c], terms.filterMax[f]);
    }
    this.filterColumns = Int32Array.from(terms.filterColumns);

    // Per index column: its closeness term's index k (or -1) and its target term's t (or -1).
    const closeness = new Int32Array(COLUMN_COUNT).fill(-1);
    if (terms.pointCount > 0 && terms.nearestWeight > 0)
      terms.columns.forEach((c, k) => (closeness[c] = k));
    const target = new Int32Array(COLUMN_COUNT).fill(-1);
    if (terms.targetScale > 0) terms.targetColumns.forEach((c, t) => (target[c] = t));
    const used: number[] = [];
    for (let c = 0; c < COLUMN_COUNT; c++) if (closeness[c] >= 0 || target[c] >= 0) used.push(c);
    this.columns = Int32Array.from(used);
    this.columnMask = used.reduce((mask, c) => mask | (1 << c), 0);
    const J = used.length;
    this.points = Math.max(1, terms.pointCount);
    this.weight = new Float64Array(J);
    this.centre = new Float64Array(this.points * J);
    this.constant = new Float64Array(this.points * J);
    this.unknown = new Float64Array(this.points * J);
    this.constantSum = new Float64Array(this.points);
    this.rangeLo = new Float64Array(J);
    this.rangeHi = new Float64Array(J);
    this.rangeMissing = new Uint8Array(J);

    const nearest = terms.nearestWeight;
    used.forEach((c, j) => {
      const k = closeness[c];
      const t = target[c];
      const b = t >= 0 ? terms.targetScale * terms.inverseVariance[c] : 0;
      const v = t >= 0 ? terms.targetValues[t] : 0;
      for (let p = 0; p < this.points; p++) {
        const i = p * J + j;
        // The closeness term as a(x − s)² + extra: a seed value the catalog lacks counts as the
        // column's mean plus the column's weight (ScoringTerms' cost of an unknown reference).
        let a = 0;
        let s = 0;
        let extra = 0;
        let unknown = t >= 0 ? terms.targetScale * terms.targetUnknownCost[t] : 0;
        if (k >= 0) {
          const point = terms.pointValue[p * terms.columns.length + k];
          a = nearest * terms.scaledWeight[k];
          s = point === point ? point : terms.columnMean[k];
          extra = point === point ? 0 : nearest * terms.columnWeight[k];
          unknown += nearest * terms.pointUnknownCost[p * terms.columns.length + k];
        }
        this.weight[j] = a + b;
        this.centre[i] = a + b > 0 ? (a * s + b * v) / (a + b) : 0;
        this.constant[i] = extra + (a > 0 && b > 0 ? ((a * b) / (a + b)) * (s - v) * (s - v) : 0);
        this.unknown[i] = unknown;
        this.constantSum[p] += this.constant[i];
      }
    });
  }

  /**
   * The largest cost (as summed here) that lets a track whose bonuses are at most `bonusCap` reach
   * `threshold`, widened by the slack; Infinity while there is no threshold, negative when nothing
   * can reach it.
   */
  costLimit(bonusCap: number, threshold: number): number {
    if (threshold === -Infinity) return Infinity;
    return bonusCap - threshold + SLACK * (1 + Math.abs(bonusCap) + Math.abs(threshold));
  }

  /** An upper bound of the score of a track with bonuses at most `bonusCap` and cost at least `least`. */
  scoreBound(bonusCap: number, least: number): number {
    return bonusCap - least + SLACK * (1 + Math.abs(bonusCap) + least);
  }

  /**
   * The least cost of any track under `node` that passes the filters, to any point (Infinity when
   * every point costs more than `limit`); and in `near`, the points within `limit` (how many in
   * `nearCount`), the only ones its tracks need to be compared with.
   */
  nodeLeast(tree: FeatureTree, node: number, limit: number, near?: Int32Array): number {
    const { columns, rangeLo, rangeHi, rangeMissing } = this;
    const J = columns.length;
    const box = node * COLUMN_COUNT;
    const missing = tree.missing[node];
    for (let j = 0; j < J; j++) {
      const c = columns[j];
      let lo: number = tree.lo[box + c];
      let hi: number = tree.hi[box + c];
      if (this.filtered[c]) {
        if (this.filterLo[c] > lo) lo = this.filterLo[c];
        if (this.filterHi[c] < hi) hi = this.filterHi[c];
        rangeMissing[j] = 0;
      } else {
        rangeMissing[j] = (missing >>> c) & 1;
      }
      rangeLo[j] = lo;
      rangeHi[j] = hi;
    }
    let least = Infinity;
    this.nearCount = 0;
    for (let p = 0; p < this.points; p++) {
      const offset = p * J;
      let sum = 0;
      for (let j = 0; j < J && sum <= limit; j++) {
        const i = offset + j;
        let term = rangeMissing[j] ? this.unknown[i] : Infinity;
        const lo = rangeLo[j];
        const hi = rangeHi[j];
        if (lo <= hi) {
          const m = this.centre[i];
          const gap = m < lo ? lo - m : m > hi ? m - hi : 0;
          const known = this.weight[j] * gap * gap + this.constant[i];
          if (known < term) term = known;
        }
        sum += term;
      }
      if (sum > limit) continue;
      if (near) near[this.nearCount] = p;
      this.nearCount++;
      if (sum < least) least = sum;
    }
    return least;
  }

  /**
   * False when the track in `slot` fails a filter, or costs more than `limit` to each of the
   * `count` points in `near` (so it cannot reach the threshold `limit` was made from). `known`:
   * its node holds no unknown value in a column with a term, so no value needs checking.
   */
  mayReach(slot: number, limit: number, near: Int32Array, count: number, known: boolean): boolean {
    const values = this.values;
    const base = slot * COLUMN_COUNT;
    for (let f = 0; f < this.filterColumns.length; f++) {
      const c = this.filterColumns[f];
      const v = values[base + c];
      if (!(v >= this.filterLo[c] && v <= this.filterHi[c])) return false;
    }
    const { columns, weight, centre } = this;
    const J = columns.length;
    for (let n = 0; n < count; n++) {
      const p = near[n];
      const offset = p * J;
      let sum = known ? this.constantSum[p] : 0;
      let j = 0;
      if (known) {
        for (; j < J; j++) {
          const d = values[base + columns[j]] - centre[offset + j];
          sum += weight[j] * d * d;
          if (sum > limit) break;
        }
      } else {
        for (; j < J; j++) {
          const x = values[base + columns[j]];
          if (x === x) {
            const d = x - centre[offset + j];
            sum += weight[j] * d * d + this.constant[offset + j];
          } else {
            sum += this.unknown[offset + j];
          }
          if (sum > limit) break;
        }
      }
      if (j === J && sum <= limit) return true;
    }
    return false;
  }
}
