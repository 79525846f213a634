/**
 * What every command gets: the configuration, a logger on stderr (stdout stays clean for --json), the database opened
 * and migrated on first use, and where output lines go. Built once per run by the program (src/cli/program.ts).
 */
import type { Config } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import { openDb } from '../db/open.js';
import { migrate } from '../db/migrate.js';
import type { Db } from '../db/db.js';

export interface CliContext {
  config: Config;
  /** Logs go to stderr so that stdout stays clean for --json output. */
  logger: Logger;
  /** Opens the configured database and applies migrations; closed by the CLI on exit. */
  db(): Promise<Db>;
  out(line: string): void;
  /** A line for the operator on stderr, beside the logs (a skipped file or row); never part of --json output. */
  warn(line: string): void;
  /** The run's exit code when the command returns normally (0 unless a command sets it, e.g. a partly failed import). */
  exitCode: number;
  /** Resolves when a long-running command should stop: SIGINT, SIGTERM or the caller's stop signal. */
  stopped(): Promise<void>;
}

export interface CliIo {
  /** Where a command's output lines go (default: stdout). */
  out?: (line: string) => void;
  /** Where logs and errors go (default: stderr). */
  err?: NodeJS.WritableStream;
  /** Ends a long-running command (serve, center-sim) as SIGINT or SIGTERM does (for running the program in-process). */
  stop?: AbortSignal;
}

export function createCliContext(config: Config, io: CliIo = {}): CliContext & { close(): Promise<void> } {
  const err = io.err ?? process.stderr;
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, destination: err as never });
  let dbp: Promise<Db> | undefined;
  return {
    config,
    logger,
    db() {
      dbp ??= (async () => {
        const db = await openDb(config, logger);
        await migrate(db);
        return db;
      })();
      return dbp;
    },
    out: io.out ?? ((line) => process.stdout.write(line + '\n')),
    warn: (line) => void err.write(line + '\n'),
    exitCode: 0,
    stopped() {
      return new Promise<void>((resolve) => {
        const done = () => {
          process.off('SIGINT', done);
          process.off('SIGTERM', done);
          io.stop?.removeEventListener('abort', done);
          resolve();
        };
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
        if (io.stop?.aborted) done();
        else io.stop?.addEventListener('abort', done, { once: true });
      });
    },
    async close() {
      if (dbp) await (await dbp).close();
    },
  };
}
