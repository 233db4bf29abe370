/**
 * The four-level table chain of issue #12's nested burst (bench/nested-burst.ts and
 * test/server/health-under-load.test.ts): 1,000 l1 rows with 49 l2 rows each (49,000 in all), so
 * `l1(limit: 1000) { l2(limit: 49) }` reads exactly the default row budget of 50,000; l3 and l4 empty.
 */
export const BURST_SCHEMA_SQL = `
  CREATE TABLE l1 (id int PRIMARY KEY);
  CREATE TABLE l2 (id int PRIMARY KEY, l1_id int NOT NULL REFERENCES l1 (id), note text NOT NULL);
  CREATE INDEX ON l2 (l1_id);
  CREATE TABLE l3 (id int PRIMARY KEY, l2_id int NOT NULL REFERENCES l2 (id));
  CREATE TABLE l4 (id int PRIMARY KEY, l3_id int NOT NULL REFERENCES l3 (id));
  INSERT INTO l1 SELECT g FROM generate_series(1, 1000) g;
  INSERT INTO l2 SELECT g, (g - 1) / 49 + 1, repeat('x', 40) FROM generate_series(1, 49000) g;
  ANALYZE;`;
