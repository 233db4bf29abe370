export { Connection } from './connection.js';
export type { DatabaseStatus, PoolStats, TransactionClient, SessionSettings, StatusChangeEvent } from './connection.js';
export { clientConfig } from './pool.js';
export { HALF_OPEN_INTERVAL_MS } from './breaker.js';
export { ConnectionRegistry } from './connection-registry.js';
export { connectionHint, connectionLostError, isConnectionLost, isUnavailableError, unavailableError } from './connection-errors.js';
export { listen } from './listener.js';
export type { Listener } from './listener.js';
