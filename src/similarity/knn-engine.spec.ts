import { seededRandom } from '../common/numeric';
import { KnnEngine } from './knn-engine';

/** Seeded, so every run sees the same points. */
function randomMatrix(rows: number, dimensions: number, seed: number): number[][] {
  const random = seededRandom(seed);
  return Array.from({ length: rows }, () => Array.from({ length: dimensions }, random));
}

const distance = (a: readonly number[], b: readonly number[]) =>
  Math.sqrt(a.reduce((sum, value, i) => sum + (value - b[i]) ** 2, 0));

function bruteForce(rows: number[][], point: number[], k: number) {
  return rows
    .map((row, index) => ({ index, distance: distance(row, point) }))
    .sort((a, b) => a.distance - b.distance || a.index - b.index)
    .slice(0, k);
}

describe('KnnEngine (real ml-knn k-d tree)', () => {
  it('returns the k nearest rows by their own position, nearest first, with Euclidean distances', () => {
    const engine = new KnnEngine({ indexCacheSize: 0 });
    const rows = [
      [0, 0],
      [10, 10],
      [1, 0],
      [0, 3],
      [5, 5],
    ];
    expect(engine.fit(rows, 2).nearest([0.2, 0], 3)).toEqual([
      { index: 0, distance: expect.closeTo(0.2, 12) },
      { index: 2, distance: expect.closeTo(0.8, 12) },
      { index: 3, distance: expect.closeTo(Math.hypot(0.2, 3), 12) },
    ]);
  });

  it.each([1, 4, 9])('agrees with brute force on 500 random 13-d rows, k=%i', (k) => {
    const rows = randomMatrix(500, 13, 7 + k);
    const index = new KnnEngine({ indexCacheSize: 0 }).fit(rows, 13);
    for (const point of randomMatrix(25, 13, 99 + k)) {
      expect(index.nearest(point, k)).toEqual(
        bruteForce(rows, point, k).map(({ index: i, distance: d }) => ({
          index: i,
          distance: expect.closeTo(d, 10),
        })),
      );
    }
  });

  it('orders equal distances by row position and returns every row when k exceeds them', () => {
    const index = new KnnEngine({ indexCacheSize: 0 }).fit([[1], [3], [1], [5]], 1);
    expect(index.nearest([2], 10)).toEqual([
      { index: 0, distance: 1 },
      { index: 1, distance: 1 },
      { index: 2, distance: 1 },
      { index: 3, distance: 3 },
    ]);
  });

  it('fits rows with no feature columns left (every feature constant): all at distance 0', () => {
    const index = new KnnEngine({ indexCacheSize: 0 }).fit([[], [], []], 0);
    expect(index.nearest([], 2)).toEqual([
      { index: 0, distance: 0 },
      { index: 1, distance: 0 },
    ]);
  });

  it('reuses the fitted tree for an identical matrix and evicts the least recently used', () => {
    const engine = new KnnEngine({ indexCacheSize: 2 });
    const a = randomMatrix(50, 4, 1);
    const b = randomMatrix(50, 4, 2);
    const c = randomMatrix(50, 4, 3);
    const fittedA = engine.fit(a, 4);
    expect(
      engine.fit(
        a.map((row) => [...row]),
        4,
      ),
    ).toBe(fittedA);
    const fittedB = engine.fit(b, 4);
    engine.fit(a, 4); // a is now the most recently used
    const fittedC = engine.fit(c, 4); // evicts b
    expect(engine.fit(a, 4)).toBe(fittedA);
    expect(engine.fit(c, 4)).toBe(fittedC);
    expect(engine.fit(b, 4)).not.toBe(fittedB);
  });

  it('does not confuse matrices that differ in one value', () => {
    const engine = new KnnEngine({ indexCacheSize: 4 });
    const rows = randomMatrix(30, 3, 5);
    const changed = rows.map((row) => [...row]);
    changed[17][2] += 1e-9;
    expect(engine.fit(changed, 3)).not.toBe(engine.fit(rows, 3));
  });

  it('keeps nothing with the cache off', () => {
    const engine = new KnnEngine({ indexCacheSize: 0 });
    const rows = randomMatrix(10, 2, 1);
    expect(engine.fit(rows, 2)).not.toBe(engine.fit(rows, 2));
  });

  it('rejects rows or queries of the wrong width and an empty matrix', () => {
    const engine = new KnnEngine({ indexCacheSize: 0 });
    expect(() => engine.fit([], 2)).toThrow(RangeError);
    expect(() => engine.fit([[1, 2], [3]], 2)).toThrow(/2 values/);
    expect(() => engine.fit([[1, 2]], 2).nearest([1], 1)).toThrow(/2 values/);
  });
});
