import { AppError } from './app-error';

/**
 * 507 INSUFFICIENT_STORAGE: the disk the service writes to (DATA_DIR: the SQLite file, the models)
 * or the database's is full. Nothing was written; the call may be sent again once space is freed.
 */
export class InsufficientStorageError extends AppError {
  constructor(
    message = 'The service cannot write: its storage is full (DATA_DIR or the database). Nothing was written; try again once space is freed.',
    details?: Record<string, unknown>,
  ) {
    super(507, 'INSUFFICIENT_STORAGE', message, details);
  }
}

/**
 * A full disk as each writer reports it: the file system (ENOSPC, EDQUOT: out of quota), SQLite
 * (SQLITE_FULL) and PostgreSQL (53100 disk_full).
 */
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL', '53100']);

/** Whether `error`, or what it wraps (TypeORM's `driverError`, a `cause`), says a disk is full. */
export function isStorageFull(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > 4) return false;
  const candidate = error as { code?: unknown; driverError?: unknown; cause?: unknown };
  if (typeof candidate.code === 'string' && FULL_CODES.has(candidate.code)) return true;
  return [candidate.driverError, candidate.cause].some(
    (inner) => inner !== error && isStorageFull(inner, depth + 1),
  );
}
