/**
 * Two tiers: unit specs beside the code, e2e specs in test/ on a real database.
 *
 * @fastify/static (Swagger UI's files, the dashboard) depends on content-disposition 3, which ships
 * only as an ES module: Node 20 loads it, jest's CommonJS runtime does not, so jest compiles it.
 */
const esmOnlyDependencies = ['content-disposition'];
const compileEsmDependency = [
  'ts-jest',
  { tsconfig: { allowJs: true, module: 'commonjs', esModuleInterop: true }, isolatedModules: true },
];

const project = (displayName, testMatch) => ({
  displayName,
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: [testMatch],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: false }],
    [`/node_modules/(${esmOnlyDependencies.join('|')})/.+\\.js$`]: compileEsmDependency,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyDependencies.join('|')})/)`],
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
