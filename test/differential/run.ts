/**
 * The fast path's differential run, the last step of `npm test`: the test files that send the
 * most reads run again with SWITCHYARD_FAST_PATH=verify, where yoga answers every request and the
 * fast path's answer to it is computed too and compared byte for byte (status, content type,
 * body); a difference is answered with 500 FAST_PATH_MISMATCH, failing the test that sent it. Each
 * comparison is also tallied, and the run fails on any difference or when too few were made.
 *
 *   npx tsx test/differential/run.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Generated documents (test/fuzz), the read schema, relationships, RLS, aggregates, variables, limits, authorization. */
const FILES = [
  'test/fuzz',
  'test/schema',
  'test/federation',
  'test/rls',
  'test/analytics',
  'test/naming',
  'test/server/variables.test.ts',
  'test/server/trusted-documents.test.ts',
  'test/server/row-budget.test.ts',
  'test/server/fast-path.test.ts',
  'test/auth/authorization.test.ts',
  'test/security/no-silent-all-rows.test.ts',
  'test/security/limits.test.ts',
  'test/foundation/gateway.test.ts',
];

/** Fewer distinct documents compared than this means the fast path stopped answering what these files send. */
const MIN_DOCUMENTS = 120;

const dir = mkdtempSync(path.join(tmpdir(), 'switchyard-differential-'));
const tally = path.join(dir, 'tally.log');
try {
  const run = spawnSync(process.execPath, [path.resolve('node_modules/vitest/vitest.mjs'), 'run', ...FILES], {
    stdio: 'inherit',
    env: { ...process.env, SWITCHYARD_FAST_PATH: 'verify', SWITCHYARD_FAST_PATH_LOG: tally },
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
  const lines = readFileSync(tally, 'utf8').split('\n').filter(Boolean);
  const different = lines.filter((line) => line.startsWith('DIFFERENT'));
  const documents = new Set(lines.map((line) => line.split('\t')[1])).size;
  console.log(
    `[differential] ${lines.length} fast-path answers (${documents} distinct requests) compared byte for byte with the full pipeline's: ${different.length} different`,
  );
  for (const line of different.slice(0, 10)) console.log(`  ${line.slice(0, 500)}`);
  if (different.length || documents < MIN_DOCUMENTS) {
    if (documents < MIN_DOCUMENTS) console.log(`[differential] expected at least ${MIN_DOCUMENTS} distinct requests`);
    process.exit(1);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
