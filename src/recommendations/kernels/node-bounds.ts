import { COLUMN_COUNT } from '../../catalog-index/catalog-index';
import { kernelMemoryOf } from '../../catalog-index/structures/kernel-memory';
import type { FeatureTree } from '../../catalog-index/structures/feature-tree';
import type { WasmMemory } from '../../common/webassembly';
import { KernelInstances } from './kernel-instances';
import { NODE_BOUNDS_WASM } from './node-bounds.wasm';

/** Points whose parameters the scratch holds (node-bounds.wat's layout), as many as a mask has bits. */
export const BOUNDS_KERNEL_POINTS = 30;
const LANES = 16;
const CENTRES = 0;
const CONSTANTS = 2048 / 4;
const UNKNOWNS = 4096 / 4;
const WEIGHTS = 6144 / 4;
const MASKS = 6208 / 4;
const FILTER_LOW = 6272 / 4;
const FILTER_HIGH = 6336 / 4;
const FILTERED = 6400 / 4;
const NEAR = 6464 / 4;

let enabled = true;

/**
 * The node-bound kernel (node-bounds.wat) over a tree whose boxes lie in a kernel memory: the
 * request's parameters are written to the memory's scratch once per request (`owner` says whose
 * they are), then each node's least cost is one call.
 */
export class NodeBoundsKernel {
  private static readonly instances = new KernelInstances(
    NODE_BOUNDS_WASM,
    (memory, functions) => new NodeBoundsKernel(memory, functions),
  );
  /** The request (its CostBounds) whose parameters the scratch holds. */
  owner: unknown = null;
  private readonly floats: Float32Array;
  private readonly ints: Int32Array;
  private readonly run: (
    lo: number,
    hi: number,
    node: number,
    missing: number,
    limit: number,
    mask: number,
    points: number,
  ) => number;

  private constructor(memory: WasmMemory, functions: Record<string, unknown>) {
    this.run = functions.least as NodeBoundsKernel['run'];
    this.floats = new Float32Array(memory.buffer, 0, NEAR + 1);
    this.ints = new Int32Array(memory.buffer, 0, NEAR + 1);
  }

  /** The kernel over the tree's boxes; undefined where they are not in one kernel memory. */
  static for(tree: FeatureTree): NodeBoundsKernel | undefined {
    if (!enabled || COLUMN_COUNT > LANES) return undefined;
    const memory = kernelMemoryOf(tree.lo);
    return memory && memory === kernelMemoryOf(tree.hi)
      ? NodeBoundsKernel.instances.for(memory)
      : undefined;
  }

  /** Benchmarks and tests measure the JavaScript bound with the kernel off. */
  static setEnabled(on: boolean): void {
    enabled = on;
  }

  /** Point p's parameters in index column c. */
  setPointColumn(p: number, c: number, centre: number, constant: number, unknown: number): void {
    const i = p * LANES + c;
    this.floats[CENTRES + i] = centre;
    this.floats[CONSTANTS + i] = constant;
    this.floats[UNKNOWNS + i] = unknown;
  }

  /**
   * Column c's quadratic weight (undefined: the column does not count) and filter range (±infinity
   * where none; `filtered`: a filter narrows it).
   */
  setColumn(c: number, weight: number | undefined, low: number, high: number, filtered: boolean) {
    this.floats[WEIGHTS + c] = weight ?? 0;
    this.ints[MASKS + c] = weight === undefined ? 0 : -1;
    this.floats[FILTER_LOW + c] = low;
    this.floats[FILTER_HIGH + c] = high;
    this.ints[FILTERED + c] = filtered ? -1 : 0;
  }

  /**
   * The least cost (float32 sums) of the tree node's box (the tree whose boxes lie in this
   * kernel's memory) to the points of `mask` among the first
   * `points`, Infinity where each is past `limit`; near() gives those within it.
   */
  least(tree: FeatureTree, node: number, limit: number, mask: number, points: number): number {
    return this.run(
      tree.lo.byteOffset,
      tree.hi.byteOffset,
      node,
      tree.missing[node],
      limit,
      mask,
      points,
    );
  }

  /** The points the last least() found within its limit (bit p: point p). */
  near(): number {
    return this.ints[NEAR];
  }
}
