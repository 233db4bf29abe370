import type { Plugin } from 'graphql-yoga';
import type { SchemaManager } from './schema-manager.js';

/**
 * Serves whatever schema the SchemaManager holds at the moment an operation starts, for
 * HTTP and graphql-ws alike: a swap affects the next operation, never one in flight.
 */
export function useSchemaSwap(schemas: SchemaManager): Plugin {
  return {
    onEnveloped({ setSchema }) {
      setSchema(schemas.schema);
    },
  };
}
