import fc from 'fast-check';
import { CatalogIndex, COLUMN_COUNT, INDEX_COLUMNS } from '../catalog-index/catalog-index';
import { seededRandom } from '../common/numeric';
import { randomCatalog, typicalRange } from '../../test/helpers/catalog-records';
import { requestFor } from '../../test/helpers/recommendations';
import { compilePlan } from './query-plan';
import type { RecommendationRequest, SeedInput } from './recommendation-request';
import { DEFAULT_WEIGHTS, type RecommendationWeights } from './recommendation-weights';

const MOODS = ['calm', 'happy', 'sad'];

/** A column's value at `share` of the way through where its values usually lie. */
const columnValue = fc
  .tuple(fc.constantFrom(...INDEX_COLUMNS), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([column, share]) => {
    const [low, high] = typicalRange(column);
    return [column, low + share * (high - low)] as const;
  });

const seedArbitrary = fc.oneof(
  fc.nat().map((n) => ({ type: 'track' as const, n })),
  fc.constantFrom('artist1', 'Artist 3', 'ARTIST 6', 'nobody').map((id) => ({
    type: 'artist' as const,
    id,
  })),
  fc.constantFrom('genre 1', 'Genre-2', 'genre 5', 'no genre').map((id) => ({
    type: 'genre' as const,
    id,
  })),
  // A track the catalog lacks, by its own values (some unknown).
  fc
    .array(fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }), {
      minLength: COLUMN_COUNT,
      maxLength: COLUMN_COUNT,
    })
    .map((shares) => ({
      type: 'outside' as const,
      values: INDEX_COLUMNS.map((column, c) => {
        const [low, high] = typicalRange(column);
        return shares[c] === null ? NaN : low + shares[c] * (high - low);
      }),
    })),
);

const requestArbitrary = fc.record({
  seeds: fc.array(seedArbitrary, { maxLength: 5 }),
  targets: fc.array(columnValue, { maxLength: 4 }),
  bounds: fc.array(fc.tuple(fc.constantFrom('min' as const, 'max' as const), columnValue), {
    maxLength: 3,
  }),
  mood: fc.option(fc.constantFrom(...MOODS, 'unknown mood'), { nil: undefined }),
  // Negative seeds: their penalty is the one term the bounds leave out (it only lowers scores).
  negatives: fc.array(fc.oneof(fc.nat(), fc.constant('unknown-track')), { maxLength: 5 }),
});

const weight = (max: number) =>
  fc.oneof(fc.constant(0), fc.double({ min: 0, max, noNaN: true, noDefaultInfinity: true }));

const weightsArbitrary: fc.Arbitrary<RecommendationWeights> = fc
  .record({
    features: fc.record(
      Object.fromEntries(INDEX_COLUMNS.map((column) => [column, weight(2)])) as Record<
        (typeof INDEX_COLUMNS)[number],
        fc.Arbitrary<number>
      >,
    ),
    nearest: weight(4),
    targets: weight(4),
    sameArtist: weight(4),
    sameAlbum: weight(4),
    genre: weight(8),
    genreRarity: fc.integer({ min: 0, max: 2 }),
    mood: weight(4),
    popularity: weight(2),
    popularityWithoutSeedTracks: weight(2),
    negativeSeed: weight(8),
    negativeSeedRadius: weight(3),
  })
  .map((weights) => ({ ...DEFAULT_WEIGHTS, ...weights }));

const catalogArbitrary = fc.record({
  seed: fc.integer(),
  size: fc.integer({ min: 1, max: 300 }),
  leafSize: fc.integer({ min: 2, max: 12 }),
  missing: fc.constantFrom(0, 0.1, 0.4),
  coarse: fc.boolean(),
  /** Upserts and removals after the build: bounds widened in place, new tracks in the tail. */
  changed: fc.boolean(),
});

type Drawn<A> = A extends fc.Arbitrary<infer T> ? T : never;

function randomIndex(spec: Drawn<typeof catalogArbitrary>): CatalogIndex {
  const random = seededRandom(spec.seed);
  const options = { missing: spec.missing, coarse: spec.coarse, genres: 6 };
  const records = randomCatalog(random, spec.size, options);
  const index = CatalogIndex.fromRecords(records, { leafSize: spec.leafSize });
  if (spec.changed) {
    const changed = randomCatalog(random, Math.ceil(spec.size / 4), options).map((record, i) => ({
      ...record,
      id: records[(i * 3) % records.length].id,
    }));
    index.upsert([...changed, ...randomCatalog(random, 10, { ...options, idPrefix: 'new' })]);
    index.remove(records.filter(() => random() < 0.2).map((record) => record.id));
  }
  index.setMoodLabels(MOODS);
  const { slotCount, live } = index.columns();
  const ids: string[] = [];
  const labels: number[] = [];
  const probabilities: number[] = [];
  for (let slot = 0; slot < slotCount; slot++) {
    if (!live[slot] || random() < 0.3) continue;
    ids.push(index.idOf(slot));
    labels.push(Math.floor(random() * MOODS.length));
    probabilities.push(random());
  }
  index.setMoods(ids, labels, probabilities);
  return index;
}

function toRequest(
  index: CatalogIndex,
  drawn: Drawn<typeof requestArbitrary>,
): RecommendationRequest {
  const { slotCount } = index.columns();
  const seeds = drawn.seeds.map((seed): SeedInput => {
    if (seed.type === 'track') return { type: 'track', id: index.idOf(seed.n % slotCount) };
    if (seed.type === 'outside') return { type: 'track', id: 'outside', values: seed.values };
    return seed;
  });
  const request = requestFor(seeds, { targets: Object.fromEntries(drawn.targets) });
  for (const [side, [column, value]] of drawn.bounds) request[side][column] = value;
  request.mood = drawn.mood;
  request.negativeTracks = drawn.negatives.map((negative) =>
    typeof negative === 'number' ? index.idOf(negative % slotCount) : negative,
  );
  return request;
}

describe('NodeBounds (against ScoringTerms on the real tree)', () => {
  it("bounds every track's score under every node (but those sharing an artist or album with a seed), negative seeds or not, whatever the threshold; a capped score is exact, and no track skipped, where it counts", () => {
    fc.assert(
      fc.property(
        catalogArbitrary,
        requestArbitrary,
        weightsArbitrary,
        (catalog, drawn, weights) => {
          const index = randomIndex(catalog);
          const { plan } = compilePlan(index, toRequest(index, drawn), weights);
          const { tree, live } = index.columns();
          const problems: string[] = [];
          const parent = new Int32Array(tree!.nodeCount).fill(-1);
          for (let node = 0; node < tree!.nodeCount; node++) {
            if (tree!.left[node] >= 0) parent[tree!.left[node]] = parent[tree!.right[node]] = node;
          }
          for (let node = 0; node < tree!.nodeCount; node++) {
            const slots: number[] = [];
            for (let slot = tree!.start[node]; slot < tree!.end[node]; slot++)
              if (live[slot]) slots.push(slot);
            const scores = slots.map((slot) => plan.terms.score(slot));
            const finite = scores.filter((score) => score > -Infinity).sort((a, b) => a - b);
            const best = finite.length > 0 ? finite[finite.length - 1] : 0;
            const thresholds = [-Infinity, finite[finite.length >> 1] ?? 0, best, best + 1e-6];
            const cap = plan.bounds.bonusBound(node);
            const cost = plan.bounds.cost;
            for (const threshold of thresholds) {
              // As the search bounds a node: only with the seed points near its parent.
              let near = cost.allPoints;
              if (parent[node] >= 0) {
                plan.bounds.bound(parent[node], threshold);
                near = cost.nearMask;
              }
              const bound = plan.bounds.bound(node, threshold, near);
              const limit = cost.costLimit(cap, threshold);
              const kept = new Set<number>();
              if (bound > -Infinity) {
                cost.openLeaf(tree!, node, cost.nearMask);
                const { start, end } = tree!;
                const out = new Int32Array(end[node] - start[node]);
                const count = cost.scanLeaf(start[node], end[node], live, limit, out);
                out.subarray(0, count).forEach((slot) => kept.add(slot));
              }
              slots.forEach((slot, i) => {
                const score = scores[i];
                // The search scores these first, one by one: the bounds leave them out.
                if (plan.bounds.isAffinity(slot)) return;
                if (score >= threshold && !(bound >= score))
                  problems.push(`node ${node} bound ${bound} < score ${score} (≥ ${threshold})`);
                // What lets a leaf skip a track unscored: a filter, or its cost to the points
                // near the node.
                const counts = score > -Infinity && score >= threshold;
                if (counts && !kept.has(slot))
                  problems.push(`slot ${slot} (score ${score}) skipped at threshold ${threshold}`);
                // The early exit a leaf's bonus bound allows: the full score wherever it reaches
                // the threshold; below it, the full score or -Infinity.
                const capped = plan.terms.score(slot, threshold, cap);
                if (
                  score >= threshold ? capped !== score : capped !== score && capped !== -Infinity
                )
                  problems.push(
                    `slot ${slot} capped ${capped} ≠ ${score} (threshold ${threshold})`,
                  );
              });
            }
          }
          expect(problems).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
