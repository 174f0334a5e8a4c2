import type { SnapshotParts } from './snapshot-parts';

/**
 * A short list of ints per slot (a track's artists, its genres), all in one growable pool: `start`
 * and `count` per slot. Rewriting a slot's list appends a new one and leaves the old space behind;
 * `reordered` makes a compact copy.
 */
export class SlotLists {
  start = new Int32Array(0);
  count = new Uint16Array(0);
  pool = new Int32Array(1024);
  private length = 0;
  private writing = -1;

  /** Resizes the per-slot arrays to `capacity` slots, keeping their contents. */
  resize(capacity: number): void {
    const start = new Int32Array(capacity);
    start.set(this.start.subarray(0, Math.min(capacity, this.start.length)));
    const count = new Uint16Array(capacity);
    count.set(this.count.subarray(0, Math.min(capacity, this.count.length)));
    this.start = start;
    this.count = count;
  }

  /** Starts a new list for `slot`: push() its items, then end(). */
  begin(slot: number): void {
    this.writing = slot;
    this.start[slot] = this.length;
  }

  /** Adds an item to the list being written, unless it is already in it. */
  push(item: number): void {
    for (let i = this.start[this.writing]; i < this.length; i++) if (this.pool[i] === item) return;
    if (this.length === this.pool.length) {
      const pool = new Int32Array(this.pool.length * 2);
      pool.set(this.pool);
      this.pool = pool;
    }
    this.pool[this.length++] = item;
  }

  end(): void {
    this.count[this.writing] = this.length - this.start[this.writing];
    this.writing = -1;
  }

  of(slot: number): Int32Array {
    return this.pool.subarray(this.start[slot], this.start[slot] + this.count[slot]);
  }

  /** A compact copy where slot i holds this one's list of slot order[i]. */
  reordered(order: Int32Array): SlotLists {
    const copy = new SlotLists();
    copy.resize(Math.max(1, order.length));
    let total = 0;
    for (const slot of order) total += this.count[slot];
    copy.pool = new Int32Array(Math.max(1, total));
    for (let i = 0; i < order.length; i++) {
      const from = this.start[order[i]];
      const n = this.count[order[i]];
      copy.start[i] = copy.length;
      copy.count[i] = n;
      for (let j = 0; j < n; j++) copy.pool[copy.length++] = this.pool[from + j];
    }
    return copy;
  }

  get bytes(): number {
    return this.start.byteLength + this.count.byteLength + this.pool.byteLength;
  }

  /** Saves the lists of slots [0, slots). */
  saveTo(parts: SnapshotParts, name: string, slots: number): void {
    parts.put(`${name}.start`, this.start.subarray(0, slots));
    parts.put(`${name}.count`, this.count.subarray(0, slots));
    parts.put(`${name}.pool`, this.pool.subarray(0, this.length));
  }

  static loadFrom(parts: SnapshotParts, name: string): SlotLists {
    const lists = new SlotLists();
    lists.start = parts.get(`${name}.start`, Int32Array);
    lists.count = parts.get(`${name}.count`, Uint16Array);
    lists.pool = parts.get(`${name}.pool`, Int32Array);
    lists.length = lists.pool.length;
    return lists;
  }
}
