import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { Procedure } from '../catalog/schema.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { checkFaithfulness, type FaithfulnessProblemKind } from './faithfulness.js';
import { loadPrompt } from './prompts.js';
import { asData, chatModelFrom, cleanReply, DeadlineError, describeError, invokeWithDeadline } from './chat.js';

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

/** The aspects asked, in words for a prompt ("thông tin chung" when none). */
export function describeAspects(aspects: readonly string[]): string {
  return (aspects.length > 0 ? aspects : ['general']).map((a) => aspectLabels[a] ?? a).join('; ');
}

/**
 * Whether an LLM's text may replace the grounded answer: not empty, not much longer, and faithful to the grounded text
 * and the cited records. `logFields` (problem kinds and count) are safe to log; the problems' details are not.
 */
export function judgeLlmText(
  text: string,
  input: Pick<RephraseInput, 'grounded' | 'records'>,
): { reason?: 'empty' | 'too_long' | 'unfaithful'; logFields?: Record<string, unknown> } {
  if (text === '') return { reason: 'empty' };
  if (text.length > Math.max(input.grounded.length * 1.5, input.grounded.length + 400)) return { reason: 'too_long' };
  const check = checkFaithfulness(text, { grounded: input.grounded, records: input.records });
  if (!check.ok) {
    const problemKinds: FaithfulnessProblemKind[] = [...new Set(check.kinds)];
    return { reason: 'unfaithful', logFields: { problemKinds, problemCount: check.problems.length } };
  }
  return {};
}

/** The texts we place between tags in the prompt must not be able to close or open those tags. */
const promptData = (text: string, maxLength: number) => asData(text, maxLength, ['question', 'grounded_answer']);

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

  const model: BaseChatModel | undefined = deps.chatModel ?? chatModelFrom(config, { maxRetries: options.maxRetries ?? 0 });
  const invoke = (messages: (SystemMessage | HumanMessage)[]) => invokeWithDeadline(model!, messages, timeoutMs);

  return {
    async rephrase(input) {
      const fallback = (reason: RephraseFallbackReason): RephraseResult => ({ text: input.grounded, used: 'fallback', reason });
      if (!model) return fallback('disabled');

      const started = performance.now();
      const values = {
        question: promptData(input.question, 2000),
        aspects: describeAspects(input.aspects),
        grounded: promptData(input.grounded, 12000),
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
      const verdict = judgeLlmText(text, input);
      if (verdict.reason) return done(fallback(verdict.reason), verdict.logFields);
      return done({ text, used: 'llm' });
    },
  };
}
