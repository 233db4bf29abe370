import type { EventEmitter } from 'node:events';
import type { GraphQLSchema } from 'graphql';
import type { DatabaseModel } from '../naming/index.js';
import type { SchemaChangedInfo } from '../schema/index.js';

/**
 * What the admin operations need of the server's schema manager: catalogs, reloads and
 * rebuilds (a failed build throws and keeps the last good schema), and its `changed` event.
 */
export interface SchemaHost extends EventEmitter<{ changed: [SchemaChangedInfo] }> {
  readonly schema: GraphQLSchema;
  readonly databaseModels: readonly DatabaseModel[];
  state(database: string): { error?: string; refused?: boolean } | undefined;
  reload(databases?: string[]): Promise<void>;
  rebuild(changed?: string[]): void;
  forget(database: string): void;
}
