import { INestApplication, Logger, ValidationPipe } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { json, type NextFunction, type Request, type Response } from 'express';
import type { AppConfig } from './config';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { bodyParserFailure, flattenValidationErrors, ValidationFailedError } from './common/errors';
import { requestIdMiddleware, requestIdOf } from './common/http/request-id.middleware';

export const API_PREFIX = 'api/v1';

/**
 * Everything main.ts and the e2e tests must do alike to a freshly created app (created with
 * `bodyParser: false`): request ids, the JSON body parser with its limit, the URL prefix, the one
 * validation pipe, the one exception filter, Swagger, shutdown hooks.
 */
export function configureApp(app: INestApplication): OpenAPIObject {
  const config = app.get(ConfigService).getOrThrow<AppConfig>('app');
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  // API answers are not cached by clients; hashing every JSON body for an ETag is wasted work.
  express.set('etag', false);
  express.set('query parser', 'simple');

  app.use(requestIdMiddleware);
  app.use(jsonBodyParser(config.bodyLimit));

  app.setGlobalPrefix(API_PREFIX, { exclude: ['health'] });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      transform: true,
      forbidUnknownValues: false,
      stopAtFirstError: true,
      exceptionFactory: (errors) => new ValidationFailedError(flattenValidationErrors(errors)),
    }),
  );
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('SpotifyRecommender')
      .setDescription(
        'Recommends Spotify songs from audio features the client already holds: trend targets (Prophet), similar songs (k-NN), favourite artists and mood (TensorFlow.js). Every error has the body {statusCode, code, message, details?, requestId}.',
      )
      .setVersion('1')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'admin-api-key')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return document;
}

/**
 * Every request body is read as JSON whatever its Content-Type (a bare `curl -d` sends
 * form-urlencoded), and body-parser's own failures (bad JSON, too large) get the one error body here,
 * because they happen before Nest's filters can see them.
 */
function jsonBodyParser(limit: string) {
  const parse = json({ limit, strict: true, type: () => true });
  const logger = new Logger('BodyParser');
  return (request: Request, response: Response, next: NextFunction): void => {
    parse(request, response, (error?: unknown) => {
      if (!error) return next();
      const { status, body } = bodyParserFailure(error, requestIdOf(request));
      if (status >= 500)
        logger.error(`Body parsing failed [${body.requestId}]`, (error as Error).stack);
      response.status(status).json(body);
    });
  };
}
