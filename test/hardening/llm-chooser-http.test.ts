import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb } from '../helpers/db.js';
import { startFakeOpenAiServer, type ChatRequestBody, type FakeOpenAiServer } from '../fakes/openai-server.js';
import type { Reply } from '../../src/channels/types.js';
import { startStack, type Stack } from './helpers.js';

/**
 * The optional LLM choice among a clarification's candidates, end to end: /api/chat on startServer with
 * OPENAI_BASE_URL at the fake OpenAI server, over the shipped catalog. The model may pick one offered code (the answer
 * is then the catalog's own) or word the question above the list; anything else leaves the deterministic list.
 */
describe('LLM chooser through /api/chat', () => {
  let stack: Stack;
  let openai: FakeOpenAiServer;
  let chat = 0;
  const ask = async (text: string) => {
    const res = await stack.chat(`choose-${chat++}`, text);
    expect(res.status).toBe(200);
    return (await res.json()) as Reply;
  };
  const isChoice = (body: ChatRequestBody) => body.messages.some((m) => m.content.includes('<candidates>'));
  /** The codes the request offered the model, in order. */
  const offered = (body: ChatRequestBody) => [...body.messages.at(-1)!.content.matchAll(/^(\S+) \| /gm)].map((m) => m[1]!);
  // A bare action: several procedures start with it, so the deterministic core asks the citizen to choose.
  const vague = 'xin cấp lại';

  beforeAll(async () => {
    openai = await startFakeOpenAiServer();
    stack = await startStack({ db: await createTestDb(), env: { OPENAI_BASE_URL: openai.baseUrl, LLM_TIMEOUT_MS: '3000' } });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await openai?.close();
  });

  it('keeps the deterministic list when the model fails', async () => {
    openai.chat({ status: 500 });
    const r = await ask(vague);
    expect(r.outcome).toBe('clarify');
    expect(r.choices.length).toBeGreaterThanOrEqual(2);
    expect(openai.chatRequests().some(isChoice)).toBe(true);
  });

  it('answers the candidate the model picks, from the catalog, with its citation', async () => {
    openai.chat({ status: 500 });
    const list = await ask(vague);
    const second = list.choices[1]!.code;
    // Choosing "2" from the list by hand, while the model fails.
    await stack.chat('by-hand', vague);
    const byHand = (await (await stack.chat('by-hand', '2')).json()) as Reply;
    expect(byHand.citations.map((c) => c.code)).toEqual([second]);
    // Pick the second candidate offered; rephrasing calls fail, so the answer is the deterministic one.
    openai.chat((body) => (isChoice(body) ? { reply: JSON.stringify({ code: offered(body)[1], ask: null }) } : { status: 500 }));
    const r = await ask(vague);
    expect(r.outcome).toBe('answered');
    expect(r.citations.map((c) => c.code)).toEqual([second]);
    expect(r.text).toBe(byHand.text);
  });

  it('puts the model\'s question above the same list, and ignores a code that was not offered', async () => {
    openai.chat({ status: 500 });
    const list = await ask(vague);
    const question = 'Anh/chị cần làm lại giấy tờ nào?';
    openai.chat((body) => (isChoice(body) ? { reply: JSON.stringify({ code: null, ask: question }) } : { status: 500 }));
    const asked = await ask(vague);
    expect(asked.outcome).toBe('clarify');
    expect(asked.text.startsWith(question)).toBe(true);
    expect(asked.choices).toEqual(list.choices);

    openai.chat((body) => (isChoice(body) ? { reply: '{"code": "1.999999", "ask": null}' } : { status: 500 }));
    const foreign = await ask(vague);
    expect(foreign.outcome).toBe('clarify');
    expect(foreign.text).toBe(list.text);
  });
});
