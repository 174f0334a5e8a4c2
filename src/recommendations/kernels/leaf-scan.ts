import { COLUMN_COUNT } from '../../catalog-index/catalog-index';
import { kernelMemoryOf } from '../../catalog-index/structures/kernel-memory';
import type { WasmMemory } from '../../common/webassembly';
import { KernelInstances } from './kernel-instances';
import { LEAF_SCAN_WASM } from './leaf-scan.wasm';

/** Points whose centres the scratch holds (leaf-scan.wat's layout). */
export const KERNEL_POINTS = 32;
/** The most slots one call may find (the answer's room in the scratch). */
export const KERNEL_MAX_RUN = 15_360;
const LANES = 16;
const CENTRES = 0;
const WEIGHTS = 2048 / 4;
const MASKS = 2112 / 4;
const LIST = 2176 / 4;
const GROUP_ORDER = 2240 / 4;
const LIMITS = 2304 / 4;
const ANSWER = 4096 / 4;

let enabled = true;

/**
 * The leaf-scan kernel (leaf-scan.wat) over one kernel memory: the request's centres, weights and
 * masks are written to the memory's scratch once per request (`owner` says whose they are), then
 * each leaf's points and limits, and the kernel gives the slots within a limit of some point.
 */
export class LeafScanKernel {
  private static readonly instances = new KernelInstances(
    LEAF_SCAN_WASM,
    (memory, functions) => new LeafScanKernel(memory, functions),
  );
  /** The request (its CostBounds) whose centres, weights and masks the scratch holds. */
  owner: unknown = null;
  private readonly floats: Float32Array;
  private readonly ints: Int32Array;
  private readonly run: (values: number, from: number, to: number, count: number) => number;

  private constructor(memory: WasmMemory, functions: Record<string, unknown>) {
    this.run = functions.scan as LeafScanKernel['run'];
    this.floats = new Float32Array(memory.buffer, 0, ANSWER);
    this.ints = new Int32Array(memory.buffer, 0, ANSWER + KERNEL_MAX_RUN);
  }

  /** The kernel that reads `values` in place; undefined where they are not in a kernel memory. */
  static for(values: Float32Array): LeafScanKernel | undefined {
    if (!enabled || COLUMN_COUNT > LANES) return undefined;
    const memory = kernelMemoryOf(values);
    return memory && LeafScanKernel.instances.for(memory);
  }

  /** Benchmarks measure the JavaScript scan with the kernel off (then `for` gives undefined). */
  static setEnabled(on: boolean): void {
    enabled = on;
  }

  /** Point p's centre in index column c. */
  setCentre(p: number, c: number, value: number): void {
    this.floats[CENTRES + p * LANES + c] = value;
  }

  /** Column c's quadratic weight; a column with weight undefined does not count. */
  setColumn(c: number, weight: number | undefined): void {
    this.floats[WEIGHTS + c] = weight ?? 0;
    this.ints[MASKS + c] = weight === undefined ? 0 : -1;
  }

  /** The four groups of four columns (0: columns 0–3, …), heaviest first. */
  setGroupOrder(groups: readonly number[]): void {
    for (let i = 0; i < 4; i++) this.ints[GROUP_ORDER + i] = groups[i] * 16;
  }

  /** The k-th point to test, and its limit. */
  setPoint(k: number, point: number, limit: number): void {
    this.ints[LIST + k] = point;
    this.floats[LIMITS + k] = limit;
  }

  /**
   * The slots of [from, to) (at most KERNEL_MAX_RUN) within the limit of one of the first `count`
   * listed points, ascending: their number; answer(i) reads them.
   */
  scan(values: Float32Array, from: number, to: number, count: number): number {
    return this.run(values.byteOffset, from, to, count);
  }

  answer(i: number): number {
    return this.ints[ANSWER + i];
  }
}
