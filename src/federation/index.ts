export { bindRelationships } from './bind-relationships.js';
export type { RemoteBinding, BindResult } from './bind-relationships.js';
export { resolveRemote, MAX_KEYS_PER_STATEMENT } from './remote-loader.js';
export type { FederationContext } from './remote-loader.js';
export { bindRemoteAggregates, resolveRemoteAggregate } from './remote-aggregate.js';
export type { RemoteAggregateBinding } from './remote-aggregate.js';
