/**
 * npm run bench: starts the built service on a throw-away SQLite file, waits for its mood model, and
 * drives each call with autocannon on loopback, bounded in time. In the same run it measures a bare
 * node:http JSON echo server with the same body (the ceiling for any Node HTTP service here), plus
 * training time, predict_mood p99 during training, and RSS over 10,000 /metrics calls.
 * Writes bench/results/<date>.json and prints a table. A benchmark, not a test: it never fails on a number.
 */
import autocannon from 'autocannon';
import { ChildProcess, fork, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { seededRandom } from '../src/common/numeric';
import { readSharedJson, readSharedText, sharedDataPath } from '../test/helpers/shared-data';
import { randomFeatures } from '../test/helpers/tracks';

const ROOT = resolve(__dirname, '..');
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ADMIN_KEY = 'bench-admin-key-0123456789';

interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** Each call measured, on the shared sample data. */
function scenarios(): Record<
  'favouriteArtists' | 'similarity' | 'metrics' | 'predictMood',
  Scenario
> {
  const moodRows = readSharedJson<Record<string, unknown>[]>('playlist_metrics.json')
    .filter((row) => row.danceability !== '')
    .slice(0, 10)
    .map(({ tag: _tag, playlist: _playlist, ...track }) => track);
  return {
    favouriteArtists: {
      name: 'favourite_artists (73 rows)',
      method: 'POST',
      path: '/api/v1/favourite_artists',
      body: readSharedText('playlist_artists.json'),
    },
    similarity: {
      name: 'similarity (596 tracks)',
      method: 'POST',
      path: '/api/v1/similarity',
      body: readSharedText('playlist_example_json.json'),
    },
    metrics: {
      name: 'metrics (5 tracks)',
      method: 'POST',
      path: '/api/v1/metrics',
      body: readSharedText('trendy_metrics.json'),
    },
    predictMood: {
      name: 'predict_mood (10 tracks)',
      method: 'POST',
      path: '/api/v1/predict_mood',
      body: JSON.stringify(moodRows),
    },
  };
}

async function load(
  baseUrl: string,
  scenario: Scenario,
  extra: Partial<autocannon.Options> = {},
): Promise<LoadResult> {
  const result = await autocannon({
    url: baseUrl + scenario.path,
    method: scenario.method,
    body: scenario.body,
    headers: { 'content-type': 'application/json' },
    connections: CONNECTIONS,
    duration: DURATION,
    ...extra,
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function startEchoServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(join(__dirname, 'echo-server.js'), { stdio: 'inherit' });
  const port = await new Promise<number>((done) =>
    child.once('message', (m: { port: number }) => done(m.port)),
  );
  return { child, url: `http://127.0.0.1:${port}` };
}

function startService(dataDir: string, port: number): ChildProcess {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      ADMIN_API_KEY: ADMIN_KEY,
      LOG_LEVEL: 'warn',
      MOOD_DATASET_PATH: sharedDataPath('playlist_metrics.json'),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return child;
}

async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'spotify-recommender-bench-'));
  const port = 30000 + Math.floor(Math.random() * 20000);
  const baseUrl = `http://127.0.0.1:${port}`;
  const echo = await startEchoServer();
  const service = startService(dataDir, port);
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model,
      cores: cpus().length,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    settings: { durationSeconds: DURATION, connections: CONNECTIONS },
  };
  try {
    await waitFor(
      async () => (await fetch(`${baseUrl}/health`)).status < 500,
      60_000,
      'the service',
    );
    await waitFor(
      async () => (await fetch(`${baseUrl}/api/v1/mood/model`)).ok,
      180_000,
      'the first mood model',
    );

    const calls: Record<string, unknown>[] = [];
    for (const scenario of Object.values(scenarios())) {
      await load(baseUrl, scenario, { duration: 1 }); // warm-up
      // Throughput at saturation (CONNECTIONS at once), latency of one client at a time.
      const service_ = await load(baseUrl, scenario);
      const oneClient = await load(baseUrl, scenario, { connections: 1 });
      const ceiling = await load(echo.url, { ...scenario, path: '/' });
      calls.push({
        call: scenario.name,
        bodyBytes: Buffer.byteLength(scenario.body ?? ''),
        rps: service_.requestsPerSecond,
        ceilingRps: ceiling.requestsPerSecond,
        ratioPct: Math.round((service_.requestsPerSecond / ceiling.requestsPerSecond) * 1000) / 10,
        p50ms: oneClient.p50,
        p99ms: oneClient.p99,
        [`p50ms@${CONNECTIONS}`]: service_.p50,
        [`p99ms@${CONNECTIONS}`]: service_.p99,
        non2xx: service_.non2xx + oneClient.non2xx,
        errors: service_.errors + oneClient.errors,
      });
    }
    report.calls = calls;

    report.training = await measureTraining(baseUrl, scenarios().predictMood);
    report.metricsMemory = await measureMetricsMemory(baseUrl, service.pid!);
    report.similarity10k = await measureSimilarity10k(baseUrl);
  } finally {
    service.kill('SIGTERM');
    echo.child.kill('SIGTERM');
    await new Promise((r) => service.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }

  mkdirSync(join(__dirname, 'results'), { recursive: true });
  const file = join(__dirname, 'results', `${new Date().toISOString().slice(0, 10)}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nMachine: ${JSON.stringify(report.machine)}`);
  console.table(report.calls);
  for (const key of ['training', 'metricsMemory', 'similarity10k']) {
    if (report[key]) console.log(`${key}: ${JSON.stringify(report[key])}`);
  }
  console.log(`\nwritten ${file}`);
}

/** Default training time, and predict_mood p99 while trainings run back to back vs idle. */
async function measureTraining(
  baseUrl: string,
  predict: Scenario,
): Promise<Record<string, unknown>> {
  const headers = { 'x-api-key': ADMIN_KEY };
  const started = Date.now();
  const response = await fetch(`${baseUrl}/api/v1/default_train_mood`, { headers });
  const summary = (await response.json()) as Record<string, unknown>;
  const wallMs = Date.now() - started;

  const idle = await load(baseUrl, predict, { connections: 1 });
  let training = true;
  let runs = 0;
  const trainer = (async () => {
    while (training) {
      await fetch(`${baseUrl}/api/v1/default_train_mood`, { headers });
      runs += 1;
    }
  })();
  const busy = await load(baseUrl, predict, { connections: 1 });
  training = false;
  await trainer;
  return {
    status: response.status,
    trainingWallMs: wallMs,
    run: summary,
    predictIdle: idle,
    predictDuringTraining: busy,
    trainingRunsDuringLoad: runs,
    p99Ratio: Math.round((busy.p99 / Math.max(idle.p99, 1)) * 100) / 100,
  };
}

/** RSS after a warm-up, then after 10,000 /metrics calls mixing good, constant, zero and bad inputs. */
async function measureMetricsMemory(
  baseUrl: string,
  pid: number,
): Promise<Record<string, unknown>> {
  const trendy = readSharedJson<Record<string, unknown>[]>('trendy_metrics.json');
  const constant = trendy.map((t) => ({ ...trendy[0], played_at: t.played_at, id: t.id }));
  const zero = trendy.map((t) => ({ ...t, instrumentalness: 0, speechiness: 0, liveness: 0 }));
  const bad = trendy.map((t, i) => (i === 2 ? { ...t, energy: 'NaN' } : t));
  const one = trendy.slice(0, 1);
  const bodies = [trendy, constant, zero, bad, one].map((b) => JSON.stringify(b));
  const requests = bodies.map((body) => ({
    method: 'POST' as const,
    path: '/api/v1/metrics',
    body,
  }));
  const options = {
    url: baseUrl,
    connections: CONNECTIONS,
    requests,
    headers: { 'content-type': 'application/json' },
  };
  await autocannon({ ...options, amount: 1000 });
  const before = rssMb(pid);
  const result = await autocannon({ ...options, amount: 10_000 });
  const after = rssMb(pid);
  return {
    calls: 10_000,
    rssBeforeMb: before,
    rssAfterMb: after,
    changePercent: Math.round(((after - before) / before) * 1000) / 10,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** /similarity over HTTP on a generated 10,000-track playlist with 5 queries. */
async function measureSimilarity10k(baseUrl: string): Promise<Record<string, unknown>> {
  const random = seededRandom(42);
  const start = Date.parse('2024-01-01T00:00:00Z');
  const tracks = Array.from({ length: 10_000 }, (_, i) => ({
    id: `t${i}`,
    played_at: new Date(start + i * 60_000).toISOString(),
    ...randomFeatures(random),
  }));
  const scenario: Scenario = {
    name: 'similarity 10k',
    method: 'POST',
    path: '/api/v1/similarity',
    body: JSON.stringify(tracks),
  };
  const result = await load(baseUrl, scenario, { connections: 1 });
  return { bodyBytes: Buffer.byteLength(scenario.body!), overHttp: result };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
