import { setTimeout as sleep } from 'node:timers/promises';
import { createFaultsDatabase, dataCheck, slowUpload } from '../../test/helpers/fault-data';
import {
  ADMIN,
  PREDICT_CALL,
  sigtermUnderLoad,
  startServing,
} from '../../test/helpers/fault-services';
import { type Outcome, startLoad } from '../../test/helpers/load';
import {
  type PrivatePostgres,
  privateServersMissing,
  startPrivatePostgres,
} from '../../test/helpers/private-servers';
import type { ServiceProcess } from '../../test/helpers/service-processes';
import {
  callOutcome,
  JSON_BODY,
  MOOD_DATASET,
  row,
  SAMPLE_CSV,
  sampleRows,
  waitFor,
} from './table';

/**
 * Scenarios 4 (an instance stopped during traffic) and 2 (PostgreSQL restarting and stopped for
 * 10 s under load, with an import and a training caught by the outage), on a private PostgreSQL.
 */
export async function withPostgres(): Promise<void> {
  const missing = privateServersMissing();
  if (missing) {
    console.log(`  scenarios 2 and 4 skipped: ${missing}`);
    return;
  }
  const postgres = await startPrivatePostgres();
  const services: ServiceProcess[] = [];
  try {
    const databaseUrl = await createFaultsDatabase(postgres);
    const env = {
      DATABASE_URL: databaseUrl,
      SHUTDOWN_TIMEOUT: '10s',
      DB_CONNECT_TIMEOUT: '1s',
      JOB_STALL_TIMEOUT: '3s',
      LOG_LEVEL: 'warn',
      // Trainings long enough to be caught by the 10 s stop.
      MOOD_MAX_EPOCHS: '15',
      MOOD_PATIENCE: '15',
    };
    const serve = async (name: string) => {
      const service = await startServing(name, env);
      services.push(service);
      return service;
    };

    // 4. SIGTERM at 8 connections, one instance.
    const a = await serve('bench-a');
    const stop = await sigtermUnderLoad(a);
    row('4. SIGTERM at 8 connections (one instance)', stop.outcomes, {
      recoverMs: stop.stoppedMs,
      dataCheck: `exit code ${stop.code} after ${stop.stoppedMs} ms (SHUTDOWN_TIMEOUT 10 s)`,
      dataOk: stop.code === 0,
    });

    // 4. Two instances, a client retrying refused connections: SIGTERM one.
    const [b, c] = await Promise.all([serve('bench-b'), serve('bench-c')]);
    const load = startLoad({
      targets: [b.url, c.url],
      connections: 8,
      retryRefused: true,
      calls: [PREDICT_CALL, { method: 'GET', path: '/api/v1/mood/runs' }],
    });
    await sleep(2000);
    b.child.kill('SIGTERM');
    const bExit = await b.exited;
    await sleep(2000);
    const pair = await load.stop();
    row('4. SIGTERM of one of two, client retries refusals', pair, {
      dataCheck: `exit code ${bExit.code}; ${pair.filter((o) => o.retries > 0).length} requests retried on the other`,
      dataOk: bExit.code === 0,
    });

    await databaseOutage(c, postgres, databaseUrl);
  } finally {
    await Promise.all(services.map((service) => service.kill()));
    await postgres.destroy();
  }
}

/**
 * 2. Under load on `service`: an import streamed slowly when PostgreSQL restarts (-m fast), then a
 * training running when it stops for 10 s; after its return, both jobs recorded failed, nothing
 * half-written, and the next import and training accepted.
 */
async function databaseOutage(
  service: ServiceProcess,
  postgres: PrivatePostgres,
  databaseUrl: string,
): Promise<void> {
  const before = await dataCheck(databaseUrl);
  const load = startLoad({
    targets: [service.url],
    connections: 8,
    pauseMs: 5,
    calls: [
      PREDICT_CALL,
      { method: 'GET', path: '/api/v1/mood/runs', name: 'runs' },
      { method: 'GET', path: '/api/v1/catalog', name: 'catalog' },
    ],
  });
  await sleep(1000);

  const importStarted = Date.now();
  const upload = slowUpload(`${service.url}/api/v1/catalog/imports`, Buffer.from(SAMPLE_CSV), {
    headers: { ...ADMIN, 'content-type': 'text/csv' },
    chunkBytes: 32_768,
    everyMs: 50,
  });
  const newest = async (path: string, list: 'imports' | 'runs') => {
    const body = (await (await fetch(`${service.url}${path}`)).json()) as Record<
      string,
      { id: string; status: string }[]
    >;
    return body[list][0]?.status === 'running' ? body[list][0].id : undefined;
  };
  const importId = await waitFor(
    () => newest('/api/v1/catalog/imports?limit=1', 'imports'),
    20_000,
  );
  await postgres.restart();
  const uploaded = await upload;
  const importOutcome: Outcome = {
    call: 'import caught by the restart',
    status: uploaded.status,
    code: uploaded.body.code,
    ...(uploaded.retryAfter ? { retryAfter: uploaded.retryAfter } : {}),
    error: uploaded.error,
    startedAt: importStarted,
    ms: Date.now() - importStarted,
    retries: 0,
  };
  await sleep(1000);

  const training = callOutcome(
    'training caught by the stop',
    `${service.url}/api/v1/retrain_mood`,
    {
      method: 'POST',
      headers: { ...ADMIN, ...JSON_BODY },
      body: MOOD_DATASET,
    },
  );
  const runId = await waitFor(() => newest('/api/v1/mood/runs?limit=1', 'runs'), 20_000);
  const stoppedAt = Date.now();
  await postgres.stop();
  const trained = await training;
  const caughtByTheStop = Date.now() - stoppedAt < 10_000;
  await sleep(Math.max(0, 10_000 - (Date.now() - stoppedAt)));
  await postgres.start();
  const backAt = Date.now();
  const recovered = await waitFor(
    async () => ((await fetch(`${service.url}/api/v1/mood/runs`)).ok ? Date.now() : undefined),
    10_000,
  );
  const ended = async (path: string) => {
    const view = (await (await fetch(`${service.url}${path}`)).json()) as Record<string, unknown>;
    return view.status === 'running' ? undefined : view;
  };
  const [importRow, runRow] = await Promise.all([
    waitFor(() => ended(`/api/v1/catalog/imports/${importId}`), 10_000, 100),
    waitFor(() => ended(`/api/v1/mood/runs/${runId}`), 10_000, 100),
  ]);
  const jobsRecordedMs = Date.now() - backAt;
  await sleep(500);
  const outage = await load.stop();

  const after = await dataCheck(databaseUrl);
  const memory = outage.filter((o) => o.call === 'POST /api/v1/predict_mood');
  const memoryOk = memory.every((o) => o.status === 200);
  row('2. PostgreSQL restart + 10 s stop (predict_mood, runs, catalog)', outage, {
    recoverMs: recovered === undefined ? null : recovered - backAt,
    dataCheck: `predict_mood 200: ${memory.filter((o) => o.status === 200).length}/${memory.length}`,
    dataOk: memoryOk,
  });

  const nextImport = await callOutcome('next import', `${service.url}/api/v1/catalog/imports`, {
    method: 'POST',
    headers: { ...ADMIN, 'content-type': 'text/csv' },
    body: sampleRows(1, 301),
  });
  const nextTraining = await callOutcome('next training', `${service.url}/api/v1/retrain_mood`, {
    method: 'POST',
    headers: { ...ADMIN, ...JSON_BODY },
    body: MOOD_DATASET,
  });
  const checks = {
    'import failed DATABASE_UNAVAILABLE':
      importRow?.status === 'failed' && importRow.error_code === 'DATABASE_UNAVAILABLE',
    'run failed (database)': runRow?.status === 'failed' && /database/i.test(String(runRow.error)),
    'training ended while PostgreSQL was down': caughtByTheStop,
    'catalog, models unchanged': after.tracks === before.tracks && after.models === before.models,
    'nothing left running': after.unfinished === 0,
    'next import and training accepted': nextImport.status === 201 && nextTraining.status === 200,
  };
  const failed = Object.entries(checks).filter(([, ok]) => !ok);
  row(
    '2. claims: an import (restart) and a training (10 s stop) caught',
    [importOutcome, trained, nextImport, nextTraining],
    {
      recoverMs: jobsRecordedMs,
      dataCheck:
        failed.length === 0
          ? `both recorded failed with the database's error ${jobsRecordedMs} ms after its return; catalog ${after.tracks} tracks and ${after.models} models as before; 0 left running; next import and training accepted`
          : `FAILED: ${failed.map(([what]) => what).join('; ')}`,
      dataOk: failed.length === 0,
    },
  );
}
