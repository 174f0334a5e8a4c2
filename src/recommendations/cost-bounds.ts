import { COLUMN_COUNT } from '../catalog-index/catalog-index';
import type { FeatureTree } from '../catalog-index/structures/feature-tree';
import { KERNEL_MAX_RUN, KERNEL_POINTS, LeafScanKernel } from './kernels/leaf-scan';
import { BOUNDS_KERNEL_POINTS, NodeBoundsKernel } from './kernels/node-bounds';
import { type ScoringTerms, SLACK } from './scoring-terms';

/** A set of seed points as bits (point p is bit p), while there are at most this many points. */
const MASK_POINTS = 30;
/**
 * The leaf-scan kernel sums in float32: it finds every track whose cost (as summed here, in float64)
 * is within the limit when each limit is widened by this share of the limit, the leaf's base cost
 * and the point's Σ weight × centre². Its rounding error is below 14 × 2⁻²⁴ of that sum (the
 * centres rounded to float32, each term's three roundings, the sum's six: see leaf-scan.wat), so
 * 2⁻¹⁶ leaves a wide margin. The tracks it finds in the margin are scored and dropped as ever.
 */
const KERNEL_SLACK = 2 ** -16;

/**
 * Lower bounds of a request's cost, for one track or for every track under a tree node: what lets
 * the tree search skip nodes and, inside a leaf, skip tracks without scoring them. A track's score
 * is its bonuses minus its cost to the nearest seed point, where the cost to a point is
 *   targets' scale × Σ target terms + nearest weight × Σ closeness terms to the point
 * (ScoringTerms; with no seed point, the target terms alone). The negative-seed penalty is left out:
 * it only adds to a track's cost, so a lower bound of the rest is a lower bound of the whole. Both
 * kinds of term are weighted squared differences, so per column they add up to one quadratic in the
 * track's value x:
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
   * The leaf openLeaf prepared: its near points (`leafPointCount` of them in `leafPoints`), and the
   * layout scanLeaf reads (layOut): the columns, those all its tracks have first (`leafKnown` of
   * them), then those some lack, each with its index column and weight; per point (point-major,
   * all points) each column's centre, constant and unknown-value cost, and `leafBase`, the cost of
   * the columns no track has plus the known columns' constants.
   */
  private readonly leafPoints: Int32Array;
  private leafPointCount = 0;
  private layoutKnown = -1;
  private layoutMixed = -1;
  private leafKnown = 0;
  private leafColumnCount = 0;
  private readonly leafOrder: Int32Array;
  private readonly leafColumn: Int32Array;
  private readonly leafWeight: Float64Array;
  private readonly leafBase: Float64Array;
  private readonly leafCentre: Float64Array;
  private readonly leafConstant: Float64Array;
  private readonly leafUnknown: Float64Array;
  /**
   * The WebAssembly SIMD leaf scan over the index's values, where they lie in a kernel memory and
   * the points fit its scratch. `leafAllKnown`: each column of the leaf openLeaf prepared is known
   * for all its tracks or for none (the kernel's case: the others' cost is in the base).
   * `kernelColumns`: the known columns (bits of `columns`) the kernel's masks let count.
   * `kernelScale`: per point, Σ weight × centre² (KERNEL_SLACK).
   */
  private readonly kernel: LeafScanKernel | undefined;
  private readonly kernelScale: Float64Array;
  /** Per column of `columns`, the typical size of its term (weight × variance). */
  private readonly typical: Float64Array;
  private leafAllKnown = false;
  private kernelColumns = -1;
  /** The node-bound kernel over the tree's boxes (null: none; undefined: not looked up yet). */
  private boundsKernel: NodeBoundsKernel | null | undefined;
  private readonly kernelScaleMax: number;

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
    this.leafPoints = new Int32Array(this.points);
    this.leafBase = new Float64Array(this.points);
    this.leafOrder = new Int32Array(J);
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
    this.kernel = this.points <= KERNEL_POINTS ? LeafScanKernel.for(this.values) : undefined;
    this.typical = Float64Array.from(used, (c, j) => this.weight[j] / terms.inverseVariance[c]);
    this.kernelScale = new Float64Array(this.points);
    for (let p = 0; p < this.points; p++)
      for (let j = 0; j < J; j++)
        this.kernelScale[p] += this.weight[j] * this.centre[p * J + j] ** 2;
    this.kernelScaleMax = Math.max(0, ...this.kernelScale);
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
    if (this.boundsKernel === undefined) {
      const fits = this.points <= BOUNDS_KERNEL_POINTS && this.allPoints !== -1;
      this.boundsKernel = (fits && NodeBoundsKernel.for(tree)) || null;
    }
    if (this.boundsKernel) return this.kernelLeast(this.boundsKernel, tree, node, limit, mask);
    this.readRanges(tree, node);
    const { columns, rangeLo, rangeHi, rangeMissing, weight, centre, constant, unknown } = this;
    const J = columns.length;
    let least = Infinity;
    let near = 0;
    const points = this.points;
    for (let p = 0; p < points; p++) {
      if (mask !== -1 && (mask & (1 << p)) === 0) continue;
      const offset = p * J;
      let sum = 0;
      for (let j = 0; j < J && sum <= limit; j++) {
        const i = offset + j;
        let term = rangeMissing[j] === 1 ? unknown[i] : Infinity;
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

  /** The node's range per column (narrowed by the filters) and whether a value may be missing. */
  private readRanges(tree: FeatureTree, node: number): void {
    const { columns, rangeLo, rangeHi, rangeMissing, filtered, filterLo, filterHi } = this;
    const treeLo = tree.lo;
    const treeHi = tree.hi;
    const J = columns.length;
    const box = node * COLUMN_COUNT;
    const missing = tree.missing[node];
    for (let j = 0; j < J; j++) {
      const c = columns[j];
      let lo: number = treeLo[box + c];
      let hi: number = treeHi[box + c];
      if (filtered[c] === 1) {
        if (filterLo[c] > lo) lo = filterLo[c];
        if (filterHi[c] < hi) hi = filterHi[c];
        rangeMissing[j] = 0;
      } else {
        rangeMissing[j] = (missing >>> c) & 1;
      }
      rangeLo[j] = lo;
      rangeHi[j] = hi;
    }
  }

  /**
   * Prepares scanLeaf for the tracks of a leaf near the points of `mask` (its bound's near points):
   * the columns none of its tracks has (a fixed cost), the ones all of them have.
   */
  openLeaf(tree: FeatureTree, node: number, mask = this.allPoints): void {
    this.readRanges(tree, node);
    const { columns, rangeLo, rangeHi, rangeMissing } = this;
    const J = columns.length;
    // Which columns every track of the leaf has, and which some lack: most leaves are alike, and
    // then the layout of the last one serves.
    let knownBits = 0;
    let mixedBits = 0;
    for (let j = 0; j < J; j++) {
      if (!(rangeLo[j] <= rangeHi[j])) continue;
      if (rangeMissing[j] === 1) mixedBits |= 1 << j;
      else knownBits |= 1 << j;
    }
    if (knownBits !== this.layoutKnown || mixedBits !== this.layoutMixed || J > 31)
      this.layOut(knownBits, mixedBits);
    let n = 0;
    for (let p = 0; p < this.points; p++)
      if (mask === -1 || (mask & (1 << p)) !== 0) this.leafPoints[n++] = p;
    this.leafPointCount = n;
  }

  /**
   * The flat layout scanLeaf reads, for leaves whose tracks all have the columns of `knownBits`,
   * some have those of `mixedBits`, and none the others (bit j: column j of `columns`).
   */
  private layOut(knownBits: number, mixedBits: number): void {
    const J = this.columns.length;
    const rangeLo = this.rangeLo;
    const rangeHi = this.rangeHi;
    const rangeMissing = this.rangeMissing;
    let L = 0;
    for (let j = 0; j < J; j++)
      if (rangeLo[j] <= rangeHi[j] && rangeMissing[j] === 0) this.leafOrder[L++] = j;
    this.leafKnown = L;
    for (let j = 0; j < J; j++)
      if (rangeLo[j] <= rangeHi[j] && rangeMissing[j] === 1) this.leafOrder[L++] = j;
    this.leafColumnCount = L;
    this.leafAllKnown = this.leafKnown === L;
    for (let i = 0; i < L; i++) {
      this.leafColumn[i] = this.columns[this.leafOrder[i]];
      this.leafWeight[i] = this.weight[this.leafOrder[i]];
    }
    for (let p = 0; p < this.points; p++) {
      let base = 0;
      for (let j = 0; j < J; j++) if (!(rangeLo[j] <= rangeHi[j])) base += this.unknown[p * J + j];
      for (let i = 0; i < L; i++) {
        const from = p * J + this.leafOrder[i];
        if (i < this.leafKnown) base += this.constant[from];
        this.leafCentre[p * J + i] = this.centre[from];
        this.leafConstant[p * J + i] = this.constant[from];
        this.leafUnknown[p * J + i] = this.unknown[from];
      }
      this.leafBase[p] = base;
    }
    this.layoutKnown = knownBits;
    this.layoutMixed = mixedBits;
  }

  /**
   * The live tracks of slots [from, to) of the leaf openLeaf prepared that pass the filters and cost
   * at most `limit` to some point near the leaf, written to `out` (room for to − from); returns how
   * many. The others cannot reach the threshold `limit` was made from.
   */
  scanLeaf(from: number, to: number, live: Uint8Array, limit: number, out: Int32Array): number {
    if (this.kernel && this.leafAllKnown && limit < Infinity && to - from <= KERNEL_MAX_RUN)
      return this.kernelScan(this.kernel, from, to, live, limit, out);
    const values = this.values;
    const { filterColumns, filterLo, filterHi, leafColumn, leafWeight, leafCentre, leafBase } =
      this;
    const filters = filterColumns.length;
    const J = this.columns.length;
    const known = this.leafKnown;
    const all = this.leafColumnCount;
    const { leafPoints } = this;
    const points = this.leafPointCount;
    let found = 0;
    tracks: for (let slot = from; slot < to; slot++) {
      if (live[slot] === 0) continue;
      const base = slot * COLUMN_COUNT;
      for (let f = 0; f < filters; f++) {
        const c = filterColumns[f];
        const v = values[base + c];
        if (!(v >= filterLo[c] && v <= filterHi[c])) continue tracks;
      }
      for (let n = 0; n < points; n++) {
        const p = leafPoints[n];
        const offset = p * J;
        let sum = leafBase[p];
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
        if (sum <= limit) {
          out[found++] = slot;
          continue tracks;
        }
      }
    }
    return found;
  }

  /**
   * scanLeaf by the kernel, for a leaf whose tracks all have every column: the kernel gives the
   * tracks within each near point's limit (widened by KERNEL_SLACK), then the live ones that pass
   * the filters are kept. A point whose base cost alone passes the limit is not asked about.
   */
  private kernelScan(
    kernel: LeafScanKernel,
    from: number,
    to: number,
    live: Uint8Array,
    limit: number,
    out: Int32Array,
  ): number {
    if (kernel.owner !== this) this.prepareKernel(kernel);
    if (this.kernelColumns !== this.layoutKnown) this.maskKernel(kernel);
    const { leafPoints, leafBase, kernelScale } = this;
    let count = 0;
    for (let n = 0; n < this.leafPointCount; n++) {
      const p = leafPoints[n];
      const room = limit - leafBase[p];
      if (room < 0) continue;
      const margin = KERNEL_SLACK * (kernelScale[p] + Math.abs(limit) + leafBase[p]);
      kernel.setPoint(count++, p, room + margin);
    }
    if (count === 0) return 0;
    const hits = kernel.scan(this.values, from, to, count);
    const { values, filterColumns, filterLo, filterHi } = this;
    let found = 0;
    tracks: for (let i = 0; i < hits; i++) {
      const slot = kernel.answer(i);
      if (live[slot] === 0) continue;
      for (let f = 0; f < filterColumns.length; f++) {
        const c = filterColumns[f];
        const v = values[slot * COLUMN_COUNT + c];
        if (!(v >= filterLo[c] && v <= filterHi[c])) continue tracks;
      }
      out[found++] = slot;
    }
    return found;
  }

  /** Writes this request's centres to the kernel's scratch. */
  private prepareKernel(kernel: LeafScanKernel): void {
    const J = this.columns.length;
    for (let p = 0; p < this.points; p++)
      for (let j = 0; j < J; j++) kernel.setCentre(p, this.columns[j], this.centre[p * J + j]);
    kernel.owner = this;
    this.kernelColumns = -1;
  }

  /**
   * Lets the leaf's known columns count in the kernel, with their weights, and no other column; the
   * groups of four columns with the largest typical terms are summed first.
   */
  private maskKernel(kernel: LeafScanKernel): void {
    const groupSize = [0, 0, 0, 0];
    for (let c = 0; c < COLUMN_COUNT; c++) kernel.setColumn(c, undefined);
    for (let j = 0; j < this.columns.length; j++) {
      if ((this.layoutKnown & (1 << j)) === 0) continue;
      kernel.setColumn(this.columns[j], this.weight[j]);
      const size = this.typical[j];
      groupSize[this.columns[j] >> 2] += size === size ? size : 0;
    }
    kernel.setGroupOrder([0, 1, 2, 3].sort((a, b) => groupSize[b] - groupSize[a] || a - b));
    this.kernelColumns = this.layoutKnown;
  }

  /**
   * nodeLeast by the kernel: its float32 sums within the limit widened by KERNEL_SLACK count as
   * near, and the least of them, lowered by the same margin, is a lower bound of the float64 one.
   */
  private kernelLeast(
    kernel: NodeBoundsKernel,
    tree: FeatureTree,
    node: number,
    limit: number,
    mask: number,
  ): number {
    if (kernel.owner !== this) this.prepareBoundsKernel(kernel);
    const scale = this.kernelScaleMax;
    const widened = limit + KERNEL_SLACK * (scale + Math.abs(limit));
    const least = kernel.least(tree, node, widened, mask, this.points);
    this.nearMask = kernel.near();
    if (least === Infinity) return Infinity;
    return Math.max(0, (least - KERNEL_SLACK * scale) / (1 + KERNEL_SLACK));
  }

  /** Writes this request's points, weights and filters to the node-bound kernel's scratch. */
  private prepareBoundsKernel(kernel: NodeBoundsKernel): void {
    const J = this.columns.length;
    for (let c = 0; c < COLUMN_COUNT; c++)
      kernel.setColumn(c, undefined, this.filterLo[c], this.filterHi[c], this.filtered[c] === 1);
    for (let j = 0; j < J; j++) {
      const c = this.columns[j];
      kernel.setColumn(
        c,
        this.weight[j],
        this.filterLo[c],
        this.filterHi[c],
        this.filtered[c] === 1,
      );
      for (let p = 0; p < this.points; p++) {
        const i = p * J + j;
        kernel.setPointColumn(p, c, this.centre[i], this.constant[i], this.unknown[i]);
      }
    }
    kernel.owner = this;
  }
}
