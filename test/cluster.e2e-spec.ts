import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterStore } from './helpers/cluster-store';
import { TEST_ADMIN_KEY } from './helpers/create-test-app';
import { onPostgres } from './helpers/on-postgres';
import {
  CLUSTER_POSTGRES_URL,
  CLUSTER_REDIS_URL,
  describeUnless,
  ensureBuilt,
  eventually,
  type ServiceProcess,
  startService,
  unreachableServices,
} from './helpers/service-processes';
import { readSharedText, sharedDataPath } from './helpers/shared-data';

/**
 * Several real service processes on one PostgreSQL database and one Redis: A and B serve the API
 * and run jobs (ROLE=all), W only runs jobs (npm run start:worker). Needs PostgreSQL at
 * CLUSTER_POSTGRES_URL (default 127.0.0.1:5432, user postgres) and Redis at CLUSTER_REDIS_URL
 * (default 127.0.0.1:6379); where either is not reachable, the suite is skipped and says so. Each
 * process's log is written to cluster-e2e-<run>-<name>.log in the system's temporary folder.
 */
const describeCluster = describeUnless(
  unreachableServices(CLUSTER_POSTGRES_URL, CLUSTER_REDIS_URL),
  'test/cluster.e2e-spec.ts (several instances)',
);

/** The brief's "within a second" for a change to reach every instance. */
const PROPAGATION_MS = 1000;
const store = clusterStore('cluster-e2e', CLUSTER_POSTGRES_URL, CLUSTER_REDIS_URL);
const DEFAULT_DATASET = JSON.parse(
  readFileSync(sharedDataPath('playlist_metrics.json'), 'utf8'),
) as Record<string, unknown>[];

/** A JSON answer, read field by field in the assertions. */
type Json = Record<string, any>;

interface Answer {
  status: number;
  body: Json;
}

async function call(
  service: ServiceProcess,
  method: string,
  path: string,
  { body, headers = {} }: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: {
      'X-API-Key': TEST_ADMIN_KEY,
      ...(body === undefined || typeof body === 'string'
        ? {}
        : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json };
}

/** A few calm tracks, as a client posts them to predict_mood. */
const LISTENED = DEFAULT_DATASET.slice(0, 5).map(({ tag: _tag, playlist: _p, ...track }) => track);
const predictedModel = async (service: ServiceProcess) => {
  const { status, body } = await call(service, 'POST', '/api/v1/predict_mood', { body: LISTENED });
  return status === 200 ? (body.model.id as string) : undefined;
};
const health = async (service: ServiceProcess): Promise<Json | undefined> =>
  (await call(service, 'GET', '/health')).body.details as Json | undefined;

describeCluster('several instances on one PostgreSQL and one Redis', () => {
  let a: ServiceProcess;
  let b: ServiceProcess;
  let w: ServiceProcess;
  const everyone = () => [a, b, w];
  const alive = () => everyone().filter((s) => s.child.exitCode === null && !s.child.signalCode);

  beforeAll(async () => {
    ensureBuilt();
    await store.create();
    const env = {
      ...store.env,
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      LOG_LEVEL: 'log',
      JOB_STALL_TIMEOUT: '3s',
      CATALOG_HARVEST_FLUSH_MS: '100',
    };
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    // Started together: the migrations and the first model must happen once between them.
    const logFile = (name: string) => join(tmpdir(), `${store.prefix}-${name}.log`);
    a = startService('a', port, env, { logFile: logFile('a') });
    b = startService('b', port + 1, env, { logFile: logFile('b') });
    w = startService('w', port + 2, env, { worker: true, logFile: logFile('w') });
    for (const service of everyone()) {
      await eventually(`${service.name} answers /health`, async () => health(service), {
        withinMs: 90_000,
        everyMs: 250,
      });
    }
  }, 150_000);

  afterAll(async () => {
    await Promise.all(everyone().map((service) => service?.stop()));
    await store.remove();
  }, 60_000);

  it('instances starting together run the migrations once and train one first model between them', async () => {
    const [first] = await Promise.all(
      [a, b].map((service) =>
        eventually(`${service.name} has a model`, () => predictedModel(service), {
          withinMs: 90_000,
          everyMs: 250,
        }),
      ),
    );
    expect(await predictedModel(b)).toBe(first);
    const { runs, migrations } = await onPostgres(store.databaseUrl, async (client) => ({
      runs: (await client.query('SELECT status FROM mood_training_runs')).rows,
      migrations: (await client.query('SELECT name FROM migrations')).rows,
    }));
    expect(runs).toEqual([{ status: 'succeeded' }]);
    const files = readdirSync(join(__dirname, '..', 'migrations')).filter((f) => f.endsWith('.ts'));
    expect(migrations).toHaveLength(files.length);
  });

  it('a worker instance answers /health only, and reports Redis and the queue', async () => {
    const details = await health(w);
    expect(details?.cluster).toEqual(
      expect.objectContaining({ status: 'up', role: 'worker', notices: 'redis' }),
    );
    expect(details?.redis).toEqual({
      status: 'up',
      queue: { 'mood-training': expect.objectContaining({ waiting: 0, active: 0 }) },
    });
    const refused = await call(w, 'GET', '/api/v1/mood/model');
    expect(refused).toEqual({
      status: 404,
      body: expect.objectContaining({ code: 'WORKER_ONLY' }),
    });
  });

  it('a retrain on A: B answers predict_mood with the new model within a second', async () => {
    const trained = await call(a, 'GET', '/api/v1/default_train_mood');
    expect(trained.status).toBe(200);
    const modelId = trained.body.model_id as string;
    expect(modelId).toEqual(expect.any(String));
    await eventually(
      'B predicts with the new model',
      async () => ((await predictedModel(b)) === modelId ? true : undefined),
      { withinMs: PROPAGATION_MS, everyMs: 20 },
    );
  });

  it('retrains sent to A and B at once: one is accepted, the other is 409 naming it; never two running', async () => {
    const async = { headers: { Prefer: 'respond-async' } };
    const answers = await Promise.all(
      [a, b].map((service) => call(service, 'GET', '/api/v1/default_train_mood', async)),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([202, 409]);
    const accepted = answers.find((answer) => answer.status === 202)!.body;
    const refused = answers.find((answer) => answer.status === 409)!.body;
    expect(refused).toEqual(
      expect.objectContaining({
        code: 'TRAINING_IN_PROGRESS',
        details: expect.objectContaining({ run_id: accepted.id }),
      }),
    );
    const finished = await eventually(
      'the accepted run finishes',
      async () => {
        const running = await onPostgres(store.databaseUrl, async (client) =>
          Number(
            (
              await client.query(
                "SELECT count(*) AS n FROM mood_training_runs WHERE status = 'running'",
              )
            ).rows[0].n,
          ),
        );
        expect(running).toBeLessThanOrEqual(1);
        const run: Json = (await call(b, 'GET', `/api/v1/mood/runs/${accepted.id}`)).body;
        return run.status === 'succeeded' || run.status === 'failed' ? run : undefined;
      },
      { withinMs: 60_000, everyMs: 100 },
    );
    expect(finished.status).toBe('succeeded');
    await eventually(
      'A predicts with it',
      async () => ((await predictedModel(a)) === finished.model_id ? true : undefined),
      { withinMs: PROPAGATION_MS, everyMs: 20 },
    );
  });

  it('an activation on B is used by A within a second', async () => {
    const { body } = await call(b, 'GET', '/api/v1/mood/models?limit=10');
    const older = (body.models as { id: string; active: boolean }[]).find((m) => !m.active)!;
    expect(older).toBeDefined();
    const activated = await call(b, 'POST', `/api/v1/mood/models/${older.id}/activate`);
    expect(activated.status).toBe(200);
    await eventually(
      'A predicts with the model activated on B',
      async () => ((await predictedModel(a)) === older.id ? true : undefined),
      { withinMs: PROPAGATION_MS, everyMs: 20 },
    );
  });

  it('a catalog import on A: B recommends from it within a second', async () => {
    const csv = readSharedText('spotify_songs_dev.csv').split('\n').slice(0, 301).join('\n');
    const seed = csv.split('\n')[1].split(',')[0];
    const before = await call(b, 'GET', `/api/v1/recommendations?seed_tracks=${seed}`);
    expect(before.status).not.toBe(200);
    const imported = await call(a, 'POST', '/api/v1/catalog/imports', {
      body: csv,
      headers: { 'Content-Type': 'text/csv' },
    });
    expect(imported.status).toBe(201);
    const recommended = await eventually(
      'B recommends from the import',
      async () => {
        const answer = await call(b, 'GET', `/api/v1/recommendations?seed_tracks=${seed}&limit=5`);
        const recommendations: Json | undefined = answer.status === 200 ? answer.body : undefined;
        return recommendations;
      },
      { withinMs: PROPAGATION_MS, everyMs: 20 },
    );
    expect(recommended.tracks).toHaveLength(5);
    expect(recommended.seeds).toEqual([expect.objectContaining({ id: seed })]);
  });

  it('kill -9 of the instance training: its run ends failed, the others serve and train the next', async () => {
    // Five times the default dataset: long enough a training to find its instance and kill it.
    const body = Array.from({ length: 5 }, (_, copy) =>
      DEFAULT_DATASET.map(({ uri: _u, track_href: _h, analysis_url: _a, ...track }) => ({
        ...track,
        id: `${String(track.id)}-${copy}`,
      })),
    ).flat();
    const started = await call(a, 'POST', '/api/v1/retrain_mood', {
      body,
      headers: { Prefer: 'respond-async' },
    });
    expect(started.status).toBe(202);
    const runId = started.body.id as string;
    const trainer = await eventually(
      'an instance trains the run',
      async () => {
        for (const service of everyone()) {
          if ((await health(service))?.mood.training_run_id === runId) return service;
        }
        return undefined;
      },
      { withinMs: 30_000, everyMs: 100 },
    );
    const [watcher] = [a, b].filter((service) => service !== trainer);
    // Live progress, read from another instance than the one training.
    await eventually(
      'another instance shows the run running with its progress',
      async () => {
        const run: Json = (await call(watcher, 'GET', `/api/v1/mood/runs/${runId}`)).body;
        return run.status === 'running' && run.progress ? run : undefined;
      },
      { withinMs: 30_000, everyMs: 100 },
    );

    await trainer.kill();
    const failed = await eventually(
      'the run ends failed',
      async () => {
        const run: Json = (await call(watcher, 'GET', `/api/v1/mood/runs/${runId}`)).body;
        return run.status === 'failed' ? run : run.status === 'running' ? undefined : run;
      },
      { withinMs: 30_000, everyMs: 250 },
    );
    expect(failed).toEqual(
      expect.objectContaining({ status: 'failed', error: expect.stringMatching(/^Interrupted/) }),
    );
    for (const service of alive().filter((s) => s !== w)) {
      expect(await predictedModel(service)).toEqual(expect.any(String));
    }
    const next = await call(watcher, 'GET', '/api/v1/default_train_mood');
    expect(next.status).toBe(200);
    expect(next.body.status).toBe('succeeded');
    const active = await onPostgres(store.databaseUrl, async (client) => ({
      runs: Number(
        (await client.query('SELECT count(*) AS n FROM mood_training_runs WHERE active = 1'))
          .rows[0].n,
      ),
      models: Number(
        (await client.query('SELECT count(*) AS n FROM mood_models WHERE is_active')).rows[0].n,
      ),
    }));
    expect(active).toEqual({ runs: 0, models: 1 });
  });
});
