import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import type { Reply } from '../core/types.js';
import { createCore } from '../runtime.js';

function line(q: string, r: Reply, ms: number) {
  return JSON.stringify({
    q,
    outcome: r.outcome,
    text: r.text,
    citations: r.citations.map((c) => ({ code: c.code, name: c.name, url: c.url })),
    choices: r.choices.map((c) => ({ code: c.code, name: c.name })),
    ms: Math.round(ms * 100) / 100,
  });
}

function printable(r: Reply): string {
  return `${r.text}\n[${r.outcome}${r.citations.length ? ` · ${r.citations.map((c) => c.code).join(', ')}` : ''}]`;
}

/** ask and chat: the same answer core as every channel, in the terminal. */
export function registerAnswerCommands(program: Command, ctx: () => CliContext): void {
  program
    .command('ask')
    .description('answer one question (or a batch of JSON lines with "q") with the same core as the bot')
    .argument('[question...]', 'the question, in Vietnamese')
    .option('--json', 'print {"q","outcome","text","citations","choices","ms"}')
    .option('--batch <file>', 'JSON lines with a "q" field; one output line per input line, same order')
    .option('--record', 'record the interactions for the managers\' report (off by default)')
    .action(async (words: string[], opts: { json?: boolean; batch?: string; record?: boolean }) => {
      const c = ctx();
      const core = await createCore(c.config, c.logger, { db: await c.db(), record: Boolean(opts.record) });
      const ask = async (q: string, chatId: string) => {
        const t = performance.now();
        const r = await core.answers.handle({ channel: 'cli', chatId, text: q, receivedAt: new Date() });
        return { r, ms: performance.now() - t };
      };
      if (opts.batch) {
        const lines = readFileSync(opts.batch, 'utf8').split('\n').filter((l) => l.trim());
        for (const [i, l] of lines.entries()) {
          let q = '';
          try {
            const parsed = JSON.parse(l) as { q?: unknown };
            q = typeof parsed.q === 'string' ? parsed.q : '';
          } catch {
            c.out(JSON.stringify({ q: null, error: `line ${i + 1}: not valid JSON` }));
            continue;
          }
          const { r, ms } = await ask(q, `batch-${randomUUID()}`);
          c.out(opts.json ? line(q, r, ms) : `${q}\n${printable(r)}\n`);
        }
      } else {
        const q = words.join(' ').trim();
        if (!q) throw new Error('give a question, e.g. npm run cli -- ask "đăng ký kết hôn cần gì", or --batch FILE');
        const { r, ms } = await ask(q, `ask-${randomUUID()}`);
        c.out(opts.json ? line(q, r, ms) : printable(r));
      }
      await core.recorder.flush();
    });

  program
    .command('chat')
    .description('an interactive conversation in the terminal (follow-ups and numbered choices work as in the bot)')
    .action(async () => {
      const c = ctx();
      const core = await createCore(c.config, c.logger, { db: await c.db(), record: false });
      const rl = createInterface({ input: process.stdin, terminal: false });
      const chatId = `chat-${randomUUID()}`;
      const prompt = () => process.stdout.write('> ');
      c.out('motcua — gõ câu hỏi về thủ tục hành chính; /tt <mã>, /hoso <mã hồ sơ>; Ctrl+D để thoát.');
      prompt();
      // Reading lines as a stream (not rl.question) keeps piped input that arrives before the first answer.
      for await (const text of rl) {
        const trimmed = text.trim();
        if (trimmed) {
          const cmd = /^\/(\w+)\s*(.*)$/s.exec(trimmed);
          const r = await core.answers.handle({
            channel: 'cli',
            chatId,
            text: trimmed,
            receivedAt: new Date(),
            command: cmd ? { name: cmd[1]!.toLowerCase(), args: cmd[2] ?? '' } : undefined,
          });
          c.out(`${printable(r)}\n`);
        }
        prompt();
      }
      c.out('');
    });
}
