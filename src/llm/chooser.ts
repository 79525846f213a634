/**
 * Optional, off by default: when a deterministic decision asks the citizen to choose, an LLM may pick one of the
 * offered candidates (or none) and may word a short question that helps the citizen choose. It adds no fact: the pick
 * must be one of the candidates' codes, the answer is then composed from the catalog as always, and the question may
 * hold no number, link or anything but words. Any failure, timeout or invalid reply leaves the list as it was.
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { asData, chatModelFrom, cleanReply, DeadlineError, describeError, invokeWithDeadline } from './chat.js';
import { loadPrompt } from './prompts.js';

export interface ChooseInput {
  /** The citizen's message, already redacted. */
  question: string;
  candidates: { code: string; name: string; field?: string }[];
}

export type ChooseFallbackReason = 'disabled' | 'timeout' | 'llm_failed' | 'invalid' | 'unknown_code' | 'unsafe_question';

export interface ChooseResult {
  used: 'llm' | 'fallback';
  /** The candidate the model is sure of; absent when it chose none (or on fallback). */
  code?: string;
  /** A short question to put above the list instead of the usual line; absent when none (or on fallback). */
  ask?: string;
  reason?: ChooseFallbackReason;
}

export interface Chooser {
  /** Never throws. */
  choose(input: ChooseInput): Promise<ChooseResult>;
}

/** The reply the prompt asks for; anything else is 'invalid'. */
const chooserReplySchema = z.object({
  code: z.string().trim().min(1).nullable(),
  ask: z.string().trim().max(200).nullable().optional(),
});

/** A question to the citizen states no fact: no digit, no link, no e-mail, one short paragraph. */
function safeQuestion(text: string): boolean {
  return !/\d|https?:|www\.|@|\n/i.test(text);
}

export function createChooser(deps: { config: Config; logger: Logger; chatModel?: BaseChatModel }, options: { promptsDir?: string } = {}): Chooser {
  const logger = deps.logger.child({ component: 'chooser' });
  const system = loadPrompt('choose.system', { dir: options.promptsDir });
  const user = loadPrompt('choose.user', { dir: options.promptsDir });
  const model = deps.chatModel ?? chatModelFrom(deps.config, { maxTokens: 256 });
  const timeoutMs = deps.config.LLM_TIMEOUT_MS;
  const tags = ['question', 'candidates'];

  return {
    async choose(input) {
      const fallback = (reason: ChooseFallbackReason, extra: Record<string, unknown> = {}): ChooseResult => {
        if (reason !== 'disabled') logger.warn({ reason, candidates: input.candidates.map((c) => c.code), ...extra }, 'kept the list of choices');
        return { used: 'fallback', reason };
      };
      if (!model) return fallback('disabled');
      const values = {
        question: asData(input.question, 2000, tags),
        candidates: input.candidates.map((c) => asData(`${c.code} | ${c.name}${c.field ? ` | ${c.field}` : ''}`, 400, tags)).join('\n'),
      };
      let raw: string;
      try {
        raw = cleanReply(await invokeWithDeadline(model, [new SystemMessage(system.render(values)), new HumanMessage(user.render(values))], timeoutMs));
      } catch (err) {
        return fallback(err instanceof DeadlineError ? 'timeout' : 'llm_failed', describeError(err));
      }
      let parsed: z.infer<typeof chooserReplySchema>;
      try {
        const r = chooserReplySchema.safeParse(JSON.parse(raw.slice(raw.indexOf('{'), raw.lastIndexOf('}') + 1)));
        if (!r.success) return fallback('invalid');
        parsed = r.data;
      } catch {
        return fallback('invalid');
      }
      const code = parsed.code && parsed.code.toLowerCase() !== 'null' ? parsed.code : undefined;
      if (code && !input.candidates.some((c) => c.code === code)) return fallback('unknown_code');
      const ask = parsed.ask && parsed.ask.toLowerCase() !== 'null' ? parsed.ask : undefined;
      if (ask && !safeQuestion(ask)) return fallback('unsafe_question');
      logger.info({ used: 'llm', picked: Boolean(code), asked: Boolean(ask) }, 'chose among candidates');
      return { used: 'llm', ...(code ? { code } : {}), ...(ask && !code ? { ask } : {}) };
    },
  };
}
