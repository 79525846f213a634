/**
 * Human handoff: a citizen asks for a person (cue, /canbo, the "Gặp cán bộ" button), the conversation goes to the
 * officers' inbox, officers' replies come back on the citizen's own channel, and either side closes it.
 *
 * `wrap(answers)` puts the handoff in front of the answer core: while a handoff is open the citizen's messages go to the
 * officer (an emergency still gets the emergency numbers from the core); otherwise the core answers as before.
 * Officers' messages are queued in the database and sent by whichever worker claims them (once); the web page fetches
 * its own (`take`). A tick on every worker retries what a dead worker left and releases closed chats' raw ids.
 */
import type { AnswerService, ChannelSender, Incoming, Reply } from '../channels/types.js';
import type { CentreInfo } from '../answer/texts.js';
import type { SessionStore } from '../answer/session.js';
import { understand } from '../answer/understand.js';
import { hashId, type Logger } from '../logger.js';
import { isAppError, userMessageFor } from '../errors.js';
import type { CentreHours } from './hours.js';
import type { HandoffMessage, HandoffStore, HandoffView, MessageFrom } from './store.js';
import { asksForPerson, endsHandoff } from './cues.js';
import { handoffTexts as T } from './texts.js';

export interface HandoffServiceDeps {
  store: HandoffStore;
  hours: CentreHours;
  centre: CentreInfo;
  logger: Logger;
  /** Channels that push messages (Telegram, Zalo, Zalo OA…): one sender each. Read at each use. */
  senders: readonly ChannelSender[];
  /** Channels whose client fetches its own messages (the web page). */
  pullChannels?: readonly string[];
  /** One line per new handoff to the officers (STAFF_TELEGRAM_CHAT_ID); never personal data. */
  notifyStaff?: (line: string) => Promise<void>;
  /** Link to the inbox in that line. */
  inboxUrl?: string;
  /** The officers' own group chat: never handed to the officers (a "/canbo" typed there is the bot's). */
  staffChat?: { channel: string; chatId: string };
  /** For the conversation so far (the last question and what the bot did) and the procedure it was about. */
  sessions?: SessionStore;
  procedureName?: (code: string) => Promise<string | undefined>;
  clock?: () => Date;
  /** Delivery tick (default 3 s). */
  intervalMs?: number;
  /** How long a claimed message is left to its worker before another may send it (default 30 s). */
  leaseMs?: number;
  /** Attempts before a message is marked undeliverable (default 3). */
  maxAttempts?: number;
  /** How long after closing a 👍/👎 still counts for the handoff; then the raw chat id is dropped (default 30 min). */
  ratingWindowMs?: number;
  /** An open handoff nobody wrote in for this long is closed (default 7 days); the chat's next message is the bot's. */
  staleAfterMs?: number;
}

export interface HandoffService {
  wrap(inner: AnswerService): AnswerService;
  listOpen(): Promise<HandoffView[]>;
  /** The conversation unmasked; audited under `staff`. */
  reveal(id: number, staff: string): Promise<HandoffView | undefined>;
  /** An officer's reply, sent at once when its channel pushes. Throws http:not_found when the handoff is not open. */
  reply(id: number, text: string): Promise<{ messageId: number }>;
  /** Closes from the inbox; the citizen gets the closing notice. false when it was not open. */
  close(id: number): Promise<boolean>;
  /** What the web page has not fetched yet, and whether an officer still has the conversation. */
  take(channel: string, chatId: string): Promise<{ open: boolean; messages: { from: MessageFrom; text: string; at: string; feedback: boolean }[] }>;
  /** One delivery round (tests; the timer calls it). Returns how many messages were sent. */
  tick(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

const COMMAND = /^\/(canbo|bot)(?:@\w+)?\s*$/i;

const typedRating = (text: string): 'up' | 'down' | undefined =>
  /^👍[\u{1F3FB}-\u{1F3FF}\uFE0F]*$/u.test(text) ? 'up' : /^👎[\u{1F3FB}-\u{1F3FF}\uFE0F]*$/u.test(text) ? 'down' : undefined;

const reply = (text: string, extra: Partial<Reply> = {}): Reply => ({ outcome: 'handoff', text, citations: [], choices: [], feedback: false, ...extra });

/** A short, safe description of a send failure: the platform's code and description, never URLs or tokens. */
function failureOf(err: unknown): { text: string; permanent: boolean } {
  const e = (err ?? {}) as { error_code?: unknown; description?: unknown; status?: unknown; apiCode?: unknown; code?: unknown; name?: unknown };
  const status = typeof e.error_code === 'number' ? e.error_code : typeof e.status === 'number' ? e.status : undefined;
  const what = [status, e.apiCode, typeof e.description === 'string' ? e.description : typeof e.code === 'string' ? e.code : e.name].filter((x) => x !== undefined && x !== '');
  const permanent = isAppError(err, 'channel:undeliverable') || (status !== undefined && status >= 400 && status < 500 && status !== 429);
  return { text: what.map(String).join(' ').slice(0, 200) || 'send failed', permanent };
}

export function createHandoffService(deps: HandoffServiceDeps): HandoffService {
  const { store } = deps;
  const now = deps.clock ?? (() => new Date());
  const log = deps.logger.child({ area: 'handoff' });
  // Read at each use: channels built after this service (they need its wrapped answers) add their senders later.
  const senderFor = (channel: string) => deps.senders.find((s) => s.channel === channel);
  const pull = new Set(deps.pullChannels ?? []);
  const leaseMs = deps.leaseMs ?? 30_000;
  const maxAttempts = deps.maxAttempts ?? 3;
  const ratingWindowMs = deps.ratingWindowMs ?? 30 * 60_000;
  const keyOf = (channel: string, chatId: string) => `${channel}:${hashId(`${channel}:${chatId}`)}`;

  async function contextOf(chatKey: string, at: Date): Promise<{ messages: { from: MessageFrom; text: string; at: Date }[]; code?: string }> {
    const s = await deps.sessions?.get(chatKey, at).catch(() => undefined);
    if (!s) return { messages: [] };
    const messages: { from: MessageFrom; text: string; at: Date }[] = [];
    if (s.lastQuestion) messages.push({ from: 'citizen', text: s.lastQuestion, at: s.updatedAt });
    const name = s.lastCode ? await deps.procedureName?.(s.lastCode).catch(() => undefined) : undefined;
    const did =
      s.lastOutcome === 'answered' && s.lastCode
        ? `(Trợ lý đã trả lời theo thủ tục ${name ? `${name} — ` : ''}mã ${s.lastCode})`
        : s.lastOutcome === 'clarify'
          ? `(Trợ lý đã đưa danh sách để chọn: ${s.lastChoices.map((c) => `${c.index}. ${c.name}`).join('; ')})`
          : s.lastOutcome === 'unresolved'
            ? '(Trợ lý chưa tìm được thủ tục phù hợp)'
            : undefined;
    if (did) messages.push({ from: 'bot', text: did, at: s.updatedAt });
    return { messages, ...(s.lastCode ? { code: s.lastCode } : {}) };
  }

  async function open(incoming: Incoming, trigger: string, at: Date): Promise<Reply> {
    const chatKey = keyOf(incoming.channel, incoming.chatId);
    const availability = deps.hours.availability(at);
    const text = T.opened(availability);
    const ctx = await contextOf(chatKey, at);
    const made = await store.open({
      channel: incoming.channel,
      chatId: incoming.chatId,
      ...(ctx.code ? { procedureCode: ctx.code } : {}),
      at,
      context: [...ctx.messages, { from: 'citizen', text: trigger, at }, { from: 'bot', text, at }],
    });
    if (!made.created) return reply(T.alreadyOpen(availability));
    log.info({ handoff: made.id, channel: incoming.channel }, 'handoff opened');
    if (deps.notifyStaff) {
      deps.notifyStaff(T.staffLine(made.id, incoming.channel, deps.inboxUrl ?? '/admin/inbox')).catch((err) =>
        log.warn({ handoff: made.id, err: failureOf(err).text }, 'officers not told of a new handoff'),
      );
    }
    return reply(text);
  }

  function describe(incoming: Incoming): string {
    if (incoming.command) return `/${incoming.command.name}${incoming.command.args ? ` ${incoming.command.args}` : ''}`;
    const a = incoming.action;
    if (a?.type === 'feedback') return a.value === 'up' ? '👍' : '👎';
    if (a?.type === 'choice') return T.pressed(`lựa chọn ${a.index}`);
    if (a?.type === 'handoff') return T.pressed('Gặp cán bộ');
    return incoming.text.slice(0, 2000);
  }

  async function send(item: Awaited<ReturnType<HandoffStore['claim']>>[number]): Promise<boolean> {
    const sender = senderFor(item.channel);
    if (!sender) return false;
    const r = item.kind === 'closed' ? reply(item.text, { feedback: true }) : reply(T.fromStaff(item.text));
    try {
      await sender.send(item.chatId, r);
      await store.markSent(item.messageId, now());
      return true;
    } catch (err) {
      const f = failureOf(err);
      const final = f.permanent || item.attempts >= maxAttempts;
      log.warn({ handoff: item.handoffId, message: item.messageId, channel: item.channel, err: f.text, final }, 'handoff message not delivered');
      await store.markFailed(item.messageId, f.text, final);
      return false;
    }
  }

  async function deliver(messageId?: number): Promise<number> {
    const items = await store.claim(deps.senders.map((s) => s.channel), { limit: 20, leaseMs, ...(messageId !== undefined ? { messageId } : {}) });
    let sent = 0;
    for (const item of items) if (await send(item)) sent++;
    return sent;
  }

  async function releaseClosed(): Promise<void> {
    const at = now();
    const stale = await store.closeStale(new Date(at.getTime() - (deps.staleAfterMs ?? 7 * 86_400_000)), at);
    if (stale) log.info({ closed: stale }, 'handoffs without messages for a long time closed');
    for (const h of await store.forgettable(new Date(now().getTime() - ratingWindowMs))) {
      await store.forget(h.id, keyOf(h.channel, h.chatId));
    }
  }

  /** After an officer's message: send now when the channel pushes; mark it at once when nothing can carry it. */
  async function dispatch(channel: string, messageId: number): Promise<void> {
    if (senderFor(channel)) await deliver(messageId).catch((err) => log.warn({ err: (err as Error).message }, 'immediate delivery failed; the tick retries'));
    else if (!pull.has(channel)) await store.markFailed(messageId, `no sender for channel ${channel}`, true);
  }

  function wrap(inner: AnswerService): AnswerService {
    return {
      async handle(incoming) {
        const staffGroup = incoming.channel === deps.staffChat?.channel && incoming.chatId === deps.staffChat.chatId;
        if (incoming.channel === 'cli' || staffGroup) return inner.handle(incoming);
        // When the handoff's table cannot be read the bot still answers; any later failure is a polite error reply,
        // as the answer core gives (it never throws for citizen input, and neither does this).
        const current = await store.current(incoming.channel, incoming.chatId).catch((err) => {
          log.warn({ err: (err as Error).message }, 'handoff state unavailable: the bot answers');
          return null;
        });
        if (current === null) return inner.handle(incoming);
        try {
          return await route(inner, incoming, current);
        } catch (err) {
          log.error({ err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'handoff failed');
          return { outcome: 'error', text: userMessageFor(err), citations: [], choices: [], feedback: false };
        }
      },
    };
  }

  async function route(inner: AnswerService, incoming: Incoming, current: Awaited<ReturnType<HandoffStore['current']>>): Promise<Reply> {
    const at = now();
    const text = (incoming.text ?? '').trim();
    const typed = !incoming.command && !incoming.action ? COMMAND.exec(text)?.[1]?.toLowerCase() : undefined;
    const command = incoming.command?.name ?? typed;

    if (current?.status === 'open') {
      if (command === 'bot' || (!incoming.command && !incoming.action && endsHandoff(text))) {
        await store.record(current.id, 'citizen', describe(incoming), at);
        await store.close(current.id, 'citizen', at, { from: 'bot', text: T.closedByCitizen(), deliver: false });
        log.info({ handoff: current.id }, 'handoff closed by the citizen');
        return reply(T.closedByCitizen(), { feedback: true });
      }
      if (command === 'canbo' || incoming.action?.type === 'handoff') return reply(T.alreadyOpen(deps.hours.availability(at)));
      // Deleting one's data is the bot's to do (it asks for a confirmation the next message gives): the officer's
      // conversation ends first.
      if (command === 'xoadulieu') {
        await store.close(current.id, 'citizen', at);
        return inner.handle(incoming);
      }
      await store.record(current.id, 'citizen', describe(incoming), at);
      if (!incoming.command && !incoming.action && understand(text).kind === 'emergency') {
        const r = await inner.handle(incoming);
        await store.record(current.id, 'bot', r.text, now());
        return r;
      }
      // The officer answers; the bot stays silent (channels send nothing for an empty reply).
      return reply('');
    }

    if (current?.status === 'closed') {
      const rating = incoming.action?.type === 'feedback' ? incoming.action.value : !incoming.command && !incoming.action ? typedRating(text) : undefined;
      if (rating && !current.rating) {
        await store.rate(current.id, rating);
        await store.forget(current.id, keyOf(incoming.channel, incoming.chatId));
        return reply(rating === 'up' ? T.ratedUp() : T.ratedDown(deps.centre));
      }
      await store.forget(current.id, keyOf(incoming.channel, incoming.chatId));
    }

    if (command === 'canbo') return open(incoming, `/canbo`, at);
    if (incoming.action?.type === 'handoff') return open(incoming, T.pressed('Gặp cán bộ'), at);
    if (!incoming.command && !incoming.action && asksForPerson(text)) return open(incoming, text.slice(0, 2000), at);
    if (command === 'bot') return reply(T.notInHandoff());
    return inner.handle(incoming);
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  async function tick(): Promise<number> {
    const sent = await deliver();
    await releaseClosed();
    return sent;
  }

  return {
    wrap,
    listOpen: () => store.listOpen(),
    async reveal(id, staff) {
      const view = await store.get(id);
      if (view) await store.audit(id, staff, now());
      return view;
    },
    async reply(id, text) {
      const r = await store.staffReply(id, text, now());
      await dispatch(r.channel, r.messageId);
      return { messageId: r.messageId };
    },
    async close(id) {
      const view = await store.get(id);
      if (!view || view.status !== 'open') return false;
      const closed = await store.close(id, 'staff', now(), { from: 'bot', text: T.closedByStaff(), deliver: true });
      if (!closed) return false;
      log.info({ handoff: id }, 'handoff closed by an officer');
      const notice = (await store.get(id))?.messages.filter((m) => m.kind === 'closed').at(-1);
      if (notice) await dispatch(view.channel, notice.id);
      return true;
    },
    async take(channel, chatId) {
      const r = await store.take(channel, chatId, now());
      return {
        open: r.open,
        messages: r.messages.map((m: HandoffMessage) => ({
          from: m.from,
          text: m.kind === 'closed' ? m.text : m.from === 'staff' ? T.fromStaff(m.text) : m.text,
          at: m.at.toISOString(),
          feedback: m.kind === 'closed',
        })),
      };
    },
    tick,
    start() {
      if (timer) return;
      timer = setInterval(() => {
        if (running) return;
        running = tick()
          .catch((err) => log.warn({ err: (err as Error).message }, 'handoff delivery round failed'))
          .finally(() => (running = undefined));
      }, deps.intervalMs ?? 3000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
