import type { SnapshotParts } from './snapshot-parts';

/**
 * For each key (an artist or an album), the slots of the tracks that carry it: a compact CSR list made
 * when the index is built, plus the slots added since. Lists may hold stale slots (a track removed, or
 * re-credited to another artist since): callers keep only the slots that still carry the key.
 */
export class Postings {
  private readonly added = new Map<number, number[]>();

  private constructor(
    private readonly offsets: Int32Array,
    private readonly slots: Int32Array,
  ) {}

  static empty(): Postings {
    return new Postings(new Int32Array(1), new Int32Array(0));
  }

  /** Builds the CSR lists from each slot's keys (`keysOf(slot, emit)` emits every key of a slot). */
  static build(
    keyCount: number,
    slotCount: number,
    keysOf: (slot: number, emit: (key: number) => void) => void,
  ): Postings {
    const offsets = new Int32Array(keyCount + 1);
    for (let slot = 0; slot < slotCount; slot++) keysOf(slot, (key) => offsets[key + 1]++);
    for (let key = 0; key < keyCount; key++) offsets[key + 1] += offsets[key];
    const cursor = offsets.slice(0, keyCount);
    const slots = new Int32Array(offsets[keyCount]);
    for (let slot = 0; slot < slotCount; slot++)
      keysOf(slot, (key) => (slots[cursor[key]++] = slot));
    return new Postings(offsets, slots);
  }

  add(key: number, slot: number): void {
    const list = this.added.get(key);
    if (list) list.push(slot);
    else this.added.set(key, [slot]);
  }

  /** The distinct slots listed under `key` that `keep` accepts, in ascending order. */
  collect(key: number, keep: (slot: number) => boolean): number[] {
    const result: number[] = [];
    if (key + 1 < this.offsets.length) {
      for (let i = this.offsets[key]; i < this.offsets[key + 1]; i++) {
        if (keep(this.slots[i])) result.push(this.slots[i]);
      }
    }
    const added = this.added.get(key);
    if (!added) return result;
    for (const slot of added) if (keep(slot)) result.push(slot);
    return [...new Set(result)].sort((a, b) => a - b);
  }

  /** Saves the lists as built; slots added since are not saved (a saved index is a fresh build). */
  saveTo(parts: SnapshotParts, name: string): void {
    if (this.added.size > 0) throw new Error('Only a freshly built index can be saved');
    parts.put(`${name}.offsets`, this.offsets);
    parts.put(`${name}.slots`, this.slots);
  }

  static loadFrom(parts: SnapshotParts, name: string): Postings {
    return new Postings(
      parts.get(`${name}.offsets`, Int32Array),
      parts.get(`${name}.slots`, Int32Array),
    );
  }

  get bytes(): number {
    let added = 0;
    for (const list of this.added.values()) added += 16 + list.length * 8;
    return this.offsets.byteLength + this.slots.byteLength + added;
  }
}
