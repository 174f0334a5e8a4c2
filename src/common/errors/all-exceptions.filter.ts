import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestIdOf } from '../http/request-id';
import { toErrorBody } from './error-body';

/**
 * The single global filter: every error leaves the service in the same shape, including those Fastify
 * raises before a route runs (body parsing), which Nest routes through its filters too.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const requestId = requestIdOf(request);
    const { status, body, headers, unexpected } = toErrorBody(exception, requestId);
    if (unexpected) {
      const stack = exception instanceof Error ? exception.stack : String(exception);
      this.logger.error(`${request.method} ${request.url} failed [${requestId}]`, stack);
    } else if (body.code === 'DATABASE_UNAVAILABLE' || body.code === 'INSUFFICIENT_STORAGE') {
      // Not a fault of this service, but an operator needs to see it (without a stack).
      this.logger.warn(
        `${request.method} ${request.url}: ${body.code} (${String((exception as Error)?.message)}) [${requestId}]`,
      );
    }
    if (reply.sent) return;
    void reply.status(status).headers(headers).send(body);
  }
}
