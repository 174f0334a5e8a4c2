import { AppError } from './app-error';

/** What a client is told to wait before it tries again while the database is away. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * 503 DATABASE_UNAVAILABLE: the database cannot be reached or is restarting. The call may be sent
 * again as is once it is back (`Retry-After` says when to try).
 */
export class DatabaseUnavailableError extends AppError {
  override retryAfterSeconds = DATABASE_RETRY_AFTER_SECONDS;

  constructor(
    message = 'The database is not reachable right now (restarting or down); try again shortly.',
    details?: Record<string, unknown>,
  ) {
    super(503, 'DATABASE_UNAVAILABLE', message, details);
  }
}

/** Network errors of a connection that cannot be made or was cut. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL's SQLSTATEs for "not now": admin_shutdown, crash_shutdown, cannot_connect_now (starting
 * up or shutting down), too_many_connections; and class 08, connection exceptions. SQLite's "another
 * process holds the lock" (SQLITE_BUSY, SQLITE_LOCKED) passes as well.
 */
const NOT_NOW_CODES = new Set(['57P01', '57P02', '57P03', '53300', 'SQLITE_BUSY', 'SQLITE_LOCKED']);

/** node-postgres reports a cut or timed-out connection in words, without a code. */
const CONNECTION_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
];

/**
 * Whether `error` says the database could not be reached (rather than that a query was wrong):
 * the error itself, or what it wraps (TypeORM's `driverError`, a `cause`, an AggregateError's
 * errors, as a connection tried on several addresses fails).
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > 4) return false;
  const candidate = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  const code = candidate.code;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || NOT_NOW_CODES.has(code))) return true;
  if (typeof code === 'string' && /^08[0-9A-Z]{3}$/.test(code)) return true;
  const message = typeof candidate.message === 'string' ? candidate.message : '';
  if (CONNECTION_MESSAGES.some((pattern) => pattern.test(message))) return true;
  const wrapped = [
    candidate.driverError,
    candidate.cause,
    ...(Array.isArray(candidate.errors) ? (candidate.errors as unknown[]) : []),
  ];
  return wrapped.some((inner) => inner !== error && isDatabaseUnavailable(inner, depth + 1));
}
