import { registerAs } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

/** HTTP and runtime-folder settings. Values arrive already validated by validateEnvironment(). */
export const appConfig = registerAs('app', () => {
  const configuredKey = process.env.ADMIN_API_KEY ?? '';
  return {
    port: Number(process.env.PORT ?? 3000),
    /** Interface to listen on: every IPv4 interface by default, as a service behind a proxy needs. */
    host: process.env.HOST || '0.0.0.0',
    dataDir: resolve(process.env.DATA_DIR ?? 'data'),
    bodyLimit: process.env.BODY_LIMIT ?? '10mb',
    /** Empty setting: a random key is made at start-up and logged once (see main.ts). */
    adminApiKey: configuredKey || randomBytes(24).toString('base64url'),
    adminApiKeyGenerated: configuredKey === '',
    logLevel: (process.env.LOG_LEVEL ?? 'log') as LogLevelSetting,
    /** Browser origins allowed to call the API (CORS); none by default. */
    corsOrigins: (process.env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    /** Failed admin-key attempts a client may make per window before every admin call is 429. */
    adminKeyMaxFailures: Number(process.env.ADMIN_KEY_MAX_FAILURES ?? 10),
    adminKeyLockoutSeconds: Number(process.env.ADMIN_KEY_LOCKOUT_SECONDS ?? 900),
  };
});

export type LogLevelSetting = 'error' | 'warn' | 'log' | 'debug' | 'verbose';
export type AppConfig = ReturnType<typeof appConfig>;
