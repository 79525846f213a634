/**
 * Optional, off by default (LLM_AGENT=1): instead of the rephraser's single call, a LangChain agent (`createAgent`)
 * that may call the project's own tools before it writes the answer — procedure search (names and codes of the top
 * candidates), procedure lookup (the catalog's facts verbatim) and dossier status (through the centre lookup, under
 * the citizen's own lookup limits, personal data masked). The tools are the caller's: this module only names and
 * describes them to the model. The final text passes the rephraser's checks (judgeLlmText: the faithfulness guard
 * against the grounded answer and the cited procedure); any failure, timeout, endless tool loop or unfaithful text
 * gives back the grounded answer.
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { RunnableConfig } from '@langchain/core/runnables';
import { createAgent, tool } from 'langchain';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { asData, chatModelFrom, cleanReply, DeadlineError, describeError, messageText, withDeadline } from './chat.js';
import { loadPrompt } from './prompts.js';
import { describeAspects, judgeLlmText, type RephraseInput, type RephraseResult } from './rephraser.js';

/** What the agent may call, bound by the caller to one citizen's turn. Each returns text for the model. */
export interface AgentTools {
  /** The top candidates for a description: code and name only. */
  search(query: string): Promise<{ code: string; name: string }[]>;
  /** The catalog's facts for one code, verbatim; undefined when no such procedure. */
  lookup(code: string): Promise<string | undefined>;
  /** A dossier's status with personal data masked; the lookup counts against the citizen's limits. */
  dossierStatus(code: string): Promise<string>;
}

export interface AgentInput extends RephraseInput {
  tools: AgentTools;
}

export interface AgentAnswerer {
  /** Never throws: any failure, timeout or unfaithful text gives back the grounded text with used 'fallback'. */
  answer(input: AgentInput): Promise<RephraseResult>;
}

export interface AgentDeps {
  config: Config;
  logger: Logger;
  /** A LangChain chat model that can bind tools; by default ChatOpenAI built from config. */
  chatModel?: BaseChatModel;
}

export interface AgentOptions {
  promptsDir?: string;
  /** Model calls per answer, the last of which must write it (so at most N - 1 tool rounds); default 4. */
  maxModelCalls?: number;
}

const tags = ['question', 'grounded_answer'];
/** Tool output handed back to the model is data too: it cannot open or close the prompt's tags, nor run on forever. */
const toolData = (text: string) => asData(text, 6000, tags);

/** The turn's tools travel in the run's config, so that one agent serves every citizen. */
const toolsOf = (config: RunnableConfig | undefined): AgentTools => {
  const t = (config?.configurable as { motcuaTools?: AgentTools } | undefined)?.motcuaTools;
  if (!t) throw new Error('agent tools missing from the run config');
  return t;
};

const agentTools = [
  tool(
    async ({ query }, config) => {
      const hits = await toolsOf(config).search(query);
      return hits.length ? toolData(hits.map((h) => `${h.code} | ${h.name}`).join('\n')) : 'Không tìm thấy thủ tục phù hợp.';
    },
    {
      name: 'search_procedures',
      description: 'Tìm thủ tục hành chính theo mô tả; trả về mã và tên của vài thủ tục gần nhất (mỗi dòng: mã | tên).',
      schema: z.object({ query: z.string().min(1).max(300).describe('mô tả thủ tục cần tìm, tiếng Việt') }),
    },
  ),
  tool(
    async ({ code }, config) => toolData((await toolsOf(config).lookup(code.trim())) ?? `Không có thủ tục mã ${code.trim()}.`),
    {
      name: 'get_procedure',
      description: 'Đọc nguyên văn thông tin của một thủ tục theo mã: giấy tờ, thời hạn, lệ phí, nơi nộp, trình tự, nguồn.',
      schema: z.object({ code: z.string().min(1).max(60).describe('mã thủ tục, ví dụ 1.000894') }),
    },
  ),
  tool(async ({ code }, config) => toolData(await toolsOf(config).dossierStatus(code.trim())), {
    name: 'dossier_status',
    description: 'Tra cứu tình trạng một hồ sơ theo mã hồ sơ công dân đã cung cấp; thông tin cá nhân đã được che.',
    schema: z.object({ code: z.string().min(1).max(60).describe('mã hồ sơ') }),
  }),
];

/**
 * Builds the agent once; each answer runs it with that turn's tools. Without an LLM configured (and no injected
 * model) every call returns the grounded text with reason 'disabled'. The whole run (every model and tool call) must
 * end within LLM_TIMEOUT_MS.
 */
export function createAgentAnswerer(deps: AgentDeps, options: AgentOptions = {}): AgentAnswerer {
  const logger = deps.logger.child({ component: 'agent' });
  const system = loadPrompt('agent.system', { dir: options.promptsDir });
  const user = loadPrompt('agent.user', { dir: options.promptsDir });
  const model = deps.chatModel ?? chatModelFrom(deps.config);
  const timeoutMs = deps.config.LLM_TIMEOUT_MS;
  // A model call and the tool round after it are two graph steps: N calls are 2N - 1 steps, and a tool round asked
  // for by the last allowed call is not run (the run fails instead).
  const recursionLimit = 2 * (options.maxModelCalls ?? 4) - 1;
  let agent: ReturnType<typeof createAgent> | undefined;

  return {
    async answer(input) {
      const fallback = (reason: RephraseResult['reason']): RephraseResult => ({ text: input.grounded, used: 'fallback', reason });
      if (!model) return fallback('disabled');
      const started = performance.now();
      const called: string[] = [];
      const done = (result: RephraseResult, extra: Record<string, unknown> = {}): RephraseResult => {
        const fields = {
          used: result.used,
          reason: result.reason,
          ms: Math.round(performance.now() - started),
          records: input.records.map((r) => r.code),
          // Tool names only: their arguments can hold the citizen's words or a dossier code.
          tools: called,
          ...extra,
        };
        if (result.used === 'llm') logger.info(fields, 'answered by the LLM agent');
        else logger.warn(fields, 'kept the grounded answer');
        return result;
      };

      const values = {
        question: asData(input.question, 2000, tags),
        aspects: describeAspects(input.aspects),
        grounded: asData(input.grounded, 12000, tags),
      };
      const tools: AgentTools = {
        search: (q) => (called.push('search_procedures'), input.tools.search(q)),
        lookup: (c) => (called.push('get_procedure'), input.tools.lookup(c)),
        dossierStatus: (c) => (called.push('dossier_status'), input.tools.dossierStatus(c)),
      };
      let text: string;
      try {
        const ready = (agent ??= createAgent({ model, tools: agentTools, systemPrompt: system.render({}) }));
        const state = await withDeadline(timeoutMs, (signal) =>
          ready.invoke({ messages: [{ role: 'user', content: user.render(values) }] }, { configurable: { motcuaTools: tools }, signal, recursionLimit }),
        );
        const last = state.messages.at(-1);
        text = cleanReply(last ? messageText(last.content) : '');
      } catch (err) {
        return done(fallback(err instanceof DeadlineError ? 'timeout' : 'llm_failed'), describeError(err));
      }
      const verdict = judgeLlmText(text, input);
      if (verdict.reason) return done(fallback(verdict.reason), verdict.logFields);
      return done({ text, used: 'llm' });
    },
  };
}
