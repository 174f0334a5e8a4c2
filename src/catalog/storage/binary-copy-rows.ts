/**
 * Rows in PostgreSQL's binary COPY format (the "Binary Format" of the COPY reference: a signature,
 * then per row a field count and each field as its length and its bytes, -1 for null, big-endian).
 * The catalog import stages its rows this way: numbers go as their 8 or 4 bytes, where the text
 * format made a decimal string of each (in Node) and parsed it again (in PostgreSQL).
 */
export class BinaryCopyRows {
  /** What begins a binary COPY: the signature, no flags, no header extension. */
  static readonly HEADER = Buffer.concat([
    Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'),
    Buffer.alloc(8),
  ]);
  /** What ends it: a field count of -1. */
  static readonly TRAILER = Buffer.from([0xff, 0xff]);

  private buffer: Buffer;
  private at = 0;

  constructor(private readonly initialSize = 1 << 16) {
    this.buffer = Buffer.allocUnsafe(initialSize);
  }

  row(fields: number): void {
    this.room(2);
    this.at = this.buffer.writeInt16BE(fields, this.at);
  }

  null(): void {
    this.room(4);
    this.at = this.buffer.writeInt32BE(-1, this.at);
  }

  /** An `integer`; anything but a whole number in its range is refused, as PostgreSQL would. */
  int4(value: number): void {
    if (!Number.isInteger(value) || value > 0x7fffffff || value < -0x80000000) {
      throw new RangeError(`${value} is not a value of type integer`);
    }
    this.room(8);
    this.at = this.buffer.writeInt32BE(4, this.at);
    this.at = this.buffer.writeInt32BE(value, this.at);
  }

  float8(value: number): void {
    this.room(12);
    this.at = this.buffer.writeInt32BE(8, this.at);
    this.at = this.buffer.writeDoubleBE(value, this.at);
  }

  bool(value: boolean): void {
    this.room(5);
    this.at = this.buffer.writeInt32BE(1, this.at);
    this.buffer[this.at] = value ? 1 : 0;
    this.at += 1;
  }

  /** `text` or `varchar`, in UTF-8 (the connection's client encoding). */
  text(value: string): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    this.room(4 + value.length * 3);
    const length = this.buffer.write(value, this.at + 4, 'utf8');
    this.buffer.writeInt32BE(length, this.at);
    this.at += 4 + length;
  }

  /** A one-dimensional `text[]` without nulls (an empty one has no dimension). */
  textArray(values: readonly string[]): void {
    const start = this.at;
    this.room(24);
    this.at += 4; // the field's length, written at the end
    this.at = this.buffer.writeInt32BE(values.length > 0 ? 1 : 0, this.at);
    this.at = this.buffer.writeInt32BE(0, this.at); // no nulls
    this.at = this.buffer.writeInt32BE(TEXT_OID, this.at);
    if (values.length > 0) {
      this.at = this.buffer.writeInt32BE(values.length, this.at);
      this.at = this.buffer.writeInt32BE(1, this.at); // lower bound
    }
    for (const value of values) this.text(value);
    this.buffer.writeInt32BE(this.at - start - 4, start);
  }

  /** The rows written so far, in a buffer of their own; the next rows go into a new one. */
  take(): Buffer {
    const rows = this.buffer.subarray(0, this.at);
    this.buffer = Buffer.allocUnsafe(Math.max(this.initialSize, this.at));
    this.at = 0;
    return rows;
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + bytes));
    this.buffer.copy(bigger, 0, 0, this.at);
    this.buffer = bigger;
  }
}

/** The type OID of `text` (pg_type), which an array names for its elements. */
const TEXT_OID = 25;
