/** A fake AnswerService for channel tests: records what it is asked and replies from a script. */
import { Writable } from 'node:stream';
import type { AnswerService, Incoming, Reply } from '../../../src/channels/types.js';
import { createLogger, type Logger } from '../../../src/logger.js';

export interface FakeAnswers extends AnswerService {
  seen: Incoming[];
  /** Replaces the reply function. */
  respond(fn: (incoming: Incoming) => Reply | Promise<Reply>): void;
}

export function reply(partial: Partial<Reply> & { text: string }): Reply {
  return { outcome: 'answered', citations: [], choices: [], feedback: false, ...partial };
}

export function createFakeAnswers(): FakeAnswers {
  const seen: Incoming[] = [];
  let fn: (incoming: Incoming) => Reply | Promise<Reply> = (i) =>
    reply({ outcome: 'smalltalk', text: `Đã nhận: ${i.command ? `/${i.command.name} ${i.command.args}` : i.action ? JSON.stringify(i.action) : i.text}` });
  return {
    seen,
    respond(f) {
      fn = f;
    },
    async handle(incoming) {
      seen.push(incoming);
      return fn(incoming);
    },
  };
}

/** A logger whose JSON lines are kept for assertions. */
export function captureLogger(level = 'info'): { logger: Logger; lines: string[]; records: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return {
    logger: createLogger({ level, destination: destination as never }),
    lines,
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
