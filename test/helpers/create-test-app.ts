import { INestApplication, type ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { randomBytes } from 'node:crypto';

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789';

/** ../shared/data beside the repository (CI lays shared/ beside the clone). */
export const SHARED_DATA_DIR = resolve(__dirname, '..', '..', '..', 'shared', 'data');
export const sharedData = (file: string): string => join(SHARED_DATA_DIR, file);

/** Mood training through the same code path, small: few epochs, one network, no download. */
export const SMALL_MOOD_TRAINING = {
  MOOD_DATASET_PATH: sharedData('playlist_metrics.json'),
  MOOD_DATASET_URL: '',
  MOOD_MAX_EPOCHS: '5',
  MOOD_PATIENCE: '5',
  MOOD_ENSEMBLE_SIZE: '1',
  MOOD_TRAIN_ON_START: 'false',
};

export interface TestApp {
  app: INestApplication;
  dataDir: string;
  /** Closes the app and removes its throw-away database (SQLite file or PostgreSQL schema). */
  close(): Promise<void>;
}

/**
 * Boots the real AppModule through the same configureApp() as main.ts, on a throw-away SQLite file
 * in a fresh DATA_DIR, or (where DATABASE_URL is set, as in CI's second pass) on a fresh PostgreSQL
 * schema of that database. Settings in `env` override the test defaults; `imports` adds modules
 * beside AppModule (wiring a module that AppModule does not import yet).
 */
export async function createTestApp(
  env: Record<string, string> = {},
  imports: ModuleMetadata['imports'] = [],
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'spotify-recommender-e2e-'));
  const baseUrl = process.env.E2E_DATABASE_URL ?? process.env.DATABASE_URL;
  let schema: string | undefined;
  let databaseUrl: string | undefined;
  if (baseUrl) {
    process.env.E2E_DATABASE_URL = baseUrl;
    schema = `e2e_${randomBytes(6).toString('hex')}`;
    await withPg(baseUrl, (client) => client.query(`CREATE SCHEMA "${schema}"`));
    const url = new URL(baseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    databaseUrl = url.toString();
  }

  const settings: Record<string, string> = {
    DATA_DIR: dataDir,
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    LOG_LEVEL: 'error',
    DATABASE_URL: databaseUrl ?? '',
    // Tests never download, and train only when they ask to.
    MOOD_DATASET_URL: '',
    MOOD_TRAIN_ON_START: 'false',
    ...env,
  };
  // Settings are process-wide: remember what they were, so the next app in this file starts clean.
  const previous = Object.fromEntries(Object.keys(settings).map((key) => [key, process.env[key]]));
  Object.assign(process.env, settings);

  // Imported only now: ConfigModule.forRoot() validates process.env when app.module is loaded.
  const [{ AppModule }, { configureApp }, { logLevelsFrom }] = await Promise.all([
    import('../../src/app.module'),
    import('../../src/app.setup'),
    import('../../src/common/http/log-levels'),
  ]);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule, ...imports] }).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false });
  app.useLogger(logLevelsFrom(process.env.LOG_LEVEL));
  configureApp(app);
  await app.init();

  return {
    app,
    dataDir,
    close: async () => {
      await app.close();
      for (const [key, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      rmSync(dataDir, { recursive: true, force: true });
      if (baseUrl && schema) {
        await withPg(baseUrl, (client) => client.query(`DROP SCHEMA "${schema}" CASCADE`));
      }
    },
  };
}

async function withPg<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
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
