import { ChatOpenAI } from '@langchain/openai';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { Procedure } from '../catalog/schema.js';
import { isLlmEnabled, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import { checkFaithfulness, type FaithfulnessProblemKind } from './faithfulness.js';
import { loadPrompt } from './prompts.js';

export interface RephraseInput {
  /** The citizen's message, as received. */
  question: string;
  /** Aspects asked (documents, deadline, fee, where, steps, conditions, result, legal, online, ...), in order. */
  aspects: string[];
  /** The deterministic answer composed from catalog fields, citation included. */
  grounded: string;
  /** The procedures that answer cites. */
  records: Procedure[];
}

export type RephraseFallbackReason = 'disabled' | 'timeout' | 'llm_failed' | 'empty' | 'too_long' | 'unfaithful';

export interface RephraseResult {
  text: string;
  used: 'llm' | 'fallback';
  /** Why the grounded text was kept; absent when used is 'llm'. */
  reason?: RephraseFallbackReason;
}

export interface Rephraser {
  /** Never throws: any failure, timeout or unfaithful text gives back the grounded text with used 'fallback'. */
  rephrase(input: RephraseInput): Promise<RephraseResult>;
}

export interface RephraserDeps {
  config: Config;
  logger: Logger;
  /** Injected in tests or to use another LangChain chat model; by default ChatOpenAI built from config. */
  chatModel?: BaseChatModel;
}

export interface RephraserOptions {
  /** Where rephrase.system.txt and rephrase.user.txt live; default prompts/ at the repository root. */
  promptsDir?: string;
  /**
   * Retries of a failed call (0 or 1). Default 0: the grounded answer is ready and complete, so a retry would only make
   * the citizen wait longer for nicer wording.
   */
  maxRetries?: 0 | 1;
}

const aspectLabels: Record<string, string> = {
  documents: 'thành phần hồ sơ, giấy tờ cần nộp',
  deadline: 'thời hạn giải quyết',
  fee: 'phí, lệ phí',
  where: 'nơi nộp hồ sơ, cơ quan giải quyết',
  steps: 'trình tự thực hiện',
  conditions: 'điều kiện thực hiện',
  result: 'kết quả nhận được',
  legal: 'căn cứ pháp lý',
  online: 'nộp hồ sơ trực tuyến',
  general: 'thông tin chung về thủ tục',
};

/** The texts we place between tags in the prompt must not be able to close or open those tags. */
function asData(text: string, maxLength: number): string {
  return text.replace(/<\/?\s*(?:question|grounded_answer)\s*>/gi, '').slice(0, maxLength);
}

function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part === 'string' ? part : part && typeof part.text === 'string' ? part.text : ''))
      .join('');
  }
  return '';
}

/** Some local models put their reasoning in <think> blocks or wrap the answer in a code fence. */
function cleanReply(text: string): string {
  return text
    .replace(/<think>[\s\S]*?<\/think>/gi, '')
    .trim()
    .replace(/^```[a-z]*\n([\s\S]*?)\n```$/i, '$1')
    .trim();
}

function describeError(err: unknown): Record<string, unknown> {
  // Name and status only: provider messages can echo the request, which holds the citizen's words.
  const e = err as { name?: unknown; status?: unknown; code?: unknown };
  return {
    errName: typeof e?.name === 'string' ? e.name : typeof err,
    status: typeof e?.status === 'number' ? e.status : undefined,
    errCode: typeof e?.code === 'string' ? e.code : undefined,
  };
}

/**
 * Builds the optional LLM layer: it rephrases a grounded answer (Vietnamese, polite, concise) and connects its facts
 * for multi-part questions, then checks the result with the faithfulness guard. Without OPENAI_API_KEY or
 * OPENAI_BASE_URL (and no injected chat model) every call returns the grounded text with reason 'disabled'.
 */
export function createRephraser(deps: RephraserDeps, options: RephraserOptions = {}): Rephraser {
  const { config } = deps;
  const logger = deps.logger.child({ component: 'rephraser' });
  const system = loadPrompt('rephrase.system', { dir: options.promptsDir });
  const user = loadPrompt('rephrase.user', { dir: options.promptsDir });
  const timeoutMs = config.LLM_TIMEOUT_MS;

  const model: BaseChatModel | undefined =
    deps.chatModel ??
    (isLlmEnabled(config)
      ? new ChatOpenAI({
          model: config.LLM_MODEL,
          // OpenAI-compatible local servers need no key, but the client insists on one.
          apiKey: config.OPENAI_API_KEY ?? 'not-needed',
          temperature: 0,
          maxRetries: options.maxRetries ?? 0,
          timeout: timeoutMs,
          maxTokens: 1024,
          configuration: { baseURL: config.OPENAI_BASE_URL },
        })
      : undefined);

  async function invoke(messages: (SystemMessage | HumanMessage)[]): Promise<string> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new DeadlineError());
      }, timeoutMs);
    });
    try {
      const reply = await Promise.race([model!.invoke(messages, { signal: controller.signal }), deadline]);
      return messageText(reply.content);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async rephrase(input) {
      const fallback = (reason: RephraseFallbackReason): RephraseResult => ({ text: input.grounded, used: 'fallback', reason });
      if (!model) return fallback('disabled');

      const started = performance.now();
      const aspects = input.aspects.length > 0 ? input.aspects : ['general'];
      const values = {
        question: asData(input.question, 2000),
        aspects: aspects.map((a) => aspectLabels[a] ?? a).join('; '),
        grounded: asData(input.grounded, 12000),
      };
      const messages = [new SystemMessage(system.render(values)), new HumanMessage(user.render(values))];
      const done = (result: RephraseResult, extra: Record<string, unknown> = {}): RephraseResult => {
        const ms = Math.round(performance.now() - started);
        const fields = { used: result.used, reason: result.reason, ms, records: input.records.map((r) => r.code), ...extra };
        if (result.used === 'llm') logger.info(fields, 'rephrased by LLM');
        else logger.warn(fields, 'kept the grounded answer');
        return result;
      };

      let text: string;
      try {
        text = cleanReply(await invoke(messages));
      } catch (err) {
        return done(fallback(err instanceof DeadlineError ? 'timeout' : 'llm_failed'), describeError(err));
      }
      if (text === '') return done(fallback('empty'));
      if (text.length > Math.max(input.grounded.length * 1.5, input.grounded.length + 400)) return done(fallback('too_long'));

      const check = checkFaithfulness(text, { grounded: input.grounded, records: input.records });
      if (!check.ok) {
        const problemKinds: FaithfulnessProblemKind[] = [...new Set(check.kinds)];
        return done(fallback('unfaithful'), { problemKinds, problemCount: check.problems.length });
      }
      return done({ text, used: 'llm' });
    },
  };
}

class DeadlineError extends Error {
  constructor() {
    super('LLM deadline passed');
    this.name = 'DeadlineError';
  }
}
