import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Runs the benchmarks in bench/*.bench.ts with the tests' harness (embedded PostgreSQL, a fresh database, the API in
 * process): measurements, not tests (never part of `pnpm test`). From tests/: `npx vitest run --config vitest.bench.config.ts`.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    root: path.join(here, '..'),
    include: ['bench/*.bench.ts'],
    globalSetup: [path.join(here, 'setup/global-setup.ts')],
    testTimeout: 600_000,
  },
});
