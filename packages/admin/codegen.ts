import type { CodegenConfig } from '@graphql-codegen/cli';

// Types come from the committed contract, never from a running server: the build works offline.
const config: CodegenConfig = {
  schema: '../schema/schema.graphql',
  documents: ['src/**/*.ts', 'src/**/*.vue', '!src/gql/**/*'],
  ignoreNoDocuments: true,
  generates: {
    './src/gql/': {
      preset: 'client',
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { Date: 'string', DateTimeISO: 'string' },
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
