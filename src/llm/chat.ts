/**
 * What every optional LLM step shares: the chat model built from config, one call under a hard deadline, the reply's
 * text cleaned of reasoning blocks and code fences, and errors described without the provider's message (which can
 * echo the request, and so the citizen's words).
 */
import { ChatOpenAI } from '@langchain/openai';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { isLlmEnabled, type Config } from '../config.js';

/** ChatOpenAI from config (OPENAI_BASE_URL, LLM_MODEL, LLM_TIMEOUT_MS); undefined when no LLM is configured. */
export function chatModelFrom(config: Config, options: { maxRetries?: 0 | 1; maxTokens?: number } = {}): BaseChatModel | undefined {
  if (!isLlmEnabled(config)) return undefined;
  return new ChatOpenAI({
    model: config.LLM_MODEL,
    // OpenAI-compatible local servers need no key, but the client insists on one.
    apiKey: config.OPENAI_API_KEY ?? 'not-needed',
    temperature: 0,
    maxRetries: options.maxRetries ?? 0,
    timeout: config.LLM_TIMEOUT_MS,
    maxTokens: options.maxTokens ?? 1024,
    configuration: { baseURL: config.OPENAI_BASE_URL },
  });
}

export class DeadlineError extends Error {
  constructor() {
    super('LLM deadline passed');
    this.name = 'DeadlineError';
  }
}

/** Runs `work` with an abort signal; after `timeoutMs` the signal aborts and the result is DeadlineError. */
export async function withDeadline<T>(timeoutMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new DeadlineError());
    }, timeoutMs);
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** One call that gives up (and aborts the request) after `timeoutMs`, with DeadlineError. */
export async function invokeWithDeadline(model: BaseChatModel, messages: (SystemMessage | HumanMessage)[], timeoutMs: number): Promise<string> {
  const reply = await withDeadline(timeoutMs, (signal) => model.invoke(messages, { signal }));
  return messageText(reply.content);
}

export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part === 'string' ? part : part && typeof part.text === 'string' ? part.text : ''))
      .join('');
  }
  return '';
}

/** Some local models put their reasoning in <think> blocks or wrap the answer in a code fence. */
export function cleanReply(text: string): string {
  return text
    .replace(/<think>[\s\S]*?<\/think>/gi, '')
    .trim()
    .replace(/^```[a-z]*\n([\s\S]*?)\n```$/i, '$1')
    .trim();
}

/** Name and status only: provider messages can echo the request, which holds the citizen's words. */
export function describeError(err: unknown): Record<string, unknown> {
  const e = err as { name?: unknown; status?: unknown; code?: unknown };
  return {
    errName: typeof e?.name === 'string' ? e.name : typeof err,
    status: typeof e?.status === 'number' ? e.status : undefined,
    errCode: typeof e?.code === 'string' ? e.code : undefined,
  };
}

/** A text placed between the prompt's tags, unable to close or open any of them. */
export function asData(text: string, maxLength: number, tags: readonly string[]): string {
  const re = new RegExp(`<\\/?\\s*(?:${tags.join('|')})\\s*>`, 'gi');
  return text.replace(re, '').slice(0, maxLength);
}
