import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactJsonb, unmarkJsonb } from '../../src/compile/compact-jsonb.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';

/*
 * Differential: for JSON texts stored as jsonb and read back as Postgres writes them,
 * compactJsonb must give exactly JSON.stringify(JSON.parse(text)), what the executor sends.
 */

let db: TestDatabase;
beforeAll(async () => void (db = await createTestDatabase('compactjsonb')));
afterAll(async () => db?.drop());

/** Each text as Postgres writes it after storing it as jsonb. */
async function throughJsonb(texts: readonly string[]): Promise<string[]> {
  const rows = await db.sql<{ t: string }>('SELECT v::jsonb::text AS t FROM unnest($1::text[]) WITH ORDINALITY AS u(v, i) ORDER BY i', [texts]);
  return rows.map((r) => r.t);
}

const expectSame = (stored: readonly string[]) => {
  for (const text of stored) expect(compactJsonb(text), text).toBe(JSON.stringify(JSON.parse(text)));
};

/** Characters where spellings differ or escapes begin; jsonb refuses \u0000 and lone surrogates. */
const character = fc.oneof(
  fc.constantFrom('a', ' ', ':', ',', '"', '\\', '/', '\t', '\n', '\r', '\b', '\f', '\u0001', '\u001f', '\u007f', 'é', '☃', '\u2028', '😀', '0', '1', '{', '['),
  fc.integer({ min: 1, max: 0xd7ff }).map((c) => String.fromCharCode(c)),
);
const text = fc.string({ unit: character, maxLength: 12 });

/** Number spellings JavaScript writes differently from Postgres, and ones it writes the same. */
const numberText = fc.oneof(
  fc.integer().map(String),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.tuple(fc.integer({ min: -999, max: 999 }), fc.nat({ max: 99_999 }), fc.nat({ max: 4 })).map(([a, b, zeros]) => `${a}.${b}${'0'.repeat(zeros)}`),
  fc.constantFrom('0', '-0', '-0.0', '0.000', '1e2', '1E-7', '1e400', '-1e400', '123456789012345', '1234567890123456', '9007199254740993', '0.1', '1.50', '100000000000000000000000'),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
);

const key = fc.oneof(text, fc.constantFrom('0', '1', '10', '01', '4294967294', '4294967295', '-1', '1.5', '__proto__', '', 'a b'));

/** JSON text with any spacing, as a client might store it. */
const jsonText = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numberText,
    text.map((s) => JSON.stringify(s)),
    fc.constantFrom('true', 'false', 'null'),
    fc.array(tie('value'), { maxLength: 5 }).map((items) => `[ ${items.join(' ,')} ]`),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 5 }).map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)} :${v}`).join(',')}}`),
  ),
})).value;

describe('compactJsonb', () => {
  it('writes what JSON.stringify(JSON.parse(…)) writes, for any value read back from jsonb', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(jsonText, { minLength: 1, maxLength: 60 }), async (texts) => expectSame(await throughJsonb(texts))),
      { seed: 20261130, numRuns: 40 },
    );
  });

  it('rewrites only the TAB-marked values of a text, whatever the text around them holds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(text, jsonText), { minLength: 1, maxLength: 30 }), async (rows) => {
        const stored = await throughJsonb(rows.map(([, value]) => value));
        // as compileListText writes it: compact records whose jsonb fields are TAB-marked
        const marked = `[${rows.map(([label], i) => `{"label":${JSON.stringify(label)},"v":\t${stored[i]}\t}`).join(',')}]`;
        const expected = `[${rows.map(([label], i) => `{"label":${JSON.stringify(label)},"v":${JSON.stringify(JSON.parse(stored[i]))}}`).join(',')}]`;
        expect(unmarkJsonb(marked).toString()).toBe(expected);
      }),
      { seed: 20261130, numRuns: 30 },
    );
  });

  it('keeps the cases that must be parsed: index keys, long or fractional numbers, unusual escapes', async () => {
    const stored = await throughJsonb([
      '{"b": 1, "10": 2, "a": {"2": [3], "x": 1}}',
      '{"n": 1.50, "big": 12345678901234567890, "huge": 1e400, "neg": -0, "small": 1e-7}',
      '"snow \\u2603, tab\\t, bell \\u0007, quote \\" and backslash \\\\"',
      '[{"":"", " ":" "}, [], {}, [[]], "a: b, c"]',
    ]);
    expect(stored[1]).toContain('1.50'); // Postgres keeps the numeric's spelling
    expectSame(stored);
    // a text jsonb_out never writes (an escape JSON.stringify would not) is still answered exactly
    expectSame(['"\\u0041\\/"', '{"k": "\\uD83D\\uDE00"}']);
  });
});
