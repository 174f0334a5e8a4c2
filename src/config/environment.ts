import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
} from 'class-validator';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelSetting = (typeof LOG_LEVELS)[number];

export const TF_BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

/** What an instance does: serve the API, run queued jobs, or both. */
export const ROLES = ['all', 'api', 'worker'] as const;
export type RoleSetting = (typeof ROLES)[number];
export type TfBackendSetting = (typeof TF_BACKENDS)[number];

/**
 * A whole number from `min` to `max`. Settings arrive as text: whole numbers become numbers, anything
 * else stays text and fails the integer check, which runs first.
 */
const WholeNumber = (min: number, max?: number) =>
  applyDecorators(
    IsInt(),
    Min(min),
    ...(max === undefined ? [] : [Max(max)]),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value,
    ),
  );
/** A decimal number from `min` to `max` (`0.25`, `1`), read from text like WholeNumber. */
const DecimalNumber = (min: number, max: number) =>
  applyDecorators(
    IsNumber({ allowNaN: false, allowInfinity: false }),
    Min(min),
    Max(max),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' && /^\s*-?(\d+\.?\d*|\.\d+)\s*$/.test(value)
        ? Number(value)
        : value,
    ),
  );
const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i;
/**
 * A duration from `min` to `max` milliseconds, written `500ms`, `90s`, `10m`, `1h` or as a number
 * of seconds, read as whole milliseconds.
 */
const Duration = (min: number, max: number, shown: string) => {
  const message = { message: `$property must be a duration from ${shown}, such as 90s, 10m or 1h` };
  return applyDecorators(
    IsInt(message),
    Min(min, message),
    Max(max, message),
    Transform(({ value }: { value: unknown }) => {
      const match = typeof value === 'string' ? DURATION.exec(value) : null;
      if (!match) return value;
      return Math.round(Number(match[1]) * DURATION_UNITS_MS[(match[2] ?? 's').toLowerCase()]);
    }),
  );
};
const TrueOrFalse = () =>
  Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  );
const MUST_BE_TRUE_OR_FALSE = { message: '$property must be true or false' };

/**
 * Every setting the service reads, with its rule and its default (stated here and nowhere else;
 * `.env.example` documents each). validateEnvironment() turns the process environment into one of
 * these, typed, or refuses with a readable list of the wrong settings. The domains read their settings
 * from it (each in its own `<domain>.config.ts`), never from process.env.
 */
export class Environment {
  @WholeNumber(0, 65535)
  PORT: number = 3000;

  /** Every IPv4 interface, as a service behind a proxy or in a container needs. */
  @IsString()
  HOST: string = '0.0.0.0';

  /** Runtime folder (SQLite file, models, cached dataset), resolved to an absolute path here, once. */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? resolve(value) : value,
  )
  @IsString()
  DATA_DIR: string = resolve('data');

  /**
   * /health reports `storage` down (503) when DATA_DIR has less free space than this: trained
   * models, and on the embedded database the SQLite file, are written there.
   */
  @Matches(/^\d+(b|kb|mb|gb)?$/i, { message: 'DATA_DIR_MIN_FREE must be a size such as 16mb' })
  DATA_DIR_MIN_FREE: string = '16mb';

  /** Empty: the embedded SQLite file in DATA_DIR. */
  @Matches(/^$|^(postgres|postgresql):\/\/.+/, {
    message: 'DATABASE_URL must be a postgres:// URL (leave it unset for the embedded SQLite file)',
  })
  DATABASE_URL: string = '';

  @TrueOrFalse()
  @IsBoolean(MUST_BE_TRUE_OR_FALSE)
  DB_RUN_MIGRATIONS: boolean = true;

  @TrueOrFalse()
  @IsBoolean(MUST_BE_TRUE_OR_FALSE)
  DB_LOGGING: boolean = false;

  /** Most PostgreSQL connections this instance's pool opens (instances × this ≤ the server's limit). */
  @WholeNumber(1, 1000)
  DB_POOL_SIZE: number = 10;

  /**
   * PostgreSQL: how long a call waits for a connection (a new one, or a free one of the pool) before
   * it is answered 503 DATABASE_UNAVAILABLE, so that nothing hangs while the server is down.
   */
  @Duration(100, 600_000, '100ms to 10m')
  DB_CONNECT_TIMEOUT: number = 5000;

  /** Empty: a random key is made at start-up and logged once (see app.config.ts). */
  @Matches(/^$|^.{16,}$/, { message: 'ADMIN_API_KEY must be empty or at least 16 characters long' })
  ADMIN_API_KEY: string = '';

  /**
   * How long a client has to send a request's headers; a client that trickles them (slowloris) is
   * answered 408 and cut off after this. Written like MOOD_TRAINING_TIMEOUT.
   */
  @Duration(1000, 3_600_000, '1s to 1h')
  HTTP_HEADERS_TIMEOUT: number = 20_000;

  /**
   * How long a client has to send a whole request, headers and body: a body sent at a trickle is
   * answered 408 and cut off after this. Catalog imports stream their file within it, so a large
   * file over a slow link needs more. 0: no limit.
   */
  @Duration(0, 24 * 3_600_000, '0 (no limit) to 24h')
  HTTP_REQUEST_TIMEOUT: number = 10 * 60_000;

  /** How long an idle keep-alive connection is kept open for the client's next request. */
  @Duration(1000, 3_600_000, '1s to 1h')
  HTTP_KEEP_ALIVE_TIMEOUT: number = 72_000;

  /**
   * On SIGTERM or SIGINT the service stops accepting connections, finishes the requests it has and
   * exits 0; requests still running after this long are cut off and it exits 1.
   */
  @Duration(1000, 3_600_000, '1s to 1h')
  SHUTDOWN_TIMEOUT: number = 25_000;

  /** Admits the 3,000-track default mood dataset (≈ 2 MB). */
  @Matches(/^\d+(b|kb|mb|gb)?$/i, { message: 'BODY_LIMIT must be a size such as 10mb or 512kb' })
  BODY_LIMIT: string = '48mb';

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevelSetting = 'log';

  /** Browser origins allowed to call the API directly; empty: none. */
  @Matches(/^$|^(\*|https?:\/\/[^,\s]+)(\s*,\s*https?:\/\/[^,\s]+)*$/, {
    message:
      'CORS_ORIGINS must be empty, * or a comma-separated list of origins such as https://app.example.com',
  })
  CORS_ORIGINS: string = '';

  /** Failed X-API-Key attempts one client may make before its admin calls are 429 for the window. */
  @WholeNumber(1, 10000)
  ADMIN_KEY_MAX_FAILURES: number = 10;

  @WholeNumber(1, 86400)
  ADMIN_KEY_LOCKOUT_SECONDS: number = 900;

  @WholeNumber(0, 1000)
  SIMILARITY_INDEX_CACHE_SIZE: number = 8;

  /** One Prophet fit worker per core but one (the main thread's), at least one. */
  @WholeNumber(1, 64)
  TRENDS_WORKERS: number = Math.max(1, availableParallelism() - 1);

  /** Empty: `playlist_metrics.json` in DATA_DIR. */
  @IsString()
  MOOD_DATASET_PATH: string = '';

  /** Where the default labelled dataset is published. Empty: never download. */
  @Matches(/^$|^https?:\/\/.+/, { message: 'MOOD_DATASET_URL must be empty or an http(s) URL' })
  MOOD_DATASET_URL: string =
    'https://raw.githubusercontent.com/diegomggp/datadesaf2/main/static/playlist_metrics.json';

  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  )
  @Matches(/^[0-9a-f]{64}$/, { message: 'MOOD_DATASET_SHA256 must be 64 hex digits' })
  MOOD_DATASET_SHA256: string = '13e4ad3ff125493c53042ed52475fe3fd16a068035865c9d460b8879a600e4d2';

  @TrueOrFalse()
  @IsBoolean(MUST_BE_TRUE_OR_FALSE)
  MOOD_TRAIN_ON_START: boolean = true;

  @IsIn(TF_BACKENDS)
  MOOD_TF_BACKEND: TfBackendSetting = 'auto';

  @WholeNumber(1, 5000)
  MOOD_MAX_EPOCHS: number = 300;

  @WholeNumber(1, 1000)
  MOOD_PATIENCE: number = 15;

  @WholeNumber(1, 10)
  MOOD_ENSEMBLE_SIZE: number = 3;

  /** Folds of the cross-validation a run scores itself with, grouped by playlist. */
  @WholeNumber(2, 50)
  MOOD_CV_FOLDS: number = 5;

  /**
   * A training run still working after this long is stopped and recorded as failed (milliseconds
   * once read; written like `10m`). The default run takes well under a minute.
   */
  @Duration(1000, 24 * 3_600_000, '1s to 24h')
  MOOD_TRAINING_TIMEOUT: number = 10 * 60_000;

  @WholeNumber(0)
  MOOD_SEED: number = 42;

  /** Add tracks (ids and features) that clients post to other calls to the catalog. */
  @TrueOrFalse()
  @IsBoolean(MUST_BE_TRUE_OR_FALSE)
  CATALOG_HARVEST: boolean = true;

  /** Largest catalog import: of what arrives and, for gzip, of what it decodes to. */
  @Matches(/^\d+(b|kb|mb|gb|tb)?$/i, {
    message: 'CATALOG_IMPORT_LIMIT must be a size such as 1gb or 500mb',
  })
  CATALOG_IMPORT_LIMIT: string = '1gb';

  /** A JSON catalog document (not NDJSON or CSV) is parsed whole, up to this size. */
  @Matches(/^\d+(b|kb|mb|gb)?$/i, { message: 'CATALOG_JSON_LIMIT must be a size such as 100mb' })
  CATALOG_JSON_LIMIT: string = '100mb';

  /** An import fails when more than this share of its rows is bad. */
  @DecimalNumber(0, 1)
  CATALOG_MAX_BAD_ROWS: number = 0.1;

  /** How often the service looks for imports another process finished (ms; 0: never). */
  @WholeNumber(0, 3_600_000)
  CATALOG_WATCH_INTERVAL_MS: number = 5000;

  /** Harvested tracks are written in batches of at most this many, at most this often (ms). */
  @WholeNumber(1, 100_000)
  CATALOG_HARVEST_BATCH_SIZE: number = 1000;

  @WholeNumber(0, 3_600_000)
  CATALOG_HARVEST_FLUSH_MS: number = 1000;

  /**
   * Where the catalog is empty at start-up, this file is imported once, in the background (the
   * TidyTuesday sample: 32,833 rows, 28,356 tracks with their genres). Empty: never.
   */
  @Matches(/^$|^https?:\/\/.+/, { message: 'CATALOG_STARTER_URL must be empty or an http(s) URL' })
  CATALOG_STARTER_URL: string =
    'https://raw.githubusercontent.com/rfordatascience/tidytuesday/master/data/2020/2020-01-21/spotify_songs.csv';

  /** The starter file must have this sha256, or it is not imported. */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  )
  @Matches(/^[0-9a-f]{64}$/, { message: 'CATALOG_STARTER_SHA256 must be 64 hex digits' })
  CATALOG_STARTER_SHA256: string =
    '9902920cfe4940f0914ebb6716801a42f7f19ac88fbd6693eaae7e2822b16845';

  /**
   * Empty: one process does everything (jobs in process). Set: training runs are BullMQ jobs on this
   * Redis, and model and catalog changes reach every instance through its pub/sub.
   */
  @Matches(/^$|^rediss?:\/\/.+/, {
    message: 'REDIS_URL must be a redis:// or rediss:// URL (leave it unset for jobs in process)',
  })
  REDIS_URL: string = '';

  /** `api` serves the API only, `worker` runs jobs only, `all` both; api and worker need REDIS_URL. */
  @IsIn(ROLES)
  ROLE: RoleSetting = 'all';

  /**
   * Prefix of this deployment's BullMQ keys and change-notice channel, so that several deployments
   * (or test runs) can share one Redis or PostgreSQL server.
   */
  @Matches(/^[A-Za-z0-9_-]{1,40}$/, {
    message: 'QUEUE_PREFIX must be 1-40 letters, digits, _ or -',
  })
  QUEUE_PREFIX: string = 'spotify-recommender';

  /**
   * A training run or catalog import whose process has shown no sign of life for this long is ended
   * failed by the others, the import CLI included (at once where that process ran on the same host
   * and is gone), and a training's BullMQ job is counted stalled. Written like MOOD_TRAINING_TIMEOUT.
   */
  @Duration(1000, 3_600_000, '1s to 1h')
  JOB_STALL_TIMEOUT: number = 30_000;
}

/** Rules between settings, each a line of the start-up error. */
function crossSettingProblems(environment: Environment): string[] {
  const problems: string[] = [];
  if (environment.ROLE !== 'all' && environment.REDIS_URL === '') {
    problems.push(
      `  - ROLE=${JSON.stringify(environment.ROLE)}: ROLE api or worker needs REDIS_URL (the job queue); without Redis one process does everything (ROLE=all)`,
    );
  }
  const { HTTP_HEADERS_TIMEOUT: headers, HTTP_REQUEST_TIMEOUT: whole } = environment;
  if (whole !== 0 && headers > whole) {
    // Node's HTTP server refuses to start with a headers timeout longer than the request timeout.
    problems.push(
      `  - HTTP_HEADERS_TIMEOUT=${headers}ms: must not be longer than HTTP_REQUEST_TIMEOUT (${whole}ms), which includes the headers`,
    );
  }
  return problems;
}

type SettingName = keyof Environment;
const SETTINGS = Object.keys(new Environment()) as SettingName[];
/** An empty value means "unset" (the default), except where empty has its own meaning. */
const EMPTY_IS_A_VALUE: ReadonlySet<SettingName> = new Set<SettingName>([
  'MOOD_DATASET_URL',
  'CATALOG_STARTER_URL',
]);

export class InvalidEnvironmentError extends Error {
  override readonly name = 'InvalidEnvironmentError';
}

/** The settings in `raw` (other variables are ignored), typed and checked; throws on any wrong one. */
export function validateEnvironment(raw: Record<string, string | undefined>): Environment {
  const given: Partial<Record<SettingName, string>> = {};
  for (const name of SETTINGS) {
    const value = raw[name];
    if (value !== undefined && (value !== '' || EMPTY_IS_A_VALUE.has(name))) given[name] = value;
  }
  const environment = plainToInstance(Environment, given);
  const errors = validateSync(environment, { stopAtFirstError: true });
  const lines = errors.flatMap((error) =>
    Object.values(error.constraints ?? {}).map(
      (message) =>
        `  - ${error.property}=${JSON.stringify(given[error.property as SettingName])}: ${message}`,
    ),
  );
  if (lines.length === 0) lines.push(...crossSettingProblems(environment));
  if (lines.length > 0) {
    throw new InvalidEnvironmentError(
      `Invalid environment, the service cannot start:\n${lines.join('\n')}`,
    );
  }
  return environment;
}

/**
 * This process's settings: its environment over a `.env` file in the working folder (where there is
 * one), validated once.
 */
export function loadEnvironment(
  env: Record<string, string | undefined> = process.env,
  envFile = resolve('.env'),
): Environment {
  const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, 'utf8')) : {};
  return validateEnvironment({ ...fromFile, ...env });
}
