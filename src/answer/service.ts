/**
 * The channel-free core: understand → retrieve → decide → compose → cite. Every channel, the web chat and the CLI
 * call `handle`. It never throws for citizen input; failures become a polite `error` reply and a log line.
 */
import { levelLabels, type Level, type Procedure } from '../catalog/schema.js';
import type { AnswerService, ChannelName, Choice, Incoming, Outcome, Reply } from '../core/types.js';
import type { InteractionRecorder } from '../analytics/types.js';
import type { SearchHit, Searcher } from '../retrieval/types.js';
import type { Logger } from '../logger.js';
import { hashId } from '../logger.js';
import { userMessageFor } from '../errors.js';
import { citationOf, composeAnswer, levelText } from './compose.js';
import type { SessionStore, ChatSession } from './session.js';
import { understand, type Aspect, type Understanding } from './understand.js';
import { levelFreeName } from '../text/names.js';
import { foldedTokens } from '../text/normalize.js';
import { coordinatedQuestions } from '../text/language.js';
import { texts, type CentreInfo } from './texts.js';
import { choiceOf, decide, defaultThresholds, type AnswerThresholds } from './decide.js';
import { describeErased, type ChatEraser } from '../privacy/per-chat.js';
import { defaultPrivacyCues, type PrivacyCues } from '../privacy/cues.js';
import { detectDossierCode } from '../dossier/code.js';

export type { AnswerThresholds } from './decide.js';

export interface CatalogPort {
  getProcedure(code: string): Promise<Procedure | undefined>;
}

/** What the answer core needs from the dossier module. */
export interface DossierPort {
  /** A dossier code found in free text, normalised; undefined when there is none. */
  detect(text: string): string | undefined;
  /** `limitKey`: a hash of what the sender cannot choose (Incoming.limitKey); lookup limits are kept per limitKey. */
  lookup(input: { chatHash: string; limitKey: string; code: string }): Promise<{ text: string }>;
  follow(input: { channel: ChannelName; chatId: string; chatHash: string; limitKey: string; code: string }): Promise<{ text: string }>;
  unfollow(input: { channel: ChannelName; chatId: string; chatHash: string; code?: string }): Promise<{ text: string }>;
}

/** Optional LLM rephrasing of a grounded answer; returns the grounded text itself when it declines. */
export interface RephrasePort {
  rephrase(input: { question: string; aspects: string[]; grounded: string; records: Procedure[] }): Promise<{ text: string; used: 'llm' | 'fallback'; reason?: string }>;
}

/**
 * Optional LLM choice among the candidates of a clarification (src/llm/chooser.ts): a code among them, or a short
 * question to put above the list; it never throws and adds no fact.
 */
export interface ChooserPort {
  choose(input: { question: string; candidates: { code: string; name: string }[] }): Promise<{ code?: string; ask?: string }>;
}

/**
 * Optional LLM agent (src/llm/agent.ts), used instead of the rephraser when configured: it may call the tools the
 * service hands it for the turn and returns the grounded text itself when it declines or fails.
 */
export interface AgentPort {
  answer(input: { question: string; aspects: string[]; grounded: string; records: Procedure[]; tools: AgentToolsPort }): Promise<{ text: string; used: 'llm' | 'fallback'; reason?: string }>;
}

/** The agent's tools for one turn, built by the service from its own search, catalog and dossier lookup. */
export interface AgentToolsPort {
  search(query: string): Promise<{ code: string; name: string }[]>;
  lookup(code: string): Promise<string | undefined>;
  dossierStatus(code: string): Promise<string>;
}

/** Who is asking, as the dossier lookup limits know them. */
interface Asker {
  chatHash: string;
  limitKey: string;
}

export interface AnswerDeps {
  searcher: Searcher;
  catalog: CatalogPort;
  sessions: SessionStore;
  centre: CentreInfo;
  logger: Logger;
  /** Removes phone, CCCD, email and dossier numbers before anything is stored. */
  redact: (text: string) => string;
  recorder?: InteractionRecorder;
  /** Lexicon notes correcting outdated premises (sổ hộ khẩu, CMND, UBND huyện...). */
  notesFor?: (text: string) => string[];
  dossier?: DossierPort;
  rephraser?: RephrasePort;
  /** Replaces the rephraser when set (LLM_AGENT=1). */
  agent?: AgentPort;
  chooser?: ChooserPort;
  /** Full staff view of a record for /tt and "xem thêm". */
  renderFull?: (p: Procedure) => string;
  thresholds?: Partial<AnswerThresholds>;
  clock?: () => Date;
  /** A citizen's deletion (/xoadulieu, "xóa dữ liệu của tôi", then "đồng ý"): src/privacy/per-chat.ts. */
  erase?: ChatEraser;
  /** Default: the `privacy:` cues of knowledge/language.yaml. */
  privacyCues?: PrivacyCues;
  /**
   * Officers take conversations (src/handoff): an unresolved answer, or a second list to choose from in a row, offers
   * "Gặp cán bộ".
   */
  offerHandoff?: boolean;
}

const MAX_TEXT = 2000;
const DOSSIER_COMMANDS = new Set(['hoso', 'theodoi', 'huytheodoi']);

/** The folded words of a procedure's name, aliases and field: what a follow-up about it may say. */
function ownWords(p: Procedure): Set<string> {
  return new Set(foldedTokens([p.name, ...(p.aliases ?? []), p.field].join(' ')));
}

/**
 * Whether a follow-up-looking message names something other than the last procedure: two or more of its topic words,
 * and most of them, are not words of that procedure's name, aliases or field ("hộ kinh doanh đăng ký ở đâu" after an
 * answer about marriage is a new question; "còn lệ phí kết hôn?" is not).
 */
export function namesAnother(topic: readonly string[], last: Procedure): boolean {
  if (topic.length < 2) return false;
  const own = ownWords(last);
  const foreign = topic.filter((w) => !own.has(w)).length;
  return foreign >= 2 && foreign * 2 > topic.length;
}

/**
 * Whether a follow-up moves to a sibling of the last procedure: the test for one hit's name, built once per message.
 * Every topic word stands in the hit's name and not every one in the last procedure's name, aliases or field, and the
 * hit's name keeps at least half of the last name's words ("còn thường trú thì sao" after "Đăng ký tạm trú" asks about
 * "Đăng ký thường trú"; "còn lệ phí kết hôn?" after "Đăng ký kết hôn" stays; one new word that lands on an unrelated
 * procedure moves nowhere).
 */
export function movesTo(topic: readonly string[], last: Procedure): (hitName: string) => boolean {
  const own = ownWords(last);
  if (!topic.length || topic.every((w) => own.has(w))) return () => false;
  const lastWords = [...new Set(foldedTokens(levelFreeName(last.name)))];
  return (hitName) => {
    const there = new Set(foldedTokens(hitName));
    return topic.every((w) => there.has(w)) && lastWords.filter((w) => there.has(w)).length * 2 >= lastWords.length;
  };
}

export function createAnswerService(deps: AnswerDeps): AnswerService {
  const th = { ...defaultThresholds, ...deps.thresholds };
  const now = deps.clock ?? (() => new Date());
  let cues: PrivacyCues | undefined = deps.privacyCues;
  const privacyCues = () => (cues ??= defaultPrivacyCues());

  /**
   * The same procedure published at several levels (the searcher's `sameAs` twins, or hits with the same name): take
   * the level the citizen asked for, else the top one, and name the others.
   */
  async function pickLevel(top: SearchHit, hits: SearchHit[], level?: Level): Promise<{ p: Procedure; other?: { code: string; levels: string } } | undefined> {
    const codes = [top.code, ...(top.sameAs ?? []), ...hits.filter((h) => h.code !== top.code && levelFreeName(h.name) === levelFreeName(top.name)).map((h) => h.code)];
    const twins = (await Promise.all([...new Set(codes)].map((c) => deps.catalog.getProcedure(c)))).filter((p): p is Procedure => Boolean(p));
    const p = (level && twins.find((t) => t.levels.includes(level))) || twins[0];
    if (!p) return undefined;
    const o = twins.find((t) => t.code !== p.code);
    return { p, other: o ? { code: o.code, levels: levelText(o).toLowerCase() } : undefined };
  }

  function reply(outcome: Outcome, text: string, extra: Partial<Reply> = {}): Reply {
    return { outcome, text, citations: [], choices: [], feedback: false, ...extra };
  }

  /**
   * The agent's tools: our search (on redacted text; codes and names of the top 5), a procedure's facts as the
   * citizen's full answer gives them, and the dossier lookup under the asker's own limits, its text redacted.
   */
  function agentTools(asker: Asker | undefined): AgentToolsPort {
    return {
      search: async (query) => (await deps.searcher.search(deps.redact(query), { top: 5 })).results.map((h) => ({ code: h.code, name: h.name })),
      lookup: async (code) => {
        const p = await deps.catalog.getProcedure(code);
        return p ? composeAnswer(p, [], { full: true }) : undefined;
      },
      dossierStatus: async (code) => {
        if (!deps.dossier || !asker) return texts.dossierOff(deps.centre);
        const normal = deps.dossier.detect(code) ?? code.replace(/\s+/g, '').toUpperCase();
        return deps.redact((await deps.dossier.lookup({ chatHash: asker.chatHash, limitKey: asker.limitKey, code: normal })).text);
      },
    };
  }

  async function answerWith(p: Procedure, asked: Aspect[], question: string, extraNotes: string[], full = false, suffix?: string, asker?: Asker): Promise<Reply> {
    let text = composeAnswer(p, asked, { notes: extraNotes, full, beforeSource: suffix });
    if ((deps.agent || deps.rephraser) && !full) {
      // The question goes to a third party: phone, CCCD, e-mail and dossier numbers are removed first.
      const input = { question: deps.redact(question), aspects: asked, grounded: text, records: [p] };
      const r = deps.agent ? await deps.agent.answer({ ...input, tools: agentTools(asker) }) : await deps.rephraser!.rephrase(input);
      text = r.text;
    }
    return reply('answered', text, { citations: [citationOf(p)], feedback: true });
  }

  function clarifyReply(choices: Choice[], intro = texts.clarify()): Reply {
    const lines = choices.map((c) => `${c.index}. ${c.name}${c.level ? ` (${c.level})` : ''} — mã ${c.code}`);
    return reply('clarify', `${intro}\n${lines.join('\n')}\n\n${texts.clarifyNone()}`, { choices });
  }

  async function procedureOrUndefined(code: string | undefined) {
    return code ? deps.catalog.getProcedure(code) : undefined;
  }

  async function handleQuestion(text: string, u: Understanding, session: ChatSession | undefined, notes: string[], asker: Asker): Promise<{ reply: Reply; candidates: SearchHit[]; session: Partial<ChatSession> }> {
    const level = u.level as Level | undefined;
    // The last procedure only matters for a follow-up: a fresh question costs no catalog read for it.
    const last = u.followUp ? await procedureOrUndefined(session?.lastCode) : undefined;
    const asked = u.aspects.length ? u.aspects : [];

    let asFresh: Awaited<ReturnType<Searcher['search']>> | undefined;
    if (u.followUp && last) {
      if (level && !last.levels.includes(level)) {
        const found = await deps.searcher.search(last.name, { top: 8 });
        const same = found.results.find((h) => h.code === last.code || h.sameAs?.includes(last.code) || levelFreeName(h.name) === levelFreeName(last.name));
        const picked = same ? await pickLevel(same, found.results, level) : undefined;
        const p = picked?.p.levels.includes(level) && picked.p.code !== last.code ? picked.p : undefined;
        if (p) {
          const aspectsNow = asked.length ? asked : session?.lastAspects ?? [];
          return { reply: await answerWith(p, aspectsNow, text, notes, false, undefined, asker), candidates: found.results, session: { lastCode: p.code, lastAspects: aspectsNow } };
        }
        return { reply: reply('answered', texts.noOtherLevel(levelText(last)), { citations: [citationOf(last)] }), candidates: [], session: { lastCode: last.code } };
      }
      // A short follow-up with aspect words: answer about the last procedure unless the message clearly names another.
      const found = (asFresh = await deps.searcher.search(text, { top: 8 }));
      // The words of a level the procedure has ("còn ở cấp xã thì sao") name no other procedure.
      const levelWords = new Set(level ? foldedTokens(levelLabels[level]) : []);
      const topic = u.topic.filter((w) => !levelWords.has(w));
      const aspectsNow = asked.length ? asked : session?.lastAspects ?? [];
      // "còn thường trú thì sao" after "Đăng ký tạm trú": the best-ranked sibling the message moves to is answered,
      // about what was asked last if nothing new is.
      const isLast = (h: SearchHit) => h.code === last.code || levelFreeName(h.name) === levelFreeName(last.name);
      const siblingNamed = movesTo(topic, last);
      const moved = found.results.find((h) => !isLast(h) && siblingNamed(h.name));
      const picked = moved ? await pickLevel(moved, found.results, level) : undefined;
      if (picked) {
        const suffix = picked.other ? texts.otherLevel(picked.other.levels, picked.other.code) : undefined;
        return { reply: await answerWith(picked.p, aspectsNow, text, notes, false, suffix, asker), candidates: found.results, session: { lastCode: picked.p.code, lastAspects: aspectsNow, lastChoices: [] } };
      }
      const other = found.confident && found.results[0] && !isLast(found.results[0]);
      if (!other && !namesAnother(topic, last)) {
        return { reply: await answerWith(last, aspectsNow, text, notes, false, undefined, asker), candidates: found.results, session: { lastCode: last.code, lastAspects: aspectsNow } };
      }
    }

    // The follow-up check above may already have searched the same text.
    const found = asFresh ?? (await deps.searcher.search(text, { top: 8 }));
    const two = await twoThings(text);
    if (two) {
      const choices = two.map(choiceOf);
      return {
        reply: clarifyReply(choices, texts.twoThings()),
        candidates: found.results,
        session: { lastChoices: choices, lastAspects: asked, lastCode: undefined },
      };
    }
    const d = decide(found, th);
    const answerHit = async (hit: SearchHit) => {
      const picked = await pickLevel(hit, found.results, level);
      if (!picked) return undefined;
      const { p } = picked;
      const suffix = picked.other ? texts.otherLevel(picked.other.levels, picked.other.code) : undefined;
      return { reply: await answerWith(p, asked, text, notes, false, suffix, asker), candidates: found.results, session: { lastCode: p.code, lastAspects: asked, lastChoices: [] } };
    };
    if (d.outcome === 'answered' && found.results[0]) {
      const answered = await answerHit(found.results[0]);
      if (answered) return answered;
    }
    if (d.outcome === 'clarify') {
      // The optional LLM may be sure of one candidate, or word the question above the list.
      const chosen = deps.chooser ? await deps.chooser.choose({ question: text, candidates: d.choices.map((c) => ({ code: c.code, name: c.name })) }) : undefined;
      const hit = chosen?.code ? found.results.find((h) => h.code === chosen.code) : undefined;
      const answered = hit ? await answerHit(hit) : undefined;
      if (answered) return answered;
      return { reply: clarifyReply(d.choices, chosen?.ask ?? texts.clarify()), candidates: found.results, session: { lastChoices: d.choices, lastAspects: asked, lastCode: undefined } };
    }
    return { reply: reply('unresolved', texts.unresolved(deps.centre)), candidates: found.results, session: { lastCode: undefined, lastChoices: [] } };
  }

  /**
   * A short message that joins two things ("mất cả căn cước và bằng lái xe") and names a different procedure on each
   * side: both are offered, so that neither is answered alone. Undefined otherwise (one procedure, or a side that
   * names none plausibly).
   */
  async function twoThings(text: string): Promise<SearchHit[] | undefined> {
    const pair = coordinatedQuestions(text);
    if (!pair) return undefined;
    const subs = await Promise.all(pair.map((q) => deps.searcher.search(q, { top: 4 })));
    // Each side must name part of its procedure (a third of its name's word pairs), not merely find something.
    const tops = subs.map((r) => (decide(r, th).outcome !== 'unresolved' && (r.signals?.cover ?? 1) >= 0.3 ? r.results[0] : undefined));
    const [a, b] = tops;
    if (!a || !b || levelFreeName(a.name) === levelFreeName(b.name)) return undefined;
    return [a, b];
  }

  async function handleCommand(incoming: Incoming, chatHash: string, limitKey: string, session: ChatSession | undefined): Promise<{ reply: Reply; session?: Partial<ChatSession>; comment?: string; code?: string }> {
    const { name, args } = incoming.command!;
    const arg = args.trim();
    switch (name) {
      case 'start':
        return { reply: reply('smalltalk', texts.greeting(deps.centre)) };
      case 'help':
        return { reply: reply('smalltalk', texts.help()) };
      case 'tt': {
        if (!arg) return { reply: reply('smalltalk', texts.ttUsage()) };
        let p = /^\d+\.\d{6}$|^[0-9A-Za-z][0-9A-Za-z._-]{1,39}$/.test(arg) ? await deps.catalog.getProcedure(arg) : undefined;
        if (!p) {
          // A name typed by staff: the best match, unless nothing plausible was found (the same bar as a citizen's
          // "unresolved"), so that a typo shows "not found" rather than an unrelated record.
          const found = await deps.searcher.search(deps.redact(arg), { top: 1 });
          p = found.confidence >= th.clarifyMin ? await procedureOrUndefined(found.results[0]?.code) : undefined;
        }
        if (!p) return { reply: reply('unresolved', texts.ttNotFound(Array.from(arg).slice(0, 100).join(''))) };
        const text = deps.renderFull ? `${deps.renderFull(p)}` : composeAnswer(p, [], { full: true });
        return { reply: reply('answered', text, { citations: [citationOf(p)], feedback: true }), session: { lastCode: p.code, lastAspects: [] }, code: p.code };
      }
      case 'hoso':
      case 'theodoi':
      case 'huytheodoi': {
        if (!deps.dossier) return { reply: reply('dossier', texts.dossierOff(deps.centre)) };
        const code = deps.dossier.detect(arg) ?? (arg ? arg.replace(/\s+/g, '').toUpperCase() : undefined);
        if (name === 'huytheodoi') {
          const r = await deps.dossier.unfollow({ channel: incoming.channel, chatId: incoming.chatId, chatHash, code });
          return { reply: reply('dossier', r.text) };
        }
        if (!code) return { reply: reply('dossier', texts.dossierUsage()) };
        const r =
          name === 'hoso'
            ? await deps.dossier.lookup({ chatHash, limitKey, code })
            : await deps.dossier.follow({ channel: incoming.channel, chatId: incoming.chatId, chatHash, limitKey, code });
        return { reply: reply('dossier', r.text) };
      }
      case 'xoadulieu':
        if (!deps.erase) return { reply: reply('smalltalk', texts.eraseOff(deps.centre)) };
        return { reply: reply('smalltalk', texts.eraseAsk()), session: { pending: 'erase' } };
      case 'gopy':
        if (!arg) return { reply: reply('smalltalk', texts.gopyUsage()) };
        return { reply: reply('feedback', texts.gopyThanks()), comment: deps.redact(arg.slice(0, MAX_TEXT)), code: session?.lastCode };
      default:
        return { reply: reply('smalltalk', texts.help()) };
    }
  }

  async function choose(index: number, session: ChatSession | undefined, notes: string[], asker: Asker): Promise<{ reply: Reply; session?: Partial<ChatSession>; code?: string }> {
    const choices = session?.lastChoices ?? [];
    if (!choices.length) return { reply: reply('smalltalk', texts.noChoices()) };
    const c = choices.find((x) => x.index === index);
    if (!c) return { reply: reply('clarify', texts.badChoice(choices.length), { choices }) };
    const p = await deps.catalog.getProcedure(c.code);
    if (!p) return { reply: reply('unresolved', texts.unresolved(deps.centre)) };
    const aspectsNow = session?.lastAspects ?? [];
    return { reply: await answerWith(p, aspectsNow, session?.lastQuestion ?? '', notes, false, undefined, asker), session: { lastCode: p.code, lastAspects: aspectsNow, lastChoices: [] }, code: p.code };
  }

  /** A command as recorded: a dossier code after /hoso and friends is a credential, whatever shape it has. */
  function commandRecord(command: { name: string; args: string }): string {
    const args = DOSSIER_COMMANDS.has(command.name) && command.args.trim() ? '[MÃ HỒ SƠ]' : deps.redact(command.args);
    return `/${command.name} ${args}`.trim();
  }

  /** One message being handled: who sent it, what they typed, and the chat's session as it was. */
  interface Turn {
    incoming: Incoming;
    text: string;
    at: Date;
    chatHash: string;
    chatKey: string;
    limitKey: string;
    session: ChatSession | undefined;
    notes: string[];
    log: Logger;
    /** The text with personal numbers removed, computed once (searched, stored in the session, recorded). */
    redacted(): string;
  }

  /** What a handler gives back: the reply, and what the session and the analytics record should keep of it. */
  interface Handled {
    reply: Reply;
    /** Session fields to change; absent: the session is left as it was. */
    session?: Partial<ChatSession>;
    code?: string;
    feedback?: 'up' | 'down';
    comment?: string;
    candidates?: SearchHit[];
    aspects?: Aspect[];
    /** The chat's data was deleted: nothing of this turn is stored. */
    erased?: boolean;
  }

  type Kind =
    | 'erase_confirm'
    | 'command'
    | 'feedback_button'
    | 'choice_button'
    | 'erase_request'
    | 'emergency'
    | 'dossier'
    | 'dossier_without_code'
    | 'empty'
    | 'greeting'
    | 'help'
    | 'thanks'
    | 'feedback'
    | 'choice'
    | 'more'
    | 'question';

  /** What kind of message this is: buttons and commands first, then what the text says (understand). */
  function classify(t: Turn): { kind: Kind; u?: Understanding; dossierCode?: string } {
    const { incoming, text, session } = t;
    if (session?.pending === 'erase' && deps.erase) return { kind: 'erase_confirm' };
    if (incoming.command) return { kind: 'command' };
    if (incoming.action?.type === 'feedback') return { kind: 'feedback_button' };
    if (incoming.action?.type === 'choice') return { kind: 'choice_button' };
    // The web chat sends commands as text.
    if (deps.erase && (privacyCues().isEraseRequest(text) || /^\/xoadulieu\s*$/i.test(text.trim()))) return { kind: 'erase_request' };
    const u = understand(text, Boolean(session?.lastCode));
    // A dossier code is recognised even when lookups are off: the citizen is told so (instead of the code being
    // searched as a question).
    const dossierCode = u.kind === 'question' ? (deps.dossier ? deps.dossier.detect(text) : detectDossierCode(text)) : undefined;
    if (u.kind === 'emergency') return { kind: 'emergency', u };
    if (dossierCode) return { kind: 'dossier', u, dossierCode };
    // "theo dõi hồ sơ" / "ngừng theo dõi" naming nothing but the dossier.
    if (u.dossierIntent && u.topic.every((w) => w === 'ho' || w === 'so')) return { kind: 'dossier_without_code', u };
    if (u.kind === 'feedback_up' || u.kind === 'feedback_down') return { kind: 'feedback', u };
    if (u.kind === 'empty' || u.kind === 'greeting' || u.kind === 'help' || u.kind === 'thanks' || u.kind === 'choice' || u.kind === 'more') return { kind: u.kind, u };
    return { kind: 'question', u };
  }

  const feedbackReply = (value: 'up' | 'down') => reply('feedback', value === 'up' ? texts.feedbackUp() : texts.feedbackDown(deps.centre));

  const handlers: Record<Kind, (t: Turn, c: ReturnType<typeof classify>) => Promise<Handled>> = {
    // The bot asked "xóa dữ liệu?": only "đồng ý" / "có" deletes; anything else cancels.
    async erase_confirm(t) {
      const { incoming } = t;
      if (incoming.command || incoming.action || !privacyCues().isConfirmation(t.text)) return { reply: reply('smalltalk', texts.eraseCancelled()), session: {} };
      const items = await deps.erase!({ channel: incoming.channel, chatId: incoming.chatId, userRef: incoming.userRef });
      await deps.sessions.delete?.(t.chatKey);
      t.log.info({ erased: items.filter((i) => i.count).map((i) => `${i.table}:${i.count}`) }, "chat data erased at the citizen's request");
      const what = describeErased(items);
      return { reply: reply('smalltalk', what ? texts.eraseDone(what) : texts.eraseNothing()), erased: true };
    },
    command: (t) => handleCommand(t.incoming, t.chatHash, t.limitKey, t.session),
    async feedback_button(t) {
      const value = (t.incoming.action as { value: 'up' | 'down' }).value;
      return { reply: feedbackReply(value), feedback: value, code: t.session?.lastCode };
    },
    choice_button: (t) => choose((t.incoming.action as { index: number }).index, t.session, t.notes, t),
    erase_request: async () => ({ reply: reply('smalltalk', texts.eraseAsk()), session: { pending: 'erase' } }),
    emergency: async () => ({ reply: reply('emergency', texts.emergency()) }),
    async dossier(t, { u, dossierCode: code }) {
      const { incoming, chatHash, limitKey } = t;
      if (!deps.dossier) return { reply: reply('dossier', texts.dossierOff(deps.centre)) };
      const port = deps.dossier;
      const r =
        u!.dossierIntent === 'unfollow'
          ? await port.unfollow({ channel: incoming.channel, chatId: incoming.chatId, chatHash, code })
          : u!.dossierIntent === 'follow'
            ? await port.follow({ channel: incoming.channel, chatId: incoming.chatId, chatHash, limitKey, code: code! })
            : await port.lookup({ chatHash, limitKey, code: code! });
      return { reply: reply('dossier', r.text) };
    },
    // "ngừng theo dõi" with no code stops every subscription of the chat (as /huytheodoi does); "theo dõi hồ sơ" with
    // no code asks for it.
    async dossier_without_code(t, { u }) {
      if (!deps.dossier) return { reply: reply('dossier', texts.dossierOff(deps.centre)) };
      if (u!.dossierIntent !== 'unfollow') return { reply: reply('dossier', texts.dossierUsage()) };
      const r = await deps.dossier!.unfollow({ channel: t.incoming.channel, chatId: t.incoming.chatId, chatHash: t.chatHash });
      return { reply: reply('dossier', r.text) };
    },
    empty: async () => ({ reply: reply('smalltalk', texts.empty()) }),
    greeting: async () => ({ reply: reply('smalltalk', texts.greeting(deps.centre)) }),
    help: async () => ({ reply: reply('smalltalk', texts.help()) }),
    thanks: async () => ({ reply: reply('smalltalk', texts.thanks()) }),
    async feedback(t, { u }) {
      const value = u!.kind === 'feedback_up' ? 'up' : 'down';
      return { reply: feedbackReply(value), feedback: value, code: t.session?.lastCode };
    },
    choice: (t, { u }) => choose(u!.choice!, t.session, t.notes, t),
    async more(t) {
      const p = await procedureOrUndefined(t.session?.lastCode);
      return { reply: p ? await answerWith(p, [], t.text, [], true) : reply('smalltalk', texts.noContext()), code: p?.code };
    },
    async question(t, { u }) {
      // What is searched (and embedded, with EMBEDDING_MODEL at a provider) is the redacted text: no phone or ID numbers.
      const r = await handleQuestion(t.redacted(), u!, t.session, t.notes, t);
      const code = r.session.lastCode ?? (r.reply.outcome === 'answered' ? r.reply.citations[0]?.code : undefined);
      return { reply: r.reply, candidates: r.candidates, code, session: { ...r.session, lastQuestion: t.redacted().slice(0, 500) } };
    },
  };

  /** After an unresolved answer, or a second list in a row, the citizen is offered an officer (when there are any). */
  function withHandoffOffer(result: Reply, session: ChatSession | undefined): Reply {
    if (!deps.offerHandoff) return result;
    if (result.outcome !== 'unresolved' && !(result.outcome === 'clarify' && session?.lastOutcome === 'clarify')) return result;
    return { ...result, text: `${result.text}\n\n${texts.handoffOffer()}`, offerHandoff: true };
  }

  /** The session after this turn: the handler's changes over what was kept; a pending question never carries over. */
  async function saveSession(t: Turn, next: Partial<ChatSession>, outcome: Outcome): Promise<void> {
    const { session } = t;
    const merged = {
      lastCode: 'lastCode' in next ? next.lastCode : session?.lastCode,
      lastAspects: next.lastAspects ?? session?.lastAspects ?? [],
      lastChoices: next.lastChoices ?? session?.lastChoices ?? [],
      lastQuestion: next.lastQuestion ?? session?.lastQuestion,
      lastOutcome: outcome,
      pending: next.pending,
    };
    await deps.sessions.set(t.chatKey, merged, t.at).catch((err) => t.log.warn({ err: (err as Error).message }, 'session not saved'));
  }

  /** The analytics record of a turn: redacted text (a dossier code after /hoso is masked), outcome, candidates. */
  function record(t: Turn, h: Handled, latencyMs: number): void {
    const { incoming } = t;
    deps.recorder?.record({
      at: t.at,
      channel: incoming.channel,
      chatHash: t.chatHash,
      text: (incoming.command ? commandRecord(incoming.command) : t.redacted()).slice(0, 1000),
      aspects: h.aspects ?? [],
      outcome: h.reply.outcome,
      code: h.code ?? h.reply.citations[0]?.code,
      candidates: (h.candidates ?? []).slice(0, 8).map((x) => ({ code: x.code, score: Math.round(x.score * 1000) / 1000 })),
      latencyMs: Math.round(latencyMs * 10) / 10,
      feedback: h.feedback,
      comment: h.comment,
    });
  }

  async function handle(incoming: Incoming): Promise<Reply> {
    const started = performance.now();
    const at = now();
    const chatHash = hashId(`${incoming.channel}:${incoming.chatId}`);
    const text = (incoming.text ?? '').slice(0, MAX_TEXT);
    let redactedText: string | undefined;
    const t: Turn = {
      incoming,
      text,
      at,
      chatHash,
      chatKey: `${incoming.channel}:${chatHash}`,
      limitKey: hashId(`limit:${incoming.channel}:${incoming.limitKey ?? incoming.userRef ?? incoming.chatId}`),
      session: undefined,
      notes: [],
      log: deps.logger.child({ chat: chatHash, channel: incoming.channel }),
      redacted: () => (redactedText ??= deps.redact(text)),
    };
    let handled: Handled;
    try {
      t.session = await deps.sessions.get(t.chatKey, at).catch((err) => {
        t.log.warn({ err: (err as Error).message }, 'session unavailable');
        return undefined;
      });
      t.notes = deps.notesFor?.(text) ?? [];
      const c = classify(t);
      handled = await handlers[c.kind](t, c);
      handled = { aspects: c.u?.aspects, ...handled, reply: withHandoffOffer(handled.reply, t.session) };
      if (handled.session) await saveSession(t, handled.session, handled.reply.outcome);
    } catch (err) {
      t.log.error({ err: { message: (err as Error).message, code: (err as { code?: string }).code } }, 'answer failed');
      handled = { reply: reply('error', userMessageFor(err)) };
    }
    // After a deletion nothing of the chat is stored again, not even the "đồng ý" that confirmed it.
    if (!handled.erased) record(t, handled, performance.now() - started);
    return handled.reply;
  }

  return { handle };
}
