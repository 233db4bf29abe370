import type { RawConfig } from '../src/config/index.js';
import type { BenchDatabase } from './bench-cluster.js';

/** A cross-database relationship as written in the gateway's config file. */
export type BenchRelationship = NonNullable<RawConfig['relationships']>[number];

/** Runs hand-written SQL on the baseline's own pools. */
export interface BaselineDatabases {
  /** One statement whose single text column is the whole response body. */
  text(database: BenchDatabase, sql: string, params?: readonly unknown[]): Promise<string>;
}

/**
 * One row of the report: the same request answered by the gateway and by hand-written SQL.
 * `baseline` must answer with the same `{"data": …}` as the gateway (compared after
 * JSON.parse); the bench checks that before it measures anything.
 */
export interface Scenario {
  /** Short id: the baseline's route (`/<name>`) and the key in results JSON. */
  name: string;
  description: string;
  /** GraphQL document POSTed to the gateway's /graphql. */
  query: string;
  variables?: Record<string, unknown>;
  /** Relationships the gateway must be started with for `query` (merged over all scenarios, by name). */
  relationships?: readonly BenchRelationship[];
  /** The raw side: any number of statements on any bench database, returning the body text. */
  baseline(db: BaselineDatabases): Promise<string>;
}

/** `{"data": {"<database>": {"<field>": <value sql>}}}` as text, the gateway's response shape. */
const envelope = (database: BenchDatabase, field: string, value: string) =>
  `SELECT json_build_object('data', json_build_object('${database}', json_build_object('${field}', ${value})))::text`;

/*
 * NOTE: the baseline is meant to be the fastest plain SQL for each shape: json_agg over a
 * row-typed subquery, ordered inside the subquery, measured faster than json_build_object
 * per row or ORDER BY inside json_agg.
 */
const oneStatement =
  (database: BenchDatabase, sql: string, params?: readonly unknown[]) =>
  (db: BaselineDatabases): Promise<string> =>
    db.text(database, sql, params);

const DIRECTIVE_COLUMNS = `d.id, d.title, d.status, d.priority, d.h_count AS "hCount", d.sequence_rank::text AS "sequenceRank"`;

/** The items of directive `d`, in the gateway's default order (the primary key). */
const itemsOf = (columns: string) =>
  `(SELECT coalesce(json_agg(b), '[]') FROM (
      SELECT ${columns} FROM sd_backlog_map m WHERE m.sd_id = d.id ORDER BY m.backlog_id) b)`;

/** engineer.strategic_directives_v2.app_project_id → app.projects.id, as a config file declares it. */
const PROJECT_RELATIONSHIP: BenchRelationship = {
  name: 'project',
  type: 'object',
  from: { database: 'engineer', table: 'strategic_directives_v2', columns: ['app_project_id'] },
  to: { database: 'app', table: 'projects', columns: ['id'] },
};

/** The pair compared in the report's cross-database table, and the product's target for it. */
export const CROSS_DATABASE_PAIR = {
  /** 100 directives → `project` over the relationship above (engineer, then app). */
  cross: 'cross-db',
  /** The same shape over engineer's own `projects` copy and foreign key (one database). */
  same: 'same-db',
  /** cross-db gateway req/s ÷ same-db gateway req/s must stay at or above this. */
  target: 0.7,
} as const;

const PROJECT_FIELDS = `id name ownerEmail`;

interface DirectiveWithProjectId {
  id: string;
  title: string;
  p: number | null;
}

/**
 * Raw side of `cross-db`: one statement per database (directives with their project ids on
 * engineer, then those projects on app, keyed by id) merged in JS.
 */
async function crossDatabaseBaseline(db: BaselineDatabases): Promise<string> {
  const directives = JSON.parse(
    await db.text(
      'engineer',
      `SELECT coalesce(json_agg(r), '[]')::text FROM (
         SELECT d.id, d.title, d.app_project_id AS p FROM strategic_directives_v2 d ORDER BY d.id LIMIT 100) r`,
    ),
  ) as DirectiveWithProjectId[];
  const ids = [...new Set(directives.flatMap((d) => (d.p === null ? [] : [d.p])))];
  const projects = JSON.parse(
    await db.text(
      'app',
      `SELECT coalesce(json_object_agg(p.id, json_build_object('id', p.id, 'name', p.name, 'ownerEmail', p.owner_email)), '{}')::text
         FROM projects p WHERE p.id = ANY($1::int[])`,
      [ids],
    ),
  ) as Record<string, unknown>;
  const rows = directives.map(({ id, title, p }) => ({ id, title, project: p === null ? null : (projects[p] ?? null) }));
  return JSON.stringify({ data: { engineer: { strategicDirectivesV2: rows } } });
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'list-scalars',
    description: '100 directives, 6 scalar fields',
    query: `{ engineer { strategicDirectivesV2(limit: 100, orderBy: [{ id: ASC }]) { id title status priority hCount sequenceRank } } }`,
    baseline: oneStatement(
      'engineer',
      envelope(
        'engineer',
        'strategicDirectivesV2',
        `(SELECT coalesce(json_agg(r), '[]') FROM (
           SELECT ${DIRECTIVE_COLUMNS} FROM strategic_directives_v2 d ORDER BY d.id LIMIT 100) r)`,
      ),
    ),
  },
  {
    name: 'list-nested',
    description: '100 directives, each with its 10 backlog items',
    query: `{ engineer { strategicDirectivesV2(limit: 100, orderBy: [{ id: ASC }]) {
      id title status priority hCount sequenceRank sdBacklogMap { backlogId backlogTitle priority extras } } } }`,
    baseline: oneStatement(
      'engineer',
      envelope(
        'engineer',
        'strategicDirectivesV2',
        `(SELECT coalesce(json_agg(r), '[]') FROM (
           SELECT ${DIRECTIVE_COLUMNS},
                  ${itemsOf(`m.backlog_id AS "backlogId", m.backlog_title AS "backlogTitle", m.priority, m.extras`)} AS "sdBacklogMap"
             FROM strategic_directives_v2 d ORDER BY d.id LIMIT 100) r)`,
      ),
    ),
  },
  {
    name: 'by-pk-nested',
    description: 'one directive by key with its items',
    query: `{ engineer { strategicDirectivesV2ByPk(id: "B-00042") { id title sdBacklogMap { backlogId extras } } } }`,
    baseline: oneStatement(
      'engineer',
      envelope(
        'engineer',
        'strategicDirectivesV2ByPk',
        `(SELECT json_build_object('id', d.id, 'title', d.title, 'sdBacklogMap',
                  ${itemsOf(`m.backlog_id AS "backlogId", m.extras`)})
            FROM strategic_directives_v2 d WHERE d.id = $1)`,
      ),
      ['B-00042'],
    ),
  },
  {
    // NOTE: the view has no primary key, so the gateway adds no ORDER BY; neither does the baseline.
    name: 'view-100',
    description: 'first 100 rows of the directives × backlog view',
    query: `{ engineer { strategicDirectivesBacklog(limit: 100) { sdId title backlogId backlogTitle } } }`,
    baseline: oneStatement(
      'engineer',
      envelope(
        'engineer',
        'strategicDirectivesBacklog',
        `(SELECT coalesce(json_agg(r), '[]') FROM (
           SELECT v.sd_id AS "sdId", v.title, v.backlog_id AS "backlogId", v.backlog_title AS "backlogTitle"
             FROM strategic_directives_backlog v LIMIT 100) r)`,
      ),
    ),
  },
  {
    name: CROSS_DATABASE_PAIR.cross,
    description: '100 directives, each with its project (app database)',
    query: `{ engineer { strategicDirectivesV2(limit: 100, orderBy: [{ id: ASC }]) { id title project { ${PROJECT_FIELDS} } } } }`,
    relationships: [PROJECT_RELATIONSHIP],
    baseline: crossDatabaseBaseline,
  },
  {
    // NOTE: `projects` is the foreign-key field to engineer's own copy; aliased so both sides of the pair return the same data.
    name: CROSS_DATABASE_PAIR.same,
    description: '100 directives, each with its project (same database)',
    query: `{ engineer { strategicDirectivesV2(limit: 100, orderBy: [{ id: ASC }]) { id title project: projects { ${PROJECT_FIELDS} } } } }`,
    baseline: oneStatement(
      'engineer',
      envelope(
        'engineer',
        'strategicDirectivesV2',
        `(SELECT coalesce(json_agg(r), '[]') FROM (
           SELECT d.id, d.title,
                  (SELECT json_build_object('id', p.id, 'name', p.name, 'ownerEmail', p.owner_email)
                     FROM projects p WHERE p.id = d.app_project_id) AS project
             FROM strategic_directives_v2 d ORDER BY d.id LIMIT 100) r)`,
      ),
    ),
  },
];
