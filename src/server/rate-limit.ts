/**
 * Rate limit for the web chat (POST /api/chat). Telegram and Zalo keep theirs in the database (channel-store admit),
 * keyed by the platform's verified user id. The web chat has no verified identity: the chatId is chosen by the
 * browser, so the key is chatId + client address, with a second, larger budget per address so that rotating chatIds
 * does not escape it.
 *
 * Decided: state IN MEMORY, per process. Why: the limiter must keep working when the database is down (the chat
 * then still answers or explains the outage), it costs no round trip, and a limit that is N times larger behind N
 * workers is still a limit. Fixed windows; the number of tracked keys is bounded so a flood of fresh keys cannot
 * grow memory without end (the oldest window is forgotten first).
 */

export interface WindowLimit {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
}

export interface ChatRateLimitOptions {
  /** Per chatId + address (default 20 per minute, like Telegram and Zalo). */
  perChat?: WindowLimit;
  /** Per address, across chatIds (default 300 per minute). */
  perAddress?: WindowLimit;
  /** Keys tracked at once per budget (default 50,000). */
  maxKeys?: number;
  clock?: () => number;
}

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the window that refused this request ends (0 when allowed). */
  retryAfterSeconds: number;
}

export interface ChatRateLimiter {
  /** Counts one request and says whether it is within both budgets. */
  hit(chatId: string, address: string): RateDecision;
}

const defaultChatRateLimit = {
  perChat: { limit: 20, windowMs: 60_000 },
  perAddress: { limit: 300, windowMs: 60_000 },
} satisfies Required<Pick<ChatRateLimitOptions, 'perChat' | 'perAddress'>>;

function createWindows(budget: WindowLimit, maxKeys: number) {
  // Map keeps insertion order; a key re-inserted when its window restarts moves to the end, so the first key is the
  // one whose window started longest ago.
  const windows = new Map<string, { start: number; hits: number }>();
  return {
    /** Counts a hit; returns 0 when allowed, else milliseconds until the window ends. */
    hit(key: string, now: number): number {
      let w = windows.get(key);
      if (!w || now - w.start >= budget.windowMs) {
        windows.delete(key);
        w = { start: now, hits: 0 };
        windows.set(key, w);
        while (windows.size > maxKeys) windows.delete(windows.keys().next().value!);
      }
      w.hits++;
      return w.hits <= budget.limit ? 0 : Math.max(1, w.start + budget.windowMs - now);
    },
  };
}

export function createChatRateLimiter(options: ChatRateLimitOptions = {}): ChatRateLimiter {
  const clock = options.clock ?? Date.now;
  const maxKeys = options.maxKeys ?? 50_000;
  const perChat = createWindows(options.perChat ?? defaultChatRateLimit.perChat, maxKeys);
  const perAddress = createWindows(options.perAddress ?? defaultChatRateLimit.perAddress, maxKeys);
  return {
    hit(chatId, address) {
      const now = clock();
      const waitAddress = perAddress.hit(address, now);
      // JSON keeps the two parts apart whatever characters the chatId holds.
      const waitChat = perChat.hit(JSON.stringify([address, chatId]), now);
      const wait = Math.max(waitAddress, waitChat);
      return { allowed: wait === 0, retryAfterSeconds: Math.ceil(wait / 1000) };
    },
  };
}
