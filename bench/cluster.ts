/**
 * npm run bench:cluster: three built service processes (ROLE=all) on one fresh PostgreSQL database and
 * one Redis, as test/cluster.e2e-spec.ts starts them. Measures how long an activation takes to reach
 * the other instances (p50/p99 over 100 activations, from the activating call's answer to the moment
 * every other instance answers with that model), how long a queued training waits for a worker
 * (run started_at minus created_at), and whether predict_mood ever fails while 50 activations happen
 * under load (autocannon, 10 connections spread over two instances). Writes
 * bench/results/cluster-<date>.json and prints the figures. A benchmark, not a test: it never fails
 * on a number. Settings: BENCH_POSTGRES_URL, BENCH_REDIS_URL.
 */
import autocannon from 'autocannon';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { clusterStore } from '../test/helpers/cluster-store';
import {
  ensureBuilt,
  eventually,
  type ServiceProcess,
  startService,
  unreachableServices,
} from '../test/helpers/service-processes';
import { sharedDataPath } from '../test/helpers/shared-data';

const POSTGRES_URL =
  process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN_KEY = 'bench-admin-key-0123456789';
const ACTIVATIONS = 100;
const ACTIVATIONS_UNDER_LOAD = 50;
const TRAININGS = 5;

const LISTENED = (
  JSON.parse(readFileSync(sharedDataPath('playlist_metrics.json'), 'utf8')) as Record<
    string,
    unknown
  >[]
)
  .slice(0, 5)
  .map(({ tag: _tag, playlist: _playlist, ...track }) => track);

async function call(service: ServiceProcess, method: string, path: string, headers = {}) {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: { 'X-API-Key': ADMIN_KEY, ...headers },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const activeModel = async (service: ServiceProcess) =>
  (await call(service, 'GET', '/api/v1/mood/model')).body.id as string | undefined;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const summary = (values: number[]) => ({
  n: values.length,
  p50: Math.round(percentile(values, 50)),
  p99: Math.round(percentile(values, 99)),
  max: Math.round(Math.max(...values)),
});

/** Activates `modelId` on `on`; resolves with ms until every other instance answers with it. */
async function propagation(
  on: ServiceProcess,
  others: ServiceProcess[],
  modelId: string,
): Promise<number> {
  const answer = await call(on, 'POST', `/api/v1/mood/models/${modelId}/activate`);
  if (answer.status !== 200) throw new Error(`activation answered ${answer.status}`);
  const activated = performance.now();
  await Promise.all(
    others.map((other) =>
      eventually(
        `${other.name} uses ${modelId}`,
        async () => ((await activeModel(other)) === modelId ? true : undefined),
        { withinMs: 10_000, everyMs: 2 },
      ),
    ),
  );
  return performance.now() - activated;
}

async function main(): Promise<void> {
  const unreachable = unreachableServices(POSTGRES_URL, REDIS_URL);
  if (unreachable) throw new Error(`bench:cluster needs PostgreSQL and Redis: ${unreachable}`);
  ensureBuilt();
  const store = clusterStore('bench-cluster', POSTGRES_URL, REDIS_URL);
  await store.create();
  const env = {
    ...store.env,
    ADMIN_API_KEY: ADMIN_KEY,
    LOG_LEVEL: 'warn',
    CATALOG_STARTER_URL: '',
    CATALOG_HARVEST: 'false',
  };
  const port = 21_000 + Math.floor(Math.random() * 20_000);
  const services = ['a', 'b', 'c'].map((name, i) =>
    startService(name, port + i, env, { logFile: join(tmpdir(), `bench-cluster-${name}.log`) }),
  );
  try {
    for (const service of services) {
      await eventually(`${service.name} has a model`, () => activeModel(service), {
        withinMs: 120_000,
        everyMs: 250,
      });
    }

    // Job pickup: how long a queued training waits before an instance starts it.
    const pickupMs: number[] = [];
    for (let i = 0; i < TRAININGS; i++) {
      const queued = await call(services[i % 3], 'GET', '/api/v1/default_train_mood', {
        Prefer: 'respond-async',
      });
      const runId = queued.body.id as string;
      const run = await eventually(
        `run ${runId} ends`,
        async () => {
          const view = (await call(services[0], 'GET', `/api/v1/mood/runs/${runId}`)).body;
          return view.status === 'succeeded' || view.status === 'failed' ? view : undefined;
        },
        { withinMs: 120_000, everyMs: 100 },
      );
      pickupMs.push(Date.parse(run.started_at as string) - Date.parse(run.created_at as string));
    }
    const { body } = await call(services[0], 'GET', '/api/v1/mood/models?limit=10');
    const modelIds = (body.models as { id: string }[]).map((model) => model.id);

    // Propagation of an activation, each from the next instance in turn.
    const propagationMs: number[] = [];
    for (let i = 0; i < ACTIVATIONS; i++) {
      const on = services[i % 3];
      const current = await activeModel(on);
      const next = modelIds.find((id) => id !== current)!;
      propagationMs.push(
        await propagation(
          on,
          services.filter((s) => s !== on),
          next,
        ),
      );
    }

    // predict_mood under load on A and B while activations go on (on C, so A and B follow notices).
    const load = [services[0], services[1]].map((service) => {
      let instance: autocannon.Instance | undefined;
      const done = new Promise<autocannon.Result>((resolveLoad, reject) => {
        instance = autocannon(
          {
            url: `${service.url}/api/v1/predict_mood`,
            method: 'POST',
            body: JSON.stringify(LISTENED),
            headers: { 'content-type': 'application/json' },
            connections: 5,
            duration: 600,
          },
          (error, result) => (error ? reject(new Error(String(error))) : resolveLoad(result)),
        );
      });
      return { stop: () => instance!.stop(), done };
    });
    const underLoadMs: number[] = [];
    for (let i = 0; i < ACTIVATIONS_UNDER_LOAD; i++) {
      const current = await activeModel(services[2]);
      const next = modelIds.find((id) => id !== current)!;
      underLoadMs.push(await propagation(services[2], services.slice(0, 2), next));
      await sleep(50);
    }
    for (const instance of load) instance.stop();
    const loadResults = await Promise.all(load.map((instance) => instance.done));

    const results = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model },
      instances: services.length,
      activationPropagationMs: summary(propagationMs),
      activationPropagationUnderLoadMs: summary(underLoadMs),
      jobPickupMs: summary(pickupMs),
      predictMoodDuringActivations: {
        activations: ACTIVATIONS_UNDER_LOAD,
        connections: 10,
        requests: loadResults.reduce((sum, result) => sum + result.requests.total, 0),
        non2xx: loadResults.reduce((sum, result) => sum + result.non2xx, 0),
        errors: loadResults.reduce((sum, result) => sum + result.errors, 0),
        p99LatencyMs: Math.max(...loadResults.map((result) => result.latency.p99)),
      },
    };
    console.log(JSON.stringify(results, null, 2));
    const folder = resolve(__dirname, 'results');
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, `cluster-${results.date.slice(0, 10)}.json`),
      `${JSON.stringify(results, null, 2)}\n`,
    );
  } finally {
    await Promise.all(services.map((service) => service.stop()));
    await store.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
