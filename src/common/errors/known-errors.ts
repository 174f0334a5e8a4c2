import { AppError } from './app-error';
import { DatabaseUnavailableError, isDatabaseUnavailable } from './database-unavailable';
import { InsufficientStorageError, isStorageFull } from './storage-full';

/**
 * The project's error for a failure that is not a fault of the service and that a client can act
 * on: the database could not be reached (503, try again shortly), or a disk is full (507). `what`
 * says what it struck and what became of it, for the message (`during the import; nothing was
 * imported`); the driver's own words stay in the log (they name hosts and files). Undefined for
 * anything else; an AppError is returned as is.
 */
export function knownError(error: unknown, what?: string): AppError | undefined {
  if (error instanceof AppError) return error;
  if (isDatabaseUnavailable(error)) {
    return what
      ? new DatabaseUnavailableError(
          `The database could not be reached ${what}. Try again once it is back.`,
        )
      : new DatabaseUnavailableError();
  }
  if (isStorageFull(error)) {
    return what
      ? new InsufficientStorageError(
          `The storage is full (no space left on the device) ${what}. Try again once space is freed.`,
        )
      : new InsufficientStorageError();
  }
  return undefined;
}
