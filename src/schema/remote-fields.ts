import { relationshipFieldRule } from '../auth/index.js';
import type { RelationshipConfig } from '../config/index.js';
import { bindRelationships, resolveRemote } from '../federation/index.js';
import type { SchemaExtension } from './build-schema.js';
import { guardResolver } from './guard-fields.js';
import { listArgs } from './table-types.js';

/** Key of a relationship field's `extensions` holding its RemoteBinding. */
export const REMOTE_BINDING = 'switchyardRemoteBinding';

/**
 * Adds one field per relationship (cross-database, or within a database where no foreign key
 * exists) to its source type. Relationships whose ends are missing are reported to `onProblem`.
 */
export function relationshipExtension(relationships: readonly RelationshipConfig[], onProblem: (problem: string) => void = () => {}): SchemaExtension {
  return (builder, databases) => {
    const { bindings, problems } = bindRelationships([...databases.values()].map((d) => d.model), relationships);
    problems.forEach(onProblem);
    for (const binding of bindings) {
      const source = databases.get(binding.source.database)!.tables.get(binding.source)!;
      const target = databases.get(binding.target.database)!.tables.get(binding.target)!;
      const { relationship } = binding;
      // SECURITY: the field reads the target database, so it needs a grant there (FORBIDDEN at its path, no statement otherwise).
      const resolve = guardResolver(relationshipFieldRule(binding.target.database), resolveRemote(binding));
      const description = `${relationship.type === 'array' ? 'Rows' : 'The row'} of ${relationship.to.database}.${relationship.to.table} where ${relationship.to.columns.join(', ')} = ${relationship.from.columns.join(', ')} (relationship "${relationship.name}", batched).`;
      // NOTE: the binding rides on the field (REMOTE_BINDING) so the server's fast path plans the same edge as this resolver.
      const extensions = { [REMOTE_BINDING]: binding };
      (builder as any).objectFields(source.object, (t: any) => ({
        [binding.field.field]: binding.field.many
          ? t.field({ type: [target.object], nullable: { list: true, items: false }, description, args: listArgs(t, target), resolve, extensions })
          : t.field({ type: target.object, nullable: true, description, resolve, extensions }),
      }));
    }
  };
}
