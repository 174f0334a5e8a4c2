import { HttpException, HttpStatus } from '@nestjs/common';
import { AppError, ErrorDetail } from './app-error';
import { knownError } from './known-errors';

/** The one error body every failure gets. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: ErrorDetail[] | Record<string, unknown>;
  requestId: string;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  416: 'RANGE_NOT_SATISFIABLE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/**
 * The 4xx status of an error that is the client's doing and whose message is written for it:
 * Fastify's own (FST_ERR_*), and http-errors marked `expose` (what @fastify/send throws while serving
 * /docs and /dashboard files: a path out of the root, an unsatisfiable Range, a failed If-Match).
 */
function clientErrorStatus(error: unknown): number | undefined {
  const candidate = error as {
    code?: unknown;
    statusCode?: unknown;
    status?: unknown;
    expose?: unknown;
  } | null;
  const status = candidate?.statusCode ?? candidate?.status;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  const fromFastify = typeof candidate?.code === 'string' && candidate.code.startsWith('FST_');
  return fromFastify || candidate?.expose === true ? status : undefined;
}

/** An error's status, its one body, extra response headers, and whether it is a fault of ours. */
export interface ErrorAnswer {
  status: number;
  body: ErrorBody;
  /** `retry-after` where the error says when to try again. */
  headers: Record<string, string>;
  unexpected: boolean;
}

interface PartHealth {
  status: string;
  message?: string;
}

/**
 * The health check's own 503 (what @nestjs/terminus throws when a part is down): the parts that are
 * down, and the state of every part, so that the one error body still says which part failed.
 */
function unhealthyParts(
  error: unknown,
): { error: Record<string, PartHealth>; details: Record<string, PartHealth> } | undefined {
  if (!(error instanceof HttpException) || error.getStatus() !== 503) return undefined;
  const result = error.getResponse() as {
    status?: unknown;
    error?: Record<string, PartHealth>;
    details?: Record<string, PartHealth>;
  };
  if (result?.status !== 'error' || !result.error || !result.details) return undefined;
  return { error: result.error, details: result.details };
}

/**
 * Maps anything thrown to its status and body. Only AppErrors, Nest's own HTTP exceptions and the
 * client errors above expose their message; a database that cannot be reached (503
 * DATABASE_UNAVAILABLE) and a full disk (507 INSUFFICIENT_STORAGE) are told as such, whatever part
 * of the code met them (see knownError); everything else is a generic 500.
 */
export function toErrorBody(error: unknown, requestId: string): ErrorAnswer {
  const known = error instanceof AppError ? undefined : knownError(error);
  if (known) return toErrorBody(known, requestId);
  if (error instanceof AppError) {
    const body: ErrorBody = {
      statusCode: error.status,
      code: error.code,
      message: error.message,
      requestId,
    };
    if (error.details !== undefined) body.details = error.details;
    const retryAfter = error.retryAfterSeconds;
    const headers: Record<string, string> =
      retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
    return { status: error.status, body, headers, unexpected: false };
  }
  const unhealthy = unhealthyParts(error);
  if (unhealthy) {
    const down = Object.entries(unhealthy.error)
      .map(([part, state]) => (state.message ? `${part} (${state.message})` : part))
      .join(', ');
    return {
      status: 503,
      body: {
        statusCode: 503,
        code: 'UNHEALTHY',
        message: `Down: ${down}`,
        details: unhealthy.details,
        requestId,
      },
      headers: {},
      unexpected: false,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : typeof (response as { message?: unknown }).message === 'string'
          ? (response as { message: string }).message
          : error.message;
    return {
      status,
      body: {
        statusCode: status,
        code: CODE_BY_STATUS[status] ?? 'HTTP_ERROR',
        message,
        requestId,
      },
      headers: {},
      unexpected: status >= 500,
    };
  }
  const clientStatus = clientErrorStatus(error);
  if (clientStatus !== undefined) {
    return {
      status: clientStatus,
      body: {
        statusCode: clientStatus,
        code: CODE_BY_STATUS[clientStatus] ?? 'BAD_REQUEST',
        message: (error as Error).message,
        requestId,
      },
      headers: {},
      unexpected: false,
    };
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    body: {
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      message: 'An unexpected error occurred; the request id identifies it in the service log.',
      requestId,
    },
    headers: {},
    unexpected: true,
  };
}
