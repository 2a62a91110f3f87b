import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export default defineConfig({
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
      '@tanfang/schema': path.join(here, '../packages/schema/src/index.ts'),
    },
  },
  test: {
    root: here,
    include: ['api/**/*.test.ts', 'e2e/**/*.test.ts'],
    globalSetup: ['./setup/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
