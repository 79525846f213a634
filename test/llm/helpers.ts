import { Writable } from 'node:stream';
import { parseConfig, type Config } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';

export function llmConfig(env: Record<string, string>): Config {
  // Generous: a first agent run on a loaded machine took over 2 s; the tests of the deadline set their own short one.
  return parseConfig({ LLM_MODEL: 'fake-model', LLM_TIMEOUT_MS: '20000', ...env });
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
