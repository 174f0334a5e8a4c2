import { StringDecoder } from 'node:string_decoder';

/**
 * A CSV reader for catalog files that reads them as csv-parse did with the options the import used
 * (`relax_column_count`, `bom`, `skip_empty_lines: false`, every other option its default): RFC 4180
 * quoting (`""` for a quote inside a quoted cell), the record delimiter taken from the file's first
 * line ending (`\n`, `\r\n` or `\r`; any other line ending is a cell's text), a blank line read as a
 * record of one empty cell, and the same three errors. It exists for speed: csv-parse (a state
 * machine taking a byte at a time) was the largest cost of a catalog import, about four times this
 * string scan per row (docs/catalog.md, "Speed and memory").
 */

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

/** The record delimiter: not seen yet, or the first line ending of the file. */
const UNKNOWN_ENDING = 0;
const LF_ENDING = 1;
const CRLF_ENDING = 2;
const CR_ENDING = 3;

/** A malformed file; `line` (1-based) is where the record with the fault starts. */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** A record cut off at the end of the text read so far: read again once more text has come. */
const INCOMPLETE = -1;

/**
 * Reads records one at a time as the file's chunks come: write() a chunk (or end() the file), then
 * take next() until it answers undefined. A record is made only when it is taken, so no more than
 * the record at hand is alive (a chunk read into all its records at once kept thousands of them).
 */
export class CsvReader {
  private readonly decoder = new StringDecoder('utf8');
  /** The text being read: what was left of the chunk before, and this chunk. */
  private text = '';
  private position = 0;
  private final = false;
  private ending = UNKNOWN_ENDING;
  private first = true;
  /** The line the next record starts on. */
  private nextLine = 1;
  /** Line feeds inside the record last read (in quoted cells, or as text where `\n` ends no record). */
  private newlines = 0;
  /** The line (1-based) the record last taken starts on. */
  line = 0;

  write(chunk: Buffer): void {
    this.take(this.decoder.write(chunk), false);
  }

  end(): void {
    this.take(this.decoder.end(), true);
  }

  /** The next whole record, or undefined until more of the file has come (or at its end). */
  next(): string[] | undefined {
    if (this.position >= this.text.length) return undefined;
    const record: string[] = [];
    const next = this.readRecord(this.text, this.position, this.final, record);
    if (next === INCOMPLETE) return undefined;
    this.position = next;
    this.line = this.nextLine;
    this.nextLine += 1 + this.newlines;
    return record;
  }

  private take(text: string, final: boolean): void {
    const rest = this.position < this.text.length ? this.text.slice(this.position) : '';
    this.text = rest + text;
    this.position = 0;
    this.final = final;
    if (this.first && this.text.length > 0) {
      this.first = false;
      if (this.text.charCodeAt(0) === 0xfeff) this.position = 1;
    }
  }

  /**
   * Reads the record starting at `start` into `record`: where the next one starts, or INCOMPLETE
   * when the text ends first (and more is to come).
   */
  private readRecord(text: string, start: number, final: boolean, record: string[]): number {
    const length = text.length;
    let position = start;
    this.newlines = 0;
    for (;;) {
      // At the start of a cell.
      if (position >= length) {
        if (!final) return INCOMPLETE;
        record.push('');
        return length;
      }
      if (text.charCodeAt(position) === QUOTE) {
        let value = '';
        let from = position + 1;
        for (;;) {
          const quote = text.indexOf('"', from);
          if (quote < 0 || (quote + 1 >= length && !final)) {
            if (!final) return INCOMPLETE;
            throw new CsvSyntaxError(
              `Quote Not Closed: the parsing is finished with an opening quote at line ${this.nextLine}`,
              this.nextLine,
            );
          }
          if (quote + 1 < length && text.charCodeAt(quote + 1) === QUOTE) {
            value += text.slice(from, quote + 1);
            from = quote + 2;
            continue;
          }
          value += text.slice(from, quote);
          position = quote + 1;
          break;
        }
        this.newlines += countLineFeeds(value);
        record.push(value);
        if (position >= length) return length; // final: the last record ends with the file
        if (text.charCodeAt(position) === COMMA) {
          position += 1;
          continue;
        }
        const ending = this.endingAt(text, position, final);
        if (ending === INCOMPLETE) return INCOMPLETE;
        if (ending > 0) return position + ending;
        const line = this.nextLine + this.newlines;
        throw new CsvSyntaxError(
          `Invalid Closing Quote: got ${JSON.stringify(text.charAt(position))} at line ${line} ` +
            `instead of delimiter or record delimiter`,
          line,
        );
      }
      let end = position;
      for (;;) {
        let code = 0;
        while (end < length) {
          code = text.charCodeAt(end);
          if (code === COMMA || code === QUOTE || code === LF || code === CR) break;
          end += 1;
        }
        if (end >= length) {
          if (!final) return INCOMPLETE;
          record.push(text.slice(position, end));
          return length;
        }
        if (code === COMMA) {
          record.push(text.slice(position, end));
          position = end + 1;
          break;
        }
        if (code === QUOTE) {
          const line = this.nextLine + this.newlines;
          throw new CsvSyntaxError(
            `Invalid Opening Quote: a quote is found on field ${record.length} at line ${line}, ` +
              `value is ${JSON.stringify(text.slice(position, end))}`,
            line,
          );
        }
        const ending = this.endingAt(text, end, final);
        if (ending === INCOMPLETE) return INCOMPLETE;
        if (ending > 0) {
          record.push(text.slice(position, end));
          return end + ending;
        }
        // A line ending that is not the file's record delimiter is the cell's text.
        if (code === LF) this.newlines += 1;
        end += 1;
      }
    }
  }

  /**
   * The length of the record delimiter at `position` (0 where there is none, INCOMPLETE where the
   * text ends inside one), taking the file's delimiter from the first line ending seen.
   */
  private endingAt(text: string, position: number, final: boolean): number {
    const code = text.charCodeAt(position);
    switch (this.ending) {
      case LF_ENDING:
        return code === LF ? 1 : 0;
      case CR_ENDING:
        return code === CR ? 1 : 0;
      case CRLF_ENDING:
        if (code !== CR) return 0;
        if (position + 1 >= text.length) return final ? 0 : INCOMPLETE;
        return text.charCodeAt(position + 1) === LF ? 2 : 0;
      default:
        if (code === LF) {
          this.ending = LF_ENDING;
          return 1;
        }
        if (code !== CR) return 0;
        if (position + 1 >= text.length && !final) return INCOMPLETE;
        if (position + 1 < text.length && text.charCodeAt(position + 1) === LF) {
          this.ending = CRLF_ENDING;
          return 2;
        }
        this.ending = CR_ENDING;
        return 1;
    }
  }
}

function countLineFeeds(value: string): number {
  let count = 0;
  for (let at = value.indexOf('\n'); at >= 0; at = value.indexOf('\n', at + 1)) count += 1;
  return count;
}
