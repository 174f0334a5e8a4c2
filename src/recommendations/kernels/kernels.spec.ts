import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileWat, kernelModule } from '../../../scripts/build-kernels';
import { CatalogIndex, INDEX_COLUMNS } from '../../catalog-index/catalog-index';
import { kernelMemoryOf } from '../../catalog-index/structures/kernel-memory';
import { AUDIO_FEATURES } from '../../common/tracks/audio-features';
import { seededRandom } from '../../common/numeric';
import { randomCatalog, typicalRange } from '../../../test/helpers/catalog-records';
import { requestFor } from '../../../test/helpers/recommendations';
import { compilePlan, type QueryPlan } from '../query-plan';
import { DEFAULT_WEIGHTS } from '../recommendation-weights';
import { LeafScanKernel } from './leaf-scan';
import { NodeBoundsKernel } from './node-bounds';

/** A target or filter: a column's value somewhere in its usual range. */
const target = fc
  .tuple(fc.constantFrom(...INDEX_COLUMNS), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([column, share]) => {
    const [low, high] = typicalRange(column);
    return [column, low + share * (high - low)] as const;
  });

describe('the tree search kernels (leaf-scan.wat, node-bounds.wat)', () => {
  afterEach(() => {
    LeafScanKernel.setEnabled(true);
    NodeBoundsKernel.setEnabled(true);
  });

  it.each(['leaf-scan', 'node-bounds'])(
    '%s: the module is the compile of its .wat (npm run build:kernels was run after the last edit)',
    async (name) => {
      const source = readFileSync(join(__dirname, `${name}.wat`), 'utf8');
      const binary = await compileWat(`${name}.wat`, source);
      expect(readFileSync(join(__dirname, `${name}.wasm.ts`), 'utf8')).toBe(
        kernelModule(name, binary),
      );
    },
  );

  it('reads an index whose values lie in a kernel memory, as the build leaves them', () => {
    const index = CatalogIndex.fromRecords(randomCatalog(seededRandom(1), 50));
    const { values } = index.columns();
    expect(kernelMemoryOf(values)).toBeDefined();
    expect(LeafScanKernel.for(values)).toBeDefined();
    expect(NodeBoundsKernel.for(index.columns().tree!)).toBeDefined();
    LeafScanKernel.setEnabled(false);
    expect(LeafScanKernel.for(values)).toBeUndefined();
  });

  it("bounds a node's least cost from below, within a hair of the JavaScript bound, and keeps every point it finds near", () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 20, max: 200 }),
        fc.constantFrom(0, 0.1, 0.4),
        fc.integer({ min: 1, max: 8 }),
        fc.array(target, { maxLength: 3 }),
        fc.array(fc.tuple(fc.constantFrom('min' as const, 'max' as const), target), {
          maxLength: 2,
        }),
        (seed, size, missing, seedCount, targets, bounds) => {
          const random = seededRandom(seed);
          const records = randomCatalog(random, size, { missing });
          const index = CatalogIndex.fromRecords(records, { leafSize: 4 });
          const seeds = Array.from({ length: seedCount }, () => ({
            type: 'track' as const,
            id: records[Math.floor(random() * size)].id,
          }));
          const request = requestFor(seeds, { targets: Object.fromEntries(targets) });
          for (const [side, [column, value]] of bounds) request[side][column] = value;
          const kernel = compilePlan(index, request, DEFAULT_WEIGHTS).plan.bounds.cost;
          NodeBoundsKernel.setEnabled(false);
          const inJavaScript = compilePlan(index, request, DEFAULT_WEIGHTS).plan.bounds.cost;
          NodeBoundsKernel.setEnabled(true);
          const tree = index.columns().tree!;
          const problems: string[] = [];
          for (let node = 0; node < tree.nodeCount; node++) {
            for (const limit of [0, 1, 5, 50, Infinity]) {
              const expected = inJavaScript.nodeLeast(tree, node, limit);
              const nearJs = inJavaScript.nearMask;
              const least = kernel.nodeLeast(tree, node, limit);
              const near = kernel.nearMask;
              const close = expected === Infinity || least >= expected - 0.01 * (1 + expected);
              if (!(least <= expected) || !close)
                problems.push(`node ${node}, limit ${limit}: ${least} for ${expected}`);
              if ((near & nearJs) !== nearJs)
                problems.push(`node ${node}, limit ${limit}: near ${near} lacks ${nearJs}`);
            }
          }
          expect(problems).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('finds in a leaf every track the JavaScript scan finds, also one whose cost is the limit itself, and others only just past it', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 20, max: 200 }),
        fc.integer({ min: 2, max: 40 }),
        fc.boolean(),
        fc.subarray([...AUDIO_FEATURES], { maxLength: 3 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(target, { maxLength: 3 }),
        fc.array(fc.tuple(fc.constantFrom('min' as const, 'max' as const), target), {
          maxLength: 2,
        }),
        (seed, size, leafSize, coarse, absent, seedCount, targets, bounds) => {
          const random = seededRandom(seed);
          // Every track has every value but the absent features: the kernel's case in every leaf.
          const records = randomCatalog(random, size, { missing: 0, coarse, absent });
          const index = CatalogIndex.fromRecords(records, { leafSize });
          const seeds = Array.from({ length: seedCount }, () => ({
            type: 'track' as const,
            id: records[Math.floor(random() * size)].id,
          }));
          const request = requestFor(seeds, { targets: Object.fromEntries(targets) });
          for (const [side, [column, value]] of bounds) request[side][column] = value;
          const withKernel = compilePlan(index, request, DEFAULT_WEIGHTS).plan;
          LeafScanKernel.setEnabled(false);
          const inJavaScript = compilePlan(index, request, DEFAULT_WEIGHTS).plan;
          LeafScanKernel.setEnabled(true);

          const { tree, live } = index.columns();
          const problems: string[] = [];
          for (let leaf = 0; leaf < tree!.nodeCount; leaf++) {
            if (tree!.left[leaf] >= 0) continue;
            const from = tree!.start[leaf];
            const to = tree!.end[leaf];
            const scan = (plan: QueryPlan, limit: number, start = from, end = to) => {
              const cost = plan.bounds.cost;
              cost.openLeaf(tree!, leaf, cost.allPoints);
              const out = new Int32Array(end - start);
              return [...out.subarray(0, cost.scanLeaf(start, end, live, limit, out))];
            };
            // Each track's least limit at which the JavaScript scan finds it (its cost as summed
            // there), by bisection: the kernel must find it at exactly that limit.
            const limits: number[] = [];
            for (let slot = from; slot < to; slot += 3) {
              if (scan(inJavaScript, 1e9, slot, slot + 1).length === 0) continue;
              let low = 0;
              let high = 1e9;
              for (let step = 0; step < 200 && low < high; step++) {
                const middle = low + (high - low) / 2;
                if (middle === low || middle === high) break;
                if (scan(inJavaScript, middle, slot, slot + 1).length > 0) high = middle;
                else low = middle;
              }
              limits.push(high);
            }
            for (const limit of [0, 0.5, ...limits]) {
              const expected = scan(inJavaScript, limit);
              const found = scan(withKernel, limit);
              const missed = expected.filter((slot) => !found.includes(slot));
              if (missed.length > 0)
                problems.push(`leaf ${leaf}, limit ${limit}: missed ${missed.join(', ')}`);
              const wide = scan(inJavaScript, limit + 0.01 * (1 + Math.abs(limit)));
              const extra = found.filter((slot) => !wide.includes(slot));
              if (extra.length > 0)
                problems.push(`leaf ${leaf}, limit ${limit}: found ${extra.join(', ')}`);
            }
          }
          expect(problems).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
