// Composition root for `npm start`: load config, start the server, stop gracefully on SIGTERM/SIGINT.
import { loadConfig, ConfigError } from './config.js';
import { createLogger } from './logger.js';
import { startServer } from './serve.js';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger({ level: config.LOG_LEVEL });
  const running = await startServer(config, logger);
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'signal received');
    running.stop().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error('motcua failed to start:', err instanceof Error ? `${err.message}${err.cause ? ` (cause: ${String((err.cause as Error).message ?? err.cause)})` : ''}` : err);
  process.exit(1);
});
