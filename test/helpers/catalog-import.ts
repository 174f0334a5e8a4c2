import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { gzipSync } from 'node:zlib';
import type { CatalogImportResponseDto } from '../../src/catalog/dto/catalog-import-response.dto';
import type { ErrorBody } from '../../src/common/errors';
import { TEST_ADMIN_KEY } from './create-test-app';

export interface ImportTextOptions {
  source?: string;
  format?: string;
  /** Sent as Content-Type (default text/csv). */
  contentType?: string;
  gzip?: boolean;
}

/** A failed import as the HTTP route answered it: its status and the one error body. */
export class ImportFailed extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorBody['details'];

  constructor(readonly body: ErrorBody) {
    super(body.message);
    this.status = body.statusCode;
    this.code = body.code;
    this.details = body.details;
  }
}

/**
 * Imports a file's text as a client does: POST /api/v1/catalog/imports with the admin key, the file
 * as the body (gzip-compressed where asked). Resolves with the import (201), or rejects with
 * ImportFailed carrying the error body.
 */
export async function importText(
  app: INestApplication,
  text: string,
  options: ImportTextOptions = {},
): Promise<CatalogImportResponseDto> {
  const query = new URLSearchParams();
  if (options.source !== undefined) query.set('source', options.source);
  if (options.format !== undefined) query.set('format', options.format);
  let call = request(app.getHttpServer())
    .post(`/api/v1/catalog/imports${query.size ? `?${query.toString()}` : ''}`)
    .set('X-API-Key', TEST_ADMIN_KEY)
    .set('Content-Type', options.contentType ?? 'text/csv');
  if (options.gzip) call = call.set('Content-Encoding', 'gzip');
  // The file goes as it is: no JSON serialisation of the body, whatever its Content-Type.
  const response = await call
    .serialize((body: unknown) => body as string)
    .send(options.gzip ? gzipSync(text) : text);
  if (response.status === 201) return response.body as CatalogImportResponseDto;
  throw new ImportFailed(response.body as ErrorBody);
}
