// motcua command line. Each command is a few lines over src/; output meant for machines is JSON with --json.
import { Command, CommanderError } from 'commander';
import { loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { openDb } from './db/open.js';
import { migrate } from './db/migrate.js';
import type { Db } from './db/db.js';
import { isAppError } from './errors.js';
import { registerAnswerCommands } from './answer/cli-commands.js';
import { registerCatalogCommands } from './catalog/cli-commands.js';
import { registerRetrievalCommands } from './retrieval/cli-commands.js';
import { createEmbedder } from './runtime.js';

export interface CliContext {
  config: Config;
  /** Logs go to stderr so that stdout stays clean for --json output. */
  logger: Logger;
  /** Opens the configured database and applies migrations; closed by the CLI on exit. */
  db(): Promise<Db>;
  out(line: string): void;
}

function createContext(): CliContext & { close(): Promise<void> } {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, destination: process.stderr as never });
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
    out: (line) => process.stdout.write(line + '\n'),
    async close() {
      if (dbp) await (await dbp).close();
    },
  };
}

export function buildProgram(ctx: () => CliContext): Command {
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
      const { startServer } = await import('./serve.js');
      const running = await startServer(c.config, logger);
      await new Promise<void>((resolve) => {
        const stop = () => running.stop().then(resolve, resolve);
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });

  // [cli:catalog] import, stats, show — added by the catalog work
  registerCatalogCommands(program, ctx);
  // [cli:retrieval] search, index — added by the retrieval work
  // The same embedder choice as serve (runtime.createEmbedder), so `index` and `search` never re-embed with another id.
  registerRetrievalCommands(program, ctx, { embedder: createEmbedder });
  // [cli:answer] ask, chat — added by the answer work
  registerAnswerCommands(program, ctx);
  // [cli:dossier] center-sim — added by the dossier work
  program
    .command('center-sim')
    .description('serve the demo centre API (GET /dossiers/{code}, national sync format) for demos and tests')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '4010')
    .option('--token <token>', 'require Authorization: Bearer <token>')
    .action(async (opts: { port: string; token?: string }) => {
      const { startCenterSim } = await import('./server/center-sim.js');
      const sim = await startCenterSim({ port: Number(opts.port), token: opts.token });
      ctx().out(`centre simulator on http://127.0.0.1:${sim.port}/dossiers/{code} — codes: ${sim.provider.list().map((d) => `${d.code} (${d.status})`).join(', ')}`);
      await new Promise<void>((resolve) => process.once('SIGINT', resolve).once('SIGTERM', resolve));
      await sim.close();
    });
  // [cli:analytics] report — added by the analytics work
  program
    .command('report')
    .description('managers\' report: unresolved questions, feedback, confusing procedures')
    .option('--since <window>', 'how far back: 30d, 12w, 24h or a date YYYY-MM-DD', '30d')
    .option('--json', 'print the whole report as JSON')
    .option('--csv', 'print the report as CSV (UTF-8 with BOM)')
    .action(async (opts: { since?: string; json?: boolean; csv?: boolean }) =>
      (await import('./analytics/report-cli.js')).runReportCommand(ctx(), opts),
    );

  return program;
}

async function main(argv: string[]) {
  let context: (CliContext & { close(): Promise<void> }) | undefined;
  const program = buildProgram(() => (context ??= createContext()));
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
    } else {
      const msg = isAppError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
      process.stderr.write(`error: ${msg}\n`);
      process.exitCode = 1;
    }
  } finally {
    await context?.close().catch(() => undefined);
  }
}

await main(process.argv);
