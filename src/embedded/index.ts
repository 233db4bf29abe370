export { startEmbeddedCluster, freePort } from './embedded-cluster.js';
export type { EmbeddedCluster, EmbeddedClusterOptions, Login } from './embedded-cluster.js';
