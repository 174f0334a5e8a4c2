import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';

const REQUEST_ID = Symbol('requestId');
const ACCEPTABLE_ID = /^[\w.:-]{1,128}$/;

type RequestWithId = Request & { [REQUEST_ID]?: string };

export function requestIdOf(request: Request): string {
  return (request as RequestWithId)[REQUEST_ID] ?? 'unknown';
}

const logger = new Logger('HTTP');

/**
 * Takes the caller's `x-request-id` (when it is a sane token) or makes one, echoes it on the response,
 * and logs one line per request when the response is finished.
 */
export function requestIdMiddleware(
  request: Request,
  response: Response,
  next: NextFunction,
): void {
  const given = request.headers['x-request-id'];
  const requestId = typeof given === 'string' && ACCEPTABLE_ID.test(given) ? given : randomUUID();
  (request as RequestWithId)[REQUEST_ID] = requestId;
  response.setHeader('x-request-id', requestId);
  const started = process.hrtime.bigint();
  response.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    logger.log(
      `${request.method} ${request.originalUrl} ${response.statusCode} ${ms.toFixed(1)}ms [${requestId}]`,
    );
  });
  next();
}
