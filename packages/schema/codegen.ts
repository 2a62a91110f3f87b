import type { CodegenConfig } from '@graphql-codegen/cli';

// The partners' typed client: typed document nodes of every operation in src/partner/operations.graphql, from the
// committed contract (never a running server). Generated on build and typecheck, like the console's (not committed).
const config: CodegenConfig = {
  schema: './schema.graphql',
  documents: ['src/partner/operations.graphql'],
  // NodeNext resolution: generated imports need their .js extension.
  emitLegacyCommonJSImports: false,
  generates: {
    './src/partner/gql/': {
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
