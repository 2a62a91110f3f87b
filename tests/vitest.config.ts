import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import vue from '@vitejs/plugin-vue';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';
import LongestFirstSequencer from './setup/sequencer.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const admin = path.join(here, '../packages/admin');

export default defineConfig({
  test: {
    // Two files at a time. Vitest's default on a run is one worker fewer than the cores, which on the two-core CI
    // machine is one: the 87 files ran one after another while PostgreSQL, Chromium and the API each left a core idle
    // for much of a file (a browser file mostly waits on the page; an API file on the database). Set here, not per
    // project: projects that share a run must agree on it. A bigger machine keeps vitest's default.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    // Longest files first, also on a fresh clone with no timing cache (see the sequencer for why).
    sequence: { sequencer: LongestFirstSequencer },
    projects: [
      {
        // The API and the browser tests: real PostgreSQL from the global setup.
        plugins: [
          // type-graphql and MikroORM read decorator metadata, which only SWC (not Vite's oxc) emits faithfully.
          swc.vite({
            jsc: {
              parser: { syntax: 'typescript', decorators: true },
              transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
              target: 'es2022',
            },
          }),
        ],
        oxc: false,
        resolve: {
          alias: {
            // One copy of graphql: the package has no exports map, so its ESM and CJS builds could both load
            // ("Cannot use GraphQLObjectType from another module or realm").
            graphql: path.dirname(require.resolve('graphql/package.json', { paths: [path.join(here, '../packages/api')] })) + '/index.js',
            // Before the package's root: an alias also matches the paths below it.
            '@tanfang/schema/partner': path.join(here, '../packages/schema/src/partner/index.ts'),
            '@tanfang/schema': path.join(here, '../packages/schema/src/index.ts'),
          },
        },
        test: {
          name: 'api',
          root: here,
          include: ['api/**/*.test.ts', 'e2e/**/*.test.ts'],
          globalSetup: ['./setup/global-setup.ts'],
          pool: 'forks',
          // Each worker process loads the API's modules once, not once per file. Isolated, every file paid for loading
          // the whole API (≈190 modules through SWC, MikroORM, Apollo, type-graphql) and building the schema again: on
          // six small API files that was 174 s of 308 (import time), 40 s without isolation, and half the CPU. Files
          // still share nothing that matters: each has its own database, ORM, Apollo and server (helpers/app.ts) and
          // closes them in afterAll; the schema is built once per process by design (graphql/schema.ts). A file that
          // changes module state (process.env, a module's variable, a spy on a module export) must restore it.
          isolate: false,
          // 60 s: with two files at a time on a two-core runner, a browser test that saves and reloads a page shares the
          // cores with another file's browser and API (runs passing alone in 10-15 s took up to 30 s there).
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // expect.poll's default (1 s) is shorter than a console page's first data on a busy two-core runner (the elder
          // list took 2 to 3 s while seven sessions built beside it): a poll waits up to 10 s, and still fails then.
          expect: { poll: { timeout: 10_000 } },
        },
      },
      {
        // The console's shared pieces (PagedTable, useListQuery, formatters, field errors) mounted in happy-dom: no
        // database, no browser. The admin's own sources, compiled as Vite compiles them for the console.
        plugins: [vue()],
        resolve: {
          alias: { '@tanfang/schema': path.join(here, '../packages/schema/src/index.ts') },
          // One Vue (and router, i18n, Element Plus) for the test and the component: two copies would not share
          // reactivity, injections or the app context.
          dedupe: ['vue', 'vue-router', 'vue-i18n', 'element-plus'],
        },
        server: { fs: { allow: [here, admin] } },
        test: {
          name: 'components',
          root: here,
          include: ['components/**/*.test.ts'],
          environment: 'happy-dom',
          testTimeout: 30_000,
          // Element Plus ships ESM that imports its CSS-less parts; inline it so vitest transforms it once.
          server: { deps: { inline: ['element-plus'] } },
        },
      },
    ],
  },
});
