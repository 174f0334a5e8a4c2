import { type WasmMemory, type WasmModule, webAssembly } from '../../common/webassembly';

/**
 * One kernel's compiled module and its instance per kernel memory: the module is compiled on first
 * use (never where this runtime lacks WebAssembly SIMD: then `for` gives undefined), and each
 * memory gets one instance, wrapped by `wrap`, for as long as the memory lives.
 */
export class KernelInstances<K> {
  private compiled: WasmModule | null | undefined;
  private readonly kernels = new WeakMap<WasmMemory, K>();

  constructor(
    private readonly binary: Uint8Array,
    private readonly wrap: (memory: WasmMemory, functions: Record<string, unknown>) => K,
  ) {}

  for(memory: WasmMemory): K | undefined {
    if (this.compiled === undefined) {
      const valid = webAssembly.validate(this.binary);
      this.compiled = valid ? new webAssembly.Module(this.binary) : null;
    }
    if (!this.compiled) return undefined;
    let kernel = this.kernels.get(memory);
    if (!kernel) {
      const instance = new webAssembly.Instance(this.compiled, { env: { memory } });
      kernel = this.wrap(memory, instance.exports);
      this.kernels.set(memory, kernel);
    }
    return kernel;
  }
}
