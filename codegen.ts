import type { CodegenConfig } from '@graphql-codegen/cli';

/** Types the example operations in schema/operations against the printed demo schema. */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['schema/operations/*.graphql'],
  generates: {
    'schema/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      plugins: [{ add: { content: '// generated — do not edit; regenerate with: npm run codegen' } }],
      config: {
        scalars: { BigInt: 'string', BigDecimal: 'string', DateTime: 'string', Date: 'string', JSON: 'unknown' },
        enumsAsTypes: true,
        useTypeImports: true,
        emitLegacyCommonJSImports: false,
      },
    },
  },
};

export default config;
