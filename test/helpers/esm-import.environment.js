/**
 * Jest environment giving tests a native `import()` (as `globalThis.__importEsm__`) for ESM-only
 * packages such as @bsull/augurs and its top-level-await optimizer: jest's own sandbox cannot run
 * `import()` without --experimental-vm-modules. Modules load in Node's own module system, once per
 * test file. Used by src/trends/esm-import.ts.
 */
const { TestEnvironment } = require('jest-environment-node');

class EsmImportEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.__importEsm__ = (specifier) => import(specifier);
  }
}

module.exports = EsmImportEnvironment;
