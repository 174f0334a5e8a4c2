import rateLimit from '@fastify/rate-limit';
import { ValidationPipe } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import bytes from 'bytes';
import { type AppConfig, Environment } from './config';
import { catalogConfig } from './catalog/catalog.config';
import { type ClusterConfig, clusterConfig } from './cluster/cluster.config';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { toErrorBody } from './common/errors/error-body';
import { flattenValidationErrors, NotFoundError, ValidationFailedError } from './common/errors';
import { registerBodyParsing } from './common/http/body-parsing';
import { answerClientError } from './common/http/closing-connections';
import { registerRequestLogging, requestIdFor } from './common/http/request-id';
import { registerSecurityHeaders } from './common/http/security-headers';
import { serveDashboard } from './dashboard/serve-dashboard';

export const API_PREFIX = 'api/v1';

/** The HTTP platform: Fastify (measured ~2× Express's throughput here; README, "Benchmarks"). */
export function createHttpAdapter(environment: Environment): FastifyAdapter {
  return new FastifyAdapter({
    // Request ids come from x-request-id when it is sane (see requestIdFor), else a new UUID.
    genReqId: requestIdFor,
    requestIdHeader: false,
    // Nest logs one line per request itself (registerRequestLogging).
    logger: false,
    // `/api/v1/metrics/` is `/api/v1/metrics`, as it was before the move to Fastify. A path
    // parameter may be an artist's name, URL-encoded (up to 9 bytes a character): Fastify's default
    // of 100 characters would refuse a 12-letter name in Japanese before any handler saw it.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    // A client that trickles its headers or body (slowloris) is answered 408 and cut off. Node
    // checks these timeouts on an interval: often enough that they hold to about a second.
    http: {
      headersTimeout: environment.HTTP_HEADERS_TIMEOUT,
      connectionsCheckingInterval: Math.min(1000, environment.HTTP_HEADERS_TIMEOUT / 2),
    },
    requestTimeout: environment.HTTP_REQUEST_TIMEOUT,
    keepAliveTimeout: environment.HTTP_KEEP_ALIVE_TIMEOUT,
    // While the service stops (see graceful-shutdown.ts) it still answers the requests that reach
    // it on open connections, each with `Connection: close`, rather than 503.
    return503OnClosing: false,
    clientErrorHandler: answerClientError,
  });
}

/**
 * Everything main.ts and the e2e tests must do alike to a freshly created app (created with
 * `bodyParser: false` on createHttpAdapter()): body parsing with its limit, request ids and the
 * per-request log line, a worker's /health-only door, security headers, CORS, the admin-key rate limit, the URL prefix, the one
 * validation pipe, the one exception filter, Swagger, the dashboard.
 */
export async function configureApp(app: NestFastifyApplication): Promise<OpenAPIObject> {
  const config = app.get(ConfigService).getOrThrow<AppConfig>('app');
  const fastify = app.getHttpAdapter().getInstance();

  registerBodyParsing(fastify, {
    json: { bytes: bytes.parse(config.bodyLimit)!, setting: 'BODY_LIMIT' },
    streamed: {
      bytes: catalogConfig(app.get(Environment)).importLimit,
      setting: 'CATALOG_IMPORT_LIMIT',
    },
  });
  registerRequestLogging(fastify);
  if (!app.get<ClusterConfig>(clusterConfig.KEY).servesApi) {
    // ROLE=worker runs jobs; it answers /health (for the orchestrator's probes) and nothing else.
    fastify.addHook('onRequest', async (request, reply) => {
      if (request.url === '/health' || request.url.startsWith('/health?')) return;
      const { status, body } = toErrorBody(
        new NotFoundError(
          'This instance runs jobs only (ROLE=worker): send API calls to an instance with ROLE api or all',
          'WORKER_ONLY',
        ),
        String(request.id),
      );
      await reply.code(status).send(body);
    });
  }
  registerSecurityHeaders(fastify, {
    // Swagger UI (and the dashboard) are served from the service itself: same-origin scripts only;
    // Swagger UI writes inline styles.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
      },
    },
  });
  if (config.corsOrigins.length > 0) {
    app.enableCors({
      origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
      exposedHeaders: ['x-request-id', 'location', 'retry-after'],
    });
  }
  // Registered without a global limit: only failed admin-key attempts count (AdminApiKeyGuard).
  await app.register(rateLimit, { global: false });

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
  // Stopping on SIGTERM is main.ts's (GracefulShutdown): tests close their apps themselves.

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
  await serveDashboard(app);
  return document;
}
