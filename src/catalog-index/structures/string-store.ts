import type { SnapshotParts } from './snapshot-parts';

/**
 * Strings kept as UTF-8 bytes in one growable buffer, one entry per slot (a track's id, its name),
 * instead of a million separate strings on the JavaScript heap: a few large arrays cost the garbage
 * collector nothing to trace, where millions of small objects make every full collection long.
 * Rewriting a slot's string appends it and leaves the old bytes behind; `reordered` compacts.
 */
export class StringStore {
  private bytes = new Uint8Array(1 << 16);
  private length = 0;
  /** Per slot: byte offset and length; length -1 for null. */
  private offsets = new Int32Array(0);
  private lengths = new Int32Array(0);

  resize(capacity: number): void {
    const offsets = new Int32Array(capacity);
    offsets.set(this.offsets.subarray(0, Math.min(capacity, this.offsets.length)));
    const lengths = new Int32Array(capacity).fill(-1);
    lengths.set(this.lengths.subarray(0, Math.min(capacity, this.lengths.length)));
    this.offsets = offsets;
    this.lengths = lengths;
  }

  set(slot: number, text: string | null): void {
    if (text === null) {
      this.lengths[slot] = -1;
      return;
    }
    const needed = this.length + text.length * 3;
    if (needed > this.bytes.length) {
      const bytes = new Uint8Array(Math.max(needed, this.bytes.length * 2));
      bytes.set(this.bytes.subarray(0, this.length));
      this.bytes = bytes;
    }
    const written = ENCODER.encodeInto(text, this.bytes.subarray(this.length)).written;
    this.offsets[slot] = this.length;
    this.lengths[slot] = written;
    this.length += written;
  }

  get(slot: number): string | null {
    const length = this.lengths[slot];
    if (length < 0) return null;
    const start = this.offsets[slot];
    return DECODER.decode(this.bytes.subarray(start, start + length));
  }

  /** True when slot's string equals `text` (compared without decoding for ASCII text). */
  equals(slot: number, text: string): boolean {
    const length = this.lengths[slot];
    if (length !== text.length) return length >= 0 && this.get(slot) === text;
    const start = this.offsets[slot];
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) return this.get(slot) === text;
      if (this.bytes[start + i] !== code) return false;
    }
    return true;
  }

  /** hashText() of the slot's string, from its bytes. */
  hashOf(slot: number): number {
    let h = FNV_OFFSET;
    const start = this.offsets[slot];
    for (let i = start; i < start + this.lengths[slot]; i++)
      h = Math.imul(h ^ this.bytes[i], FNV_PRIME);
    return h >>> 0;
  }

  /** Byte-wise (UTF-8, so code point) order of two slots' strings. */
  compare(a: number, b: number): number {
    const lengthA = this.lengths[a];
    const lengthB = this.lengths[b];
    const startA = this.offsets[a];
    const startB = this.offsets[b];
    const common = Math.min(lengthA, lengthB);
    for (let i = 0; i < common; i++) {
      const difference = this.bytes[startA + i] - this.bytes[startB + i];
      if (difference !== 0) return difference;
    }
    return lengthA - lengthB;
  }

  /** A compact copy where slot i holds this one's string of slot order[i]. */
  reordered(order: Int32Array): StringStore {
    const copy = new StringStore();
    copy.resize(Math.max(1, order.length));
    let total = 0;
    for (const slot of order) total += Math.max(0, this.lengths[slot]);
    copy.bytes = new Uint8Array(Math.max(1, total));
    for (let i = 0; i < order.length; i++) {
      const length = this.lengths[order[i]];
      copy.lengths[i] = length;
      if (length < 0) continue;
      copy.offsets[i] = copy.length;
      copy.bytes.set(
        this.bytes.subarray(this.offsets[order[i]], this.offsets[order[i]] + length),
        copy.length,
      );
      copy.length += length;
    }
    return copy;
  }

  get byteLength(): number {
    return this.bytes.byteLength + this.offsets.byteLength + this.lengths.byteLength;
  }

  /** Saves the strings of slots [0, slots) (the bytes in use only). */
  saveTo(parts: SnapshotParts, name: string, slots: number): void {
    parts.put(`${name}.bytes`, this.bytes.subarray(0, this.length));
    parts.put(`${name}.offsets`, this.offsets.subarray(0, slots));
    parts.put(`${name}.lengths`, this.lengths.subarray(0, slots));
  }

  static loadFrom(parts: SnapshotParts, name: string): StringStore {
    const store = new StringStore();
    store.bytes = parts.get(`${name}.bytes`, Uint8Array);
    store.length = store.bytes.length;
    store.offsets = parts.get(`${name}.offsets`, Int32Array);
    store.lengths = parts.get(`${name}.lengths`, Int32Array);
    return store;
  }
}

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

/**
 * Track id → slot, as open addressing over one Int32Array (slot + 1; 0 empty, -1 a removed entry),
 * with the ids themselves in a StringStore: no per-entry objects, unlike a Map.
 */
export class IdTable {
  private table = new Int32Array(1 << 10);
  private used = 0;
  private entries = 0;

  constructor(private readonly ids: () => StringStore) {}

  get size(): number {
    return this.entries;
  }

  get(id: string): number | undefined {
    const mask = this.table.length - 1;
    for (let i = hashText(id) & mask; ; i = (i + 1) & mask) {
      const entry = this.table[i];
      if (entry === 0) return undefined;
      if (entry > 0 && this.ids().equals(entry - 1, id)) return entry - 1;
    }
  }

  /** Adds the id stored at `slot` (it must not be in the table yet). */
  add(slot: number): void {
    if ((this.used + 1) * 2 > this.table.length) {
      this.rehash(Math.max(this.table.length, this.entries * 4));
    }
    const mask = this.table.length - 1;
    let i = this.ids().hashOf(slot) & mask;
    while (this.table[i] > 0) i = (i + 1) & mask;
    if (this.table[i] === 0) this.used++;
    this.table[i] = slot + 1;
    this.entries++;
  }

  delete(id: string): void {
    const mask = this.table.length - 1;
    for (let i = hashText(id) & mask; ; i = (i + 1) & mask) {
      const entry = this.table[i];
      if (entry === 0) return;
      if (entry > 0 && this.ids().equals(entry - 1, id)) {
        this.table[i] = -1;
        this.entries--;
        return;
      }
    }
  }

  /** Empties the table, sized for `capacity` ids. */
  reset(capacity: number): void {
    let size = 1 << 10;
    while (size < capacity * 2) size *= 2;
    this.table = new Int32Array(size);
    this.used = 0;
    this.entries = 0;
  }

  get byteLength(): number {
    return this.table.byteLength;
  }

  saveTo(parts: SnapshotParts, name: string): void {
    parts.put(`${name}.table`, this.table);
    parts.meta[`${name}.counts`] = [this.used, this.entries];
  }

  /** The table as saved, over `ids` (the same slots' ids). */
  loadFrom(parts: SnapshotParts, name: string): void {
    this.table = parts.get(`${name}.table`, Int32Array);
    [this.used, this.entries] = parts.value<[number, number]>(`${name}.counts`);
  }

  private rehash(capacity: number): void {
    const old = this.table;
    this.reset(capacity);
    for (const entry of old) if (entry > 0) this.add(entry - 1);
  }
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over the text's UTF-8 bytes (ASCII text hashed without encoding it). */
function hashText(text: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) {
      h = FNV_OFFSET;
      for (const byte of ENCODER.encode(text)) h = Math.imul(h ^ byte, FNV_PRIME);
      return h >>> 0;
    }
    h = Math.imul(h ^ code, FNV_PRIME);
  }
  return h >>> 0;
}
