import { describe, expect, it } from 'vitest';
import { ddlSummary, redactDdlPasswords } from '../../src/admin/audit-text.js';

describe('PASSWORD literals in audited DDL', () => {
  it.each([
    [`CREATE ROLE a LOGIN PASSWORD 'hunter22'`, `CREATE ROLE a LOGIN PASSWORD '***'`],
    [`alter role a with encrypted password 'it''s-secret'`, `alter role a with encrypted password '***'`],
    [`ALTER ROLE a PASSWORD E'back\\'slash-secret' VALID UNTIL 'infinity'`, `ALTER ROLE a PASSWORD '***' VALID UNTIL 'infinity'`],
    [`ALTER ROLE a PASSWORD $pw$dollar-secret$pw$`, `ALTER ROLE a PASSWORD '***'`],
    [`ALTER ROLE a PASSWORD $$plain-dollar$$;`, `ALTER ROLE a PASSWORD '***';`],
    [`CREATE USER MAPPING FOR a SERVER s OPTIONS (user 'u', password 'fdw-secret')`, `CREATE USER MAPPING FOR a SERVER s OPTIONS (user 'u', password '***')`],
    [`ALTER ROLE a PASSWORD 'cut-short-secr`, `ALTER ROLE a PASSWORD '***'`],
    [`CREATE ROLE a PASSWORD 'one'; CREATE ROLE b PASSWORD 'two'`, `CREATE ROLE a PASSWORD '***'; CREATE ROLE b PASSWORD '***'`],
  ])('%s is kept as %s', (sql, kept) => {
    expect(redactDdlPasswords(sql)).toBe(kept);
  });

  it('leaves SQL that only mentions the word alone', () => {
    for (const sql of [`ALTER TABLE users ADD COLUMN password text`, `INSERT INTO t VALUES ('password', 'x')`, `ALTER ROLE a PASSWORD NULL`]) {
      expect(redactDdlPasswords(sql)).toBe(sql);
    }
  });

  it('removes the password from the error message too, where Postgres quotes the text near an error', () => {
    const summary = ddlSummary(`ALTER ROLE a PASSWORD 'Unterminated-S3cret`, 'unterminated quoted string at or near "\'Unterminated-S3cret"');
    expect(summary).not.toContain('S3cret');
    expect(summary).toBe(`ALTER ROLE a PASSWORD '***' → unterminated quoted string at or near "'***"`);
  });
});
