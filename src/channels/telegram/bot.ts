/**
 * The grammY bot: translate Telegram updates into `Incoming`, hand them to the answer core, render the `Reply`.
 * Middleware order: dedupe (DB) → rate limit (DB) → commands → callback buttons → text → non-text → nothing else.
 * No business logic here: the core decides what /tt, /hoso, a choice or a 👍 mean.
 */
import { Bot, Composer, type Context, type Transformer } from 'grammy';
import { autoRetry, type AutoRetryOptions } from '@grammyjs/auto-retry';
import type { UserFromGetMe } from 'grammy/types';
import type { AnswerService, Incoming, Reply } from '../types.js';
import type { Logger } from '../../logger.js';
import { hashId } from '../../logger.js';
import { userMessageFor, userMessages } from '../../errors.js';
import type { ChannelStore, RateLimit } from '../shared/channel-store.js';
import { parseCallbackData, renderTelegram } from './render.js';

/** Commands the core understands, in menu order, with their menu descriptions. */
export const telegramCommands = [
  { command: 'start', description: 'Giới thiệu và lưu ý riêng tư' },
  { command: 'help', description: 'Hướng dẫn sử dụng' },
  { command: 'tt', description: 'Xem đầy đủ một thủ tục: /tt <mã hoặc tên>' },
  { command: 'hoso', description: 'Tra cứu hồ sơ: /hoso <mã hồ sơ>' },
  { command: 'theodoi', description: 'Theo dõi hồ sơ: /theodoi <mã hồ sơ>' },
  { command: 'huytheodoi', description: 'Hủy theo dõi hồ sơ' },
  { command: 'gopy', description: 'Góp ý: /gopy <nội dung>' },
  { command: 'xoadulieu', description: 'Xóa dữ liệu của anh/chị mà trợ lý đã lưu' },
  { command: 'canbo', description: 'Gặp cán bộ của Trung tâm' },
  { command: 'bot', description: 'Kết thúc trò chuyện với cán bộ, quay lại trợ lý' },
] as const;

export const telegramTexts = {
  tooFast: 'Anh/chị gửi hơi nhanh. Vui lòng đợi khoảng một phút rồi gửi tiếp, tôi sẽ trả lời ngay.',
  textOnly: 'Hiện tại tôi chỉ đọc được tin nhắn chữ. Anh/chị vui lòng gõ câu hỏi bằng chữ.',
  staleButton: 'Nút này đã cũ. Anh/chị vui lòng hỏi lại.',
  failed: userMessages.internal,
};

export interface TelegramBotDeps {
  token: string;
  answers: AnswerService;
  store: ChannelStore;
  logger: Logger;
  /** Skips getMe (tests, fast restarts). */
  botInfo?: UserFromGetMe;
  /** TELEGRAM_API_ROOT: a local Bot API server or a fake. */
  apiRoot?: string;
  rateLimit?: RateLimit;
  /** Finite by default: a hang must not block a chat's queue forever. */
  retry?: Partial<AutoRetryOptions>;
  /** Extra API transformers (tests record calls with one). Installed after auto-retry. */
  transformers?: Transformer[];
  /** Show "typing…" only when answering takes longer than this (default 400 ms; 0 = always, at once). */
  typingAfterMs?: number;
  /** Polling mode: @grammyjs/runner's sequentialize, installed first so one chat's updates run in order. */
  sequentialize?: (ctx: Context, next: () => Promise<void>) => Promise<void>;
}

const defaultTelegramRateLimit: RateLimit = { limit: 20, windowMs: 60_000 };
const defaultTelegramRetry: AutoRetryOptions = {
  maxRetryAttempts: 3,
  maxDelaySeconds: 30,
  rethrowInternalServerErrors: false,
  // grammY's network-error retry loop ignores maxRetryAttempts: rethrow instead of hanging.
  rethrowHttpErrors: true,
};

type Ctx = Context & { log?: Logger };

function chatIdOf(ctx: Context): string | undefined {
  const id = ctx.chat?.id ?? ctx.from?.id;
  return id === undefined ? undefined : String(id);
}

/** Sends a rendered Reply to a chat: several messages when long, buttons on the last. */
export async function sendReply(api: Bot['api'], chatId: string | number, reply: Reply): Promise<void> {
  // An empty handoff reply: an officer answers, the bot says nothing.
  if (!reply.text.trim()) return;
  for (const m of renderTelegram(reply)) {
    await api.sendMessage(chatId, m.text, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...(m.keyboard ? { reply_markup: { inline_keyboard: m.keyboard } } : {}),
    });
  }
}

export function createTelegramBot(deps: TelegramBotDeps): Bot<Ctx> {
  const bot = new Bot<Ctx>(deps.token, {
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
    ...(deps.apiRoot ? { client: { apiRoot: deps.apiRoot.replace(/\/$/, '') } } : {}),
  });
  bot.api.config.use(autoRetry({ ...defaultTelegramRetry, ...deps.retry }));
  for (const t of deps.transformers ?? []) bot.api.config.use(t);
  const limit = deps.rateLimit ?? defaultTelegramRateLimit;
  const typingAfterMs = deps.typingAfterMs ?? 400;

  /**
   * "typing…" while the core works: shown once the answer takes longer than typingAfterMs (a fast answer needs no
   * indicator and saves a Bot API call), renewed every 4.5 s because Telegram clears it after 5 s. A courtesy: its
   * failure never blocks the answer.
   */
  function startTyping(ctx: Ctx): () => void {
    const send = () => {
      ctx.replyWithChatAction('typing').catch((err) => ctx.log?.debug({ err: String(err) }, 'typing indicator failed'));
    };
    let repeat: NodeJS.Timeout | undefined;
    const begin = () => {
      send();
      repeat = setInterval(send, 4500);
    };
    const first = typingAfterMs <= 0 ? (begin(), undefined) : setTimeout(begin, typingAfterMs);
    return () => {
      if (first) clearTimeout(first);
      if (repeat) clearInterval(repeat);
    };
  }

  async function answer(ctx: Ctx, input: Omit<Incoming, 'channel' | 'chatId' | 'userRef' | 'receivedAt'>) {
    const chatId = chatIdOf(ctx)!;
    const stopTyping = startTyping(ctx);
    let reply: Reply;
    try {
      reply = await deps.answers.handle({
        channel: 'telegram',
        chatId,
        ...(ctx.from ? { userRef: String(ctx.from.id) } : {}),
        receivedAt: new Date(((ctx.message ?? ctx.callbackQuery?.message)?.date ?? Date.now() / 1000) * 1000),
        ...input,
      });
    } finally {
      stopTyping();
    }
    await sendReply(ctx.api, chatId, reply);
  }

  if (deps.sequentialize) bot.use(deps.sequentialize);

  // 1. A child logger per update (hashed chat, never the raw id) and the error boundary: log with the update id,
  // tell the citizen politely, never rethrow (a rethrow would stop the runner or fail the webhook queue).
  bot.use(async (ctx, next) => {
    const chatId = chatIdOf(ctx);
    const log = deps.logger.child({ channel: 'telegram', updateId: ctx.update.update_id, ...(chatId ? { chat: hashId(chatId) } : {}) });
    ctx.log = log;
    try {
      await next();
    } catch (error) {
      const e = error as Error & { error_code?: number };
      log.error({ err: { name: e?.name, message: e?.message, code: e?.error_code } }, 'telegram update failed');
      try {
        if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
        // The error's own citizen text when it has one (e.g. the database is away: "tạm gián đoạn").
        if (chatId) await ctx.api.sendMessage(chatId, userMessageFor(error));
      } catch (sendErr) {
        log.warn({ err: String(sendErr) }, 'could not send the failure notice');
      }
    }
  });

  // 2. Each update_id once, across repeats and restarts (claimed before work: at most once), and 3. the per-user
  // rate limit shared by all workers; both in one database round trip. One polite reply per window.
  bot.use(async (ctx, next) => {
    const userId = ctx.from?.id ?? ctx.chat?.id;
    const verdict = await deps.store.admit('telegram', String(ctx.update.update_id), userId === undefined ? undefined : hashId(userId), limit);
    if (!verdict.fresh) {
      ctx.log?.info('duplicate update dropped');
      return;
    }
    if (verdict.allowed) return next();
    ctx.log?.info('rate limited');
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: telegramTexts.tooFast });
    else if (verdict.firstRefusal && ctx.chat) await ctx.reply(telegramTexts.tooFast);
  });

  const features = new Composer<Ctx>();
  features.command(
    telegramCommands.map((c) => c.command),
    async (ctx) => {
      const name = ctx.message?.text?.match(/^\/([A-Za-z0-9_]+)/)?.[1]?.toLowerCase() ?? '';
      await answer(ctx, { text: ctx.message?.text ?? '', command: { name, args: String(ctx.match ?? '').trim() } });
    },
  );
  features.on('callback_query:data', async (ctx) => {
    const action = parseCallbackData(ctx.callbackQuery.data);
    // Answer the callback first so the button stops spinning, whatever happens next.
    await ctx.answerCallbackQuery(action ? undefined : { text: telegramTexts.staleButton });
    if (action && ctx.chat) await answer(ctx, { text: '', action });
  });
  features.on('message:text', (ctx) => answer(ctx, { text: ctx.message.text }));
  // Photos, stickers, voice: say we read text only, in private chats (in a group it would be noise).
  features.on('message', async (ctx) => {
    if (ctx.chat.type === 'private') await ctx.reply(telegramTexts.textOnly);
  });
  // Anything else (edited messages, other button payloads) is acknowledged and ignored.
  features.on('callback_query', (ctx) => ctx.answerCallbackQuery());
  bot.use(features);

  // Last resort (runner/polling): the boundary above already catches, this only logs what escapes it.
  bot.catch((err) => deps.logger.error({ channel: 'telegram', updateId: err.ctx.update.update_id, err: String(err.error) }, 'unhandled telegram error'));

  return bot;
}
