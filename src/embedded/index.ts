export { startEmbeddedCluster, freePort } from './embedded-cluster.js';
export type { EmbeddedCluster, EmbeddedClusterOptions } from './embedded-cluster.js';
