/**
 * The part of WebAssembly's JavaScript API the kernels use, typed here: Node has it, but
 * TypeScript's ES libraries leave it out (only the DOM library declares it).
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
export type WasmModule = object;
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (
    module: WasmModule,
    imports: Record<string, Record<string, unknown>>,
  ) => WasmInstance;
  validate(bytes: Uint8Array): boolean;
}

export const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
