/** Two tiers: unit specs beside the code, e2e specs in test/ on a real database. */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: false }];

/** @type {import('jest').Config} */
module.exports = {
  // e2e suites boot the app and may train small models; unit specs finish far sooner.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      rootDir: '.',
      testEnvironment: '<rootDir>/test/helpers/esm-import.environment.js',
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      moduleFileExtensions: ['ts', 'js', 'json'],
      setupFiles: ['reflect-metadata'],
    },
    {
      displayName: 'e2e',
      rootDir: '.',
      testEnvironment: '<rootDir>/test/helpers/esm-import.environment.js',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      moduleFileExtensions: ['ts', 'js', 'json'],
      setupFiles: ['reflect-metadata'],
    },
  ],
};
