import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { configureApp, createHttpAdapter } from '../../src/app.setup';
import { logLevelsFrom } from '../../src/common/http/log-levels';
import { validateEnvironment } from '../../src/config';
import { onPostgres } from './on-postgres';
import { sharedDataPath } from './shared-data';

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789';

/** Mood training through the same code path, small: few epochs, one network, no download. */
export const SMALL_MOOD_TRAINING = {
  MOOD_DATASET_PATH: sharedDataPath('playlist_metrics.json'),
  MOOD_DATASET_URL: '',
  MOOD_MAX_EPOCHS: '5',
  MOOD_PATIENCE: '5',
  MOOD_ENSEMBLE_SIZE: '1',
  MOOD_TRAIN_ON_START: 'false',
};

export interface TestApp {
  app: NestFastifyApplication;
  /** Every route the HTTP platform serves, as "METHOD /path" (recorded as Fastify registers them). */
  routes: string[];
  dataDir: string;
  /** The app's database: its PostgreSQL schema's URL, or '' for the SQLite file in dataDir. */
  databaseUrl: string;
  /**
   * Closes the app and keeps its data folder and database, for another app or process to use (as
   * a service that has stopped); close() still removes them.
   */
  stop(): Promise<void>;
  /** Closes the app (unless stopped) and removes the throw-away data folder and database it made. */
  close(): Promise<void>;
}

/** Settings for another app or process on the same data folder and database as `testApp`. */
export function sameStoreAs(testApp: TestApp): Record<string, string> {
  return { DATA_DIR: testApp.dataDir, DATABASE_URL: testApp.databaseUrl };
}

/**
 * Boots the real AppModule through the same configureApp() as main.ts, on a throw-away SQLite file
 * in a fresh DATA_DIR, or (where DATABASE_URL is set, as in CI's second pass) on a fresh PostgreSQL
 * schema of that database. Settings in `env` override the test defaults; like main.ts, the app is
 * built from its own validated environment, and process.env is left as it was.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const suiteDatabaseUrl = process.env.DATABASE_URL;
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'spotify-recommender-e2e-'));
  let schema: string | undefined;
  let databaseUrl = env.DATABASE_URL ?? '';
  if (env.DATABASE_URL === undefined && suiteDatabaseUrl) {
    schema = `e2e_${randomBytes(6).toString('hex')}`;
    await onPostgres(suiteDatabaseUrl, (client) => client.query(`CREATE SCHEMA "${schema}"`));
    const url = new URL(suiteDatabaseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    databaseUrl = url.toString();
  }

  const environment = validateEnvironment({
    ...process.env,
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    LOG_LEVEL: 'error',
    // Tests never download, and train only when they ask to.
    MOOD_DATASET_URL: '',
    CATALOG_STARTER_URL: '',
    MOOD_TRAIN_ON_START: 'false',
    ...env,
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.register(environment)],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    createHttpAdapter(environment),
    {
      bodyParser: false,
    },
  );
  app.useLogger(logLevelsFrom(environment.LOG_LEVEL));
  const routes: string[] = [];
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', ({ method, url }) => {
      for (const verb of [method].flat()) routes.push(`${verb} ${url}`);
    });
  await configureApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await app.close();
  };
  return {
    app,
    routes,
    dataDir,
    databaseUrl,
    stop,
    close: async () => {
      await stop();
      if (env.DATA_DIR === undefined) rmSync(dataDir, { recursive: true, force: true });
      if (suiteDatabaseUrl && schema) {
        await onPostgres(suiteDatabaseUrl, (client) =>
          client.query(`DROP SCHEMA "${schema}" CASCADE`),
        );
      }
    },
  };
}

/**
 * Boots a test app (see createTestApp) before the tests of the enclosing `describe` and closes it
 * after them: `testApp()` is the app, `http()` a supertest request to it.
 */
export function useTestApp(env: Record<string, string> = {}): {
  testApp: () => TestApp;
  http: () => ReturnType<typeof request>;
} {
  let started: TestApp | undefined;
  beforeAll(async () => {
    started = await createTestApp(env);
  });
  afterAll(async () => {
    await started?.close();
  });
  const testApp = () => {
    if (!started) throw new Error('The test app starts in beforeAll; use it inside a test or hook');
    return started;
  };
  return { testApp, http: () => request(testApp().app.getHttpServer()) };
}

/** Every error leaves the service in this one shape. */
export function expectErrorBody(body: unknown, statusCode: number, code: string): void {
  expect(body).toEqual(
    expect.objectContaining({
      statusCode,
      code,
      message: expect.any(String),
      requestId: expect.any(String),
    }),
  );
  expect(JSON.stringify(body)).not.toMatch(/at .+\.(ts|js):\d+/); // no stack trace
}
