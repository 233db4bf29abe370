import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../src/embedded/index.js';

/** Server flags for throwaway test clusters: durability off, statement counting on. */
export const TEST_SERVER_FLAGS = [
  '-c', 'fsync=off',
  '-c', 'synchronous_commit=off',
  '-c', 'full_page_writes=off',
  '-c', 'max_connections=300',
  '-c', 'shared_preload_libraries=pg_stat_statements',
  '-c', 'pg_stat_statements.track=all',
];

export interface ClusterInfo {
  host: string;
  port: number;
  user: string;
  password: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Two shared clusters, "a" and "b"; test files create their own databases on them. */
    clusters: { a: ClusterInfo; b: ClusterInfo };
  }
}

let started: EmbeddedCluster[] = [];

export async function setup(project: TestProject): Promise<void> {
  const start = async (name: string) =>
    startEmbeddedCluster({
      dataDir: await mkdtemp(path.join(tmpdir(), `switchyard-test-${name}-`)),
      password: `test-${name}-pw`,
      persistent: false,
      serverFlags: TEST_SERVER_FLAGS,
    });
  started = await Promise.all([start('a'), start('b')]);
  const info = (c: EmbeddedCluster): ClusterInfo => ({ host: c.host, port: c.port, user: c.user, password: c.password });
  project.provide('clusters', { a: info(started[0]), b: info(started[1]) });
}

export async function teardown(): Promise<void> {
  await Promise.all(started.map((c) => c.stop()));
}
