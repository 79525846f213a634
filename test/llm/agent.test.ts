import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAgentAnswerer, type AgentInput, type AgentTools } from '../../src/llm/agent.js';
import { startFakeOpenAiServer, type ChatRequestBody, type ChatScript, type FakeOpenAiServer } from '../fakes/openai-server.js';
import { faithfulRephrase, marriage, marriageGrounded } from './fixtures.js';
import { llmConfig, recordingLogger } from './helpers.js';

let server: FakeOpenAiServer;
beforeEach(async () => {
  server = await startFakeOpenAiServer();
});
afterEach(async () => {
  await server.close();
});

/** The project's tools, recording what the model asked of them. */
function fakeTools() {
  const calls: string[] = [];
  const tools: AgentTools = {
    async search(query) {
      calls.push(`search:${query}`);
      return [{ code: marriage.code, name: marriage.name }];
    },
    async lookup(code) {
      calls.push(`lookup:${code}`);
      return code === marriage.code ? marriageGrounded : undefined;
    },
    async dossierStatus(code) {
      calls.push(`dossier:${code}`);
      return 'Hồ sơ [MÃ HỒ SƠ]: Đang xử lý. Chủ hồ sơ: N*** V*** A.';
    },
  };
  return { tools, calls };
}

const input = (tools: AgentTools): AgentInput => ({
  question: 'Đăng ký kết hôn cần giấy tờ gì, mất bao lâu, lệ phí bao nhiêu?',
  aspects: ['documents', 'deadline', 'fee'],
  grounded: marriageGrounded,
  records: [marriage],
  tools,
});

const toolResults = (body: ChatRequestBody) => body.messages.filter((m) => m.role === 'tool');

/** Search, then look the first hit up, then answer with `final`. */
function searchLookupThen(final: string) {
  return (body: ChatRequestBody): ChatScript => {
    const done = toolResults(body).length;
    if (done === 0) return { toolCalls: [{ name: 'search_procedures', args: { query: 'đăng ký kết hôn' } }] };
    if (done === 1) return { toolCalls: [{ name: 'get_procedure', args: { code: marriage.code } }] };
    return { reply: final };
  };
}

function agent(env: Record<string, string> = {}) {
  const { logger, lines } = recordingLogger();
  return { a: createAgentAnswerer({ config: llmConfig({ OPENAI_BASE_URL: server.baseUrl, ...env }), logger }), lines };
}

describe('createAgentAnswerer', () => {
  it('calls search then lookup through the tools, and uses a final text faithful to the cited procedure', async () => {
    server.chat(searchLookupThen(faithfulRephrase));
    const { tools, calls } = fakeTools();
    const { a, lines } = agent();
    const result = await a.answer(input(tools));
    expect(result).toEqual({ text: faithfulRephrase, used: 'llm' });
    expect(calls).toEqual(['search:đăng ký kết hôn', `lookup:${marriage.code}`]);
    const requests = server.chatRequests();
    expect(requests).toHaveLength(3);
    expect(requests[0]!.tools?.map((t) => t.function.name)).toEqual(['search_procedures', 'get_procedure', 'dossier_status']);
    // What the tools returned went back to the model.
    expect(toolResults(requests[2]!).map((m) => m.content)).toEqual([`${marriage.code} | ${marriage.name}`, marriageGrounded]);
    expect(lines()).toContain('"tools":["search_procedures","get_procedure"]');
  });

  it('keeps the deterministic answer when the final text invents a fee', async () => {
    server.chat(searchLookupThen(faithfulRephrase.replace('30.000 đồng', '50.000 đồng')));
    const { tools, calls } = fakeTools();
    const result = await agent().a.answer(input(tools));
    expect(result).toEqual({ text: marriageGrounded, used: 'fallback', reason: 'unfaithful' });
    expect(calls).toHaveLength(2);
  });

  it('keeps the deterministic answer when the server fails', async () => {
    server.chat({ status: 500 });
    const { tools, calls } = fakeTools();
    const result = await agent().a.answer(input(tools));
    expect(result).toEqual({ text: marriageGrounded, used: 'fallback', reason: 'llm_failed' });
    expect(calls).toEqual([]);
  });

  it('keeps the deterministic answer when the run outlasts LLM_TIMEOUT_MS', async () => {
    server.chat((body) => (toolResults(body).length === 0 ? { toolCalls: [{ name: 'search_procedures', args: { query: 'kết hôn' } }] } : { hang: true }));
    const { tools } = fakeTools();
    const result = await agent({ LLM_TIMEOUT_MS: '600' }).a.answer(input(tools));
    expect(result).toEqual({ text: marriageGrounded, used: 'fallback', reason: 'timeout' });
  });

  it('ends a model that keeps calling tools, and keeps the deterministic answer', async () => {
    server.chat({ toolCalls: [{ name: 'search_procedures', args: { query: 'kết hôn' } }] });
    const { tools, calls } = fakeTools();
    const { logger, lines } = recordingLogger();
    const result = await createAgentAnswerer({ config: llmConfig({ OPENAI_BASE_URL: server.baseUrl }), logger }, { maxModelCalls: 3 }).answer(input(tools));
    expect(result).toEqual({ text: marriageGrounded, used: 'fallback', reason: 'llm_failed' });
    expect(server.chatRequests()).toHaveLength(3);
    expect(calls).toHaveLength(2);
    expect(lines()).toContain('"errName":"GraphRecursionError"');
  });

  it('hands the dossier status tool result, masked by the caller, to the model', async () => {
    server.chat((body) =>
      toolResults(body).length === 0 ? { toolCalls: [{ name: 'dossier_status', args: { code: 'H37.20-20260609-0092637' } }] } : { reply: faithfulRephrase },
    );
    const { tools, calls } = fakeTools();
    const result = await agent().a.answer(input(tools));
    expect(result.used).toBe('llm');
    expect(calls).toEqual(['dossier:H37.20-20260609-0092637']);
    expect(toolResults(server.chatRequests()[1]!)[0]!.content).toContain('N*** V*** A');
  });

  it('is disabled without an LLM', async () => {
    const { tools } = fakeTools();
    const a = createAgentAnswerer({ config: llmConfig({}), logger: recordingLogger().logger });
    expect(await a.answer(input(tools))).toEqual({ text: marriageGrounded, used: 'fallback', reason: 'disabled' });
    expect(server.chatRequests()).toHaveLength(0);
  });
});
