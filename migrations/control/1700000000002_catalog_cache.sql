-- Up Migration
-- The last catalog read from each database, so a database that is down at start still gets its namespace.
CREATE TABLE switchyard.catalogs (
  name text PRIMARY KEY,
  catalog jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE switchyard.catalogs;
