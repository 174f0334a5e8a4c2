import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const ACCEPTABLE_ID = /^[\w.:-]{1,128}$/;

/** Fastify's `genReqId`: the caller's `x-request-id` when it is a sane token, else a new UUID. */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && ACCEPTABLE_ID.test(given) ? given : randomUUID();
}

export function requestIdOf(request: { id?: unknown }): string {
  return typeof request.id === 'string' ? request.id : 'unknown';
}

/**
 * Echoes the request id on every response, and logs one line per request when it is answered (at
 * LOG_LEVEL=log and above; below it the hook is not even installed, as it is on every request's path).
 */
export function registerRequestLogging(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  if (!Logger.isLevelEnabled('log')) return;
  const logger = new Logger('HTTP');
  fastify.addHook('onResponse', (request, reply, done) => {
    logger.log(
      `${request.method} ${request.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms [${request.id}]`,
    );
    done();
  });
}
