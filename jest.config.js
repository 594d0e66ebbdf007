import { existsSync } from 'node:fs';

// Nest 12 is ESM-only, so Jest runs in native ESM mode (node --experimental-vm-modules)
// with SWC compiling TypeScript using legacy decorators and emitted metadata.
// test/servers/ needs a shared PostgreSQL and Redis (several app instances at once); it joins
// the run when DATABASE_URL and REDIS_URL are set, as in the second half of .ci/run.
const withServers = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);

// test/browser/ drives Debian's Chromium; without it those tests cannot run, and we say so once.
const chromiumPath = '/usr/bin/chromium';
const withBrowser = existsSync(chromiumPath);
if (!withBrowser) console.log(`Browser tests skipped: no Chromium at ${chromiumPath} (apt-get install chromium).`);

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  setupFiles: ['<rootDir>/test/setup/preload-nest.ts'],
  testPathIgnorePatterns: ['/node_modules/', ...(withServers ? [] : ['<rootDir>/test/servers/']), ...(withBrowser ? [] : ['<rootDir>/test/browser/'])],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2023',
        },
        module: { type: 'es6' },
      },
    ],
  },
  // Generous: several tests start their own app (PGlite boot + migrations) on a shared 2-core machine.
  testTimeout: 90000,
};
