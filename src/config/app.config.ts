import type { ConfigType } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { configNamespace } from './config-namespace';

/** HTTP and runtime-folder settings. */
export const appConfig = configNamespace('app', (environment) => ({
  port: environment.PORT,
  host: environment.HOST,
  dataDir: environment.DATA_DIR,
  bodyLimit: environment.BODY_LIMIT,
  /** Empty setting: a random key is made at start-up and logged once (see main.ts). */
  adminApiKey: environment.ADMIN_API_KEY || randomBytes(24).toString('base64url'),
  adminApiKeyGenerated: environment.ADMIN_API_KEY === '',
  logLevel: environment.LOG_LEVEL,
  /** Browser origins allowed to call the API (CORS); none by default. */
  corsOrigins: environment.CORS_ORIGINS.split(',')
    .map((origin) => origin.trim())
    .filter(Boolean),
  /** Failed admin-key attempts a client may make per window before every admin call is 429. */
  adminKeyMaxFailures: environment.ADMIN_KEY_MAX_FAILURES,
  adminKeyLockoutSeconds: environment.ADMIN_KEY_LOCKOUT_SECONDS,
  /** The longest a stopping instance spends finishing its requests before it exits. */
  shutdownTimeoutMs: environment.SHUTDOWN_TIMEOUT,
}));

export type AppConfig = ConfigType<typeof appConfig>;
