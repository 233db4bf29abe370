export { createAdminApi } from './create-admin-api.js';
export type { AdminDeps } from './create-admin-api.js';
export type { SchemaHost } from './schema-host.js';
export { redactDdlPasswords } from './audit-text.js';
export { createControlSync } from './control-sync.js';
export type { ControlSync, ControlSyncDeps } from './control-sync.js';
