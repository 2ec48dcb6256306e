// One Jest run covers every package's tests and the cross-package suites under test/.
// Sources are native ESM TypeScript: swc strips types, Node's VM modules load them (see the "test" script).
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'es6' },
  },
];

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  // NodeNext sources import siblings as "./x.js"; Jest resolves them to the .ts files.
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // An ESM-only dependency of @fastify/static that Jest cannot require(); see the stand-in for why that is safe.
    '^content-disposition$': '<rootDir>/test/support/content-disposition.cjs',
  },
  testMatch: [
    '<rootDir>/packages/*/test/**/*.test.ts',
    '<rootDir>/services/*/test/**/*.test.ts',
    '<rootDir>/infra/harness/test/**/*.test.ts',
    '<rootDir>/test/**/*.test.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
