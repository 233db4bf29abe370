export { createGateway } from './gateway.js';
export type { Gateway, GatewayOptions } from './gateway.js';
export { SchemaManager } from './schema-manager.js';
export type { SchemaChangedEvent, CatalogState } from './schema-manager.js';
export { createLogger } from './logger.js';
