import { registerAs } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

/** HTTP and runtime-folder settings. Values arrive already validated by validateEnvironment(). */
export const appConfig = registerAs('app', () => {
  const configuredKey = process.env.ADMIN_API_KEY ?? '';
  return {
    port: Number(process.env.PORT ?? 3000),
    dataDir: resolve(process.env.DATA_DIR ?? 'data'),
    bodyLimit: process.env.BODY_LIMIT ?? '10mb',
    /** Empty setting: a random key is made at start-up and logged once (see main.ts). */
    adminApiKey: configuredKey || randomBytes(24).toString('base64url'),
    adminApiKeyGenerated: configuredKey === '',
    logLevel: (process.env.LOG_LEVEL ?? 'log') as LogLevelSetting,
  };
});

export type LogLevelSetting = 'error' | 'warn' | 'log' | 'debug' | 'verbose';
export type AppConfig = ReturnType<typeof appConfig>;
