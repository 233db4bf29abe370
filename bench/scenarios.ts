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

/*
 * NOTE: a new pair (e.g. cross-database: 100 directives each with its `app` project, against
 * the same shape inside one database) is two more entries here: the cross-database one lists
 * its relationship in `relationships`, and its baseline runs one statement per database and
 * merges the two results in JS.
 */
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
];
