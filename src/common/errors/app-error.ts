/** One entry of an error's `details`: which field (by path, e.g. `tracks[3].energy`) and what is wrong. */
export interface ErrorDetail {
  path: string;
  message: string;
}

/**
 * The project's own errors: a machine-readable `code` and an HTTP status. Services throw these, never
 * Nest's HTTP exceptions; the global filter turns them into the one error body.
 */
export class AppError extends Error {
  /** Where set, the answer's `Retry-After`: the call may be sent again as is after this long. */
  retryAfterSeconds?: number;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetail[] | Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * The same error (status, code, message, Retry-After) with `details` naming what it struck, such
 * as the import or the run that failed with it.
 */
export function withDetails(error: AppError, details: Record<string, unknown>): AppError {
  const named = new AppError(error.status, error.code, error.message, details);
  named.retryAfterSeconds = error.retryAfterSeconds;
  return named;
}

const MAX_DETAILS = 50;
const DETAILS_IN_MESSAGE = 5;

/** 400 VALIDATION_FAILED naming each bad field; at most 50 details, the first five in the message. */
export class ValidationFailedError extends AppError {
  constructor(details: ErrorDetail[], message?: string) {
    super(
      400,
      'VALIDATION_FAILED',
      message ?? ValidationFailedError.summarise(details),
      details.slice(0, MAX_DETAILS),
    );
  }

  private static summarise(details: ErrorDetail[]): string {
    const listed = details
      .slice(0, DETAILS_IN_MESSAGE)
      .map((d) => `${d.path} ${d.message}`)
      .join('; ');
    const more = details.length > DETAILS_IN_MESSAGE ? `; … ${details.length} problems in all` : '';
    return `Invalid request: ${listed}${more}`;
  }

  /** The common case of one bad field. */
  static field(path: string, message: string): ValidationFailedError {
    return new ValidationFailedError([{ path, message }]);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string, code = 'NOT_FOUND') {
    super(404, code, message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = 'CONFLICT', details?: Record<string, unknown>) {
    super(409, code, message, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'A valid X-API-Key header is required for this call') {
    super(401, 'UNAUTHORIZED', message);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message: string, code = 'SERVICE_UNAVAILABLE', details?: Record<string, unknown>) {
    super(503, code, message, details);
  }
}
