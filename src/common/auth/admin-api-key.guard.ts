import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  Logger,
  UseGuards,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  ApiHeader,
  ApiSecurity,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { ConfigType } from '@nestjs/config';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { appConfig } from '../../config/app.config';
import { AppError, UnauthorizedError } from '../errors';
import { requestIdOf } from '../http/request-id';

export const ADMIN_API_KEY_HEADER = 'x-api-key';

type FailureLimiter = ReturnType<FastifyInstance['createRateLimit']>;

/**
 * Admin calls need `X-API-Key` equal to ADMIN_API_KEY. Both sides are hashed to a fixed length and
 * compared with timingSafeEqual, so neither the key's content nor its length leaks through timing.
 *
 * Failed attempts are counted per client (@fastify/rate-limit): past ADMIN_KEY_MAX_FAILURES within
 * ADMIN_KEY_LOCKOUT_SECONDS, every admin call from that client is 429 until the window ends, the
 * right key included, so the key cannot be guessed at speed and a 429 says nothing about a guess.
 */
@Injectable()
export class AdminApiKeyGuard implements CanActivate {
  private readonly logger = new Logger(AdminApiKeyGuard.name);
  private readonly expectedDigest: Buffer;
  private failures?: FailureLimiter;

  constructor(
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.expectedDigest = digest(config.adminApiKey);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const failures = this.failureLimiter();
    const status = await failures(request, { increment: false });
    if (!status.isAllowed && status.isExceeded) {
      throw tooManyFailures(http.getResponse<FastifyReply>(), status.ttlInSeconds);
    }

    const given = request.headers[ADMIN_API_KEY_HEADER];
    const key = typeof given === 'string' ? given : '';
    if (key !== '' && timingSafeEqual(digest(key), this.expectedDigest)) return true;

    const counted = await failures(request);
    this.logger.warn(
      `Rejected admin call ${request.method} ${request.url} from ${request.ip}: ${
        key === '' ? 'no' : 'wrong'
      } X-API-Key [${requestIdOf(request)}]`,
    );
    if (!counted.isAllowed && counted.isExceeded) {
      throw tooManyFailures(http.getResponse<FastifyReply>(), counted.ttlInSeconds);
    }
    throw new UnauthorizedError();
  }

  /** Made on first use: the rate-limit plugin decorates Fastify once the app has started. */
  private failureLimiter(): FailureLimiter {
    this.failures ??= this.adapterHost.httpAdapter.getInstance<FastifyInstance>().createRateLimit({
      max: this.config.adminKeyMaxFailures,
      timeWindow: this.config.adminKeyLockoutSeconds * 1000,
    });
    return this.failures;
  }
}

function tooManyFailures(reply: FastifyReply, retryAfterSeconds: number): AppError {
  void reply.header('retry-after', String(retryAfterSeconds));
  return new AppError(
    429,
    'TOO_MANY_REQUESTS',
    `Too many failed admin-key attempts from this client; retry in ${retryAfterSeconds} s`,
  );
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Marks a route as admin-only, in code and in the OpenAPI document. */
export function AdminOnly(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(AdminApiKeyGuard),
    ApiSecurity('admin-api-key'),
    ApiHeader({ name: 'X-API-Key', required: true, description: 'ADMIN_API_KEY' }),
    ApiUnauthorizedResponse({ description: 'Missing or wrong X-API-Key' }),
    ApiTooManyRequestsResponse({
      description: 'Too many failed X-API-Key attempts from this client',
    }),
  );
}
