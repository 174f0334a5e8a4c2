import { AppError } from '../../common/errors';

export class ImportTooLargeError extends AppError {
  constructor(limit: number, setting: string) {
    super(
      413,
      'PAYLOAD_TOO_LARGE',
      `The import is larger than the limit of ${limit} bytes (setting ${setting})`,
      { limit },
    );
  }
}

export class TooManyBadRowsError extends AppError {
  constructor(skipped: number, rows: number, maxShare: number) {
    super(
      422,
      'TOO_MANY_BAD_ROWS',
      `${skipped} of ${rows} rows are bad, more than the allowed share of ${maxShare} (setting CATALOG_MAX_BAD_ROWS); nothing was imported. The import's skipped list shows the first 100 with their lines`,
    );
  }
}

export class ImportCancelledError extends AppError {
  constructor(reason: string) {
    super(503, 'IMPORT_CANCELLED', `The import was cancelled (${reason}); nothing was imported`);
  }
}

export class InvalidContentEncodingError extends AppError {
  constructor(encoding: string) {
    super(
      400,
      'INVALID_CONTENT_ENCODING',
      `The file could not be decoded as ${encoding}; send it uncompressed or correctly gzip-compressed`,
    );
  }
}

export class UnsupportedContentEncodingError extends AppError {
  constructor(encoding: string) {
    super(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Encoding ${encoding} is not supported for imports; send gzip or identity`,
    );
  }
}
