export { buildGatewaySchema } from './build-schema.js';
export type { SchemaInput, SchemaExtension } from './build-schema.js';
export type { GatewayContext, AdminApi, DatabaseInfo, Identity, Role, RunStatement } from './context.js';
export { authorize } from './authorize.js';
export { databaseError } from './db-errors.js';
export { relationshipExtension } from './remote-fields.js';
