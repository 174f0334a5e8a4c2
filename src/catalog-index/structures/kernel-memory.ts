import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { type WasmMemory, webAssembly } from '../../common/webassembly';

/**
 * Typed arrays in a WebAssembly.Memory, so that a WebAssembly kernel can read them where they are
 * (the tree search's leaf scan reads the index's values: recommendations/kernels/leaf-scan.ts). Each
 * array (or file) gets a memory of its own, never grown (growing would detach every view of it):
 * its first KERNEL_SCRATCH bytes are the kernels' parameters and answers, the data lies after them.
 * Where a memory cannot be had (past WebAssembly's 4 GiB, or refused), plain memory serves and the
 * kernels are not used: the same answers, the JavaScript scan's speed.
 */
export const KERNEL_SCRATCH = 64 * 1024;
const PAGE = 64 * 1024;
const MAX_PAGES = 65536;
/** Bytes past the data that a kernel may read: a 14-column row is read as 16 lanes. */
const TAIL = 64;

const memories = new WeakMap<ArrayBufferLike, WasmMemory>();

/** A memory with `bytes` of room after the scratch, or null where none can be had. */
function kernelMemory(bytes: number): WasmMemory | null {
  const pages = Math.ceil((KERNEL_SCRATCH + bytes + TAIL) / PAGE);
  if (pages > MAX_PAGES) return null;
  try {
    const memory = new webAssembly.Memory({ initial: pages, maximum: pages });
    memories.set(memory.buffer, memory);
    return memory;
  } catch {
    return null;
  }
}

/**
 * Zeroed Float32Arrays of `lengths`, one after the other in one kernel memory where one can be had
 * (a kernel reads them all), else in plain memory.
 */
export function kernelFloat32Arrays(lengths: readonly number[]): Float32Array<ArrayBuffer>[] {
  const total = lengths.reduce((sum, length) => sum + length, 0);
  const memory = kernelMemory(total * Float32Array.BYTES_PER_ELEMENT);
  let offset = KERNEL_SCRATCH;
  return lengths.map((length) => {
    if (!memory) return new Float32Array(length);
    const array = new Float32Array(memory.buffer, offset, length);
    offset += length * Float32Array.BYTES_PER_ELEMENT;
    return array;
  });
}

/** A zeroed Float32Array of `length`, in a kernel memory where one can be had. */
export function kernelFloat32Array(length: number): Float32Array<ArrayBuffer> {
  return kernelFloat32Arrays([length])[0];
}

/** The kernel memory an array lies in; undefined for plain memory. */
export function kernelMemoryOf(array: ArrayBufferView): WasmMemory | undefined {
  return memories.get(array.buffer);
}

/**
 * A file's bytes, read in one go into a kernel memory where one can be had (else into a Buffer), at
 * an offset aligned to KERNEL_SCRATCH: typed-array views of its sections need no copy.
 */
export function readFileIntoKernelMemory(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const memory = kernelMemory(size);
    const file = memory
      ? Buffer.from(memory.buffer, KERNEL_SCRATCH, size)
      : Buffer.allocUnsafe(size);
    for (let done = 0; done < size;) {
      const read = readSync(fd, file, done, size - done, done);
      if (read === 0) throw new Error(`${path} ended early`);
      done += read;
    }
    return file;
  } finally {
    closeSync(fd);
  }
}
