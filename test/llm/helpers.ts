import { Writable } from 'node:stream';
import { parseConfig, type Config } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';

export function llmConfig(env: Record<string, string>): Config {
  return parseConfig({ LLM_MODEL: 'fake-model', LLM_TIMEOUT_MS: '2000', ...env });
}

/** A logger whose lines we can read back. */
export function recordingLogger(): { logger: Logger; lines: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines: () => chunks.join('') };
}
