/**
 * npm run bench: starts the built service on a throw-away SQLite file, waits for its mood model, and
 * drives each call with autocannon on loopback, bounded in time. In the same run, call by call and
 * interleaved, it measures a bare node:http server that parses and echoes the same JSON body (the
 * ceiling for any Node HTTP service on this machine) and, with BENCH_BASELINE=<another checkout,
 * built>, that checkout's service too (before/after on the same machine, same minutes). Then training
 * time, predict_mood p99 during training, RSS over 10,000 /metrics calls and /similarity on 10,000
 * tracks. Writes bench/results/<date>.json and prints tables. A benchmark, not a test: it never fails
 * on a number.
 */
import autocannon from 'autocannon';
import { ChildProcess, fork, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { seededRandom } from '../src/common/numeric';
import { readSharedJson, readSharedText, sharedDataPath } from '../test/helpers/shared-data';
import { randomFeatures } from '../test/helpers/tracks';

const ROOT = resolve(__dirname, '..');
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
/** The predict_mood latency goal is stated at 16 connections. */
const HEAVY_CONNECTIONS = 16;
const BASELINE = process.env.BENCH_BASELINE ? resolve(process.env.BENCH_BASELINE) : undefined;
const ADMIN_KEY = 'bench-admin-key-0123456789';

interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** A running copy of the service under test. */
interface Service {
  label: string;
  platform: string;
  url: string;
  process: ChildProcess;
  dataDir: string;
}

const SCENARIOS = {
  favouriteArtists: (): Scenario => ({
    name: 'favourite_artists (73 rows)',
    method: 'POST',
    path: '/api/v1/favourite_artists',
    body: readSharedText('playlist_artists.json'),
  }),
  similarity: (): Scenario => ({
    name: 'similarity (596 tracks)',
    method: 'POST',
    path: '/api/v1/similarity',
    body: readSharedText('playlist_example_json.json'),
  }),
  metrics: (): Scenario => ({
    name: 'metrics (5 tracks)',
    method: 'POST',
    path: '/api/v1/metrics',
    body: readSharedText('trendy_metrics.json'),
  }),
  predictMood: (): Scenario => {
    const moodRows = readSharedJson<Record<string, unknown>[]>('playlist_metrics.json')
      .filter((row) => row.danceability !== '')
      .slice(0, 10)
      .map(({ tag: _tag, playlist: _playlist, ...track }) => track);
    return {
      name: 'predict_mood (10 tracks)',
      method: 'POST',
      path: '/api/v1/predict_mood',
      body: JSON.stringify(moodRows),
    };
  },
};

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
    rps: Math.round(result.requests.average),
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

/** The HTTP platform a checkout serves on, from its own package.json. */
function platformOf(checkout: string): string {
  const manifest = JSON.parse(readFileSync(join(checkout, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const fastify = manifest.dependencies['@nestjs/platform-fastify'];
  return fastify
    ? `NestJS on Fastify (${fastify})`
    : `NestJS on Express (${manifest.dependencies['@nestjs/platform-express']})`;
}

async function startService(label: string, checkout: string): Promise<Service> {
  const dataDir = mkdtempSync(join(tmpdir(), 'spotify-recommender-bench-'));
  const port = 30000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [join(checkout, 'dist', 'src', 'main.js')], {
    cwd: checkout,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      ADMIN_API_KEY: ADMIN_KEY,
      LOG_LEVEL: 'warn',
      MOOD_DATASET_PATH: sharedDataPath('playlist_metrics.json'),
      MOOD_DATASET_URL: '',
      CATALOG_STARTER_URL: '',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/health`)).status < 500, 60_000, label);
  // Every service measured here trains its first mood model at start-up.
  await waitFor(
    async () => (await fetch(`${url}/api/v1/mood/model`)).ok,
    180_000,
    `${label}'s model`,
  );
  return { label, platform: platformOf(checkout), url, process: child, dataDir };
}

async function stopService(service: Service): Promise<void> {
  const exited = new Promise((done) => service.process.once('exit', done));
  service.process.kill('SIGTERM');
  await exited;
  rmSync(service.dataDir, { recursive: true, force: true });
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

const percent = (part: number, whole: number) => Math.round((part / whole) * 1000) / 10;

/**
 * One call on every target, interleaved so that they share the machine's state: throughput at
 * CONNECTIONS, latency of one client, and (predict_mood) latency at 16 connections.
 */
async function measureCall(
  scenario: Scenario,
  echoUrl: string,
  services: Service[],
): Promise<Record<string, unknown>[]> {
  for (const service of services) await load(service.url, scenario, { duration: 1 }); // warm-up
  const heavy = scenario.path.endsWith('predict_mood');
  const rows: Record<string, unknown>[] = [];
  const ceiling = await load(echoUrl, { ...scenario, path: '/' });
  for (const service of services) {
    const saturated = await load(service.url, scenario);
    const oneClient = await load(service.url, scenario, { connections: 1 });
    const sixteen = heavy
      ? await load(service.url, scenario, { connections: HEAVY_CONNECTIONS })
      : undefined;
    rows.push({
      call: scenario.name,
      service: service.label,
      [`rps@${CONNECTIONS}`]: saturated.rps,
      [`bare rps@${CONNECTIONS}`]: ceiling.rps,
      '% of bare': percent(saturated.rps, ceiling.rps),
      'p50/p99 ms (1 client)': `${oneClient.p50} / ${oneClient.p99}`,
      [`p50/p99 ms @${CONNECTIONS}`]: `${saturated.p50} / ${saturated.p99}`,
      [`p99 ms @${HEAVY_CONNECTIONS}`]: sixteen?.p99 ?? '',
      'non-2xx/errors': `${saturated.non2xx + oneClient.non2xx + (sixteen?.non2xx ?? 0)} / ${
        saturated.errors + oneClient.errors + (sixteen?.errors ?? 0)
      }`,
    });
  }
  return rows;
}

async function main(): Promise<void> {
  const echo = await startEchoServer();
  const services: Service[] = [await startService('this checkout', ROOT)];
  if (BASELINE) services.push(await startService(`baseline ${BASELINE}`, BASELINE));
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model,
      cores: cpus().length,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      loadAverageAtStart: loadavg().map((value) => Math.round(value * 10) / 10),
    },
    platforms: Object.fromEntries(services.map((s) => [s.label, s.platform])),
    settings: { durationSeconds: DURATION, connections: CONNECTIONS },
  };
  const [main_] = services;
  try {
    const calls: Record<string, unknown>[] = [];
    for (const scenario of Object.values(SCENARIOS)) {
      calls.push(...(await measureCall(scenario(), echo.url, services)));
    }
    report.calls = calls;
    report.training = await measureTraining(main_.url, SCENARIOS.predictMood());
    report.metricsMemory = await measureMetricsMemory(main_.url, main_.process.pid!);
    report.similarity10k = await measureSimilarity10k(main_.url);
  } finally {
    await Promise.all(services.map(stopService));
    echo.child.kill('SIGTERM');
  }

  mkdirSync(join(__dirname, 'results'), { recursive: true });
  const file = join(__dirname, 'results', `${new Date().toISOString().slice(0, 10)}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nMachine: ${JSON.stringify(report.machine)}`);
  console.log(`Platforms: ${JSON.stringify(report.platforms)}`);
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
    changePercent: percent(after - before, before),
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
