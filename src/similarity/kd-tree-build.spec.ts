import fc from 'fast-check';
import KNN, { KnnKdTreeNode } from 'ml-knn';
import { buildKdTree } from './kd-tree-build';
import { featureDistance } from './knn-engine';

/** Every way the tree breaks the k-d invariant or misplaces a row; empty when it is sound. */
function problems(rows: number[][], dimensions: number): string[] {
  const root = buildKdTree(rows, dimensions);
  const found: string[] = [];
  const seen = new Set<number>();
  let deepest = 0;

  /** Walks a subtree, checking each node against the bounds its ancestors set; returns its rows. */
  function walk(node: KnnKdTreeNode | null, depth: number, lower: number[], upper: number[]) {
    if (!node) return;
    deepest = Math.max(deepest, depth);
    const position = node.obj[dimensions];
    if (node.obj.length !== dimensions + 1) found.push(`node ${position}: obj length`);
    if (seen.has(position)) found.push(`row ${position} twice`);
    seen.add(position);
    rows[position]?.forEach((value, d) => {
      if (node.obj[d] !== value) found.push(`row ${position}: value ${d} differs`);
      if (value < lower[d] || value > upper[d]) found.push(`row ${position} on the wrong side`);
    });
    if (dimensions > 0 && !(node.dimension >= 0 && node.dimension < dimensions)) {
      found.push(`node ${position} splits on ${node.dimension}, not a feature`);
    }
    const d = node.dimension;
    const split = node.obj[d];
    const below = [...upper];
    below[d] = Math.min(upper[d], split);
    const above = [...lower];
    above[d] = Math.max(lower[d], split);
    walk(node.left, depth + 1, lower, dimensions > 0 ? below : upper);
    walk(node.right, depth + 1, dimensions > 0 ? above : lower, upper);
  }

  const unbounded = (value: number) => Array.from({ length: dimensions }, () => value);
  walk(root, 1, unbounded(-Infinity), unbounded(Infinity));
  if (seen.size !== rows.length) found.push(`${seen.size} of ${rows.length} rows in the tree`);
  // Median splits: as balanced as ml-knn's own tree.
  if (deepest > Math.ceil(Math.log2(rows.length + 1))) found.push(`depth ${deepest}`);
  if (root.dimensions.join() !== Array.from({ length: dimensions }, (_, d) => d).join()) {
    found.push('dimensions');
  }
  return found;
}

/** Rows of up to 5 columns, drawn from few values so that many ties and duplicates occur. */
const matrix = fc.integer({ min: 0, max: 5 }).chain((dimensions) =>
  fc.record({
    dimensions: fc.constant(dimensions),
    rows: fc.array(
      fc.array(
        fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ min: -1e3, max: 1e3, noNaN: true })),
        { minLength: dimensions, maxLength: dimensions },
      ),
      { minLength: 1, maxLength: 300 },
    ),
  }),
);

describe('buildKdTree', () => {
  it('holds every row once, left ≤ split ≤ right at every node, balanced, splitting on features only', () => {
    fc.assert(
      fc.property(matrix, ({ rows, dimensions }) => {
        expect(problems(rows, dimensions)).toEqual([]);
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('holds on sorted, reversed and constant columns (quickselect’s awkward inputs)', () => {
    const n = 2000;
    const rows = Array.from({ length: n }, (_, i) => [i, n - i, 7, i % 2]);
    expect(problems(rows, 4)).toEqual([]);
  });

  it('lets ml-knn’s own search find exactly the brute-force nearest distances', () => {
    fc.assert(
      fc.property(
        matrix.filter(({ dimensions }) => dimensions > 0),
        fc.integer({ min: 1, max: 8 }),
        ({ rows, dimensions }, k) => {
          const metric = featureDistance(dimensions);
          const tree = KNN.load(
            {
              name: 'KNN',
              kdTree: buildKdTree(rows, dimensions),
              k: 1,
              classes: [],
              isEuclidean: false,
            },
            metric,
          ).kdTree;
          const query = rows[0].map((value, d) => value + (d % 2 ? 0.5 : -0.25));
          const found = tree
            .nearest(query, k)
            .map(([, distance]) => distance)
            .sort((a, b) => a - b);
          const expected = rows
            .map((row) => metric(row, query))
            .sort((a, b) => a - b)
            .slice(0, k);
          expect(found).toEqual(expected);
        },
      ),
      { seed: 12, numRuns: 300 },
    );
  });

  it('refuses an empty matrix', () => {
    expect(() => buildKdTree([], 3)).toThrow(RangeError);
  });
});
