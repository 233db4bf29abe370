export { Connection, clientConfig } from './connection.js';
export type { DatabaseStatus, PoolStats, TransactionClient, SessionSettings } from './connection.js';
export { ConnectionRegistry } from './connection-registry.js';
export type { StatusChangeEvent } from './connection-registry.js';
export { connectionHint, isUnavailableError, unavailableError } from './connection-errors.js';
