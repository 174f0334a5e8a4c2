import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  Environment,
  InvalidEnvironmentError,
  loadEnvironment,
  validateEnvironment,
} from './environment';

describe('validateEnvironment', () => {
  it('refuses ROLE api or worker without REDIS_URL, naming both, and accepts them with it', () => {
    for (const role of ['api', 'worker']) {
      expect(() => validateEnvironment({ ROLE: role })).toThrow(
        /ROLE="(api|worker)": ROLE api or worker needs REDIS_URL/,
      );
      expect(validateEnvironment({ ROLE: role, REDIS_URL: 'redis://127.0.0.1:6379' }).ROLE).toBe(
        role,
      );
    }
    expect(() => validateEnvironment({ ROLE: 'everything' })).toThrow(/ROLE="everything"/);
    expect(() => validateEnvironment({ REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
    expect(validateEnvironment({ JOB_STALL_TIMEOUT: '5s' }).JOB_STALL_TIMEOUT).toBe(5000);
  });

  it('reads the HTTP and shutdown timeouts as durations, and refuses a headers timeout longer than the request timeout', () => {
    const environment = validateEnvironment({
      HTTP_HEADERS_TIMEOUT: '2s',
      HTTP_REQUEST_TIMEOUT: '4s',
      HTTP_KEEP_ALIVE_TIMEOUT: '5s',
      SHUTDOWN_TIMEOUT: '10s',
      DB_CONNECT_TIMEOUT: '500ms',
    });
    expect(environment).toEqual(
      expect.objectContaining({
        HTTP_HEADERS_TIMEOUT: 2000,
        HTTP_REQUEST_TIMEOUT: 4000,
        HTTP_KEEP_ALIVE_TIMEOUT: 5000,
        SHUTDOWN_TIMEOUT: 10_000,
        DB_CONNECT_TIMEOUT: 500,
      }),
    );
    expect(() =>
      validateEnvironment({ HTTP_HEADERS_TIMEOUT: '30s', HTTP_REQUEST_TIMEOUT: '10s' }),
    ).toThrow(/HTTP_HEADERS_TIMEOUT=30000ms: must not be longer than HTTP_REQUEST_TIMEOUT/);
    expect(validateEnvironment({ HTTP_REQUEST_TIMEOUT: '0' }).HTTP_REQUEST_TIMEOUT).toBe(0);
    expect(() => validateEnvironment({ SHUTDOWN_TIMEOUT: 'soon' })).toThrow(/SHUTDOWN_TIMEOUT/);
  });

  it('accepts an empty environment: every setting has its default', () => {
    const environment = validateEnvironment({});
    expect(environment).toBeInstanceOf(Environment);
    expect(environment).toEqual(
      expect.objectContaining({ PORT: 3000, DATA_DIR: resolve('data'), DB_RUN_MIGRATIONS: true }),
    );
    expect(environment.TRENDS_WORKERS).toBeGreaterThanOrEqual(1);
  });

  it('types well-formed settings: numbers, booleans, an absolute DATA_DIR', () => {
    const environment = validateEnvironment({
      PORT: '8080',
      DATA_DIR: 'somewhere/else',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      ADMIN_API_KEY: 'a-long-enough-admin-key',
      BODY_LIMIT: '20mb',
      MOOD_TRAIN_ON_START: 'false',
      MOOD_DATASET_SHA256: 'AB'.repeat(32),
      PATH: '/ignored/as/not/a/setting',
    });
    expect(environment).toEqual(
      expect.objectContaining({
        PORT: 8080,
        DATA_DIR: resolve('somewhere/else'),
        MOOD_TRAIN_ON_START: false,
        MOOD_DATASET_SHA256: 'ab'.repeat(32),
      }),
    );
    expect(environment).not.toHaveProperty('PATH');
  });

  it('reads an empty setting as unset, except an empty download URL (never download)', () => {
    const environment = validateEnvironment({
      PORT: '',
      MOOD_MAX_EPOCHS: '',
      MOOD_DATASET_URL: '',
      CATALOG_STARTER_URL: '',
    });
    expect(environment.PORT).toBe(3000);
    expect(environment.MOOD_MAX_EPOCHS).toBe(300);
    expect(environment.MOOD_DATASET_URL).toBe('');
    expect(environment.CATALOG_STARTER_URL).toBe('');
    expect(validateEnvironment({}).CATALOG_STARTER_URL).toMatch(/^https:\/\/.+spotify_songs\.csv$/);
  });

  it('reads MOOD_TRAINING_TIMEOUT as a duration in milliseconds, a bare number as seconds', () => {
    const timeout = (value: string) =>
      validateEnvironment({ MOOD_TRAINING_TIMEOUT: value }).MOOD_TRAINING_TIMEOUT;
    expect(validateEnvironment({}).MOOD_TRAINING_TIMEOUT).toBe(600_000);
    expect(timeout('10m')).toBe(600_000);
    expect(timeout('90s')).toBe(90_000);
    expect(timeout('1.5h')).toBe(5_400_000);
    expect(timeout('2500ms')).toBe(2500);
    expect(timeout('30')).toBe(30_000);
    expect(() => timeout('soon')).toThrow(
      'MOOD_TRAINING_TIMEOUT="soon": MOOD_TRAINING_TIMEOUT must be a duration from 1s to 24h, such as 90s, 10m or 1h',
    );
    expect(() => timeout('10ms')).toThrow(/from 1s to 24h/);
  });

  it('refuses to start with a readable list of every wrong setting, one line each', () => {
    const refuse = () =>
      validateEnvironment({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        ADMIN_API_KEY: 'short',
        DB_LOGGING: 'yes',
      });
    expect(refuse).toThrow(InvalidEnvironmentError);
    expect(refuse).toThrow(
      'Invalid environment, the service cannot start:\n' +
        '  - PORT="eighty": PORT must be an integer number\n' +
        '  - DATABASE_URL="mysql://x": DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite file)\n' +
        '  - DB_LOGGING="yes": DB_LOGGING must be true or false\n' +
        '  - ADMIN_API_KEY="short": ADMIN_API_KEY must be empty or at least 16 characters long',
    );
  });
});

describe('loadEnvironment', () => {
  it('reads a .env file under the process environment, which wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'environment-'));
    try {
      const envFile = join(dir, '.env');
      writeFileSync(envFile, 'PORT=4000\nLOG_LEVEL=debug\n');
      const environment = loadEnvironment({ LOG_LEVEL: 'warn' }, envFile);
      expect(environment.PORT).toBe(4000);
      expect(environment.LOG_LEVEL).toBe('warn');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
