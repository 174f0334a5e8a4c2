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
    const { status, body, unexpected } = toErrorBody(exception, requestId);
    if (unexpected) {
      const stack = exception instanceof Error ? exception.stack : String(exception);
      this.logger.error(`${request.method} ${request.url} failed [${requestId}]`, stack);
    }
    if (reply.sent) return;
    void reply.status(status).send(body);
  }
}
