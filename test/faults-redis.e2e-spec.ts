import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFaultsDatabase, dataCheck } from './helpers/fault-data';
import { ADMIN, LISTENED_BODY, PREDICT_CALL, startServing } from './helpers/fault-services';
import { startLoad, summarise } from './helpers/load';
import {
  type PrivatePostgres,
  type PrivateRedis,
  privateServersMissing,
  startPrivatePostgres,
  startPrivateRedis,
} from './helpers/private-servers';
import { describeUnless, eventually, type ServiceProcess } from './helpers/service-processes';
import { sharedDataPath } from './helpers/shared-data';

/**
 * Redis going away and coming back under two real service processes (REDIS_URL: training runs
 * are BullMQ jobs, model activations reach the other instance over its pub/sub), on a PostgreSQL
 * cluster and a redis-server of the test's own. Skipped, saying why in one line, where
 * PostgreSQL's server binaries or redis-server are missing.
 */
const describeWithServers = describeUnless(
  privateServersMissing({ redis: true }),
  'test/faults-redis.e2e-spec.ts',
);

const DATASET = readFileSync(sharedDataPath('playlist_metrics.json'));
/** The shared sample's first 300 rows: a small catalog import. */
const SMALL_CSV = readFileSync(sharedDataPath('spotify_songs_dev.csv'), 'utf8')
  .split('\n')
  .slice(0, 301)
  .join('\n');
/** How long a request that needs Redis may wait while it is away (the queue's bound is 2 s). */
const REDIS_BOUND_MS = 5000;

interface Answer {
  status: number;
  body: Record<string, unknown> & { code?: string; details?: Record<string, unknown> };
  retryAfter: string | null;
  ms: number;
}

async function call(
  service: ServiceProcess,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: RequestInit['body'] } = {},
): Promise<Answer> {
  const started = Date.now();
  const response = await fetch(`${service.url}${path}`, { method, ...init });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Answer['body']) : {},
    retryAfter: response.headers.get('retry-after'),
    ms: Date.now() - started,
  };
}

/** The id of the model `service` predicts with. */
const predictedModel = async (service: ServiceProcess) => {
  const answer = await call(service, 'POST', '/api/v1/predict_mood', {
    headers: { 'content-type': 'application/json' },
    body: LISTENED_BODY,
  });
  return answer.status === 200 ? (answer.body.model as { id: string }).id : undefined;
};

describeWithServers('Redis going away and coming back (scenario 3)', () => {
  let postgres: PrivatePostgres;
  let redis: PrivateRedis;
  let databaseUrl: string;
  let a: ServiceProcess;
  let b: ServiceProcess;

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
    databaseUrl = await createFaultsDatabase(postgres);
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      JOB_STALL_TIMEOUT: '3s',
      DB_CONNECT_TIMEOUT: '1s',
    };
    // One of the two trains the first model (on the queue); both serve it.
    [a, b] = await Promise.all([startServing('redis-a', env), startServing('redis-b', env)]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.kill(), b?.kill()]);
    await Promise.all([redis?.destroy(), postgres?.destroy()]);
  }, 60_000);

  it('while Redis is away: memory-served calls answer 200, /health names redis, a training is refused 503 QUEUE_UNAVAILABLE at once and never runs; once it is back: /health is up, a training runs once, and activations reach the other instance', async () => {
    const before = await dataCheck(databaseUrl);
    const load = startLoad({
      targets: [a.url, b.url],
      connections: 4,
      pauseMs: 10,
      calls: [PREDICT_CALL],
    });
    await sleep(500);

    await redis.kill();
    const down = await eventually(
      'A says Redis is down',
      async () => {
        const health = await call(a, 'GET', '/health');
        return health.status === 503 ? health : undefined;
      },
      { withinMs: 10_000, everyMs: 200 },
    );
    expect(down.body).toMatchObject({
      code: 'UNHEALTHY',
      message: expect.stringMatching(/^Down: redis \(/),
      details: { redis: { status: 'down' }, database: { status: 'up' } },
    });
    expect(down.ms).toBeLessThan(REDIS_BOUND_MS);
    const refused = [
      await call(a, 'POST', '/api/v1/retrain_mood', {
        headers: { ...ADMIN, 'content-type': 'application/json', prefer: 'respond-async' },
        body: DATASET,
      }),
      await call(b, 'GET', '/api/v1/default_train_mood', { headers: ADMIN }),
    ];
    for (const answer of refused) {
      expect(answer).toMatchObject({
        status: 503,
        body: { code: 'QUEUE_UNAVAILABLE' },
        retryAfter: expect.any(String),
      });
      expect(answer.ms).toBeLessThan(REDIS_BOUND_MS);
    }
    await sleep(2000);

    await redis.start();
    const backAt = Date.now();
    for (const service of [a, b]) {
      await eventually(
        `${service.name}'s /health is up again`,
        async () => ((await call(service, 'GET', '/health')).status === 200 ? true : undefined),
        { withinMs: 10_000, everyMs: 100 },
      );
    }
    expect(Date.now() - backAt).toBeLessThanOrEqual(5000);
    const served = await load.stop();

    // Calls served from memory never noticed.
    expect(served.length).toBeGreaterThan(20);
    expect(summarise(served).byStatus).toEqual({ 200: served.length });
    // The refused trainings never ran: runs requested meanwhile ended failed (not queued), or
    // were never recorded; none is left waiting.
    const meanwhile = await dataCheck(databaseUrl);
    expect(meanwhile.unfinished).toBe(0);
    expect(meanwhile.runs.succeeded).toBe(before.runs.succeeded);
    expect(meanwhile.models).toBe(before.models);

    // A training requested now is queued, taken by one instance, and run once.
    const previous = await predictedModel(a);
    const trained = await call(a, 'POST', '/api/v1/retrain_mood', {
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: DATASET,
    });
    expect(trained.status).toBe(200);
    expect(trained.body.status).toBe('succeeded');
    const after = await dataCheck(databaseUrl);
    expect(after).toMatchObject({
      models: before.models + 1,
      activeModels: 1,
      unfinished: 0,
      runs: expect.objectContaining({ succeeded: before.runs.succeeded + 1 }),
    });
    // Notices flow again: B serves the new model, then the one A rolls back to, within seconds
    // (well before its periodic check of the database, every 15 s).
    const newModel = trained.body.model_id as string;
    await eventually(
      'B serves the newly trained model',
      async () => ((await predictedModel(b)) === newModel ? true : undefined),
      { withinMs: 3000, everyMs: 50 },
    );
    const activated = await call(a, 'POST', `/api/v1/mood/models/${previous}/activate`, {
      headers: ADMIN,
    });
    expect(activated.status).toBe(200);
    await eventually(
      'B serves the model activated on A',
      async () => ((await predictedModel(b)) === previous ? true : undefined),
      { withinMs: 3000, everyMs: 50 },
    );
  }, 120_000);

  it('changes made while Redis is away (an activation, a catalog import) reach the other instance once the notices resume', async () => {
    const models = await call(a, 'GET', '/api/v1/mood/models');
    const served = await predictedModel(b);
    const other = (models.body.models as { id: string }[]).find(({ id }) => id !== served)!.id;
    await redis.kill();
    // Both need only the database; their notices are lost.
    const activated = await call(a, 'POST', `/api/v1/mood/models/${other}/activate`, {
      headers: ADMIN,
    });
    expect(activated.status).toBe(200);
    const imported = await call(a, 'POST', '/api/v1/catalog/imports', {
      headers: { ...ADMIN, 'content-type': 'text/csv' },
      body: SMALL_CSV,
    });
    expect(imported.status).toBe(201);
    const tracks = (await dataCheck(databaseUrl)).tracks;
    const tracksInB = async () =>
      ((await call(b, 'GET', '/health')).body.details as { catalog: { tracks: number } }).catalog
        .tracks;
    // Nothing else tells B of the import (its look at the active model every 15 s may find the
    // activation, by chance, so only the catalog is checked here).
    await sleep(1000);
    expect(await tracksInB()).toBeLessThan(tracks);

    await redis.start();
    // B catches up as the notices resume.
    await eventually(
      'B serves the model activated while Redis was away',
      async () => ((await predictedModel(b)) === other ? true : undefined),
      { withinMs: 5000, everyMs: 100 },
    );
    await eventually(
      "B's catalog index holds the tracks imported while Redis was away",
      async () => ((await tracksInB()) === tracks ? true : undefined),
      { withinMs: 5000, everyMs: 100 },
    );
  }, 60_000);
});
