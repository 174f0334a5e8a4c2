import { collectGarbage } from './full-gc';

describe('collectGarbage', () => {
  it('collects what nothing refers to any more, without a flag on the command line', () => {
    let garbage: number[][] | null = Array.from({ length: 200_000 }, (_, i) => [i, i + 1]);
    const holding = process.memoryUsage().heapUsed;
    expect(garbage.length).toBe(200_000);
    garbage = null;
    collectGarbage();
    // 200,000 small arrays are ≥ 6 MB of heap.
    expect(holding - process.memoryUsage().heapUsed).toBeGreaterThan(6_000_000);
    expect(garbage).toBeNull();
  });
});
