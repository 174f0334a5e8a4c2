import type { Readable } from 'node:stream';
import type { CatalogFormat } from '../formats/catalog-formats';
import { openCatalogFile } from '../formats/catalog-file';
import type { SkippedLine } from '../catalog-import.entity';
import type { CatalogBulkWriter, StagedRow } from '../storage/catalog-sql';
import { decodeImportSource } from './import-source';
import { TooManyBadRowsError } from './import-errors';

export const MAX_REPORTED_SKIPS = 100;

export interface ReadOptions {
  format?: CatalogFormat;
  contentType?: string;
  contentEncoding?: string;
  limit: number;
  jsonLimit: number;
  maxBadRows: number;
  signal?: AbortSignal;
}

/** What reading an import has found so far; updated in place as rows go by. */
export interface ReadState {
  format: CatalogFormat | null;
  bytesRead: number;
  rowsRead: number;
  rowsSkipped: number;
  skipped: SkippedLine[];
  sha256: string | null;
}

/**
 * Reads an import's stream into the writer's staging area: decodes it, recognises its format,
 * parses its rows, stages the good ones, and keeps the first skipped ones with their lines. Throws
 * (leaving the catalog untouched) when the file is unreadable or has too many bad rows.
 */
export async function readIntoStaging(
  stream: Readable,
  writer: CatalogBulkWriter,
  options: ReadOptions,
  state: ReadState,
  onFormat: (format: CatalogFormat) => Promise<void> | void,
  onBatch: () => void,
): Promise<void> {
  const source = decodeImportSource(stream, {
    encoding: options.contentEncoding,
    limit: options.limit,
    signal: options.signal,
    onBytes: (arrived) => (state.bytesRead = arrived),
  });
  const file = await openCatalogFile(source.chunks, options);
  state.format = file.format;
  await onFormat(file.format);
  for await (const batch of file.batches) {
    const good: StagedRow[] = [];
    for (const row of batch) {
      if (row.track) {
        good.push(row);
      } else {
        state.rowsSkipped += 1;
        if (state.skipped.length < MAX_REPORTED_SKIPS) {
          state.skipped.push({ line: row.line, reason: row.reason });
        }
      }
    }
    if (good.length > 0) await writer.stage(good);
    state.rowsRead += batch.length;
    state.bytesRead = source.bytesRead();
    onBatch();
  }
  state.bytesRead = source.bytesRead();
  state.sha256 = source.sha256();
  if (state.rowsSkipped > options.maxBadRows * state.rowsRead) {
    throw new TooManyBadRowsError(state.rowsSkipped, state.rowsRead, options.maxBadRows);
  }
}
