-- Up Migration
CREATE TABLE projects (
  id serial PRIMARY KEY,
  name text NOT NULL,
  owner_email text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE projects IS 'Applications that directives are delivered to.';

CREATE TABLE users (
  id serial PRIMARY KEY,
  project_id int NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  email text NOT NULL UNIQUE,
  role text NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'member', 'viewer'))
);
CREATE INDEX users_project_id_idx ON users (project_id);

-- Down Migration
DROP TABLE users;
DROP TABLE projects;
