/**
 * A real `import()` for ESM-only packages (Prophet's WebAssembly modules, one with top-level await):
 * under `module: commonjs` TypeScript compiles `import()` to `require()`, which cannot load them.
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- the one way to keep a native import()
const nativeImport = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<unknown>;

export function importEsm<T>(specifier: string): Promise<T> {
  return nativeImport(specifier) as Promise<T>;
}
