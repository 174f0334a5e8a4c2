/** Two tiers: unit specs beside the code, e2e specs in test/ on a real database. */
const project = (displayName, testMatch) => ({
  displayName,
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: [testMatch],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFiles: ['reflect-metadata'],
});

/** @type {import('jest').Config} */
module.exports = {
  // e2e suites boot the app and may train small models; unit specs finish far sooner.
  testTimeout: 60000,
  projects: [
    project('unit', '<rootDir>/src/**/*.spec.ts'),
    project('e2e', '<rootDir>/test/**/*.e2e-spec.ts'),
  ],
};
