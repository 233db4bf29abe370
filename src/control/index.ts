export { ControlStore } from './control-store.js';
export { AUDIT_SUMMARY_MAX } from './control-records.js';
export type {
  AuditEntry,
  AuditOutcome,
  AuditRecord,
  MigrationRunInput,
  MigrationRunRecord,
  StoredRunDirection,
  StoredRunStatus,
} from './control-records.js';
export { API_KEY_PREFIX, API_KEY_ROLES, hashApiKey } from './api-key.js';
export type { ApiKeyGrant, ApiKeyInfo, ApiKeyRole, CreateApiKeyInput } from './api-key.js';
export { seal, open, loadSecretKey, SECRET_KEY_ENV } from './secret-box.js';
export { createJwtVerifier } from './jwt-verifier.js';
export type { JwtClaims, JwtVerifier, JwtVerifierOptions } from './jwt-verifier.js';
export { CatalogCache } from './catalog-cache.js';
export { ControlBus, CONTROL_CHANNEL } from './control-bus.js';
export type { ControlAnnouncement, ControlMessage, ControlBusOptions } from './control-bus.js';
export { RunStore } from './run-store.js';
export type { StoredRun, StoredRunEvent } from './run-store.js';
