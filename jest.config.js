/** One jest run for the whole tree: unit tests beside the code, integration tests in each
 * package's test/integration, the end-to-end test in test/e2e. Sources are transformed by swc,
 * so tests never need a build; `tsc -b` type-checks separately. */
const packages = {
  '@servping/shared': 'shared',
  '@servping/runtime': 'runtime',
  '@servping/compute': 'compute',
  '@servping/worker': 'services/worker',
  '@servping/aggregator': 'services/aggregator',
  '@servping/collector': 'services/collector',
  '@servping/versions': 'services/versions',
  '@servping/demo': 'demo',
  '@servping/stack': 'stack',
  '@servping/bench': 'bench',
};
module.exports = {
  testEnvironment: 'node',
  roots: [
    '<rootDir>/shared',
    '<rootDir>/runtime',
    '<rootDir>/compute',
    '<rootDir>/demo',
    '<rootDir>/stack',
    '<rootDir>/bench',
    '<rootDir>/services',
    '<rootDir>/test',
  ],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  moduleNameMapper: {
    ...Object.fromEntries(
      Object.entries(packages).map(([name, dir]) => [`^${name}$`, `<rootDir>/${dir}/src/index.ts`]),
    ),
    // Where the tests' PostgreSQL and Redis are (the one place that says so).
    '^@servping/test-servers$': '<rootDir>/test/support/test-servers.ts',
  },
  // Starts PostgreSQL and Redis under .servping/test/ when nothing answers at the tests' URLs.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
