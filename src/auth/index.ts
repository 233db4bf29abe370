export { ROLES, isRole, roleAtLeast, grantsDatabase, unrestricted } from './roles.js';
export type { Role, Identity } from './roles.js';
export { ACCESS_TABLE, namespaceRule, relationshipFieldRule, rootFieldRule } from './access-table.js';
export type { AccessLookup, AccessRule, DatabaseScope, FieldArgs } from './access-table.js';
export { requireRole, checkAccess, callerDatabases } from './check-access.js';
