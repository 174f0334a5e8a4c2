import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createFaultsDatabase, dataCheck } from './helpers/fault-data';
import { ADMIN, PREDICT_CALL, sigtermUnderLoad, startServing } from './helpers/fault-services';
import { type Outcome, startLoad, summarise } from './helpers/load';
import {
  type PrivatePostgres,
  privateServersMissing,
  startPrivatePostgres,
} from './helpers/private-servers';
import { describeUnless, eventually, type ServiceProcess } from './helpers/service-processes';
import { sharedDataPath } from './helpers/shared-data';

/**
 * Faults of the parts around the service, with real processes on a PostgreSQL cluster of the
 * test's own (initdb + pg_ctl on a free port, so that it can be stopped): an instance stopped
 * (SIGTERM) or killed (SIGKILL) during traffic, and PostgreSQL restarting or stopped for 10 s
 * under load. Skipped, saying why in one line, where PostgreSQL's server binaries are missing.
 */
const describeWithPostgres = describeUnless(
  privateServersMissing(),
  'test/faults-processes.e2e-spec.ts',
);

const SHUTDOWN_TIMEOUT_MS = 10_000;
/** A catalog for GET /recommendations: the first rows of the shared TidyTuesday sample. */
const CATALOG_CSV = readFileSync(sharedDataPath('spotify_songs_dev.csv'), 'utf8')
  .split('\n')
  .slice(0, 1500)
  .join('\n');

/** A playlist for /similarity: the shared sample's first 30 rows, as audio-features objects. */
const playlistColumns = JSON.parse(
  readFileSync(sharedDataPath('playlist_example_json.json'), 'utf8'),
) as Record<string, Record<string, unknown>>;
const SIMILARITY_BODY = JSON.stringify(
  Object.keys(playlistColumns.danceability)
    .slice(0, 30)
    .map((row) =>
      Object.fromEntries(
        Object.keys(playlistColumns).map((column) => [column, playlistColumns[column][row]]),
      ),
    ),
);

const byCall = (outcomes: Outcome[], call: string) => outcomes.filter((o) => o.call === call);

describeWithPostgres('faults of the parts around the service (scenarios 2 and 4)', () => {
  let postgres: PrivatePostgres;
  const services: ServiceProcess[] = [];
  let env: Record<string, string>;

  const serve = async (name: string, extra: Record<string, string> = {}) => {
    const service = await startServing(name, { ...env, ...extra });
    services.push(service);
    return service;
  };

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    env = {
      DATABASE_URL: await createFaultsDatabase(postgres),
      SHUTDOWN_TIMEOUT: `${SHUTDOWN_TIMEOUT_MS}ms`,
      JOB_STALL_TIMEOUT: '3s',
      DB_CONNECT_TIMEOUT: '1s',
      CATALOG_HARVEST_FLUSH_MS: '100',
    };
  }, 120_000);

  afterAll(async () => {
    await Promise.all(services.map((service) => service.kill()));
    await postgres?.destroy();
  }, 60_000);

  describe('an instance stopped or killed during traffic (scenario 4)', () => {
    it('SIGTERM at 8 connections: stops accepting, answers every request it accepted (no reset, no 5xx), exits 0 within SHUTDOWN_TIMEOUT', async () => {
      const a = await serve('sigterm-a');
      const { outcomes, code, signalledAt, stoppedMs } = await sigtermUnderLoad(a);

      expect(code).toBe(0);
      expect(stoppedMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
      const answered = outcomes.filter((o) => o.status > 0);
      expect(answered.length).toBeGreaterThan(50);
      expect(answered.filter((o) => o.status !== 200)).toEqual([]);
      // The only failures: connections refused once it had stopped listening.
      const failed = outcomes.filter((o) => o.status === 0);
      expect(failed.filter((o) => o.error !== 'ECONNREFUSED')).toEqual([]);
      expect(failed.filter((o) => o.startedAt < signalledAt)).toEqual([]);
      const log = readFileSync(a.logFile, 'utf8');
      expect(log).toMatch(/SIGTERM: no longer accepting connections/);
      expect(log).toMatch(/Stopped after \d+ ms \(exit code 0\)/);
    }, 180_000);

    it('two instances behind a client that retries refused connections: SIGTERM of one, and the client sees no error at all', async () => {
      const [a, b] = await Promise.all([serve('pair-a'), serve('pair-b')]);
      const load = startLoad({
        targets: [a.url, b.url],
        connections: 8,
        retryRefused: true,
        calls: [PREDICT_CALL, { method: 'GET', path: '/api/v1/mood/runs' }],
      });
      await sleep(1000);
      a.child.kill('SIGTERM');
      expect((await a.exited).code).toBe(0);
      await sleep(1000);
      const outcomes = await load.stop();
      const summary = summarise(outcomes);
      expect(summary.byStatus).toEqual({ 200: summary.sent });
      expect(outcomes.some((o) => o.retries > 0)).toBe(true);
      await b.stop();
    }, 180_000);

    it('SIGKILL of an instance mid-training: another ends its run failed, the active model stays, no run is left running', async () => {
      // A first (it trains the first model where there is none); B trains for thousands of
      // epochs, so that it is still training when killed.
      const a = await serve('kill-a');
      const b = await serve('kill-b', { MOOD_MAX_EPOCHS: '5000', MOOD_PATIENCE: '1000' });
      const model = async (service: ServiceProcess) =>
        ((await (await fetch(`${service.url}/api/v1/mood/model`)).json()) as { id: string }).id;
      const activeBefore = await model(a);
      const started = await fetch(`${b.url}/api/v1/retrain_mood`, {
        method: 'POST',
        headers: { ...ADMIN, 'content-type': 'application/json', prefer: 'respond-async' },
        body: readFileSync(sharedDataPath('playlist_metrics.json')),
      });
      expect(started.status).toBe(202);
      const runId = ((await started.json()) as { id: string }).id;
      await sleep(1500);
      await b.kill();
      const ended = await eventually(
        'the killed run is ended failed by the other instance',
        async () => {
          const run = (await (await fetch(`${a.url}/api/v1/mood/runs/${runId}`)).json()) as {
            status: string;
            error: string | null;
          };
          return run.status === 'failed' ? run : undefined;
        },
        { withinMs: 30_000, everyMs: 250 },
      );
      expect(ended.error).toEqual(expect.any(String));
      expect(await model(a)).toBe(activeBefore);
      expect((await dataCheck(postgres.url('faults'))).unfinished).toBe(0);
      await a.stop();
    }, 180_000);
  });

  describe('PostgreSQL restarting and stopped under load (scenario 2)', () => {
    let service: ServiceProcess;

    beforeAll(async () => {
      service = await serve('postgres');
      const imported = await fetch(`${service.url}/api/v1/catalog/imports`, {
        method: 'POST',
        headers: { ...ADMIN, 'content-type': 'text/csv' },
        body: CATALOG_CSV,
      });
      expect(imported.status).toBe(201);
      await eventually(
        'recommendations answer from the catalog',
        async () =>
          (await fetch(`${service.url}/api/v1/recommendations?seed_genres=pop&limit=5`)).ok
            ? true
            : undefined,
        { withinMs: 30_000, everyMs: 250 },
      );
    }, 180_000);

    it('memory-served calls answer 200 throughout; database calls answer 200 or 503 DATABASE_UNAVAILABLE with Retry-After, never 500 or a hang; /health names the database; all normal within 5 s of its return', async () => {
      const before = await dataCheck(postgres.url('faults'));
      const memoryCalls = [
        { ...PREDICT_CALL, name: 'predict_mood' },
        {
          method: 'GET' as const,
          path: '/api/v1/recommendations?seed_genres=pop&limit=5',
          name: 'recommendations',
        },
        {
          method: 'POST' as const,
          path: '/api/v1/similarity',
          body: SIMILARITY_BODY,
          name: 'similarity',
        },
      ];
      const databaseCalls = [
        { method: 'GET' as const, path: '/api/v1/mood/runs', name: 'runs' },
        { method: 'GET' as const, path: '/api/v1/catalog', name: 'catalog' },
      ];
      const load = startLoad({
        targets: [service.url],
        connections: 8,
        timeoutMs: 10_000,
        pauseMs: 5,
        calls: [...memoryCalls, ...databaseCalls],
      });
      await sleep(500);
      await postgres.restart();
      await sleep(1000);
      await postgres.stop();
      await sleep(1500);
      const health = await fetch(`${service.url}/health`);
      const healthBody = (await health.json()) as {
        code: string;
        details: Record<string, { status: string }>;
      };
      await sleep(8500);
      await postgres.start();
      const backAt = Date.now();
      const recovered = await eventually(
        'a database call answers 200 again',
        async () => ((await fetch(`${service.url}/api/v1/mood/runs`)).ok ? Date.now() : undefined),
        { withinMs: 10_000, everyMs: 50 },
      );
      await sleep(500);
      const outcomes = await load.stop();

      expect(health.status).toBe(503);
      expect(healthBody.code).toBe('UNHEALTHY');
      expect(healthBody.details.database.status).toBe('down');
      expect(recovered - backAt).toBeLessThanOrEqual(5000);
      expect(outcomes.filter((o) => o.status === 0)).toEqual([]);
      for (const { name } of memoryCalls) {
        const calls = byCall(outcomes, name);
        expect({ name, sent: calls.length > 0 }).toEqual({ name, sent: true });
        expect({ name, statuses: summarise(calls).byStatus }).toEqual({
          name,
          statuses: { 200: calls.length },
        });
      }
      const databaseOutcomes = outcomes.filter((o) => databaseCalls.some((c) => c.name === o.call));
      const refused = databaseOutcomes.filter((o) => o.status !== 200);
      expect(refused.length).toBeGreaterThan(0);
      for (const outcome of refused) {
        expect(outcome).toEqual(
          expect.objectContaining({
            status: 503,
            code: 'DATABASE_UNAVAILABLE',
            retryAfter: expect.any(String),
          }),
        );
      }
      // Nothing written by the calls above was half-written: the counts are as they were, with the
      // harvested tracks of predict_mood at most added.
      const after = await dataCheck(postgres.url('faults'));
      expect(after.runs).toEqual(before.runs);
      expect(after.imports).toEqual(before.imports);
      expect(after.tracks).toBeGreaterThanOrEqual(before.tracks);
    }, 120_000);
  });
});
