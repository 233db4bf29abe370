-- Up Migration
CREATE TYPE directive_status AS ENUM ('draft', 'active', 'completed', 'archived');

CREATE TABLE strategic_directives_v2 (
  id varchar(50) PRIMARY KEY,
  title text NOT NULL,
  description text,
  status directive_status NOT NULL DEFAULT 'draft',
  priority int NOT NULL DEFAULT 50,
  h_count int NOT NULL DEFAULT 0,
  m_count int NOT NULL DEFAULT 0,
  l_count int NOT NULL DEFAULT 0,
  sequence_rank bigint,
  app_project_id int,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE strategic_directives_v2 IS 'Strategic directives of the LEO protocol.';
COMMENT ON COLUMN strategic_directives_v2.app_project_id IS 'Project in the app database this directive belongs to.';

CREATE TABLE sd_backlog_map (
  sd_id varchar(50) NOT NULL REFERENCES strategic_directives_v2 (id) ON DELETE CASCADE,
  backlog_id text NOT NULL,
  backlog_title text NOT NULL,
  priority int NOT NULL DEFAULT 0,
  extras jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (sd_id, backlog_id)
);
COMMENT ON TABLE sd_backlog_map IS 'Backlog items mapped to a directive.';

CREATE VIEW strategic_directives_backlog AS
  SELECT sd.id AS sd_id, sd.title, sd.status, b.backlog_id, b.backlog_title, b.priority AS backlog_priority
  FROM strategic_directives_v2 sd
  JOIN sd_backlog_map b ON b.sd_id = sd.id;
COMMENT ON VIEW strategic_directives_backlog IS 'Directives with their backlog items (read-only).';

-- Down Migration
DROP VIEW strategic_directives_backlog;
DROP TABLE sd_backlog_map;
DROP TABLE strategic_directives_v2;
DROP TYPE directive_status;
