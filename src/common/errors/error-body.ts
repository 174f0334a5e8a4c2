import { HttpException, HttpStatus } from '@nestjs/common';
import { AppError, ErrorDetail } from './app-error';

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
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

/** Fastify's own errors (FST_ERR_*) carry a client-facing message and an HTTP status. */
interface FastifyError {
  code: string;
  statusCode: number;
  message: string;
}

function isFastifyClientError(error: unknown): error is FastifyError {
  const candidate = error as Partial<FastifyError> | null;
  return (
    typeof candidate?.code === 'string' &&
    candidate.code.startsWith('FST_') &&
    typeof candidate.statusCode === 'number' &&
    candidate.statusCode >= 400 &&
    candidate.statusCode < 500
  );
}

/**
 * Maps anything thrown to its status and body. Only AppErrors, Nest's own HTTP exceptions and
 * Fastify's own client errors expose their message; everything else is a generic 500.
 */
export function toErrorBody(
  error: unknown,
  requestId: string,
): { status: number; body: ErrorBody; unexpected: boolean } {
  if (error instanceof AppError) {
    const body: ErrorBody = {
      statusCode: error.status,
      code: error.code,
      message: error.message,
      requestId,
    };
    if (error.details !== undefined) body.details = error.details;
    return { status: error.status, body, unexpected: false };
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
      unexpected: status >= 500,
    };
  }
  if (isFastifyClientError(error)) {
    const status = error.statusCode;
    return {
      status,
      body: {
        statusCode: status,
        code: CODE_BY_STATUS[status] ?? 'BAD_REQUEST',
        message: error.message,
        requestId,
      },
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
    unexpected: true,
  };
}
