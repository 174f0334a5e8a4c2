/** The typed arrays a saved index is made of (see index-snapshot.ts for the file). */
export type SnapshotArray =
  Float32Array | Float64Array | Int32Array | Uint32Array | Int8Array | Uint8Array | Uint16Array;

export const SNAPSHOT_ARRAY_TYPES = {
  Float32Array,
  Float64Array,
  Int32Array,
  Uint32Array,
  Int8Array,
  Uint8Array,
  Uint16Array,
} as const;
export type SnapshotArrayType = keyof typeof SNAPSHOT_ARRAY_TYPES;

/**
 * A saved index in parts: named typed arrays, plus plain values (numbers, strings, small lists) in
 * `meta`. Each structure of the index saves itself under a prefix of names and loads itself back.
 */
export class SnapshotParts {
  readonly arrays = new Map<string, SnapshotArray>();
  readonly meta: Record<string, unknown> = {};

  put(name: string, array: SnapshotArray): void {
    if (this.arrays.has(name)) throw new Error(`Snapshot part ${name} saved twice`);
    this.arrays.set(name, array);
  }

  get<T extends SnapshotArray>(name: string, type: new (length: number) => T): T {
    const array = this.arrays.get(name);
    if (!(array instanceof type)) throw new Error(`Snapshot part ${name} is missing or mistyped`);
    return array;
  }

  value<T>(name: string): T {
    if (!(name in this.meta)) throw new Error(`Snapshot value ${name} is missing`);
    return this.meta[name] as T;
  }
}
