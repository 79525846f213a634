/**
 * The motcua command line as a program you can import: every command registered on one commander program, run with
 * `runCli(argv)` (src/cli.ts does; tests do in-process). Each command is a few lines over src/; output meant for
 * machines is JSON with --json. Errors print "code: message" on stderr and give exit code 1.
 */
import { Command, CommanderError } from 'commander';
import { parseConfig, ConfigError, type Config } from '../config.js';
import { createLogger } from '../logger.js';
import { openDb } from '../db/open.js';
import { migrate } from '../db/migrate.js';
import { isAppError } from '../errors.js';
import { createEmbedder } from '../runtime.js';
import { createCliContext, type CliContext, type CliIo } from './context.js';
import { registerAnswerCommands } from './answer.js';
import { registerCatalogCommands } from './catalog.js';
import { registerRetrievalCommands } from './retrieval.js';
import { registerStaffCommands } from './staff.js';
import { runReportCommand } from './report.js';

export type { CliContext } from './context.js';

function buildProgram(ctx: () => CliContext): Command {
  const program = new Command('motcua')
    .description('Trợ lý một cửa — tra cứu thủ tục hành chính, hồ sơ và báo cáo cho trung tâm phục vụ hành chính công')
    .showHelpAfterError()
    .addHelpText(
      'after',
      `
Examples:
  npm run cli -- migrate
  npm run cli -- serve
  npm run cli -- import knowledge
  npm run cli -- import --format dvc ../shared/dvc-catalog --json
  npm run cli -- stats --json
  npm run cli -- show 1.001193
  npm run cli -- search "làm giấy khai sinh cho con cần gì" --top 5
  npm run cli -- search --json --top 10 --batch questions.jsonl
  npm run cli -- ask "đăng ký kết hôn mất bao lâu"
  npm run cli -- chat
  npm run cli -- report --since 30d --csv`,
    );

  program
    .command('migrate')
    .description('apply pending database migrations')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      const c = ctx();
      const db = await openDb(c.config, c.logger);
      try {
        const applied = await migrate(db);
        c.out(opts.json ? JSON.stringify({ applied }) : applied.length ? `applied: ${applied.join(', ')}` : 'up to date');
      } finally {
        await db.close();
      }
    });

  program
    .command('serve')
    .description('start the HTTP server (web chat, webhooks, admin) — what `npm start` runs')
    .action(async () => {
      const c = ctx();
      const logger = createLogger({ level: c.config.LOG_LEVEL });
      const { startServer } = await import('../serve.js');
      const running = await startServer(c.config, logger);
      c.out(`serving on http://${c.config.HOST}:${running.port}/`);
      await c.stopped();
      await running.stop();
    });

  registerCatalogCommands(program, ctx);
  // The same embedder choice as serve (runtime.createEmbedder), so `index` and `search` never re-embed with another id.
  registerRetrievalCommands(program, ctx, { embedder: createEmbedder });
  registerAnswerCommands(program, ctx);
  registerStaffCommands(program, ctx);
  program
    .command('center-sim')
    .description('serve the demo centre API (GET /dossiers/{code}, national sync format) for demos and tests')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '4010')
    .option('--token <token>', 'require Authorization: Bearer <token>')
    .action(async (opts: { port: string; token?: string }) => {
      const { startCentreSim } = await import('../server/centre-sim.js');
      const sim = await startCentreSim({ port: Number(opts.port), token: opts.token });
      const c = ctx();
      c.out(`centre simulator on http://127.0.0.1:${sim.port}/dossiers/{code} — codes: ${sim.provider.list().map((d) => `${d.code} (${d.status})`).join(', ')}`);
      await c.stopped();
      await sim.close();
    });
  program
    .command('report')
    .description('managers\' report: unresolved questions, feedback, confusing procedures')
    .option('--since <window>', 'how far back: 30d, 12w, 24h or a date YYYY-MM-DD', '30d')
    .option('--json', 'print the whole report as JSON')
    .option('--csv', 'print the report as CSV (UTF-8 with BOM)')
    .action(async (opts: { since?: string; json?: boolean; csv?: boolean }) =>
      runReportCommand(ctx(), opts),
    );

  return program;
}

export interface RunCliOptions extends CliIo {
  /** The environment the configuration is read from (default: process.env). */
  env?: Record<string, string | undefined>;
}

/** Runs one command line (argv as process.argv: node, script, then arguments) and resolves to its exit code. */
export async function runCli(argv: string[], options: RunCliOptions = {}): Promise<number> {
  const err = options.err ?? process.stderr;
  let context: (CliContext & { close(): Promise<void> }) | undefined;
  let config: Config | undefined;
  const program = buildProgram(() => (context ??= createCliContext((config ??= parseConfig(options.env ?? process.env)), options)));
  program.exitOverride();
  program.configureOutput({ writeOut: (s) => (options.out ? options.out(s.replace(/\n$/, '')) : process.stdout.write(s)), writeErr: (s) => err.write(s) });
  try {
    await program.parseAsync(argv);
    return context?.exitCode ?? 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    const msg = e instanceof ConfigError ? e.message : isAppError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    err.write(`error: ${msg}\n`);
    return e instanceof ConfigError ? 2 : 1;
  } finally {
    await context?.close().catch(() => undefined);
  }
}
