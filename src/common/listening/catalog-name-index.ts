import { nameKey, normaliseArtist, normaliseTitle } from './name-key';

/** A catalog track's names as its owner holds them. */
export interface TrackNames {
  title: string | null;
  artists: readonly string[];
}

const NONE = -1;
const INITIAL_BUCKETS = 1024;
const MAX_LOAD = 0.75;

/**
 * Catalog tracks by normalised artist + title (see name-key.ts), for plays that name a track but
 * carry no id. A track is found under each of its credited artists.
 *
 * Kept beside its owner's own storage and in step with it: `add` a track (a handle: the owner's
 * slot number) once its names are stored, `remove` it before they change or go. The names are read
 * back through `namesOf`, so the index holds no strings: per key an entry of 12 bytes (its hash,
 * handle and chain link; arrays grow by doubling) and 4–8 bytes of buckets, some 20–40 MB for a
 * million tracks. Lookups compare a candidate's own names, so keys that share a hash never mix.
 */
export class CatalogNameIndex {
  private buckets = new Int32Array(INITIAL_BUCKETS).fill(NONE);
  private hashes = new Int32Array(INITIAL_BUCKETS);
  private handles = new Int32Array(INITIAL_BUCKETS);
  private next = new Int32Array(INITIAL_BUCKETS);
  /** Entries handed out so far (live or on the free list). */
  private allocated = 0;
  private freeList = NONE;
  private live = 0;

  constructor(private readonly namesOf: (handle: number) => TrackNames) {}

  /** Number of keys held (a track has one per distinct artist). */
  get size(): number {
    return this.live;
  }

  get byteLength(): number {
    return (
      this.buckets.byteLength +
      this.hashes.byteLength +
      this.handles.byteLength +
      this.next.byteLength
    );
  }

  add(handle: number): void {
    for (const key of this.keysOf(handle)) this.insert(nameKeyHash(key), handle);
  }

  /** Call while `namesOf(handle)` still gives the names the track was added with. */
  remove(handle: number): void {
    for (const key of this.keysOf(handle)) this.unlink(nameKeyHash(key), handle);
  }

  /** The handles of the tracks crediting an artist with this key under a title with this key. */
  find(artistKey: string, titleKey: string): number[] {
    const hash = nameKeyHash(nameKey(artistKey, titleKey));
    const found: number[] = [];
    for (let e = this.buckets[hash & (this.buckets.length - 1)]; e !== NONE; e = this.next[e]) {
      if (this.hashes[e] !== hash) continue;
      const names = this.namesOf(this.handles[e]);
      if (
        names.title !== null &&
        normaliseTitle(names.title) === titleKey &&
        names.artists.some((artist) => normaliseArtist(artist) === artistKey)
      ) {
        found.push(this.handles[e]);
      }
    }
    return found;
  }

  /** The distinct keys of a track: one per artist whose key differs. */
  private keysOf(handle: number): string[] {
    const { title, artists } = this.namesOf(handle);
    if (title === null || artists.length === 0) return [];
    const titleKey = normaliseTitle(title);
    const keys = artists.map((artist) => nameKey(normaliseArtist(artist), titleKey));
    return keys.length === 1 ? keys : [...new Set(keys)];
  }

  private insert(hash: number, handle: number): void {
    if (this.live + 1 > this.buckets.length * MAX_LOAD) this.rehash(this.buckets.length * 2);
    let entry = this.freeList;
    if (entry !== NONE) {
      this.freeList = this.next[entry];
    } else {
      if (this.allocated === this.hashes.length) this.growEntries(this.hashes.length * 2);
      entry = this.allocated++;
    }
    const bucket = hash & (this.buckets.length - 1);
    this.hashes[entry] = hash;
    this.handles[entry] = handle;
    this.next[entry] = this.buckets[bucket];
    this.buckets[bucket] = entry;
    this.live++;
  }

  private unlink(hash: number, handle: number): void {
    const bucket = hash & (this.buckets.length - 1);
    let previous = NONE;
    for (let e = this.buckets[bucket]; e !== NONE; previous = e, e = this.next[e]) {
      if (this.hashes[e] !== hash || this.handles[e] !== handle) continue;
      if (previous === NONE) this.buckets[bucket] = this.next[e];
      else this.next[previous] = this.next[e];
      this.next[e] = this.freeList;
      this.freeList = e;
      this.live--;
      return;
    }
  }

  private rehash(bucketCount: number): void {
    const buckets = new Int32Array(bucketCount).fill(NONE);
    for (let old = 0; old < this.buckets.length; old++) {
      for (let e = this.buckets[old]; e !== NONE;) {
        const following = this.next[e];
        const bucket = this.hashes[e] & (bucketCount - 1);
        this.next[e] = buckets[bucket];
        buckets[bucket] = e;
        e = following;
      }
    }
    this.buckets = buckets;
  }

  private growEntries(capacity: number): void {
    const grow = (array: Int32Array) => {
      const grown = new Int32Array(capacity);
      grown.set(array);
      return grown;
    };
    this.hashes = grow(this.hashes);
    this.handles = grow(this.handles);
    this.next = grow(this.next);
  }
}

/** FNV-1a over the key's UTF-16 code units: 32 bits, as an int32. */
export function nameKeyHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}
