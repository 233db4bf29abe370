/** One statement of a SQL script, located in the original text. */
export interface SqlStatement {
  /** Offset (UTF-16 index) of the statement's first character in the script. */
  start: number;
  /** The statement as written, without its terminating `;`. */
  text: string;
  /**
   * Same length as `text`, with comments blanked to spaces and string literals, dollar quotes and
   * quoted identifiers to `~`: safe to match keywords on.
   */
  code: string;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const ROUTINE_HEAD = /^CREATE (OR REPLACE )?(FUNCTION|PROCEDURE)\b/;

/**
 * Splits a script on top-level `;` the way psql does: semicolons inside comments, quotes,
 * dollar quotes, parentheses (multi-action rules) and SQL-standard `BEGIN ATOMIC … END`
 * routine bodies do not split.
 * Statements holding only whitespace and comments are dropped. Pure.
 */
export function splitStatements(sql: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  const code = sql.split('');
  let start = 0;
  let words: string[] = [];
  let depth = 0;
  let parens = 0;
  const blank = (from: number, to: number, filler = ' ') => {
    for (let k = from; k < to; k++) if (code[k] !== '\n') code[k] = filler;
  };
  const close = (end: number) => {
    const text = sql.slice(start, end);
    const blanked = code.slice(start, end).join('');
    if (blanked.trim()) {
      const lead = blanked.length - blanked.trimStart().length;
      const trimmed = blanked.trim().length;
      statements.push({ start: start + lead, text: text.slice(lead, lead + trimmed), code: blanked.slice(lead, lead + trimmed) });
    }
    start = end + 1;
    words = [];
    depth = 0;
    parens = 0;
  };

  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const to = end < 0 ? sql.length : end;
      blank(i, to);
      i = to;
    } else if (c === '/' && next === '*') {
      let level = 0;
      let j = i;
      while (j < sql.length) {
        if (sql[j] === '/' && sql[j + 1] === '*') (level++, (j += 2));
        else if (sql[j] === '*' && sql[j + 1] === '/') {
          j += 2;
          if (--level === 0) break;
        } else j++;
      }
      blank(i, j);
      i = j;
    } else if (c === "'" || c === '"') {
      // NOTE: E'…' strings allow backslash escapes; standard strings do not.
      const escapes = c === "'" && /[eE]/.test(sql[i - 1] ?? '') && !WORD_CHAR.test(sql[i - 2] ?? '');
      let j = i + 1;
      while (j < sql.length) {
        if (escapes && sql[j] === '\\') j += 2;
        else if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) break;
        else j++;
      }
      blank(i, Math.min(j + 1, sql.length), '~');
      i = j + 1;
    } else if (c === '$' && !WORD_CHAR.test(sql[i - 1] ?? '')) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      if (!tag) {
        i++;
        continue;
      }
      const end = sql.indexOf(tag[0], i + tag[0].length);
      const to = end < 0 ? sql.length : end + tag[0].length;
      blank(i, to, '~');
      i = to;
    } else if (WORD_START.test(c) && !WORD_CHAR.test(sql[i - 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && WORD_CHAR.test(sql[j])) j++;
      const word = sql.slice(i, j).toUpperCase();
      if (words.length < 4) words.push(word);
      if (ROUTINE_HEAD.test(words.join(' '))) {
        if (word === 'BEGIN' || word === 'CASE') depth++;
        else if (word === 'END' && depth > 0) depth--;
      }
      i = j;
    } else if (c === '(' || c === ')') {
      parens = Math.max(0, parens + (c === '(' ? 1 : -1));
      i++;
    } else if (c === ';' && depth === 0 && parens === 0) {
      close(i);
      i++;
    } else i++;
  }
  close(sql.length);
  return statements;
}

/** A statement head written as a regex over the blanked code, with its reason. */
interface Rule {
  pattern: RegExp;
  what: string;
}

const NON_TRANSACTIONAL: Rule[] = [
  { pattern: /^(CREATE|DROP) DATABASE\b/, what: 'CREATE/DROP DATABASE' },
  { pattern: /^ALTER DATABASE \S+ SET TABLESPACE\b/, what: 'ALTER DATABASE … SET TABLESPACE' },
  { pattern: /^(CREATE|DROP) TABLESPACE\b/, what: 'CREATE/DROP TABLESPACE' },
  { pattern: /^CREATE (UNIQUE )?INDEX CONCURRENTLY\b/, what: 'CREATE INDEX CONCURRENTLY' },
  { pattern: /^DROP INDEX CONCURRENTLY\b/, what: 'DROP INDEX CONCURRENTLY' },
  { pattern: /^REINDEX\b.*\bCONCURRENTLY\b/, what: 'REINDEX CONCURRENTLY' },
  { pattern: /^REINDEX (\(.*\) )?(SYSTEM|DATABASE)\b/, what: 'REINDEX SYSTEM/DATABASE' },
  { pattern: /^ALTER TABLE\b.*\bDETACH PARTITION\b.*\bCONCURRENTLY\b/, what: 'DETACH PARTITION … CONCURRENTLY' },
  { pattern: /^VACUUM\b/, what: 'VACUUM' },
  { pattern: /^CLUSTER( VERBOSE)?$/, what: 'CLUSTER without a table' },
  { pattern: /^ALTER SYSTEM\b/, what: 'ALTER SYSTEM' },
  { pattern: /^(CREATE|DROP) SUBSCRIPTION\b/, what: 'CREATE/DROP SUBSCRIPTION' },
];

const TRANSACTION_CONTROL: Rule[] = [
  { pattern: /^(BEGIN|START TRANSACTION|COMMIT|END|ABORT)\b/, what: 'transaction control (BEGIN/COMMIT)' },
  { pattern: /^ROLLBACK\b(?! TO\b)/, what: 'ROLLBACK' },
  { pattern: /^(PREPARE TRANSACTION|COMMIT PREPARED|ROLLBACK PREPARED)\b/, what: 'two-phase commit' },
];

function normalize(code: string): string {
  return code.replace(/\s+/g, ' ').trim().toUpperCase();
}

function firstMatch(statement: SqlStatement, rules: Rule[]): string | undefined {
  const head = normalize(statement.code);
  return rules.find((r) => r.pattern.test(head))?.what;
}

/** Names the reason when the statement cannot run inside a transaction block (CONCURRENTLY, VACUUM…). */
export function nonTransactionalReason(statement: SqlStatement): string | undefined {
  return firstMatch(statement, NON_TRANSACTIONAL);
}

/** Names the reason when the statement would end or nest the surrounding transaction (BEGIN, COMMIT…). */
export function transactionControlReason(statement: SqlStatement): string | undefined {
  return firstMatch(statement, TRANSACTION_CONTROL);
}

/**
 * Converts a Postgres error `position` (1-based, counted in characters, i.e. code points)
 * into a 1-based line and column of `text`.
 */
export function lineColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let column = 1;
  let seen = 1;
  for (const ch of text) {
    if (seen >= position) break;
    if (ch === '\n') (line++, (column = 1));
    else column++;
    seen++;
  }
  return { line, column };
}

/** Character (code point) count of `text`, for converting JS offsets into Postgres positions. */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
