import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createCore, type Core } from '../../src/runtime.js';
import { SIM_CODE_PREFIX } from '../../src/dossier/simulator.js';
import { createTestDb } from '../helpers/db.js';
import { startFakeOpenAiServer, type ChatRequestBody, type ChatScript, type FakeOpenAiServer } from '../fakes/openai-server.js';

/**
 * LLM_AGENT=1 through the real core (catalog, search, dossier simulator) and the fake OpenAI-compatible server: the
 * scripted model searches, looks the first hit up, then answers. The citizen gets the agent's text only when it is
 * faithful to the cited procedure; otherwise, or when the server fails, the deterministic answer.
 */
describe('answer service with the LLM agent', () => {
  let core: Core;
  let openai: FakeOpenAiServer;
  let dir: string;
  let chat = 0;
  const question = 'Đăng ký khai sinh cần giấy tờ gì và lệ phí bao nhiêu?';
  const ask = (text: string) => core.answers.handle({ channel: 'web', chatId: `agent-${chat++}`, text, receivedAt: new Date() });
  const toolResults = (body: ChatRequestBody) => body.messages.filter((m) => m.role === 'tool').map((m) => m.content);

  /** search → get_procedure on the first code the search returned → `final(grounded answer in the prompt)`. */
  const searchLookupThen = (final: (grounded: string) => string) => (body: ChatRequestBody): ChatScript => {
    const results = toolResults(body);
    if (results.length === 0) return { toolCalls: [{ name: 'search_procedures', args: { query: 'đăng ký khai sinh' } }] };
    if (results.length === 1) return { toolCalls: [{ name: 'get_procedure', args: { code: results[0]!.split(' | ')[0]! } }] };
    const user = body.messages.find((m) => m.role === 'user')!.content;
    return { reply: final(/<grounded_answer>\n([\s\S]*?)\n<\/grounded_answer>/.exec(user)![1]!) };
  };

  beforeAll(async () => {
    openai = await startFakeOpenAiServer();
    dir = mkdtempSync(join(tmpdir(), 'motcua-agent-'));
    const config = parseConfig({ DATA_DIR: dir, OPENAI_BASE_URL: openai.baseUrl, LLM_AGENT: '1', LLM_TIMEOUT_MS: '3000', LLM_CHOOSER: '0' });
    core = await createCore(config, createLogger({ level: 'silent' }), { db: await createTestDb(), record: false, provinceList: false });
  }, 120_000);
  afterAll(async () => {
    await core?.close();
    await openai?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers with the agent text when it is faithful, after the tools ran on our search and catalog', async () => {
    openai.chat({ status: 500 });
    const grounded = await ask(question);
    expect(grounded.outcome).toBe('answered');
    const code = grounded.citations[0]!.code;

    const before = openai.chatRequests().length;
    openai.chat(searchLookupThen((g) => `Dạ, Trung tâm xin trả lời anh/chị:\n${g}`));
    const reply = await ask(question);
    expect(reply.text).toBe(`Dạ, Trung tâm xin trả lời anh/chị:\n${grounded.text}`);
    expect(reply.citations.map((c) => c.code)).toEqual([code]);

    const requests = openai.chatRequests().slice(before);
    expect(requests).toHaveLength(3);
    const [searched, looked] = toolResults(requests[2]!);
    // Our search (codes and names), then the record's facts verbatim with its code.
    expect(searched!.split('\n')[0]).toMatch(new RegExp(`^${code.replace(/\./g, '\\.')} \\| Đăng ký khai sinh`));
    expect(looked).toContain(`mã ${code}`);
  });

  it('keeps the deterministic answer when the agent invents a fee', async () => {
    openai.chat({ status: 500 });
    const grounded = await ask(question);
    openai.chat(searchLookupThen((g) => `${g}\nLệ phí nộp thêm: 5.000.000 đồng.`));
    const before = openai.chatRequests().length;
    const reply = await ask(question);
    expect(openai.chatRequests().length - before).toBe(3);
    expect(reply.text).toBe(grounded.text);
    expect(reply.text).not.toContain('5.000.000');
  });

  it('keeps the deterministic answer when the server fails', async () => {
    openai.chat({ status: 500 });
    const a = await ask(question);
    openai.chat((body) => (toolResults(body).length === 0 ? { toolCalls: [{ name: 'search_procedures', args: { query: 'khai sinh' } }] } : { status: 503 }));
    const b = await ask(question);
    expect(b.outcome).toBe('answered');
    expect(b.text).toBe(a.text);
    expect(b.text).toContain(a.citations[0]!.code);
  });

  it("gives the model a dossier's status with the name and code masked", async () => {
    const dossier = `${SIM_CODE_PREFIX}0002`;
    openai.chat((body) =>
      toolResults(body).length === 0 ? { toolCalls: [{ name: 'dossier_status', args: { code: dossier.toLowerCase() } }] } : { status: 500 },
    );
    const before = openai.chatRequests().length;
    await ask(question);
    const [status] = toolResults(openai.chatRequests()[before + 1]!);
    expect(status).toContain('N*** V*** A*');
    expect(status).not.toContain('Nguyễn Văn An');
    expect(status).not.toContain(dossier);
  });
});
