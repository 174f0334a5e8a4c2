import { CsvError, parse as parseSync } from 'csv-parse/sync';
import { StringDecoder } from 'node:string_decoder';
import { AppError, ValidationFailedError } from '../../common/errors';
import type { CatalogTrackRecord } from '../catalog-track';
import {
  type CatalogFormat,
  CATALOG_FORMATS,
  csvFormat,
  detectCsvFormat,
  knownFormatsMessage,
} from './catalog-formats';
import { BadValue } from './field-values';
import { isPandasColumns, jsonDocumentRows, jsonSourceRow } from './json-rows';
import { toCatalogRecord, type SourceRow } from './source-row';
import { type CsvNewline, CsvQuotingError, type CsvRecords, CsvRows } from './csv-rows';

/** One row of a file: its track, or why it was skipped. Lines are 1-based; a CSV header is line 1. */
export type RowOutcome =
  | { line: number; track: CatalogTrackRecord; reason?: undefined }
  | { line: number; reason: string; track?: undefined };

export interface CatalogFile {
  format: CatalogFormat;
  /** The file's rows in order, in batches (so the consumer's per-row cost stays low). */
  batches: AsyncIterable<RowOutcome[]>;
}

export interface OpenOptions {
  /** Named by the caller; otherwise recognised from the first line. */
  format?: CatalogFormat;
  /** `application/x-ndjson` tells NDJSON from JSON where the first line cannot. */
  contentType?: string;
  /** A JSON document (not NDJSON) is read whole; this bounds it. */
  jsonLimit: number;
}

const BATCH_SIZE = 250;
/** A first line longer than this is no header of any known format. */
const HEAD_LIMIT = 1 << 20;

export class InvalidCsvError extends AppError {
  constructor(message: string, line: number | undefined) {
    super(
      400,
      'INVALID_CSV',
      `The CSV file is malformed${line ? ` at line ${line}` : ''}: ${message}`,
      line ? { line } : undefined,
    );
  }
}

export class UnknownFormatError extends AppError {
  constructor(detail: string) {
    super(400, 'UNKNOWN_FORMAT', `${detail}. Known formats: ${knownFormatsMessage()}`, {
      formats: [...CATALOG_FORMATS],
    });
  }
}

/** Recognises the file's format from its first line (or takes the named one) and reads its rows. */
export async function openCatalogFile(
  source: AsyncIterable<Buffer>,
  options: OpenOptions,
): Promise<CatalogFile> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLength = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
    headLength += next.value.length;
    const newline = next.value.indexOf(10);
    if (newline >= 0 || headLength > HEAD_LIMIT) break;
  }
  const headText = Buffer.concat(head).toString('utf8');
  const firstLine = headText
    .split('\n', 1)[0]
    .replace(/^\uFEFF/, '')
    .replace(/\r$/, '');
  const rest: AsyncIterable<Buffer> = {
    async *[Symbol.asyncIterator]() {
      yield* head;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    },
  };

  const format = options.format ?? detectFormat(firstLine, options.contentType);
  if (format === 'json') return { format, batches: readJson(rest, options.jsonLimit) };
  if (format === 'ndjson') return { format, batches: readNdjson(rest) };
  const csv = csvFormat(format)!;
  const header = parseHeader(firstLine);
  const missing = csv.signature.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    throw new UnknownFormatError(
      `The file's header lacks ${missing.join(', ')}, which format ${format} has`,
    );
  }
  return { format, batches: readCsv(rest, (cell) => csv.read(cell), lineBreak(headText)) };
}

/** The file's line break: the first one in it, as csv-parse's detection took it. */
function lineBreak(head: string): CsvNewline {
  const cr = head.indexOf('\r');
  const lf = head.indexOf('\n');
  if (cr < 0 || (lf >= 0 && lf < cr)) return '\n';
  return lf === cr + 1 ? '\r\n' : '\r';
}

function detectFormat(firstLine: string, contentType = ''): CatalogFormat {
  const trimmed = firstLine.trimStart();
  if (trimmed === '') throw new UnknownFormatError('The file is empty');
  if (/ndjson|jsonl|json-seq/i.test(contentType)) return 'ndjson';
  if (trimmed.startsWith('[')) return 'json';
  if (trimmed.startsWith('{')) return isWholeJsonObject(trimmed) ? 'ndjson' : 'json';
  const csv = detectCsvFormat(parseHeader(firstLine));
  if (!csv) {
    throw new UnknownFormatError(
      `The file matches no known format (first line: ${JSON.stringify(firstLine.slice(0, 200))})`,
    );
  }
  return csv.name;
}

/**
 * NDJSON's first line is a whole track object; a pretty-printed JSON document's first line is not
 * whole, and a one-line document is `{"tracks": [...]}` or pandas columns.
 */
function isWholeJsonObject(line: string): boolean {
  try {
    const value: unknown = JSON.parse(line);
    return (
      typeof value === 'object' && value !== null && !('tracks' in value) && !isPandasColumns(value)
    );
  } catch {
    return false;
  }
}

function parseHeader(line: string): string[] {
  // The header is one line of simple names; csv-parse's sync reader handles its quoting.
  let records: string[][];
  try {
    records = parseSync(line, { relax_quotes: true });
  } catch (error) {
    // A first line whose quote never closes (`"` alone) is a malformed file, not a server error.
    if (error instanceof CsvError) throw new InvalidCsvError(error.message, 1);
    throw error;
  }
  const columns = records[0];
  return (columns ?? []).map((column) => column.trim());
}

function outcome(line: number, read: () => SourceRow): RowOutcome {
  try {
    return { line, track: toCatalogRecord(read()) };
  } catch (error) {
    if (error instanceof BadValue) return { line, reason: error.message };
    throw error;
  }
}

async function* readCsv(
  source: AsyncIterable<Buffer>,
  read: (cell: (column: string) => string | undefined) => SourceRow,
  newline: CsvNewline,
): AsyncIterable<RowOutcome[]> {
  // Chunks are decoded here: papaparse would decode each on its own, breaking a character split
  // between two. Each chunk's records are taken before the next chunk is read.
  const decoder = new StringDecoder('utf8');
  const rows = new CsvRows(newline);
  let header: string[] | undefined;
  let index = new Map<string, number>();
  // One getter for the whole file, reading the record at hand: no closure per row.
  let record: string[] = [];
  const cell = (column: string): string | undefined => {
    const i = index.get(column);
    return i === undefined ? undefined : record[i];
  };
  const readRecord = () => read(cell);
  let batch: RowOutcome[] = [];
  let full: RowOutcome[][] = [];
  const take = (group: CsvRecords): void => {
    const { records, lines } = group;
    for (let r = 0; r < records.length; r += 1) {
      record = records[r];
      const line = lines[r];
      if (!header) {
        header = record.map((column) => column.trim());
        index = new Map(header.map((column, i) => [column, i]));
        continue;
      }
      if (record.length === 1 && record[0] === '') continue; // a blank line
      if (record.length !== header.length) {
        const reason =
          record.length < header.length
            ? `has ${record.length} columns, the header has ${header.length}`
            : `has ${record.length} columns, more than the header's ${header.length}`;
        batch.push({ line, reason });
      } else {
        batch.push(outcome(line, readRecord));
      }
      if (batch.length >= BATCH_SIZE) {
        full.push(batch);
        batch = [];
      }
    }
  };
  try {
    for await (const chunk of source) {
      take(rows.write(decoder.write(chunk)));
      if (full.length > 0) {
        yield* full;
        full = [];
      }
    }
    take(rows.write(decoder.end()));
    take(rows.end());
    yield* full;
  } catch (error) {
    if (error instanceof CsvQuotingError) throw new InvalidCsvError(error.message, error.line);
    throw error;
  }
  if (batch.length > 0) yield batch;
}

async function* readNdjson(source: AsyncIterable<Buffer>): AsyncIterable<RowOutcome[]> {
  let line = 0;
  let batch: RowOutcome[] = [];
  for await (const text of lines(source)) {
    line += 1;
    if (text.trim() === '') continue;
    batch.push(
      outcome(line, () => {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          throw new BadValue('is not valid JSON');
        }
        return jsonSourceRow(value);
      }),
    );
    if (batch.length >= BATCH_SIZE) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** The UTF-8 lines of a byte stream (\n or \r\n), characters split across chunks kept whole. */
async function* lines(source: AsyncIterable<Buffer>): AsyncIterable<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of source) {
    const parts = (rest + decoder.write(chunk)).split('\n');
    rest = parts.pop()!;
    for (const part of parts) yield part.endsWith('\r') ? part.slice(0, -1) : part;
  }
  rest += decoder.end();
  if (rest !== '') yield rest;
}

/**
 * A JSON document is read whole (pandas columns can only be turned into rows once every column is
 * in); `line` is then the track's 1-based position in the document.
 */
async function* readJson(
  source: AsyncIterable<Buffer>,
  limit: number,
): AsyncIterable<RowOutcome[]> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of source) {
    length += chunk.length;
    if (length > limit) {
      throw new AppError(
        413,
        'PAYLOAD_TOO_LARGE',
        `A JSON document is read whole and may be at most ${limit} bytes; send larger catalogs as NDJSON or CSV, which stream`,
      );
    }
    chunks.push(chunk);
  }
  let document: unknown;
  try {
    document = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw ValidationFailedError.field('body', `is not valid JSON: ${(error as Error).message}`);
  }
  const rows = jsonDocumentRows(document);
  if (!rows) {
    throw new UnknownFormatError(
      'The JSON document is neither an array of tracks, {"tracks": [...]}, nor pandas columns',
    );
  }
  for (let start = 0; start < rows.length; start += BATCH_SIZE) {
    yield rows
      .slice(start, start + BATCH_SIZE)
      .map((row, i) => outcome(start + i + 1, () => jsonSourceRow(row)));
  }
}
