import type { KnnKdTreeNode } from 'ml-knn';

/**
 * Builds the tree ml-knn's own KDTree constructor builds (each node holds one row, the median of its
 * subtree along the node's split dimension; split dimensions cycle with depth), in O(n log n)
 * instead of ml-knn's sort-and-slice at every level, and splitting on the feature columns only
 * (ml-knn also splits on the label it appends to each row). The result is a model ml-knn loads
 * (`KNN.load`), so ml-knn's own `nearest` searches it.
 *
 * Node `obj`: the row's values followed by its position in `rows` (the label ml-knn stores with a
 * point), a view into one Float64Array that holds them all (no array per row to allocate). Invariant, for every node and split dimension d: left subtree ≤ obj[d] ≤ right subtree,
 * which is what ml-knn's search needs (it descends left when point[d] < obj[d]).
 */
export function buildKdTree(
  rows: readonly (readonly number[])[],
  dimensions: number,
): KnnKdTreeNode & { dimensions: number[] } {
  const n = rows.length;
  // Every stored point in one buffer, row-major: a row's values, then its position (its label).
  const stride = dimensions + 1;
  const points = new Float64Array(n * stride);
  rows.forEach((row, r) => {
    for (let d = 0; d < dimensions; d++) points[r * stride + d] = row[d];
    points[r * stride + dimensions] = r;
  });
  const order = new Int32Array(n);
  for (let r = 0; r < n; r++) order[r] = r;
  const value = (at: number, dimension: number) => points[order[at] * stride + dimension];

  /** Reorders order[lo..hi] so order[nth] holds the row whose value ranks nth there (quickselect). */
  function select(lo: number, hi: number, nth: number, dimension: number): void {
    while (lo < hi) {
      // A random pivot keeps the expected cost linear whatever the order of the rows, so a crafted
      // playlist cannot make the build quadratic. The tree's shape may vary; answers do not (the
      // engine breaks distance ties by row position).
      const pivot = value(lo + Math.floor(Math.random() * (hi - lo + 1)), dimension);
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (value(i, dimension) < pivot) i++;
        while (value(j, dimension) > pivot) j--;
        if (i <= j) {
          const swap = order[i];
          order[i++] = order[j];
          order[j--] = swap;
        }
      }
      // Now order[lo..j] ≤ pivot, order[j+1..i-1] = pivot, order[i..hi] ≥ pivot.
      if (nth <= j) hi = j;
      else if (nth >= i) lo = i;
      else return;
    }
  }

  function build(lo: number, hi: number, depth: number): KnnKdTreeNode | null {
    if (lo > hi) return null;
    const dimension = dimensions === 0 ? 0 : depth % dimensions;
    const median = lo + ((hi - lo + 1) >>> 1); // ml-knn's floor(length / 2)
    if (dimensions > 0) select(lo, hi, median, dimension);
    const position = order[median];
    const obj = points.subarray(position * stride, (position + 1) * stride);
    const node: KnnKdTreeNode = { obj, left: null, right: null, parent: null, dimension };
    node.left = build(lo, median - 1, depth + 1);
    node.right = build(median + 1, hi, depth + 1);
    return node;
  }

  if (n === 0) throw new RangeError('cannot build a k-d tree on no rows');
  const root = build(0, n - 1, 0)!;
  return Object.assign(root, { dimensions: Array.from({ length: dimensions }, (_, d) => d) });
}
