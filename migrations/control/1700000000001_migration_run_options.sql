-- Up Migration
-- The options a run was started with, so a run read back after a restart matches the one the gateway ran.
ALTER TABLE switchyard.migration_runs
  ADD COLUMN count integer,
  ADD COLUMN dry_run boolean NOT NULL DEFAULT false;

CREATE INDEX migration_runs_started_at ON switchyard.migration_runs (started_at DESC);
CREATE INDEX audit_log_database_id ON switchyard.audit_log (database, id DESC);

-- Down Migration
DROP INDEX switchyard.audit_log_database_id;
DROP INDEX switchyard.migration_runs_started_at;
ALTER TABLE switchyard.migration_runs DROP COLUMN dry_run, DROP COLUMN count;
