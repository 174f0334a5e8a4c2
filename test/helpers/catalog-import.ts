import type { INestApplication } from '@nestjs/common';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { CatalogImportResponseDto } from '../../src/catalog/dto/catalog-import-response.dto';
import {
  CatalogImportsService,
  type ImportStreamOptions,
} from '../../src/catalog/imports/catalog-imports.service';

/**
 * Imports a file's text through the service's stream seam, as the HTTP route and the CLI do, in
 * small chunks (gzip-compressed where asked). Resolves with the import, or rejects with its error.
 */
export function importText(
  app: INestApplication,
  text: string,
  options: ImportStreamOptions & { gzip?: boolean } = {},
): Promise<CatalogImportResponseDto> {
  const bytes = options.gzip ? gzipSync(text) : Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 4096) chunks.push(bytes.subarray(i, i + 4096));
  return app.get(CatalogImportsService).importStream(Readable.from(chunks), {
    ...options,
    contentEncoding: options.gzip ? 'gzip' : options.contentEncoding,
  });
}
