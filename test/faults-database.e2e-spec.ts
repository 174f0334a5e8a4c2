import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFaultsDatabase, dataCheck, slowUpload } from './helpers/fault-data';
import { ADMIN, startServing } from './helpers/fault-services';
import {
  type PrivatePostgres,
  privateServersMissing,
  startPrivatePostgres,
} from './helpers/private-servers';
import { describeUnless, eventually, type ServiceProcess } from './helpers/service-processes';
import { sharedDataPath } from './helpers/shared-data';

/**
 * Jobs caught by a database outage, with a real service process on a PostgreSQL cluster of the
 * test's own (initdb + pg_ctl on a free port): a catalog import whose connection PostgreSQL cuts as
 * it restarts, and a training run whose result cannot be recorded while PostgreSQL is stopped. Each
 * ends failed with a clear error (recorded once the database is back), frees its claim, leaves no
 * half-written rows, and the next one is accepted without a restart. Skipped, saying why in one
 * line, where PostgreSQL's server binaries are missing.
 */
const describeWithPostgres = describeUnless(
  privateServersMissing(),
  'test/faults-database.e2e-spec.ts',
);

const SAMPLE_CSV = readFileSync(sharedDataPath('spotify_songs_dev.csv'));
/** The sample's first 300 rows: a small import that succeeds in a moment. */
const SMALL_CSV = SAMPLE_CSV.toString('utf8').split('\n').slice(0, 301).join('\n');
const DATASET = readFileSync(sharedDataPath('playlist_metrics.json'));

interface JobView {
  id: string;
  status: string;
  error: string | null;
  error_code?: string | null;
  tracks_added?: number;
  model_id?: string | null;
}

describeWithPostgres('jobs caught by a database outage (scenario 2)', () => {
  let postgres: PrivatePostgres;
  let service: ServiceProcess;
  let databaseUrl: string;
  const get = async <T>(path: string): Promise<T> => {
    const answer = await fetch(`${service.url}${path}`);
    if (!answer.ok) throw new Error(`GET ${path}: ${answer.status}`);
    return (await answer.json()) as T;
  };

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    databaseUrl = await createFaultsDatabase(postgres);
    service = await startServing('database-jobs', {
      DATABASE_URL: databaseUrl,
      DB_CONNECT_TIMEOUT: '1s',
      JOB_STALL_TIMEOUT: '3s',
      CATALOG_WATCH_INTERVAL_MS: '500',
      // Long enough that a training started just before PostgreSQL stops ends while it is down.
      MOOD_MAX_EPOCHS: '15',
      MOOD_PATIENCE: '15',
    });
  }, 180_000);

  afterAll(async () => {
    await service?.kill();
    await postgres?.destroy();
  }, 60_000);

  it('an import whose connection PostgreSQL cuts (restart -m fast) answers 503 DATABASE_UNAVAILABLE, is recorded failed with that error, changes nothing, and the next import is accepted', async () => {
    const before = await dataCheck(databaseUrl);
    const upload = slowUpload(`${service.url}/api/v1/catalog/imports`, SAMPLE_CSV, {
      headers: { ...ADMIN, 'content-type': 'text/csv' },
      chunkBytes: 32_768,
      everyMs: 50,
    });
    const running = await eventually(
      'the import is reading',
      async () => {
        const { imports } = await get<{ imports: (JobView & { bytes_read: number })[] }>(
          '/api/v1/catalog/imports?limit=1',
        );
        const newest = imports[0];
        return newest?.status === 'running' && newest.bytes_read > 0 ? newest : undefined;
      },
      { withinMs: 20_000, everyMs: 50 },
    );
    await postgres.restart();
    const backAt = Date.now();
    const answer = await upload;

    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({
      code: 'DATABASE_UNAVAILABLE',
      details: { import_id: running.id },
    });
    expect(answer.retryAfter).toEqual(expect.any(String));
    expect(answer.sent).toBeLessThan(SAMPLE_CSV.length); // it was caught mid-file
    const ended = await eventually(
      'the import is recorded failed',
      async () => {
        const view = await get<JobView>(`/api/v1/catalog/imports/${running.id}`);
        return view.status === 'running' ? undefined : view;
      },
      { withinMs: 10_000, everyMs: 100 },
    );
    expect(Date.now() - backAt).toBeLessThanOrEqual(5000);
    expect(ended).toMatchObject({
      status: 'failed',
      error_code: 'DATABASE_UNAVAILABLE',
      error: expect.stringMatching(/database/i),
      tracks_added: 0,
    });
    const after = await dataCheck(databaseUrl);
    expect(after.tracks).toBe(before.tracks);
    expect(after.unfinished).toBe(0);
    expect(after.imports).toEqual({ ...before.imports, failed: (before.imports.failed ?? 0) + 1 });

    const next = await fetch(`${service.url}/api/v1/catalog/imports`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'text/csv' },
      body: SMALL_CSV,
    });
    expect(next.status).toBe(201);
    expect(((await next.json()) as JobView).status).toBe('succeeded');
  }, 120_000);

  it('a training whose result cannot be recorded (PostgreSQL stopped for 10 s) answers 503 DATABASE_UNAVAILABLE, is recorded failed once the database is back, keeps the active model, and the next training is accepted', async () => {
    const before = await dataCheck(databaseUrl);
    const activeBefore = (await get<{ id: string }>('/api/v1/mood/model')).id;
    const training = fetch(`${service.url}/api/v1/retrain_mood`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: DATASET,
    }).then(async (answer) => ({
      status: answer.status,
      retryAfter: answer.headers.get('retry-after'),
      body: (await answer.json()) as { code: string; details?: { run_id?: string } },
      at: Date.now(),
    }));
    const run = await eventually(
      'the run is training',
      async () => {
        const { runs } = await get<{ runs: JobView[] }>('/api/v1/mood/runs?limit=1');
        return runs[0]?.status === 'running' ? runs[0] : undefined;
      },
      { withinMs: 10_000, everyMs: 50 },
    );
    const stoppedAt = Date.now();
    await postgres.stop();
    const answer = await training;
    // The training ended while PostgreSQL was down (else this test proves nothing).
    expect(answer.at - stoppedAt).toBeLessThan(10_000);
    await sleep(Math.max(0, 10_000 - (Date.now() - stoppedAt)));
    await postgres.start();
    const backAt = Date.now();

    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({
      code: 'DATABASE_UNAVAILABLE',
      details: { run_id: run.id },
    });
    expect(answer.retryAfter).toEqual(expect.any(String));
    const ended = await eventually(
      'the run is recorded failed',
      async () => {
        const view = await get<JobView>(`/api/v1/mood/runs/${run.id}`);
        return view.status === 'running' ? undefined : view;
      },
      { withinMs: 10_000, everyMs: 100 },
    );
    expect(Date.now() - backAt).toBeLessThanOrEqual(5000);
    expect(ended).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/database/i),
      model_id: null,
    });
    expect((await get<{ id: string }>('/api/v1/mood/model')).id).toBe(activeBefore);
    const after = await dataCheck(databaseUrl);
    expect(after).toMatchObject({
      models: before.models,
      activeModels: 1,
      unfinished: 0,
      runs: { ...before.runs, failed: (before.runs.failed ?? 0) + 1 },
    });

    const next = await fetch(`${service.url}/api/v1/retrain_mood`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: DATASET,
    });
    expect(next.status).toBe(200);
    const trained = (await next.json()) as JobView;
    expect(trained.status).toBe('succeeded');
    expect((await get<{ id: string }>('/api/v1/mood/model')).id).toBe(trained.model_id);
  }, 120_000);
});
