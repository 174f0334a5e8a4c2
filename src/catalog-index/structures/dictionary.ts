import type { SnapshotParts } from './snapshot-parts';

/**
 * Interns strings as dense ints (0, 1, 2, …) and keeps how many live catalog tracks use each entry.
 * Entries are never removed: an entry whose count drops to 0 stays until the index is rebuilt.
 */
export class Dictionary {
  /** Two key spaces (e.g. artists by Spotify id, and name-only artists by name), one id space. */
  private idByKey = [new Map<string, number>(), new Map<string, number>()];
  private counts = new Int32Array(64);
  size = 0;

  /** The entry's id, or -1 - id when it is new (the caller then stores the entry's payload). */
  intern(key: string, space: 0 | 1 = 0): number {
    const known = this.idByKey[space].get(key);
    if (known !== undefined) return known;
    const id = this.size++;
    this.idByKey[space].set(key, id);
    if (id >= this.counts.length) {
      const grown = new Int32Array(this.counts.length * 2);
      grown.set(this.counts);
      this.counts = grown;
    }
    return -1 - id;
  }

  get(key: string, space: 0 | 1 = 0): number | undefined {
    return this.idByKey[space].get(key);
  }

  addTracks(id: number, delta: number): void {
    this.counts[id] += delta;
  }

  trackCount(id: number): number {
    return this.counts[id];
  }

  saveTo(parts: SnapshotParts, name: string): void {
    const keys = new Array<string>(this.size);
    const spaces = new Uint8Array(this.size);
    this.idByKey.forEach((map, space) =>
      map.forEach((id, key) => {
        keys[id] = key;
        spaces[id] = space;
      }),
    );
    parts.meta[`${name}.keys`] = keys;
    parts.put(`${name}.spaces`, spaces);
    parts.put(`${name}.counts`, this.counts.subarray(0, this.size));
  }

  static loadFrom(parts: SnapshotParts, name: string): Dictionary {
    const dictionary = new Dictionary();
    const keys = parts.value<string[]>(`${name}.keys`);
    const spaces = parts.get(`${name}.spaces`, Uint8Array);
    keys.forEach((key, id) => dictionary.idByKey[spaces[id]].set(key, id));
    dictionary.size = keys.length;
    dictionary.counts = new Int32Array(Math.max(64, keys.length));
    dictionary.counts.set(parts.get(`${name}.counts`, Int32Array));
    return dictionary;
  }

  /** Bytes held beyond the keys' strings (for the index's memory figure). */
  get tableBytes(): number {
    return this.counts.byteLength + this.size * 40;
  }
}
