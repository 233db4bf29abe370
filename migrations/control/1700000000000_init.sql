-- Up Migration
CREATE SCHEMA IF NOT EXISTS switchyard;

CREATE TABLE switchyard.databases (
  name text PRIMARY KEY,
  purpose text NOT NULL DEFAULT '',
  -- AES-256-GCM sealed JSON of the connection entry (url, password, …); never stored in clear.
  sealed_config text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE switchyard.relationships (
  name text NOT NULL,
  from_database text NOT NULL,
  definition jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (from_database, name)
);

CREATE TABLE switchyard.migration_runs (
  id uuid PRIMARY KEY,
  databases text[] NOT NULL,
  direction text NOT NULL,
  status text NOT NULL,
  error text,
  events jsonb NOT NULL DEFAULT '[]',
  started_by text,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);

CREATE TABLE switchyard.audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  database text,
  summary text NOT NULL,
  outcome text NOT NULL
);

CREATE TABLE switchyard.api_keys (
  id uuid PRIMARY KEY,
  label text NOT NULL,
  key_hash text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('admin', 'writer', 'reader')),
  databases text[],
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

-- Down Migration
DROP SCHEMA switchyard CASCADE;
