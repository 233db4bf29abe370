import type { CodegenConfig } from '@graphql-codegen/cli';

/** Types the example operations in schema/operations against the printed demo schema. */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['schema/operations/*.graphql'],
  generates: {
    'schema/generated/': {
      preset: 'client',
      // persisted-documents.json: sha256 → text, the list `trustedDocuments.file` loads.
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
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
