export { buildGatewaySchema } from './build-schema.js';
export type { SchemaInput, SchemaExtension } from './build-schema.js';
export type { GatewayContext, Identity, Role, RunStatement } from './context.js';
export type * from './admin-api.js';
export { databaseError } from './db-errors.js';
export { relationshipExtension, REMOTE_BINDING } from './remote-fields.js';
export { SubscriptionEnded, CREDENTIALS_RECHECK_MS } from './end-with-credentials.js';
