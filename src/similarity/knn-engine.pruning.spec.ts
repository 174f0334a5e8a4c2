import { KnnEngine } from './knn-engine';

/**
 * ml-knn's default metric reads `p.length`, undefined for the plain object its k-d tree builds to
 * measure the distance to a splitting plane; that distance comes out 0 and the tree never prunes
 * (every query measures every row). The engine passes its own metric so the tree prunes. This spec
 * counts the metric calls of the real ml-knn, whichever metric the engine hands it.
 */
const mockMetric = { calls: 0 };
jest.mock('ml-knn', () => {
  const Actual = jest.requireActual('ml-knn');
  const { euclidean } = jest.requireActual('ml-distance-euclidean');
  type Metric = (a: ArrayLike<number>, b: ArrayLike<number>) => number;
  return class CountedKnn extends Actual {
    constructor(dataset: number[][], labels: number[], options: { distance?: Metric } = {}) {
      const metric: Metric = options.distance ?? euclidean;
      super(dataset, labels, {
        ...options,
        distance: (a: ArrayLike<number>, b: ArrayLike<number>) => {
          mockMetric.calls++;
          return metric(a, b);
        },
      });
    }
  };
});

function randomMatrix(rows: number, dimensions: number, seed: number): number[][] {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return Array.from({ length: rows }, () => Array.from({ length: dimensions }, next));
}

describe('KnnEngine search cost (real ml-knn, metric calls counted)', () => {
  it('measures far fewer rows than the tree holds: the k-d tree prunes', () => {
    const rows = randomMatrix(4000, 3, 3);
    const index = new KnnEngine({ indexCacheSize: 0 }).fit(rows, 3);
    mockMetric.calls = 0;
    const neighbours = index.nearest([0.5, 0.5, 0.5], 3);
    expect(neighbours).toHaveLength(3);
    expect(mockMetric.calls).toBeGreaterThan(0);
    // Each visited row costs two calls (the row, its splitting plane); a full scan would be 8,000.
    expect(mockMetric.calls).toBeLessThan(rows.length / 4);
  });
});
