import { EventEmitter } from 'node:events';
import Papa from 'papaparse';

/** The line breaks a CSV file may use; found from its first line, as csv-parse did. */
export type CsvNewline = '\n' | '\r\n' | '\r';

/** The records one piece of text completed, each with the 1-based line it starts on. */
export interface CsvRecords {
  records: string[][];
  lines: number[];
}

/** Where and why a file's quoting is wrong; the reader turns it into a 400 for the whole file. */
export class CsvQuotingError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/**
 * A row papaparse has not finished after this many characters is refused: papaparse parses the
 * unfinished row again with each new chunk, so a quote that never closes in a large file would
 * otherwise cost time in the square of the file's length (a catalog row is a few hundred bytes).
 */
export const UNFINISHED_ROW_LIMIT = 1 << 20;

const QUOTE = 34;

/**
 * papaparse's streaming parser, fed one piece of decoded text at a time. It parses a piece as it is
 * handed over (the 'data' event of the input it reads is emitted here, and papaparse's step
 * callback runs before emit returns), so each write returns the records that piece completed: the
 * parser never runs ahead of the consumer, who hands over the next piece only when it wants more.
 *
 * It keeps csv-parse's error contract (relax_column_count, bom, no skipping of empty lines), where
 * papaparse is more lenient or only reports: a quote that never closes, a quote inside an unquoted
 * field (`a"b`, ` "a"`) and anything but a comma or the row's end after a closing quote (`"a"b`,
 * `"a" ,`) fail the file, naming the line.
 */
export class CsvRows {
  private readonly input = Object.assign(new EventEmitter(), {
    readable: true,
    read: () => null,
    pause: () => undefined,
    resume: () => undefined,
  });
  private parsed: { record: string[]; end: number; failed: boolean }[] = [];
  private streamError: Error | undefined;
  /** The text not yet consumed by a finished record, and its offset in the whole file's text. */
  private text = '';
  private textStart = 0;
  private line = 1;
  private first = true;

  constructor(private readonly newline: CsvNewline) {
    Papa.parse<string[]>(this.input as unknown as NodeJS.ReadableStream, {
      delimiter: ',',
      newline,
      quoteChar: '"',
      escapeChar: '"',
      header: false,
      dynamicTyping: false,
      skipEmptyLines: false,
      step: (result) => {
        this.parsed.push({
          record: result.data,
          end: result.meta.cursor,
          failed: result.errors.length > 0,
        });
      },
      error: (error) => {
        this.streamError = error;
      },
    });
  }

  /** The records this piece of text completes. */
  write(piece: string): CsvRecords {
    if (this.first) {
      this.first = false;
      // papaparse leaves a byte order mark on a stream's first field.
      if (piece.charCodeAt(0) === 0xfeff) piece = piece.slice(1);
    }
    if (piece === '') return { records: [], lines: [] };
    this.text += piece;
    this.input.emit('data', piece);
    const records = this.take();
    if (this.text.length > UNFINISHED_ROW_LIMIT) {
      throw new CsvQuotingError(
        `a row runs on for more than ${UNFINISHED_ROW_LIMIT} characters (a quote that never closes?)`,
        this.line,
      );
    }
    return records;
  }

  /** The last records, once the text has all been written. */
  end(): CsvRecords {
    this.input.emit('end');
    return this.take();
  }

  private take(): CsvRecords {
    if (this.streamError) throw this.streamError;
    const parsed = this.parsed;
    this.parsed = [];
    const records: string[][] = [];
    const lines: number[] = [];
    const text = this.text;
    let start = 0;
    // Only a row with a quote can be quoted wrongly; most rows are passed over with one search.
    let quote = text.indexOf('"');
    for (const { record, end: absoluteEnd, failed } of parsed) {
      const end = absoluteEnd - this.textStart;
      if (quote >= 0 && quote < end) {
        const row = text.slice(start, end);
        const wrong =
          misquoting(row, record, this.newline) ??
          (failed ? { position: 0, reason: 'its quotes are malformed' } : undefined);
        if (wrong) {
          throw new CsvQuotingError(
            wrong.reason,
            this.line + newlinesIn(row.slice(0, wrong.position)),
          );
        }
        quote = text.indexOf('"', end);
      }
      records.push(record);
      lines.push(this.line);
      for (const field of record) this.line += newlinesIn(field);
      this.line += 1;
      start = end;
    }
    if (start > 0) {
      this.text = text.slice(start);
      this.textStart += start;
    }
    return { records, lines };
  }
}

/**
 * Where a row's quoting is one csv-parse refuses, checked against papaparse's split of that row's
 * text: a quoted field must read back as `"`, its value with each quote doubled, `"`, then a comma,
 * the line break or the end; an unquoted field may hold no quote.
 */
function misquoting(
  row: string,
  record: string[],
  newline: CsvNewline,
): { position: number; reason: string } | undefined {
  let at = 0;
  for (let field = 0; field < record.length; field += 1) {
    const value = record[field];
    if (row.charCodeAt(at) !== QUOTE) {
      const quote = value.indexOf('"');
      if (quote >= 0) {
        return {
          position: at + quote,
          reason: `a quote inside field ${field + 1}, which does not start with one`,
        };
      }
      at += value.length + 1;
      continue;
    }
    const quoted = `"${value.replaceAll('"', '""')}"`;
    const after = at + quoted.length;
    if (
      row.startsWith(quoted, at) &&
      (after === row.length || row.charCodeAt(after) === 44 || row.startsWith(newline, after))
    ) {
      at = after + 1;
      continue;
    }
    // Wrong: papaparse's value (a guess once it has reported an error) does not say where, so the
    // field's quotes are followed from its opening one, pairs skipped, to the one that closes it.
    let closing = at + 1;
    for (;;) {
      closing = row.indexOf('"', closing);
      if (closing < 0 || row.charCodeAt(closing + 1) !== QUOTE) break;
      closing += 2;
    }
    if (closing < 0) {
      return { position: at, reason: `the quote opening field ${field + 1} never closes` };
    }
    return {
      position: closing + 1,
      reason: `the quote closing field ${field + 1} is followed by something other than a comma or the line's end`,
    };
  }
  return undefined;
}

export function newlinesIn(field: string): number {
  if (field.indexOf('\n') < 0) return 0;
  let count = 0;
  for (let i = 0; i < field.length; i += 1) if (field.charCodeAt(i) === 10) count += 1;
  return count;
}
