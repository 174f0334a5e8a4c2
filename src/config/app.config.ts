import type { ConfigType } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { configNamespace } from './config-namespace';

/** HTTP and runtime-folder settings. */
export const appConfig = configNamespace('app', (environment) => ({
  port: environment.PORT,
  dataDir: environment.DATA_DIR,
  bodyLimit: environment.BODY_LIMIT,
  /** Empty setting: a random key is made at start-up and logged once (see main.ts). */
  adminApiKey: environment.ADMIN_API_KEY || randomBytes(24).toString('base64url'),
  adminApiKeyGenerated: environment.ADMIN_API_KEY === '',
  logLevel: environment.LOG_LEVEL,
}));

export type AppConfig = ConfigType<typeof appConfig>;
