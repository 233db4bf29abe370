import type pg from 'pg';

/** Directives in the bench; ids are B-00001 … B-10000 so text order is numeric order. */
export const DIRECTIVES = 10_000;
export const ITEMS_PER_DIRECTIVE = 10;
export const PROJECTS = 1_000;
export const USERS_PER_PROJECT = 3;

/** app.projects' rows; the bench loads the same rows into both databases. */
const PROJECT_ROWS = `
SELECT p, 'Project ' || p, 'owner' || p || '@example.com', timestamptz '2024-06-01 00:00:00+00' + p * interval '1 hour'
FROM generate_series(1, ${PROJECTS}) AS p`;

// NOTE: the migrations' own seed rows are removed so the bench data is the whole table.
// NOTE: engineer also gets a copy of app.projects with a real foreign key, so the bench can compare the
// cross-database relationship (engineer → app) with the same shape inside one database.
const ENGINEER_SQL = `
TRUNCATE sd_backlog_map, strategic_directives_v2;

CREATE TABLE projects (
  id serial PRIMARY KEY,
  name text NOT NULL,
  owner_email text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO projects (id, name, owner_email, created_at)${PROJECT_ROWS};
SELECT setval('projects_id_seq', ${PROJECTS});

INSERT INTO strategic_directives_v2
  (id, title, description, status, priority, h_count, m_count, l_count, sequence_rank, app_project_id, created_at)
SELECT
  'B-' || lpad(i::text, 5, '0'),
  'Directive ' || i || ': ' || (ARRAY['unify', 'retire', 'document', 'migrate', 'harden'])[1 + i % 5] || ' the ' ||
    (ARRAY['validation rules', 'legacy queue', 'handoff templates', 'audit trail'])[1 + i % 4],
  CASE WHEN i % 7 = 0 THEN NULL ELSE repeat('Background for directive ' || i || '. ', 1 + i % 4) END,
  (ARRAY['draft', 'active', 'completed', 'archived']::directive_status[])[1 + i % 4],
  (i * 37) % 100,
  i % 5, i % 7, i % 3,
  -- PERF: above 2^53 on purpose, so int8 travels as text on both sides.
  9007199254740000 + i,
  1 + (i - 1) % ${PROJECTS},
  timestamptz '2025-01-01 00:00:00+00' + i * interval '1 minute'
FROM generate_series(1, ${DIRECTIVES}) AS i;

-- NOTE: the dashboard scenario groups the backlog rows by a status and a day of their own (bench-only columns).
ALTER TABLE sd_backlog_map ADD COLUMN status directive_status NOT NULL DEFAULT 'draft', ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();

INSERT INTO sd_backlog_map (sd_id, backlog_id, backlog_title, priority, extras, status, created_at)
SELECT
  'B-' || lpad(i::text, 5, '0'),
  'BL-' || lpad(k::text, 2, '0'),
  'Item ' || k || ' of directive ' || i,
  k,
  jsonb_build_object(
    'owner', 'user' || ((i + k) % 50),
    'estimate', (i * k) % 13,
    'tags', jsonb_build_array('t' || (i % 7), 't' || (k % 3)),
    'done', (i + k) % 3 = 0
  ),
  (ARRAY['draft', 'active', 'completed', 'archived']::directive_status[])[1 + (i * 7 + k) % 4],
  timestamptz '2025-01-01 00:00:00+00' + (i * ${ITEMS_PER_DIRECTIVE} + k) * interval '3 minutes'
FROM generate_series(1, ${DIRECTIVES}) AS i, generate_series(1, ${ITEMS_PER_DIRECTIVE}) AS k
-- NOTE: a directive's items sit together on disk, as when they are written with their directive.
ORDER BY i, k;

-- NOTE: added after the load (validated once); every bench app_project_id is 1..${PROJECTS}.
ALTER TABLE strategic_directives_v2
  ADD CONSTRAINT strategic_directives_v2_app_project_id_fkey FOREIGN KEY (app_project_id) REFERENCES projects (id);

ANALYZE strategic_directives_v2, sd_backlog_map, projects;
`;

const APP_SQL = `
TRUNCATE users, projects;

INSERT INTO projects (id, name, owner_email, created_at)${PROJECT_ROWS};
SELECT setval('projects_id_seq', ${PROJECTS});

INSERT INTO users (project_id, email, role)
SELECT p, 'user' || p || '-' || k || '@example.com', (ARRAY['owner', 'member', 'viewer'])[k]
FROM generate_series(1, ${PROJECTS}) AS p, generate_series(1, ${USERS_PER_PROJECT}) AS k;

ANALYZE projects, users;
`;

/** Loads the engineer bench data (set-based) on a migrated `engineer` database. */
export async function seedEngineer(client: pg.Client): Promise<void> {
  await client.query(ENGINEER_SQL);
}

/** Loads the app bench data (set-based) on a migrated `app` database. */
export async function seedApp(client: pg.Client): Promise<void> {
  await client.query(APP_SQL);
}
