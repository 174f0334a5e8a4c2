/**
 * A real `import()` for ESM-only packages (the Prophet WebAssembly modules) from this CommonJS build:
 * TypeScript compiles `import()` to `require()` under `module: commonjs`, and `require()` cannot load
 * ESM with top-level await. Jest's sandbox has no native `import()` either, so the test environment
 * (test/helpers/esm-import.environment.js) provides one as `globalThis.__importEsm__`.
 */
type EsmImporter = (specifier: string) => Promise<unknown>;

// eslint-disable-next-line @typescript-eslint/no-implied-eval -- the one way to keep a native import()
const nativeImport = new Function('specifier', 'return import(specifier)') as EsmImporter;

export function importEsm<T>(specifier: string): Promise<T> {
  const provided = (globalThis as { __importEsm__?: EsmImporter }).__importEsm__;
  return (provided ?? nativeImport)(specifier) as Promise<T>;
}
