import type KNN from 'ml-knn';
import type { KnnModel } from 'ml-knn';
import { seededRandom } from '../common/numeric';
import { KnnEngine } from './knn-engine';

/**
 * ml-knn's default metric reads `p.length`, undefined for the plain object its k-d tree search builds
 * to measure the distance to a splitting plane; that distance comes out 0 and the tree never prunes
 * (every query measures every row). The engine passes its own metric so the tree prunes. This spec
 * counts the metric calls of the real ml-knn search, whichever metric the engine hands it, by either
 * of ml-knn's entry points (the constructor, or `KNN.load` of a prebuilt tree).
 */
const mockMetric = { calls: 0 };
jest.mock('ml-knn', () => {
  const Actual: typeof KNN = jest.requireActual('ml-knn');
  const { euclidean } = jest.requireActual('ml-distance-euclidean');
  type Metric = (a: ArrayLike<number>, b: ArrayLike<number>) => number;
  const counted =
    (metric: Metric): Metric =>
    (a, b) => {
      mockMetric.calls++;
      return metric(a, b);
    };
  return class CountedKnn extends Actual {
    constructor(dataset: number[][], labels: number[], options: { distance?: Metric } = {}) {
      super(dataset, labels, { ...options, distance: counted(options.distance ?? euclidean) });
    }

    static override load(model: KnnModel, distance: Metric = euclidean) {
      return Actual.load(model, counted(distance));
    }
  };
});

function randomMatrix(rows: number, dimensions: number, seed: number): number[][] {
  const random = seededRandom(seed);
  return Array.from({ length: rows }, () => Array.from({ length: dimensions }, random));
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
