import { setTimeout as sleep } from 'node:timers/promises';
import { createFaultsDatabase, dataCheck } from '../../test/helpers/fault-data';
import {
  ADMIN,
  EVERYDAY_CALLS,
  LISTENED_BODY,
  startServing,
} from '../../test/helpers/fault-services';
import { type Outcome, startLoad } from '../../test/helpers/load';
import {
  privateServersMissing,
  startPrivatePostgres,
  startPrivateRedis,
} from '../../test/helpers/private-servers';
import type { ServiceProcess } from '../../test/helpers/service-processes';
import { callOutcome, JSON_BODY, MOOD_DATASET, row, waitFor } from './table';

const OUTAGE_MS = 10_000;

/** The id of the model `service` predicts with. */
async function predictedModel(service: ServiceProcess): Promise<string | undefined> {
  const response = await fetch(`${service.url}/api/v1/predict_mood`, {
    method: 'POST',
    headers: JSON_BODY,
    body: LISTENED_BODY,
  });
  if (!response.ok) return undefined;
  return ((await response.json()) as { model: { id: string } }).model.id;
}

/**
 * 3. Redis killed for 10 s under load on two instances (REDIS_URL): memory-served calls, /health
 * and trainings asked for meanwhile (each must be refused 503 QUEUE_UNAVAILABLE, never run), an
 * activation made meanwhile; after its return, how long until /health is up, until the other
 * instance serves that activation (the notices' catch-up), and a training run once.
 */
export async function withRedis(): Promise<void> {
  const missing = privateServersMissing({ redis: true });
  if (missing) {
    console.log(`  scenario 3 skipped: ${missing}`);
    return;
  }
  const [postgres, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
  const services: ServiceProcess[] = [];
  try {
    const databaseUrl = await createFaultsDatabase(postgres);
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      JOB_STALL_TIMEOUT: '3s',
      DB_CONNECT_TIMEOUT: '1s',
      LOG_LEVEL: 'warn',
    };
    const [a, b] = await Promise.all([
      startServing('bench-redis-a', env),
      startServing('bench-redis-b', env),
    ]);
    services.push(a, b);
    // A second model, to activate while Redis is away.
    const second = await callOutcome('training before', `${a.url}/api/v1/default_train_mood`, {
      headers: ADMIN,
    });
    const servedBefore = await waitFor(async () => {
      const served = await predictedModel(b);
      return served === second.body.model_id ? served : undefined;
    }, 10_000);
    const models = (await (await fetch(`${a.url}/api/v1/mood/models`)).json()) as {
      models: { id: string }[];
    };
    // The first model: activated on A while Redis is away, its notice lost.
    const toActivate = models.models.find(({ id }) => id !== servedBefore)!.id;
    const before = await dataCheck(databaseUrl);

    const load = startLoad({
      targets: [a.url, b.url],
      connections: 8,
      pauseMs: 5,
      calls: EVERYDAY_CALLS,
    });
    await sleep(1000);
    await redis.kill();
    const killedAt = Date.now();
    const trainings: Outcome[] = [];
    let activated: Outcome | undefined;
    for (let turn = 0; Date.now() - killedAt < OUTAGE_MS; turn++) {
      trainings.push(
        turn % 2 === 0
          ? await callOutcome('training (A, respond-async)', `${a.url}/api/v1/retrain_mood`, {
              method: 'POST',
              headers: { ...ADMIN, ...JSON_BODY, prefer: 'respond-async' },
              body: MOOD_DATASET,
            })
          : await callOutcome('training (B, default)', `${b.url}/api/v1/default_train_mood`, {
              headers: ADMIN,
            }),
      );
      if (turn === 2) {
        activated = await callOutcome(
          'activation on A',
          `${a.url}/api/v1/mood/models/${toActivate}/activate`,
          { method: 'POST', headers: ADMIN },
        );
      }
      await sleep(500);
    }
    await redis.start();
    const backAt = Date.now();
    const healthy = async (service: ServiceProcess) =>
      (await fetch(`${service.url}/health`)).ok ? true : undefined;
    await Promise.all([waitFor(() => healthy(a), 15_000), waitFor(() => healthy(b), 15_000)]);
    const recoverMs = Date.now() - backAt;
    const caughtUp = await waitFor(
      async () => ((await predictedModel(b)) === toActivate ? Date.now() : undefined),
      15_000,
    );
    await sleep(500);
    const served = await load.stop();
    const meanwhile = await dataCheck(databaseUrl);

    const trained = await callOutcome('training after', `${a.url}/api/v1/retrain_mood`, {
      method: 'POST',
      headers: { ...ADMIN, ...JSON_BODY },
      body: MOOD_DATASET,
    });
    const noticeStarted = Date.now();
    const noticed = await waitFor(
      async () => ((await predictedModel(b)) === trained.body.model_id ? Date.now() : undefined),
      15_000,
    );
    const after = await dataCheck(databaseUrl);

    const predictions = served.filter((o) => o.call === 'POST /api/v1/predict_mood');
    const checks = {
      'every predict_mood 200': predictions.every((o) => o.status === 200),
      'every training refused 503 QUEUE_UNAVAILABLE': trainings.every(
        (o) => o.status === 503 && o.code === 'QUEUE_UNAVAILABLE' && o.retryAfter,
      ),
      'activation accepted': activated?.status === 200,
      'no refused training ran': meanwhile.runs.succeeded === before.runs.succeeded,
      'nothing left queued or running': meanwhile.unfinished === 0 && after.unfinished === 0,
      'the training after ran once':
        trained.status === 200 && after.runs.succeeded === before.runs.succeeded + 1,
      'B caught up and heard the next model': caughtUp !== undefined && noticed !== undefined,
    };
    const failed = Object.entries(checks).filter(([, ok]) => !ok);
    row(
      '3. Redis killed for 10 s (2 instances: predict, /health, runs, trainings)',
      [...served, ...trainings, ...(activated ? [activated] : []), trained],
      {
        recoverMs,
        dataCheck:
          failed.length === 0
            ? `${trainings.length} trainings refused 503 QUEUE_UNAVAILABLE in ≤ ${Math.max(...trainings.map((o) => o.ms))} ms, none ran; the activation made meanwhile served by B ${caughtUp! - backAt} ms after Redis returned; the next training ran once, B served it after ${noticed! - noticeStarted} ms`
            : `FAILED: ${failed.map(([what]) => what).join('; ')}`,
        dataOk: failed.length === 0,
      },
    );
  } finally {
    await Promise.all(services.map((service) => service.kill()));
    await Promise.all([redis.destroy(), postgres.destroy()]);
  }
}
