import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './app.setup';
import { type AppConfig, loadEnvironment } from './config';
import { logLevelsFrom } from './common/http/log-levels';

async function bootstrap(): Promise<void> {
  const environment = loadEnvironment();
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(environment),
    createHttpAdapter(),
    {
      bodyParser: false,
      logger: logLevelsFrom(environment.LOG_LEVEL),
    },
  );
  await configureApp(app);
  const config = app.get(ConfigService).getOrThrow<AppConfig>('app');
  const logger = new Logger('Bootstrap');
  if (config.adminApiKeyGenerated) {
    logger.warn(
      `ADMIN_API_KEY is not set; admin calls for this run need X-API-Key: ${config.adminApiKey}`,
    );
  }
  await app.listen(config.port, config.host);
  logger.log(
    `Serving on ${await app.getUrl()} (API /api/v1, docs /docs, dashboard /dashboard, health /health)`,
  );
}

bootstrap().catch((error: unknown) => {
  // Configuration errors are already readable; print them without a stack trace.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
