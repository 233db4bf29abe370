import { GatewayError } from '../errors/index.js';

interface PgErrorLike {
  code?: string;
  message?: string;
  detail?: string;
  constraint?: string;
  table?: string;
  column?: string;
}

const CONSTRAINT_WORDS: Record<string, string> = {
  '23505': 'unique constraint',
  '23503': 'foreign key constraint',
  '23502': 'not-null constraint',
  '23514': 'check constraint',
  '23P01': 'exclusion constraint',
};

const HINTS: Record<string, string> = {
  '23505': 'a row with the same key already exists; use onConflict to update it instead',
  '23503': 'the referenced row must exist first (or, on delete, rows still point to this one)',
  '23502': 'give a value for this column; it has no default',
  '23514': 'the value is outside what the check allows',
  '42501': 'the role in effect lacks the privilege (or a row-level security policy forbids it)',
  '22P02': 'a value does not have the column\'s type',
};

/** Longest Postgres text (message or detail) passed on; Postgres echoes input values in both. */
const MAX_ECHO = 300;

/** `text` cut to {@link MAX_ECHO} characters, saying how much was left out. */
function bounded(text: string): string {
  return text.length <= MAX_ECHO ? text : `${text.slice(0, MAX_ECHO)}… (${text.length - MAX_ECHO} more characters)`;
}

/** SQLSTATE 55000 (object not in prerequisite state) covers several causes: the message tells which. */
function hintFor(e: PgErrorLike): string | undefined {
  if (e.code !== '55000') return e.code ? HINTS[e.code] : undefined;
  const unpopulated = /materialized view "([^"]+)" has not been populated/.exec(e.message ?? '');
  if (unpopulated) return `run REFRESH MATERIALIZED VIEW "${unpopulated[1]}" (it was created WITH NO DATA or never refreshed)`;
  if (/cannot (?:insert into|update|delete from) view/.test(e.message ?? '')) return 'views that join or aggregate are not updatable; write to their base tables';
  return undefined;
}

/**
 * A Postgres error from a generated query or mutation, in plain words, naming the field
 * (`[app.insertUsers] …`, or `[app] …` when no field is given), the SQLSTATE and the
 * constraint. Errors that already are GatewayErrors pass through (connection failures, lost
 * connections and a full pool are translated by `connections/`). SECURITY: the Postgres text
 * is bounded, since it may quote a value the client sent.
 */
export function databaseError(error: unknown, database: string, field?: string): GatewayError {
  if (error instanceof GatewayError) return error;
  const e = error as PgErrorLike;
  const kind = e.code ? CONSTRAINT_WORDS[e.code] : undefined;
  const what = kind
    ? `${kind}${e.constraint ? ` "${e.constraint}"` : ''} violated${e.column ? ` on column "${e.column}"` : ''}${e.detail ? `: ${bounded(e.detail)}` : ''}`
    : bounded(e.message ?? String(error));
  return new GatewayError(kind ? 'CONSTRAINT_VIOLATION' : 'DB_ERROR', `[${field ? `${database}.${field}` : database}] ${what}`, {
    database,
    hint: hintFor(e),
    details: { sqlState: e.code, ...(e.constraint ? { constraint: e.constraint } : {}), ...(e.table ? { table: e.table } : {}) },
    cause: error,
  });
}
