import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  Inject,
  Injectable,
  Logger,
  UseGuards,
} from '@nestjs/common';
import { ApiHeader, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { ConfigType } from '@nestjs/config';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { appConfig } from '../../config/app.config';
import { UnauthorizedError } from '../errors';
import { requestIdOf } from '../http/request-id.middleware';

export const ADMIN_API_KEY_HEADER = 'x-api-key';

/**
 * Admin calls need `X-API-Key` equal to ADMIN_API_KEY. Both sides are hashed to a fixed length and
 * compared with timingSafeEqual, so neither the key's content nor its length leaks through timing.
 */
@Injectable()
export class AdminApiKeyGuard implements CanActivate {
  private readonly logger = new Logger(AdminApiKeyGuard.name);
  private readonly expectedDigest: Buffer;

  constructor(@Inject(appConfig.KEY) config: ConfigType<typeof appConfig>) {
    this.expectedDigest = digest(config.adminApiKey);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const given = request.headers[ADMIN_API_KEY_HEADER];
    const key = typeof given === 'string' ? given : '';
    if (key !== '' && timingSafeEqual(digest(key), this.expectedDigest)) return true;
    this.logger.warn(
      `Rejected admin call ${request.method} ${request.originalUrl} from ${request.ip}: ${
        key === '' ? 'no' : 'wrong'
      } X-API-Key [${requestIdOf(request)}]`,
    );
    throw new UnauthorizedError();
  }
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
  );
}
