import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './app.setup';
import { type AppConfig, loadEnvironment } from './config';
import { GracefulShutdown } from './common/http/graceful-shutdown';
import { logLevelsFrom } from './common/http/log-levels';

/** Starts the service; `overrides` win over the environment (npm run start:worker sets ROLE). */
export async function bootstrap(overrides: Record<string, string> = {}): Promise<void> {
  const environment = loadEnvironment({ ...process.env, ...overrides });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(environment),
    createHttpAdapter(environment),
    {
      bodyParser: false,
      logger: logLevelsFrom(environment.LOG_LEVEL),
    },
  );
  await configureApp(app);
  const config = app.get(ConfigService).getOrThrow<AppConfig>('app');
  new GracefulShutdown(app, config.shutdownTimeoutMs).listen();
  const logger = new Logger('Bootstrap');
  if (config.adminApiKeyGenerated) {
    logger.warn(
      `ADMIN_API_KEY is not set; admin calls for this run need X-API-Key: ${config.adminApiKey}`,
    );
  }
  await app.listen(config.port, config.host);
  logger.log(
    environment.ROLE === 'worker'
      ? `Running jobs (ROLE=worker); health on ${await app.getUrl()}/health`
      : `Serving on ${await app.getUrl()} (API /api/v1, docs /docs, dashboard /dashboard, health /health; ROLE=${environment.ROLE})`,
  );
}

/** Runs `bootstrap`, printing a failure to start without a stack trace (they are readable). */
export function start(overrides: Record<string, string> = {}): void {
  bootstrap(overrides).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

if (require.main === module) start();
