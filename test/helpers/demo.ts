import path from 'node:path';
import { parseConfig } from '../../src/config/index.js';
import { DEMO_RELATIONSHIPS, migrateDatabase } from '../../src/demo.js';
import { createTestDatabase, type ClusterName, type TestDatabase } from './databases.js';
import { startTestGateway, type TestGateway } from './gateway.js';

export interface DemoDatabases {
  engineer: TestDatabase;
  app: TestDatabase;
  /** Config entries for both, ready for startTestGateway. */
  databases: { name: string; url: string; purpose: string }[];
  drop(): Promise<void>;
}

/**
 * Fresh `engineer` and `app` databases migrated from migrations/ (the demo schema and seed rows),
 * on clusters a and b by default so cross-cluster paths are real.
 */
export async function createDemoDatabases(clusters: [ClusterName, ClusterName] = ['a', 'b']): Promise<DemoDatabases> {
  const [engineer, app] = await Promise.all([createTestDatabase('engineer', clusters[0]), createTestDatabase('app', clusters[1])]);
  const databases = [
    { name: 'engineer', url: engineer.url, purpose: 'LEO protocol' },
    { name: 'app', url: app.url, purpose: 'projects and users' },
  ];
  const config = parseConfig({ databases: databases.map((d) => ({ ...d, migrationsDir: path.resolve('migrations', d.name) })) }, {});
  await Promise.all(config.databases.map((d) => migrateDatabase(d)));
  return {
    engineer,
    app,
    databases,
    drop: async () => {
      await Promise.all([engineer.drop(), app.drop()]);
    },
  };
}

/** The demo databases with the demo's relationships behind a started test gateway (probes rare). */
export async function startDemoGateway(): Promise<{ demo: DemoDatabases; gw: TestGateway; stop(): Promise<void> }> {
  const demo = await createDemoDatabases();
  const gw = await startTestGateway({ databases: demo.databases, relationships: DEMO_RELATIONSHIPS, probeIntervalMs: 60_000 });
  return {
    demo,
    gw,
    stop: async () => {
      await gw.stop();
      await demo.drop();
    },
  };
}
