import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { openDb } from './db/open.js';
import { migrate } from './db/migrate.js';
import { createApp, type AppEnv } from './server/app.js';
import { listen, type Listening } from './server/listen.js';
import type { AnswerService } from './channels/types.js';
import type { Hono } from 'hono';

export interface Running {
  port: number;
  stop(): Promise<void>;
}

/**
 * Builds every component from config and starts the HTTP server. Used by `npm start` (main.ts) and `cli serve`.
 */
export async function startServer(config: Config, logger: Logger): Promise<Running> {
  const db = await openDb(config, logger);
  const applied = await migrate(db);
  if (applied.length) logger.info({ applied }, 'migrations applied');

  const answers: AnswerService = {
    async handle(incoming) {
      return {
        outcome: 'unresolved',
        text: `Đã nhận: ${incoming.text.slice(0, 200)}`,
        citations: [],
        choices: [],
        feedback: false,
      };
    },
  };
  const mounts: { path: string; app: Hono<AppEnv> }[] = [];
  const app = createApp({ db, logger, answers, mounts });
  const server: Listening = await listen(app, { port: config.PORT, host: config.HOST });
  logger.info({ port: server.port, db: db.kind }, 'motcua listening');

  let stopping: Promise<void> | undefined;
  return {
    port: server.port,
    stop() {
      stopping ??= (async () => {
        logger.info('shutting down: no new connections, finishing in-flight work');
        await server.close();
        await db.close();
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}
