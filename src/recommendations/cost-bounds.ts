import { COLUMN_COUNT } from '../catalog-index/catalog-index';
import type { FeatureTree } from '../catalog-index/structures/feature-tree';
import { type ScoringTerms, SLACK } from './scoring-terms';

/** A set of seed points as bits (point p is bit p), while there are at most this many points. */
const MASK_POINTS = 30;

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
 * Which points a node is near (its cost bound to them within the limit) is passed down the tree as
 * a bit mask: a child's range lies within its parent's, so a point too far from the parent is too
 * far from the child, and deep in the tree most nodes are near one or two points only.
 *
 * The sums here run in another order than the track's score, so every limit and bound is widened by
 * a slack (SLACK) far larger than their rounding errors: a bound never excludes a track whose score
 * could still count, and the answer stays the exhaustive scan's. (Partial sums of terms that are
 * never negative only grow in floating point too, so a sum may stop as soon as it passes a limit.)
 */
export class CostBounds {
  /** Seed points (one stand-in with no closeness terms when the request has none). */
  readonly points: number;
  /** The mask of every point (-1: more points than a mask holds, every point always counts). */
  readonly allPoints: number;
  /**
   * Columns with a closeness or a target term, the heaviest first (weight × variance: the term's
   * typical size) so that sums pass a limit early; each one's quadratic weight a + b.
   */
  private readonly columns: Int32Array;
  private readonly weight: Float64Array;
  /** Per point and column (point-major): the centre m, the constant, the cost of an unknown value. */
  private readonly centre: Float64Array;
  private readonly constant: Float64Array;
  private readonly unknown: Float64Array;
  /** Per index column: the filters' intersection (±Infinity where there is no filter). */
  private readonly filterLo = new Float64Array(COLUMN_COUNT).fill(-Infinity);
  private readonly filterHi = new Float64Array(COLUMN_COUNT).fill(Infinity);
  private readonly filtered = new Uint8Array(COLUMN_COUNT);
  private readonly filterColumns: Int32Array;
  private readonly values: Float32Array;
  /** A node's range per column (scratch for nodeLeast). */
  private readonly rangeLo: Float64Array;
  private readonly rangeHi: Float64Array;
  private readonly rangeMissing: Uint8Array;
  /** The points the last nodeLeast found within its limit. */
  nearMask = 0;
  /**
   * The leaf openLeaf prepared, laid out flat for mayReach: its near points (`leafPoints`), and per
   * near point the cost of the columns none of its tracks has (each costs its unknown-value cost)
   * plus the known columns' constants; then per column (those all its tracks have first, `leafKnown`
   * of them, then those some lack) the index column and weight, and per near point and column the
   * centre, constant and unknown-value cost.
   */
  private leafPoints = 0;
  private readonly leafBase: Float64Array;
  private leafKnown = 0;
  private leafColumnCount = 0;
  private readonly leafColumn: Int32Array;
  private readonly leafWeight: Float64Array;
  private readonly leafCentre: Float64Array;
  private readonly leafConstant: Float64Array;
  private readonly leafUnknown: Float64Array;

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
    const quadraticWeight = (c: number) =>
      (closeness[c] >= 0 ? terms.nearestWeight * terms.scaledWeight[closeness[c]] : 0) +
      (target[c] >= 0 ? terms.targetScale * terms.inverseVariance[c] : 0);
    const used: number[] = [];
    for (let c = 0; c < COLUMN_COUNT; c++) if (closeness[c] >= 0 || target[c] >= 0) used.push(c);
    used.sort(
      (a, b) =>
        quadraticWeight(b) / terms.inverseVariance[b] -
          quadraticWeight(a) / terms.inverseVariance[a] || a - b,
    );
    this.columns = Int32Array.from(used);
    const J = used.length;
    this.points = Math.max(1, terms.pointCount);
    this.allPoints = this.points <= MASK_POINTS ? (1 << this.points) - 1 : -1;
    this.weight = new Float64Array(J);
    this.centre = new Float64Array(this.points * J);
    this.constant = new Float64Array(this.points * J);
    this.unknown = new Float64Array(this.points * J);
    this.rangeLo = new Float64Array(J);
    this.rangeHi = new Float64Array(J);
    this.rangeMissing = new Uint8Array(J);
    this.leafBase = new Float64Array(this.points);
    this.leafColumn = new Int32Array(J);
    this.leafWeight = new Float64Array(J);
    this.leafCentre = new Float64Array(this.points * J);
    this.leafConstant = new Float64Array(this.points * J);
    this.leafUnknown = new Float64Array(this.points * J);

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
        // (a + b is 0 only where both weights underflow: then any centre will do.)
        this.centre[i] = a + b > 0 ? (a * s + b * v) / (a + b) : 0;
        this.constant[i] = extra + (a > 0 && b > 0 ? ((a * b) / (a + b)) * (s - v) * (s - v) : 0);
        this.unknown[i] = unknown;
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
   * The least cost of any track under `node` that passes the filters, to any point of `mask` (a
   * set of points that holds every point near the node); Infinity when each costs more than
   * `limit`. The points within `limit` are left in `nearMask`.
   */
  nodeLeast(tree: FeatureTree, node: number, limit: number, mask = this.allPoints): number {
    const { columns, rangeLo, rangeHi, rangeMissing, weight, centre, constant, unknown } = this;
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
    let near = 0;
    for (let p = 0; p < this.points; p++) {
      if (mask !== -1 && (mask & (1 << p)) === 0) continue;
      const offset = p * J;
      let sum = 0;
      for (let j = 0; j < J && sum <= limit; j++) {
        const i = offset + j;
        let term = rangeMissing[j] ? unknown[i] : Infinity;
        const lo = rangeLo[j];
        const hi = rangeHi[j];
        if (lo <= hi) {
          const m = centre[i];
          const gap = m < lo ? lo - m : m > hi ? m - hi : 0;
          const known = weight[j] * gap * gap + constant[i];
          if (known < term) term = known;
        }
        sum += term;
      }
      if (sum > limit) continue;
      near |= 1 << p;
      if (sum < least) least = sum;
    }
    this.nearMask = mask === -1 ? -1 : near;
    return least;
  }

  /**
   * Prepares mayReach for the tracks of a leaf: the points of `mask` near it, the columns none of
   * its tracks has (a fixed cost), the ones all of them have. False when no point is near.
   */
  openLeaf(tree: FeatureTree, node: number, limit: number, mask = this.allPoints): boolean {
    if (this.nodeLeast(tree, node, limit, mask) === Infinity) return false;
    const { columns, rangeLo, rangeHi, rangeMissing } = this;
    const J = columns.length;
    // Columns every track has first, then those some tracks lack; absent ones cost alike.
    const order: number[] = [];
    for (let j = 0; j < J; j++) if (rangeLo[j] <= rangeHi[j] && !rangeMissing[j]) order.push(j);
    this.leafKnown = order.length;
    for (let j = 0; j < J; j++) if (rangeLo[j] <= rangeHi[j] && rangeMissing[j]) order.push(j);
    const L = order.length;
    this.leafColumnCount = L;
    for (let i = 0; i < L; i++) {
      this.leafColumn[i] = columns[order[i]];
      this.leafWeight[i] = this.weight[order[i]];
    }
    let n = 0;
    for (let p = 0; p < this.points; p++) {
      if (this.nearMask !== -1 && (this.nearMask & (1 << p)) === 0) continue;
      let base = 0;
      for (let j = 0; j < J; j++) if (!(rangeLo[j] <= rangeHi[j])) base += this.unknown[p * J + j];
      for (let i = 0; i < L; i++) {
        const from = p * J + order[i];
        if (i < this.leafKnown) base += this.constant[from];
        this.leafCentre[n * J + i] = this.centre[from];
        this.leafConstant[n * J + i] = this.constant[from];
        this.leafUnknown[n * J + i] = this.unknown[from];
      }
      this.leafBase[n++] = base;
    }
    this.leafPoints = n;
    return true;
  }

  /**
   * False when the track in `slot` (of the leaf openLeaf prepared) fails a filter, or costs more
   * than `limit` to each point near the leaf, so that it cannot reach the threshold `limit` was
   * made from.
   */
  mayReach(slot: number, limit: number): boolean {
    const values = this.values;
    const base = slot * COLUMN_COUNT;
    for (let f = 0; f < this.filterColumns.length; f++) {
      const c = this.filterColumns[f];
      const v = values[base + c];
      if (!(v >= this.filterLo[c] && v <= this.filterHi[c])) return false;
    }
    const { leafColumn, leafWeight, leafCentre } = this;
    const J = this.columns.length;
    const known = this.leafKnown;
    const all = this.leafColumnCount;
    for (let n = 0; n < this.leafPoints; n++) {
      const offset = n * J;
      let sum = this.leafBase[n];
      let i = 0;
      for (; i < known && sum <= limit; i++) {
        const d = values[base + leafColumn[i]] - leafCentre[offset + i];
        sum += leafWeight[i] * d * d;
      }
      for (; i < all && sum <= limit; i++) {
        const x = values[base + leafColumn[i]];
        if (x === x) {
          const d = x - leafCentre[offset + i];
          sum += leafWeight[i] * d * d + this.leafConstant[offset + i];
        } else {
          sum += this.leafUnknown[offset + i];
        }
      }
      if (sum <= limit) return true;
    }
    return false;
  }
}
