import { open, rename, rm } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { CatalogIndex } from './catalog-index';
import { readFileIntoKernelMemory } from './structures/kernel-memory';
import {
  SNAPSHOT_ARRAY_TYPES,
  type SnapshotArray,
  type SnapshotArrayType,
  SnapshotParts,
} from './structures/snapshot-parts';

/** File magic and layout version: a file of another layout is ignored, never misread. */
const MAGIC = Buffer.from('SRIDX\u0000v1', 'latin1');
const ALIGN = 8;

interface SectionEntry {
  name: string;
  type: SnapshotArrayType;
  offset: number;
  length: number;
}

interface Header {
  /** The catalog's version the index was built at (CatalogStore.version). */
  catalogVersion: number;
  meta: Record<string, unknown>;
  sections: SectionEntry[];
}

/**
 * A saved copy of a freshly built index, so that a restart serves recommendations in seconds
 * instead of reading and indexing the whole catalog again. One file:
 *   magic (8 bytes) · header length (u32) · header (JSON: the catalog version, the plain values,
 *   where each array lies) · the arrays, each at an 8-byte boundary · CRC-32 of all before (u32).
 * It is written to a temporary file and renamed into place, so a reader sees a whole file or none;
 * a file that is cut short, damaged (checksum), of another layout or of another catalog version is
 * not used. It is read in one go, and the index's arrays are views into that one buffer.
 */
export async function writeIndexSnapshot(
  index: CatalogIndex,
  path: string,
  catalogVersion: number,
): Promise<void> {
  const parts = new SnapshotParts();
  index.saveTo(parts);
  const sections: SectionEntry[] = [];
  let offset = 0;
  for (const [name, array] of parts.arrays) {
    sections.push({ name, type: typeOf(array), offset, length: array.length });
    offset = align(offset + array.byteLength);
  }
  const header = Buffer.from(JSON.stringify({ catalogVersion, meta: parts.meta, sections }));
  const lead = Buffer.alloc(align(MAGIC.length + 4 + header.length));
  MAGIC.copy(lead, 0);
  lead.writeUInt32LE(header.length, MAGIC.length);
  header.copy(lead, MAGIC.length + 4);

  const temporary = `${path}.${process.pid}.tmp`;
  const file = await open(temporary, 'w');
  try {
    let crc = 0;
    const write = async (bytes: Uint8Array) => {
      // zlib.crc32 of an empty view of an empty buffer returns 0 whatever the running value (Node
      // 20): an empty array adds no bytes, so it adds nothing to the checksum either.
      if (bytes.length === 0) return;
      crc = crc32(bytes, crc);
      // In pieces, so that other work runs between them.
      for (let done = 0; done < bytes.length;) {
        const piece = bytes.subarray(done, Math.min(bytes.length, done + (8 << 20)));
        done += (await file.write(piece)).bytesWritten;
      }
    };
    await write(lead);
    const padding = new Uint8Array(ALIGN);
    for (const array of parts.arrays.values()) {
      await write(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      const pad = align(array.byteLength) - array.byteLength;
      if (pad > 0) await write(padding.subarray(0, pad));
    }
    const trailer = Buffer.alloc(4);
    trailer.writeUInt32LE(crc >>> 0, 0);
    await file.write(trailer);
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await file.close();
  await rename(temporary, path);
}

/**
 * The index saved at `path` when it was built at `catalogVersion`; null when there is no such file
 * or it is of another version. Throws on a damaged or unreadable file (the caller builds anew).
 */
export function readIndexSnapshot(path: string, catalogVersion: number): CatalogIndex | null {
  let file: Buffer;
  try {
    // Into a kernel memory: the values are read by the tree search's kernel where they lie.
    file = readFileIntoKernelMemory(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  if (file.length < MAGIC.length + 8 || !file.subarray(0, MAGIC.length).equals(MAGIC))
    throw new Error('not an index snapshot of this layout');
  const body = file.length - 4;
  if (crc32(file.subarray(0, body)) >>> 0 !== file.readUInt32LE(body))
    throw new Error('checksum mismatch (a damaged or partial file)');
  const headerLength = file.readUInt32LE(MAGIC.length);
  const header = JSON.parse(
    file.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + headerLength),
  ) as Header;
  if (header.catalogVersion !== catalogVersion) return null;
  // Typed-array views need aligned offsets: a buffer that does not start at one is copied once.
  const bytes = file.byteOffset % ALIGN === 0 ? file : Buffer.from(file);
  const start = bytes.byteOffset + align(MAGIC.length + 4 + headerLength);
  const parts = new SnapshotParts();
  Object.assign(parts.meta, header.meta);
  for (const { name, type, offset, length } of header.sections) {
    const Type = SNAPSHOT_ARRAY_TYPES[type];
    if (!Type) throw new Error(`unknown array type ${type}`);
    const byteOffset = start + offset;
    if (byteOffset + length * Type.BYTES_PER_ELEMENT > bytes.byteOffset + body)
      throw new Error(`section ${name} lies outside the file`);
    parts.put(name, new Type(bytes.buffer as ArrayBuffer, byteOffset, length));
  }
  return CatalogIndex.loadFrom(parts);
}

function typeOf(array: SnapshotArray): SnapshotArrayType {
  const name = array.constructor.name as SnapshotArrayType;
  if (!(name in SNAPSHOT_ARRAY_TYPES)) throw new Error(`cannot save a ${name}`);
  return name;
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
