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

/** Errors raised by body-parser carry a `type` and an HTTP status. */
interface BodyParserError {
  type: string;
  status?: number;
  statusCode?: number;
  limit?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as BodyParserError).type === 'string' &&
    typeof ((error as BodyParserError).status ?? (error as BodyParserError).statusCode) === 'number'
  );
}

/**
 * Maps anything thrown to its status and body. Only AppErrors, Nest's own HTTP exceptions and
 * body-parser's errors expose their message; everything else is a generic 500.
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
  if (isBodyParserError(error)) {
    const status = error.status ?? error.statusCode ?? 400;
    return {
      status,
      body: bodyParserErrorBody(error, status, requestId),
      unexpected: status >= 500,
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

/**
 * What the JSON body parser raised, as status and error body. Its own errors carry a `type`; a body
 * that does not decompress as its Content-Encoding (gzip, deflate, br) says arrives as zlib's own
 * error with only the status 400 body-parser set on it. That is the client's mistake like the
 * others, not a 500.
 */
export function bodyParserFailure(
  error: unknown,
  requestId: string,
): { status: number; body: ErrorBody; unexpected: boolean } {
  if (!isBodyParserError(error) && isDecompressionError(error)) {
    return {
      status: 400,
      body: {
        statusCode: 400,
        code: 'INVALID_CONTENT_ENCODING',
        message:
          'The request body could not be decompressed as its Content-Encoding says. Send it uncompressed, or correctly compressed with gzip, deflate or br.',
        requestId,
      },
      unexpected: false,
    };
  }
  return toErrorBody(error, requestId);
}

/** zlib's errors have codes such as Z_DATA_ERROR, brotli's such as ERR__ERROR_FORMAT_PADDING_1. */
function isDecompressionError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, status } = error as { code?: unknown; status?: unknown };
  return status === 400 && typeof code === 'string' && /^(Z_|ERR__ERROR_)/.test(code);
}

function bodyParserErrorBody(error: BodyParserError, status: number, requestId: string): ErrorBody {
  switch (error.type) {
    case 'entity.parse.failed':
      return {
        statusCode: 400,
        code: 'INVALID_JSON',
        message:
          'The request body is not valid JSON. Send a JSON array or object (Content-Type: application/json).',
        requestId,
      };
    case 'entity.too.large':
      return {
        statusCode: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: `The request body is larger than the limit of ${error.limit ?? '?'} bytes (setting BODY_LIMIT).`,
        requestId,
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return {
        statusCode: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'The request body must be UTF-8 JSON.',
        requestId,
      };
    default:
      return {
        statusCode: status,
        code: CODE_BY_STATUS[status] ?? 'BAD_REQUEST',
        message: 'The request body could not be read.',
        requestId,
      };
  }
}
