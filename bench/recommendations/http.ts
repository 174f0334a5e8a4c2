/**
 * npm run bench:recommendations:http — GET /api/v1/recommendations over HTTP on a generated catalog
 * (default 1M tracks: the TidyTuesday sample plus resampled copies, as bench:recommendations), served
 * by the built service (`npm run build` first) on a throw-away SQLite file. The catalog is written
 * as gzipped NDJSON of track views and imported with the CLI, as an operator would; the service is
 * then started and asked, once its index has loaded and the catalog's moods are scored, the same
 * seeded queries as the in-process benchmark's main scenario (5 seed tracks from one real playlist,
 * 3 targets, 2 min/max filters, limit 20): one connection, one request at a time (latency), then
 * autocannon at 10 connections (throughput). Also the service's RSS. Writes
 * bench/results/recommendations-http-<date>.json. A benchmark: it never fails on a number.
 * Then the service is stopped and started again: the second start loads the index saved by the
 * first (DATA_DIR/catalog-index.snapshot), and its time to the first answer and RSS are measured
 * too. The exhaustive numpy scan of the same queries (numpy-scan.py) is timed in the same run.
 *   BENCH_TRACKS (default 1000000), BENCH_QUERIES (default 300), BENCH_DURATION (s, default 10),
 *   BENCH_PROFILE_DIR (the service writes a CPU profile there),
 *   BENCH_CATALOG: `genres` (default: NDJSON of track views) or `tracks-1.2m` (the same tracks as a
 *     file in the 1.2M-songs format, tracks_features.csv: no genres, no popularity)
 */
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import {
  CatalogIndex,
  COLUMN_COUNT,
  POPULARITY_COLUMN,
} from '../../src/catalog-index/catalog-index';
import { INDEX_SNAPSHOT_FILE } from '../../src/catalog-index/catalog-index-loader';
import type { CatalogTrackRecord } from '../../src/catalog/catalog-track';
import { AUDIO_FEATURES } from '../../src/common/tracks/audio-features';
import { DEFAULT_WEIGHTS } from '../../src/recommendations/recommendation-weights';
import { csvCell, pyString, TRACKS_FEATURES_HEADER } from '../catalog-data';
import { numpyScan } from './numpy-reference';
import { round } from '../../src/common/numeric';
import { toTrackView } from '../../src/catalog/catalog-track';
import type { RecommendationRequest } from '../../src/recommendations/recommendation-request';
import { benchCatalog, CATALOG, scenarios } from './speed';
import { loadTidyTuesday } from './tidytuesday';
import { sharedDataPath } from '../../test/helpers/shared-data';

const ROOT = resolve(__dirname, '..', '..');
const SAMPLE = sharedDataPath('spotify_songs_dev.csv');
const TRACKS = Number(process.env.BENCH_TRACKS ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 300);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const PORT = 3000 + Math.floor(Math.random() * 1000) + 5000;

/** A row of tracks_features.csv (the 1.2M-songs file) for a catalog record. */
function tracksFeaturesRow(record: CatalogTrackRecord): string {
  const artists = record.artists;
  const cells = [
    record.id,
    csvCell(record.name ?? ''),
    csvCell(record.album.name ?? ''),
    record.album.id ?? '',
    csvCell(`[${artists.map((artist) => pyString(artist.name)).join(', ')}]`),
    csvCell(`[${artists.map((artist) => pyString(artist.id ?? artist.name)).join(', ')}]`),
    '1',
    '1',
    record.explicit ? 'True' : 'False',
    ...AUDIO_FEATURES.map((feature) => String(record.features[feature] ?? '')),
    String(record.album.year ?? ''),
    record.album.release_date ?? '',
  ];
  return cells.join(',');
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
};

/** The query string of GET /recommendations for an engine request. */
function queryOf(req: RecommendationRequest): string {
  const params = new URLSearchParams();
  params.set('seed_tracks', req.seeds.map((seed) => seed.id).join(','));
  for (const [kind, values] of [
    ['target', req.targets],
    ['min', req.min],
    ['max', req.max],
  ] as const) {
    for (const [column, value] of Object.entries(values))
      params.set(`${kind}_${column}`, String(value));
  }
  params.set('limit', String(req.limit));
  return `/api/v1/recommendations?${params.toString()}`;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });
function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    const req = request({ host: '127.0.0.1', port: PORT, path, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', (error) => fail(new Error(`GET ${path}: ${error.message}`)));
    req.end();
  });
}

async function waitFor(what: string, ready: () => Promise<boolean>, timeoutMs: number) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await ready().catch(() => false)) return;
    await new Promise((done) => setTimeout(done, 500));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-recs-http-'));
  const csv = CATALOG === 'tracks-1.2m';
  const file = join(dataDir, csv ? 'tracks_features.csv.gz' : 'catalog.ndjson.gz');
  const sample = loadTidyTuesday(SAMPLE);
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    DATABASE_URL: '',
    PORT: String(PORT),
    LOG_LEVEL: 'warn',
    ADMIN_API_KEY: 'bench-admin-key-0123456789',
    MOOD_DATASET_PATH: sharedDataPath('playlist_metrics.json'),
    MOOD_DATASET_URL: '',
    MOOD_TRAIN_ON_START: 'true',
    CATALOG_HARVEST: 'false',
    CATALOG_STARTER_URL: '',
  };
  const service = { pid: 0, kill: () => undefined as unknown };
  try {
    let start = performance.now();
    // The catalog's values as the index holds them, by row (for the numpy reference).
    const values = new Float32Array(TRACKS * COLUMN_COUNT).fill(NaN);
    const rowOf = new Map<string, number>();
    let row = 0;
    await pipeline(
      (function* () {
        if (csv) yield TRACKS_FEATURES_HEADER.join(',') + '\n';
        for (const batch of benchCatalog(sample, TRACKS, 1)) {
          for (const record of batch) {
            if (row < sample.records.length) rowOf.set(record.id, row);
            AUDIO_FEATURES.forEach((feature, c) => {
              values[row * COLUMN_COUNT + c] = record.features[feature] ?? NaN;
            });
            values[row * COLUMN_COUNT + POPULARITY_COLUMN] = record.popularity ?? NaN;
            row++;
          }
          yield (
            batch
              .map((record) =>
                csv ? tracksFeaturesRow(record) : JSON.stringify(toTrackView(record)),
              )
              .join('\n') + '\n'
          );
        }
      })(),
      createGzip({ level: 1 }),
      createWriteStream(file),
    );
    console.log(
      `Wrote ${TRACKS} tracks (${CATALOG}) in ${round((performance.now() - start) / 1000, 1)} s`,
    );

    start = performance.now();
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'dist/src/catalog/catalog-import.cli.js'),
        file,
        '--format',
        csv ? 'tracks-1.2m' : 'ndjson',
        '--source',
        'bench',
      ],
      { env, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    const importSeconds = round((performance.now() - start) / 1000, 1);

    // BENCH_PROFILE_DIR=<folder>: the service writes a CPU profile there when it stops.
    const profile = process.env.BENCH_PROFILE_DIR
      ? ['--cpu-prof', '--cpu-prof-dir', resolve(process.env.BENCH_PROFILE_DIR)]
      : [];
    const stopped = { promise: Promise.resolve() };
    const launch = () => {
      const child = spawn(process.execPath, [...profile, join(ROOT, 'dist/src/main.js')], {
        env,
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      service.pid = child.pid!;
      stopped.promise = new Promise((done) => child.on('exit', () => done()));
      child.on('exit', (code, signal) => {
        if (code !== 0 && signal !== 'SIGTERM')
          console.error(`The service exited: ${code ?? signal}`);
      });
      service.kill = () => child.kill('SIGTERM');
    };
    const indexLoaded = async () => {
      const { body } = await get('/health');
      return (
        (JSON.parse(body) as { info?: { catalog?: { loaded?: boolean } } }).info?.catalog
          ?.loaded === true
      );
    };
    const rss = () =>
      round(
        Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${service.pid}/status`, 'utf8'))?.[1]) /
          1024,
        0,
      );
    const sampleIndex = CatalogIndex.fromRecords(sample.records);
    const requests = scenarios(sampleIndex, sample)[0].requests.slice(0, QUERIES);
    const paths = requests.map(queryOf);

    start = performance.now();
    launch();
    await waitFor('the index', indexLoaded, 600_000);
    const loadSeconds = round((performance.now() - start) / 1000, 1);
    await waitFor(
      "the catalog's moods",
      async () => {
        const { body } = await get('/api/v1/catalog');
        return (JSON.parse(body) as { moods: { status: string } }).moods.status === 'done';
      },
      600_000,
    );
    const moodSeconds = round((performance.now() - start) / 1000, 1);

    for (const path of paths.slice(0, 30)) {
      const { status, body } = await get(path);
      if (status !== 200) throw new Error(`${path} answered ${status}: ${body.slice(0, 300)}`);
    }
    const oneConnection = async () => {
      const latencies: number[] = [];
      for (const path of paths) {
        const t = performance.now();
        const { status } = await get(path);
        latencies.push(performance.now() - t);
        if (status !== 200) throw new Error(`${path} answered ${status}`);
      }
      return {
        p50: round(percentile(latencies, 0.5), 2),
        p99: round(percentile(latencies, 0.99), 2),
        requests: latencies.length,
        loadavg: loadavg(),
      };
    };
    const latency = await oneConnection();
    const load = await autocannon({
      url: `http://127.0.0.1:${PORT}`,
      connections: 10,
      duration: DURATION,
      requests: paths.map((path) => ({ method: 'GET', path })),
    });
    const rssMb = rss();

    // A restart: the index saved after the first load is read back instead of the database.
    await waitFor(
      'the saved index',
      () => Promise.resolve(existsSync(join(dataDir, INDEX_SNAPSHOT_FILE))),
      600_000,
    );
    service.kill();
    await stopped.promise;
    start = performance.now();
    launch();
    await waitFor(
      'the restarted service',
      async () => (await get(paths[0])).status === 200,
      600_000,
    );
    const restartAnswerSeconds = round((performance.now() - start) / 1000, 1);
    const restartLatency = await oneConnection();
    const restartRssMb = rss();

    const numpy = numpyScan(
      values,
      requests.slice(0, 50),
      (id) => rowOf.get(id),
      DEFAULT_WEIGHTS,
      80,
    );
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg() },
      catalog: CATALOG,
      tracks: TRACKS,
      import_s: importSeconds,
      import_rows_per_s: round(TRACKS / importSeconds, 0),
      index_load_s: loadSeconds,
      moods_scored_s: moodSeconds,
      one_connection_ms: latency,
      ten_connections: {
        rps: round(load.requests.average, 0),
        p50_ms: load.latency.p50,
        p99_ms: load.latency.p99,
        non2xx: load.non2xx,
        errors: load.errors,
      },
      rss_mb: rssMb,
      restart: {
        first_answer_s: restartAnswerSeconds,
        one_connection_ms: restartLatency,
        rss_mb: restartRssMb,
      },
      numpy_exhaustive_ms: numpy,
      speed_up_vs_numpy: numpy ? round(numpy.p50_ms / latency.p50, 1) : null,
    };
    console.table({
      'one connection': { p50_ms: latency.p50, p99_ms: latency.p99 },
      '10 connections': {
        p50_ms: load.latency.p50,
        p99_ms: load.latency.p99,
        rps: result.ten_connections.rps,
      },
      'after a restart': { p50_ms: restartLatency.p50, p99_ms: restartLatency.p99 },
    });
    console.log(JSON.stringify(result, null, 2));
    const out = join(ROOT, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    const suffix = CATALOG === 'genres' ? '' : `-${CATALOG}`;
    writeFileSync(
      join(out, `recommendations-http${suffix}-${result.date.slice(0, 10)}.json`),
      JSON.stringify(result, null, 2) + '\n',
    );
  } finally {
    service.kill();
    agent.destroy();
    await new Promise((done) => setTimeout(done, 1000));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
