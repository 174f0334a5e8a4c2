/**
 * npm run bench:recommendations — recommendation speed on a generated 1M-track catalog, in process.
 * The catalog: the TidyTuesday sample (../shared/data/spotify_songs_dev.csv) plus copies resampled
 * from it with noise (resample.ts). Each scenario runs the same seeded queries through the engine
 * twice, with the tree search and with an exhaustive scan of the same scoring, checks that every
 * answer is identical, and reports p50/p99 of both and the speed-up. The main scenario is the GET
 * call of the README: 5 seed tracks (from one real playlist), 3 targets, 2 min/max filters, limit 20.
 * Also: index build time and memory per track (heap + array buffers, measured around the build, and
 * the index's own account). Writes bench/results/recommendations-speed-<date>.json, prints a table.
 * A benchmark, not a test: it never fails on a number (it does fail on a different answer).
 *   BENCH_TRACKS (default 1000000), BENCH_QUERIES (default 200),
 *   BENCH_CATALOG: `genres` (default: the resampled sample as it is, with genres and popularity) or
 *     `tracks-1.2m` (the same tracks as an import of the 1.2M-songs file holds them: no genres, no
 *     popularity; then no query filters on popularity, and the genre scenarios are left out),
 *   BENCH_SCENARIOS: a comma-separated list of scenario numbers to run (default all),
 *   BENCH_RANKING: `none` runs the engine's first stage alone (default: with the learnt second
 *     stage, as the service runs it), to measure what the second stage costs,
 *   BENCH_KERNELS: `off` runs the tree search without its WebAssembly kernels (leaf scan and node
 *     bounds in JavaScript), to measure what they add.
 */
import { isDeepStrictEqual } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance, PerformanceObserver } from 'node:perf_hooks';
import {
  CatalogIndex,
  COLUMN_COUNT,
  COLUMN_RULES,
  INDEX_COLUMNS,
  type IndexColumn,
} from '../../src/catalog-index/catalog-index';
import type { CatalogTrackRecord } from '../../src/catalog/catalog-track';
import { AUDIO_FEATURES } from '../../src/common/tracks/audio-features';
import { seededRandom } from '../../src/common/numeric';
import { LeafScanKernel } from '../../src/recommendations/kernels/leaf-scan';
import { NodeBoundsKernel } from '../../src/recommendations/kernels/node-bounds';
import { LEARNT_RANKING } from '../../src/recommendations/learnt-ranking-weights';
import {
  RecommendationEngine,
  type RecommendationResult,
} from '../../src/recommendations/recommendation-engine';
import type { RecommendationRequest } from '../../src/recommendations/recommendation-request';
import {
  DEFAULT_WEIGHTS,
  type RecommendationWeights,
} from '../../src/recommendations/recommendation-weights';
import { numpyScan } from './numpy-reference';
import { asTracks12m, resampledCatalog } from './resample';
import { loadTidyTuesday, type Sample } from './tidytuesday';
import { exhaustiveSearch, requestFor } from '../../test/helpers/recommendations';
import { sharedDataPath } from '../../test/helpers/shared-data';

const ROOT = resolve(__dirname, '..', '..');
const SAMPLE = sharedDataPath('spotify_songs_dev.csv');
const TRACKS = Number(process.env.BENCH_TRACKS ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const WARM_UP = 20;
export const CATALOG = process.env.BENCH_CATALOG === 'tracks-1.2m' ? 'tracks-1.2m' : 'genres';
const SCENARIOS = process.env.BENCH_SCENARIOS?.split(',').map(Number);
const RANKING = process.env.BENCH_RANKING === 'none' ? null : LEARNT_RANKING;
const KERNELS = process.env.BENCH_KERNELS !== 'off';
LeafScanKernel.setEnabled(KERNELS);
NodeBoundsKernel.setEnabled(KERNELS);
const TARGETABLE: IndexColumn[] = [
  'danceability',
  'energy',
  'valence',
  'acousticness',
  'tempo',
  'loudness',
  'speechiness',
];
const FILTERABLE: IndexColumn[] = [
  ...(CATALOG === 'genres' ? (['popularity'] as const) : []),
  'energy',
  'danceability',
  'valence',
  'acousticness',
  'tempo',
  'duration_ms',
];

/** The benchmark's catalog, in the batches the catalog's streaming read gives. */
export function* benchCatalog(
  sample: Sample,
  tracks: number,
  seed: number,
): Generator<CatalogTrackRecord[]> {
  for (const batch of resampledCatalog(sample.records, tracks, seed))
    yield CATALOG === 'genres' ? batch : batch.map(asTracks12m);
}

/** A set of queries, and the weights to answer them with (the defaults unless given). */
type Scenario = {
  name: string;
  requests: RecommendationRequest[];
  weights?: RecommendationWeights;
};

/**
 * Memory the index holds per part, in bytes: typed arrays exactly, the vocabulary estimated. It
 * reads the index's private parts, as only a benchmark should.
 */
function indexMemory(index: CatalogIndex): Record<string, number> {
  return {
    values: index['values'].byteLength,
    ids_and_lookup: index['ids'].byteLength + index['slotById'].byteLength,
    names: index['names'].byteLength,
    flags_album_mood:
      index['live'].byteLength +
      index['explicit'].byteLength +
      index['album'].byteLength +
      index['moodLabel'].byteLength +
      index['moodProbability'].byteLength,
    artists_genres:
      index['artists'].bytes +
      index['genres'].bytes +
      index['artistTracks'].bytes +
      index['albumTracks'].bytes,
    dictionaries: index['vocabulary'].bytes,
    tree: index['tree']?.bytes ?? 0,
  };
}

function memoryInUse(): number {
  global.gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** Each column's known values among the sample's tracks, sorted (for quantile). */
const sortedColumns = new WeakMap<CatalogIndex, Map<IndexColumn, number[]>>();

/** A value of the column at a random quantile of the catalog (from the sample's tracks). */
function quantile(
  index: CatalogIndex,
  column: IndexColumn,
  share: number,
  sampleSize: number,
): number {
  if (!sortedColumns.has(index)) sortedColumns.set(index, new Map());
  const columns = sortedColumns.get(index)!;
  if (!columns.has(column)) {
    const c = INDEX_COLUMNS.indexOf(column);
    const { values } = index.columns();
    const known: number[] = [];
    for (let slot = 0; slot < sampleSize; slot++) {
      const v = values[slot * COLUMN_COUNT + c];
      if (v === v) known.push(v);
    }
    columns.set(
      column,
      known.sort((a, b) => a - b),
    );
  }
  const known = columns.get(column)!;
  return known[Math.floor(share * (known.length - 1))];
}

export function scenarios(index: CatalogIndex, sample: Sample): Scenario[] {
  const random = seededRandom(11);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const playlists = sample.playlists.filter((playlist) => playlist.trackIds.length >= 10);
  const base = (): RecommendationRequest => {
    const playlist = pick(playlists);
    const seeds = [...playlist.trackIds].sort(() => random() - 0.5).slice(0, 5);
    return requestFor(seeds.map((id) => ({ type: 'track', id })));
  };
  const main = (): RecommendationRequest => {
    const request = base();
    for (const column of [...TARGETABLE].sort(() => random() - 0.5).slice(0, 3)) {
      request.targets[column] = quantile(
        index,
        column,
        0.2 + 0.6 * random(),
        sample.records.length,
      );
    }
    for (const column of [...FILTERABLE].sort(() => random() - 0.5).slice(0, 2)) {
      if (random() < 0.5)
        request.min[column] = quantile(index, column, 0.1 + 0.3 * random(), sample.records.length);
      else
        request.max[column] = quantile(index, column, 0.6 + 0.3 * random(), sample.records.length);
    }
    return request;
  };
  const times = <T>(make: () => T) => Array.from({ length: QUERIES }, make);
  const artistNames = sample.records
    .map((record) => record.artists[0]?.name)
    .filter((name): name is string => !!name);
  const genres = [...new Set(sample.records.flatMap((record) => record.genres))];
  const all: Scenario[] = [
    { name: 'GET: 5 seed tracks, 3 targets, 2 min/max, limit 20', requests: times(main) },
    { name: 'same, explain=true', requests: times(() => ({ ...main(), explain: true })) },
    { name: '5 seed tracks only', requests: times(base) },
    {
      name: '5 seed artists (names), 3 targets',
      requests: times(() => {
        const request = main();
        return {
          ...request,
          seeds: Array.from({ length: 5 }, () => ({
            type: 'artist' as const,
            id: pick(artistNames),
          })),
          min: {},
          max: {},
        };
      }),
    },
    {
      name: '2 seed genres, 3 targets, 2 min/max',
      requests: times(() => ({
        ...main(),
        seeds: [pick(genres), pick(genres)].map((id) => ({ type: 'genre' as const, id })),
      })),
    },
    {
      // Catalogs without genres (the 600k and 1.2M files have none): only closeness prunes.
      name: 'GET as the first, without the genre bonus',
      requests: times(main),
      weights: { ...DEFAULT_WEIGHTS, genre: 0 },
    },
  ];
  // Without genres in the catalog, the genre scenarios ask nothing the others do not.
  return CATALOG === 'genres' ? all : all.filter((_, i) => i !== 4 && i !== 5);
}

/** Garbage-collection pauses: when (performance timeline, ms) and how long (ms). */
const gcPauses: { start: number; duration: number }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries())
    gcPauses.push({ start: entry.startTime, duration: entry.duration });
}).observe({ entryTypes: ['gc'] });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The floor for any exhaustive search: standardised squared distance of every track to one point
 * over the 13 audio features (unknown values skipped), keeping the nearest. p50 of 20 runs.
 */
function bareScanMs(index: CatalogIndex): number {
  const { values, slotCount } = index.columns();
  const scale = Float64Array.from(index.sd, (sd) => 1 / (sd * sd));
  const times: number[] = [];
  for (let run = 0; run < 20; run++) {
    const point = values.subarray(run * COLUMN_COUNT, (run + 1) * COLUMN_COUNT);
    const start = performance.now();
    let best = Infinity;
    let nearest = -1;
    for (let slot = 0; slot < slotCount; slot++) {
      let sum = 0;
      for (let c = 0; c < AUDIO_FEATURES.length; c++) {
        const d = values[slot * COLUMN_COUNT + c] - point[c];
        if (d === d) sum += d * d * scale[c];
      }
      if (sum < best && slot !== run) {
        best = sum;
        nearest = slot;
      }
    }
    times.push(performance.now() - start);
    if (nearest < 0) throw new Error('no track scanned');
  }
  return percentile(times, 0.5);
}

function percentile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
}

async function main(): Promise<void> {
  const sample = loadTidyTuesday(SAMPLE);
  const before = memoryInUse();
  const buildStart = performance.now();
  const index = CatalogIndex.fromRecords(
    (function* () {
      for (const batch of benchCatalog(sample, TRACKS, 42)) yield* batch;
    })(),
    { splitWeights: DEFAULT_WEIGHTS.features },
  );
  const buildSeconds = (performance.now() - buildStart) / 1000;
  const measuredBytes = memoryInUse() - before;
  const accounted = indexMemory(index);
  const accountedBytes = Object.values(accounted).reduce((sum, bytes) => sum + bytes, 0);
  console.log(
    `${index.size} tracks indexed in ${buildSeconds.toFixed(1)} s; ${(measuredBytes / index.size).toFixed(0)} bytes/track measured, ${(accountedBytes / index.size).toFixed(0)} accounted`,
  );

  // Let the collector finish with the build (and the measurement's full collection) first.
  await sleep(2000);
  const runs = [];
  const chosen = scenarios(index, sample).filter(
    (_, i) => SCENARIOS === undefined || SCENARIOS.includes(i + 1),
  );
  for (const { name, requests, weights = DEFAULT_WEIGHTS } of chosen) {
    const tree = new RecommendationEngine(weights, undefined, RANKING);
    for (const request of requests.slice(0, WARM_UP)) tree.recommend(index, request);
    // The tree search back to back, as a busy service would run it (its own garbage collections
    // included), one turn of the event loop between queries as between requests.
    const started = performance.now();
    const treeMs: number[] = [];
    const treeCpuMs: number[] = [];
    const answers: RecommendationResult[] = [];
    for (const request of requests) {
      const cpu = process.cpuUsage();
      const start = performance.now();
      answers.push(tree.recommend(index, request));
      treeMs.push(performance.now() - start);
      const used = process.cpuUsage(cpu);
      treeCpuMs.push((used.user + used.system) / 1000);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const window = { from: started, to: performance.now() };
    runs.push({ name, requests, weights, answers, treeMs, treeCpuMs, window });
    console.log(`${name}: tree search p50 ${percentile(treeMs, 0.5).toFixed(2)} ms`);
  }
  await sleep(100);

  // Then the exhaustive scan of every query (its garbage kept out of the timings above).
  const rows = runs.map(({ name, requests, weights, answers, treeMs, treeCpuMs, window }) => {
    const exhaustive = new RecommendationEngine(weights, exhaustiveSearch, RANKING);
    const scanMs: number[] = [];
    let differing = 0;
    requests.forEach((request, i) => {
      const start = performance.now();
      const reference = exhaustive.recommend(index, request);
      scanMs.push(performance.now() - start);
      if (!isDeepStrictEqual(answers[i], reference)) differing++;
    });
    const pauses = gcPauses.filter(
      (pause) => pause.start >= window.from && pause.start <= window.to,
    );
    const row = {
      scenario: name,
      queries: requests.length,
      treeP50: percentile(treeMs, 0.5),
      treeP99: percentile(treeMs, 0.99),
      treeCpuP50: percentile(treeCpuMs, 0.5),
      treeCpuP99: percentile(treeCpuMs, 0.99),
      scanP50: percentile(scanMs, 0.5),
      scanP99: percentile(scanMs, 0.99),
      speedUp: percentile(scanMs, 0.5) / percentile(treeMs, 0.5),
      differing,
      gcPauses: pauses.length,
      longestGcPause: Math.max(0, ...pauses.map((pause) => pause.duration)),
    };
    console.log(
      `${name}: tree p50 ${row.treeP50.toFixed(2)} ms p99 ${row.treeP99.toFixed(2)} ms (${row.gcPauses} GC pauses, longest ${row.longestGcPause.toFixed(1)} ms); scan p50 ${row.scanP50.toFixed(1)} ms; ${differing} differing`,
    );
    return row;
  });

  // The exhaustive numpy scan of the main scenario's queries, the reference of the speed goal.
  const main = runs[0];
  const numpy = numpyScan(
    index.columns().values.subarray(0, index.columns().slotCount * COLUMN_COUNT),
    main.requests.slice(0, 50),
    (id) => index.slotOf(id),
    main.weights,
    Math.ceil(20 * main.weights.poolFactor),
    index,
  );
  if (numpy)
    console.log(
      `numpy exhaustive scan (${main.name}, ${numpy.queries} queries): p50 ${numpy.p50_ms.toFixed(1)} ms, p99 ${numpy.p99_ms.toFixed(1)} ms; tree search ${(numpy.p50_ms / rows[0].treeP50).toFixed(1)}× faster (p50)`,
    );

  const bareScan = bareScanMs(index);
  console.log(
    `bare scan (13 features, one point, no bonuses) of ${index.size} tracks: p50 ${bareScan.toFixed(1)} ms`,
  );

  console.log(
    '\n| scenario | tree search p50 / p99 | its CPU time p50 / p99 | exhaustive scan p50 / p99 | speed-up (p50) | different answers |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) {
    console.log(
      `| ${row.scenario} | ${row.treeP50.toFixed(2)} / ${row.treeP99.toFixed(2)} ms | ${row.treeCpuP50.toFixed(2)} / ${row.treeCpuP99.toFixed(2)} ms | ${row.scanP50.toFixed(1)} / ${row.scanP99.toFixed(1)} ms | ${row.speedUp.toFixed(1)}× | ${row.differing} of ${row.queries} |`,
    );
  }
  console.log('\nIndex memory by part (bytes per track):');
  for (const [part, bytes] of Object.entries(accounted))
    console.log(`  ${part}: ${(bytes / index.size).toFixed(1)}`);

  const results = join(ROOT, 'bench', 'results');
  mkdirSync(results, { recursive: true });
  const suffix =
    (CATALOG === 'genres' ? '' : `-${CATALOG}`) +
    (RANKING ? '' : '-first-stage') +
    (KERNELS ? '' : '-no-kernels');
  const date = new Date().toISOString().slice(0, 10);
  const file = join(results, `recommendations-speed${suffix}-${date}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        catalog: CATALOG,
        secondStage: RANKING !== null,
        kernels: KERNELS,
        tracks: index.size,
        node: process.version,
        loadAverage: loadavg(),
        cores: cpus().length,
        buildSeconds,
        bytesPerTrack: {
          measured: measuredBytes / index.size,
          accounted: accountedBytes / index.size,
        },
        memoryByPart: accounted,
        rows,
        numpy,
        bareScanP50: bareScan,
        rules: Object.keys(COLUMN_RULES).length,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`Results: ${file}`);
  if (rows.some((row) => row.differing > 0)) process.exitCode = 1;
}

if (require.main === module) void main();
