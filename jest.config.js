/**
 * `npm test` runs both projects. The e2e project needs a MongoDB-compatible
 * server: it uses MONGODB_URI, or starts an in-memory MongoDB when unset.
 */
const transform = { '^.+\\.ts$': 'ts-jest' };

module.exports = {
  projects: [
    {
      displayName: 'unit',
      rootDir: 'src',
      testEnvironment: 'node',
      testRegex: '\\.spec\\.ts$',
      moduleFileExtensions: ['js', 'json', 'ts'],
      transform,
    },
    {
      displayName: 'e2e',
      rootDir: 'test',
      testEnvironment: 'node',
      testRegex: '\\.e2e-spec\\.ts$',
      moduleFileExtensions: ['js', 'json', 'ts'],
      transform,
      globalSetup: '<rootDir>/support/global-setup.ts',
      globalTeardown: '<rootDir>/support/global-teardown.ts',
    },
  ],
  testTimeout: 60_000,
};
