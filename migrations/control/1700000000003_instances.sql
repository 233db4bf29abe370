-- Up Migration
-- Several instances share one control database: a run is a job leased by the instance executing it,
-- and its events are stored one row each, so any instance can replay and follow it.
ALTER TABLE switchyard.migration_runs
  ADD COLUMN owner text,
  ADD COLUMN lease_until timestamptz,
  ADD COLUMN parallel integer NOT NULL DEFAULT 1,
  ADD COLUMN on_error text NOT NULL DEFAULT 'STOP',
  ADD COLUMN outcomes jsonb NOT NULL DEFAULT '[]';

CREATE INDEX migration_runs_running ON switchyard.migration_runs (lease_until) WHERE status = 'RUNNING';

CREATE TABLE switchyard.migration_run_events (
  run_id uuid NOT NULL REFERENCES switchyard.migration_runs (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  event jsonb NOT NULL,
  PRIMARY KEY (run_id, seq)
);

-- Down Migration
DROP TABLE switchyard.migration_run_events;
DROP INDEX switchyard.migration_runs_running;
ALTER TABLE switchyard.migration_runs DROP COLUMN outcomes, DROP COLUMN on_error, DROP COLUMN parallel, DROP COLUMN lease_until, DROP COLUMN owner;
