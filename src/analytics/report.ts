import type { Db } from '../db/db.js';
import { handoffStats, type HandoffStats } from './handoffs.js';
import type { Embedder } from '../retrieval/types.js';
import { AppError } from '../errors.js';
import { questionKey, jaccard, keyTokens } from './text-key.js';

/**
 * The managers' report over the interaction log: what went unanswered, about which procedures and aspects, which
 * questions keep coming back, and which procedures confuse people most for their volume.
 *
 * A question (outcome answered, clarify or unresolved) counts as **unresolved** when any of these hold:
 * - `unresolved`: the bot said it could not answer;
 * - `clarify`: the bot offered choices and the same chat did not pick one (no `answered` reply about one of the
 *   offered codes as the chat's next message within `clarifyTimeoutMs`); a clarify still inside that time is pending;
 * - `negative`: a 👎 / "sai rồi" feedback event (feedback 'down') came from the chat after this question, before its
 *   next question, or the question record itself carries feedback 'down';
 * - `repeated`: the bot answered, and the same chat asked a similar question (token overlap ≥ `repeatSimilarity`)
 *   within `repeatWindowMs` — the answer did not help.
 *
 * A question counts toward a procedure (by_procedure, confusing, problem_areas) through its `code`, or for a clarify
 * through the first candidate offered. `unresolved` questions without a code count toward no procedure: they appear
 * in `questions` (the clusters) with the candidates the bot considered.
 */

export interface ReportDeps {
  db: Db;
  /** When given, unresolved clusters whose texts embed close together (cosine ≥ vectorSimilarity) are merged. */
  embedder?: Embedder;
}

export interface ReportServiceOptions {
  clarifyTimeoutMs?: number;
  repeatWindowMs?: number;
  repeatSimilarity?: number;
  /** Token overlap at which two unresolved questions are the same cluster. */
  clusterSimilarity?: number;
  /**
   * Cosine at which two clusters' texts are merged when an embedder is given. 0.9 keeps apart neighbours such as
   * "đăng ký kết hôn" / "đăng ký lại kết hôn" (0.82 with the local hash embedder).
   */
  vectorSimilarity?: number;
  /** Pseudo-count for the smoothed problem rates of the "confusing procedures" ranking. */
  smoothing?: number;
  /** At most this many interactions are read for one report. */
  maxRows?: number;
}

export interface ReportQuery {
  since: Date;
  /** Exclusive end; default now. */
  until?: Date;
}

export interface ProcedureStats {
  code: string;
  name: string;
  total: number;
  answered: number;
  unresolved: number;
  negative: number;
  clarify: number;
  repeated: number;
}

export interface AspectStats {
  total: number;
  unresolved: number;
  negative: number;
  clarify: number;
}

export interface ProblemArea {
  code: string;
  name: string;
  aspect: string;
  total: number;
  unresolved: number;
}

export interface QuestionCluster {
  /** The most frequent wording in the cluster (normalised, redacted). */
  text: string;
  count: number;
  firstAt: string;
  lastAt: string;
  /** Procedures the bot considered for these questions, most considered first. */
  candidates: string[];
  /** Up to 5 distinct wordings. */
  examples: string[];
  reasons: { unresolved: number; clarify: number; negative: number; repeated: number };
  aspects: string[];
}

export interface ConfusingProcedure {
  code: string;
  name: string;
  total: number;
  unresolved: number;
  negative: number;
  clarify: number;
  /** Smoothed problem rate: (unresolved + negative + ½ clarify) rates, each pulled toward the overall rate. */
  score: number;
  /** Problems beyond what the overall rates predict for this volume. */
  excess: number;
}

/** Two procedures the bot could not tell apart for the same question (offered together in a clarify list). */
export interface ConfusedPair {
  a: { code: string; name: string };
  b: { code: string; name: string };
  /** Clarify lists that offered both. */
  count: number;
  /** Of those, how many the chat left without choosing. */
  unanswered: number;
}

export interface TrendPoint {
  /** First day of the bucket, YYYY-MM-DD (weeks start on Monday, UTC). */
  start: string;
  questions: number;
  answered: number;
  unresolved: number;
  /** answered / questions, 0 when there were none. */
  answer_rate: number;
}

export interface FeedbackItem {
  at: string;
  channel: string;
  feedback: 'up' | 'down' | null;
  comment: string | null;
  code: string | null;
  name: string | null;
  /** The question the feedback was about (the chat's previous question). */
  question: string | null;
}

export interface Report {
  since: string;
  until: string;
  questions_total: number;
  answered_total: number;
  unresolved_total: number;
  answer_rate: number;
  by_procedure: ProcedureStats[];
  by_aspect: Record<string, AspectStats>;
  problem_areas: ProblemArea[];
  questions: QuestionCluster[];
  confusing: ConfusingProcedure[];
  confused_pairs: ConfusedPair[];
  weekly: TrendPoint[];
  daily: TrendPoint[];
  feedback: FeedbackItem[];
  /** Conversations handed to an officer: per day, time to the first officer reply, by procedure (src/handoff). */
  handoffs?: HandoffStats;
  /** true when the window held more than maxRows interactions and only the first were read. */
  truncated: boolean;
}

export interface ReportService {
  report(query: ReportQuery): Promise<Report>;
}

/** Aspect key used for questions where no aspect was detected. */
const GENERAL_ASPECT = 'general';

const QUESTION_OUTCOMES = new Set(['answered', 'clarify', 'unresolved']);

interface Loaded {
  id: number;
  at: Date;
  channel: string;
  chat: string;
  text: string;
  aspects: string[];
  outcome: string;
  code: string | null;
  candidates: { code: string; score: number }[];
  feedback: 'up' | 'down' | null;
  comment: string | null;
}

interface Question extends Loaded {
  primary: string | null;
  flags: { unresolved: boolean; clarify: boolean; negative: boolean; repeated: boolean };
  inWindow: boolean;
}

// "sai rồi", "không đúng ạ", "trả lời sai": feedback typed as a message. The answer core records these as feedback
// events; a log written before it did (or a message it missed) still counts as 👎 on the previous answer.
const NEGATIVE_TEXT = /^(?:sai(?: roi| bet| het| ma)?|khong dung|chua dung|tra loi sai|sai thong tin|👎)(?: (?:roi|a|ah|nhe|nha|ban|oi|vay|ma|het))*$/u;

/** true for a short message that only says the previous answer was wrong. */
export function isNegativeFeedbackText(text: string): boolean {
  return NEGATIVE_TEXT.test(questionKey(text).replace(/_/g, ' ').trim()) || text.trim() === '👎';
}

const isFlagged = (q: Question) => q.flags.unresolved || q.flags.clarify || q.flags.negative || q.flags.repeated;

const DAY = 86_400_000;
const dayStart = (d: Date) => new Date(Math.floor(d.getTime() / DAY) * DAY);
const weekStart = (d: Date) => {
  const day = dayStart(d);
  const dow = (day.getUTCDay() + 6) % 7; // Monday = 0
  return new Date(day.getTime() - dow * DAY);
};
const ymd = (d: Date) => d.toISOString().slice(0, 10);
const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Parses a report window start: "30d", "12w", "24h", "6m" (months of 30 days) before `now`, or an ISO date.
 * Throws AppError('http:validation') for anything else.
 */
export function parseSince(input: string | undefined, now = new Date(), fallback = '30d'): Date {
  const s = (input ?? fallback).trim();
  const rel = /^(\d{1,4})\s*([hdwm])$/i.exec(s);
  if (rel) {
    const n = Number(rel[1]);
    const unit = rel[2]!.toLowerCase();
    const ms = unit === 'h' ? 3_600_000 : unit === 'd' ? DAY : unit === 'w' ? 7 * DAY : 30 * DAY;
    return new Date(now.getTime() - n * ms);
  }
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s)) {
    const d = new Date(s);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new AppError('http:validation', {
    message: `since: expected a window such as 30d, 12w, 24h or a date YYYY-MM-DD, got "${s.slice(0, 40)}"`,
  });
}

function asArray<T>(v: unknown): T[] {
  if (Array.isArray(v)) return v as T[];
  if (typeof v === 'string') {
    try {
      const parsed: unknown = JSON.parse(v);
      return Array.isArray(parsed) ? (parsed as T[]) : [];
    } catch {
      return [];
    }
  }
  return [];
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * (b[i] ?? 0);
    na += a[i]! * a[i]!;
    nb += (b[i] ?? 0) * (b[i] ?? 0);
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** Builds the report service. `report()` reads the window (plus the follow-up margin) once and computes in memory. */
export function createReportService(deps: ReportDeps, options: ReportServiceOptions = {}): ReportService {
  const clarifyTimeoutMs = options.clarifyTimeoutMs ?? 30 * 60_000;
  const repeatWindowMs = options.repeatWindowMs ?? 5 * 60_000;
  const repeatSimilarity = options.repeatSimilarity ?? 0.5;
  const clusterSimilarity = options.clusterSimilarity ?? 0.6;
  const vectorSimilarity = options.vectorSimilarity ?? 0.9;
  const alpha = options.smoothing ?? 5;
  const maxRows = options.maxRows ?? 200_000;
  const { db } = deps;

  async function load(since: Date, until: Date): Promise<{ rows: Loaded[]; truncated: boolean }> {
    // Follow-ups just after the window still decide whether a question inside it was resolved.
    const margin = new Date(until.getTime() + Math.max(clarifyTimeoutMs, repeatWindowMs));
    const raw = await db.query<Record<string, unknown>>(
      `SELECT id, at, channel, chat_hash, text, aspects, outcome, code, candidates, feedback, comment
         FROM interactions
        WHERE at >= $1::timestamptz AND at < $2::timestamptz
        ORDER BY chat_hash, at, id
        LIMIT $3`,
      [since.toISOString(), margin.toISOString(), maxRows + 1],
    );
    const truncated = raw.length > maxRows;
    const rows = raw.slice(0, maxRows).map((r) => ({
      id: Number(r.id),
      at: new Date(r.at as string | Date),
      channel: String(r.channel),
      chat: String(r.chat_hash),
      text: String(r.text ?? ''),
      aspects: asArray<string>(r.aspects).map(String),
      outcome: String(r.outcome),
      code: (r.code as string | null) ?? null,
      candidates: asArray<{ code: string; score: number }>(r.candidates).filter((c) => c && typeof c.code === 'string'),
      feedback: (r.feedback as 'up' | 'down' | null) ?? null,
      comment: (r.comment as string | null) ?? null,
    }));
    return { rows, truncated };
  }

  async function names(codes: string[]): Promise<Map<string, string>> {
    if (!codes.length) return new Map();
    const rows = await db.query<{ code: string; name: string }>(
      `SELECT code, name FROM procedures WHERE code IN (SELECT jsonb_array_elements_text($1::jsonb))`,
      [JSON.stringify(codes)],
    );
    return new Map(rows.map((r) => [r.code, r.name]));
  }

  /** Walks each chat in time order and sets the four unresolved flags; collects feedback events. */
  function classify(rows: Loaded[], since: Date, until: Date, now: Date) {
    const questions: Question[] = [];
    const feedback: { row: Loaded; about: Question | null }[] = [];
    const inWindow = (d: Date) => d >= since && d < until;
    let i = 0;
    while (i < rows.length) {
      let j = i;
      while (j < rows.length && rows[j]!.chat === rows[i]!.chat) j++;
      const chat = rows.slice(i, j);
      let last: Question | null = null;
      for (let k = 0; k < chat.length; k++) {
        let row = chat[k]!;
        if (QUESTION_OUTCOMES.has(row.outcome) && row.feedback === null && last && isNegativeFeedbackText(row.text)) {
          row = { ...row, outcome: 'feedback', feedback: 'down' };
        }
        if (QUESTION_OUTCOMES.has(row.outcome)) {
          const q: Question = {
            ...row,
            // An unresolved question is about no procedure: its candidates were too weak (scores are relative to the
            // best one, so they cannot tell). It is reported in the clusters with those candidates, not charged to one.
            primary: row.code ?? (row.outcome === 'unresolved' ? undefined : row.candidates[0]?.code) ?? null,
            flags: { unresolved: row.outcome === 'unresolved', clarify: false, negative: row.feedback === 'down', repeated: false },
            inWindow: inWindow(row.at),
          };
          if (last && last.outcome === 'answered' && row.at.getTime() - last.at.getTime() <= repeatWindowMs) {
            if (jaccard(keyTokens(last.text), keyTokens(row.text)) >= repeatSimilarity) last.flags.repeated = true;
          }
          if (row.outcome === 'clarify') {
            const next = chat.slice(k + 1).find((n) => n.feedback === null || QUESTION_OUTCOMES.has(n.outcome));
            const offered = new Set(row.candidates.map((c) => c.code));
            const picked =
              next &&
              next.at.getTime() - row.at.getTime() <= clarifyTimeoutMs &&
              next.outcome === 'answered' &&
              (offered.size === 0 || (next.code !== null && offered.has(next.code)));
            const pending = !next && now.getTime() - row.at.getTime() < clarifyTimeoutMs;
            if (!picked && !pending) q.flags.clarify = true;
          }
          questions.push(q);
          last = q;
        } else if (row.feedback !== null || row.comment) {
          if (row.feedback === 'down' && last) last.flags.negative = true;
          if (inWindow(row.at)) feedback.push({ row, about: last });
        }
        if (QUESTION_OUTCOMES.has(row.outcome) && (row.feedback !== null || row.comment) && inWindow(row.at)) {
          feedback.push({ row, about: last });
        }
      }
      i = j;
    }
    return { questions: questions.filter((q) => q.inWindow), feedback };
  }

  async function cluster(flagged: Question[]): Promise<QuestionCluster[]> {
    // 1. exact folded text; 2. greedy merge by token overlap (largest groups first); 3. optional vector merge.
    const byKey = new Map<string, Question[]>();
    for (const q of flagged) {
      const key = questionKey(q.text);
      if (!key) continue;
      byKey.set(key, [...(byKey.get(key) ?? []), q]);
    }
    const groups = [...byKey.values()].sort((a, b) => b.length - a.length);
    const merged: { tokens: Set<string>; members: Question[] }[] = [];
    // token → clusters holding it, so each group is compared only with clusters it shares a word with.
    const postings = new Map<string, number[]>();
    for (const g of groups) {
      const tokens = keyTokens(g[0]!.text);
      const shared = new Map<number, number>();
      for (const t of tokens) for (const id of postings.get(t) ?? []) shared.set(id, (shared.get(id) ?? 0) + 1);
      let home = -1;
      for (const [id, n] of shared) {
        // Earliest (largest) cluster wins among those similar enough, as in a first-fit scan.
        if (n / (merged[id]!.tokens.size + tokens.size - n) >= clusterSimilarity && (home < 0 || id < home)) home = id;
      }
      if (home >= 0) merged[home]!.members.push(...g);
      else {
        const id = merged.push({ tokens, members: [...g] }) - 1;
        for (const t of tokens) {
          const list = postings.get(t);
          if (list) list.push(id);
          else postings.set(t, [id]);
        }
      }
    }
    if (deps.embedder && merged.length > 1 && merged.length <= 2000) {
      try {
        const vectors = await deps.embedder.embed(merged.map((m) => m.members[0]!.text));
        for (let a = 0; a < merged.length; a++) {
          if (!merged[a]!.members.length) continue;
          for (let b = a + 1; b < merged.length; b++) {
            if (merged[b]!.members.length && cosine(vectors[a]!, vectors[b]!) >= vectorSimilarity) {
              merged[a]!.members.push(...merged[b]!.members);
              merged[b]!.members = [];
            }
          }
        }
      } catch {
        // Vectors only refine the clusters; without them the token grouping stands.
      }
    }
    return merged
      .filter((m) => m.members.length)
      .map((m) => {
        const texts = new Map<string, number>();
        const cands = new Map<string, number>();
        const aspects = new Map<string, number>();
        const reasons = { unresolved: 0, clarify: 0, negative: 0, repeated: 0 };
        let first = m.members[0]!.at;
        let lastAt = first;
        // In time order, so that among equally common wordings the first asked is shown (not whichever chat's hash
        // sorts first: hashes are keyed by HASH_SECRET and differ between installations).
        for (const q of [...m.members].sort((a, b) => a.at.getTime() - b.at.getTime())) {
          texts.set(q.text, (texts.get(q.text) ?? 0) + 1);
          for (const c of q.candidates) cands.set(c.code, (cands.get(c.code) ?? 0) + (c.score || 0.001));
          for (const a of q.aspects) aspects.set(a, (aspects.get(a) ?? 0) + 1);
          for (const k of Object.keys(reasons) as (keyof typeof reasons)[]) if (q.flags[k]) reasons[k]++;
          if (q.at < first) first = q.at;
          if (q.at > lastAt) lastAt = q.at;
        }
        const byCount = <K>(mp: Map<K, number>) => [...mp.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
        const examples = byCount(texts);
        return {
          text: examples[0]!,
          count: m.members.length,
          firstAt: first.toISOString(),
          lastAt: lastAt.toISOString(),
          candidates: byCount(cands).slice(0, 5),
          examples: examples.slice(0, 5),
          reasons,
          aspects: byCount(aspects).slice(0, 5),
        };
      })
      .sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt));
  }

  function trend(questions: Question[], bucket: (d: Date) => Date, since: Date, until: Date, step: (d: Date) => Date) {
    const points = new Map<string, TrendPoint>();
    for (let d = bucket(since); d < until; d = step(d)) {
      points.set(ymd(d), { start: ymd(d), questions: 0, answered: 0, unresolved: 0, answer_rate: 0 });
      if (points.size > 400) break;
    }
    for (const q of questions) {
      const key = ymd(bucket(q.at));
      const p = points.get(key) ?? { start: key, questions: 0, answered: 0, unresolved: 0, answer_rate: 0 };
      p.questions++;
      if (q.outcome === 'answered') p.answered++;
      if (isFlagged(q)) p.unresolved++;
      points.set(key, p);
    }
    return [...points.values()]
      .map((p) => ({ ...p, answer_rate: p.questions ? round(p.answered / p.questions) : 0 }))
      .sort((a, b) => a.start.localeCompare(b.start));
  }

  return {
    async report({ since, until: untilIn }) {
      const now = new Date();
      const until = untilIn ?? now;
      const { rows, truncated } = await load(since, until);
      const { questions, feedback } = classify(rows, since, until, now);

      const procs = new Map<string, Omit<ProcedureStats, 'name'>>();
      const aspects: Record<string, AspectStats> = {};
      const areas = new Map<string, Omit<ProblemArea, 'name'>>();
      for (const q of questions) {
        const flagged = isFlagged(q);
        if (q.primary) {
          const p = procs.get(q.primary) ?? { code: q.primary, total: 0, answered: 0, unresolved: 0, negative: 0, clarify: 0, repeated: 0 };
          p.total++;
          if (q.outcome === 'answered') p.answered++;
          if (flagged) p.unresolved++;
          if (q.flags.negative) p.negative++;
          if (q.outcome === 'clarify') p.clarify++;
          if (q.flags.repeated) p.repeated++;
          procs.set(q.primary, p);
        }
        for (const a of q.aspects.length ? q.aspects : [GENERAL_ASPECT]) {
          const s = (aspects[a] ??= { total: 0, unresolved: 0, negative: 0, clarify: 0 });
          s.total++;
          if (flagged) s.unresolved++;
          if (q.flags.negative) s.negative++;
          if (q.outcome === 'clarify') s.clarify++;
          if (q.primary) {
            const key = `${q.primary}\u0000${a}`;
            const area = areas.get(key) ?? { code: q.primary, aspect: a, total: 0, unresolved: 0 };
            area.total++;
            if (flagged) area.unresolved++;
            areas.set(key, area);
          }
        }
      }

      const pairs = new Map<string, { a: string; b: string; count: number; unanswered: number }>();
      for (const q of questions) {
        if (q.outcome !== 'clarify') continue;
        const offered = [...new Set(q.candidates.slice(0, 4).map((c) => c.code))].sort();
        for (let x = 0; x < offered.length; x++) {
          for (let y = x + 1; y < offered.length; y++) {
            const key = `${offered[x]}\u0000${offered[y]}`;
            const pr = pairs.get(key) ?? { a: offered[x]!, b: offered[y]!, count: 0, unanswered: 0 };
            pr.count++;
            if (q.flags.clarify) pr.unanswered++;
            pairs.set(key, pr);
          }
        }
      }

      const flaggedQs = questions.filter(isFlagged);
      const clusters = await cluster(flaggedQs);
      const codes = new Set<string>([...procs.keys()]);
      for (const pr of pairs.values()) codes.add(pr.a).add(pr.b);
      for (const f of feedback) {
        const c = f.row.code ?? f.about?.primary;
        if (c) codes.add(c);
      }
      const nameOf = await names([...codes]);
      const name = (c: string) => nameOf.get(c) ?? c;

      const byProcedure = [...procs.values()]
        .map((p) => ({ ...p, name: name(p.code) }))
        .sort((a, b) => b.unresolved - a.unresolved || b.total - a.total || a.code.localeCompare(b.code))
        .map(({ code, name: n, total, answered, unresolved, negative, clarify, repeated }) => ({
          code, name: n, total, answered, unresolved, negative, clarify, repeated,
        }));

      // Overall rates among questions tied to a procedure: the prior every procedure's rates are pulled toward.
      const sum = byProcedure.reduce(
        (s, p) => ({ n: s.n + p.total, u: s.u + p.unresolved, neg: s.neg + p.negative, c: s.c + p.clarify }),
        { n: 0, u: 0, neg: 0, c: 0 },
      );
      const prior = { u: sum.n ? sum.u / sum.n : 0, neg: sum.n ? sum.neg / sum.n : 0, c: sum.n ? sum.c / sum.n : 0 };
      const smooth = (x: number, n: number, p: number) => (x + alpha * p) / (n + alpha);
      const confusing = byProcedure
        .filter((p) => p.unresolved + p.negative + p.clarify > 0)
        .map((p) => {
          const score = smooth(p.unresolved, p.total, prior.u) + smooth(p.negative, p.total, prior.neg) + 0.5 * smooth(p.clarify, p.total, prior.c);
          const expected = p.total * (prior.u + prior.neg + 0.5 * prior.c);
          return {
            code: p.code,
            name: p.name,
            total: p.total,
            unresolved: p.unresolved,
            negative: p.negative,
            clarify: p.clarify,
            score: round(score),
            excess: round(p.unresolved + p.negative + 0.5 * p.clarify - expected, 2),
          };
        })
        .sort((a, b) => b.score - a.score || b.total - a.total || a.code.localeCompare(b.code));

      const problemAreas = [...areas.values()]
        .filter((a) => a.unresolved > 0)
        .map((a) => ({ code: a.code, name: name(a.code), aspect: a.aspect, total: a.total, unresolved: a.unresolved }))
        .sort((a, b) => b.unresolved - a.unresolved || b.total - a.total)
        .slice(0, 100);

      const feedbackItems: FeedbackItem[] = feedback
        .sort((a, b) => b.row.at.getTime() - a.row.at.getTime())
        .slice(0, 500)
        .map(({ row, about }) => {
          const code = row.code ?? about?.primary ?? null;
          const isQuestion = QUESTION_OUTCOMES.has(row.outcome);
          return {
            at: row.at.toISOString(),
            channel: row.channel,
            feedback: row.feedback,
            comment: row.comment,
            code,
            name: code ? name(code) : null,
            question: isQuestion ? row.text : (about?.text ?? null),
          };
        });

      const answered = questions.filter((q) => q.outcome === 'answered').length;
      const handoffs = await handoffStats(db, since, until, names);
      return {
        since: since.toISOString(),
        until: until.toISOString(),
        questions_total: questions.length,
        answered_total: answered,
        unresolved_total: flaggedQs.length,
        answer_rate: questions.length ? round(answered / questions.length) : 0,
        by_procedure: byProcedure,
        by_aspect: aspects,
        problem_areas: problemAreas,
        questions: clusters,
        confusing,
        confused_pairs: [...pairs.values()]
          .sort((x, y) => y.count - x.count || y.unanswered - x.unanswered)
          .slice(0, 50)
          .map((pr) => ({ a: { code: pr.a, name: name(pr.a) }, b: { code: pr.b, name: name(pr.b) }, count: pr.count, unanswered: pr.unanswered })),
        weekly: trend(questions, weekStart, since, until, (d) => new Date(d.getTime() + 7 * DAY)),
        daily: trend(questions, dayStart, since, until, (d) => new Date(d.getTime() + DAY)),
        feedback: feedbackItems,
        handoffs,
        truncated,
      };
    },
  };
}

const CSV_FORMULA = /^[=+\-@\t\r]/;

/** One CSV cell: quoted when needed; a leading =, +, -, @ is neutralised so spreadsheets never run it as a formula. */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (CSV_FORMULA.test(s)) s = `'${s}`;
  return /[",\n\r;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The report as one CSV table (UTF-8 with BOM so spreadsheet programs read Vietnamese correctly). The `section` column
 * says what a row is: summary, procedure, confusing, pair (two procedures offered together), aspect, question
 * (one unresolved cluster), week, feedback, handoffs (conversations handed to an officer), handoff_day, handoff_procedure;
 * the last three carry the median seconds to the first officer reply in `median_first_reply_s`.
 */
export function reportToCsv(r: Report): string {
  const header = ['section', 'code', 'name', 'aspect', 'text', 'total', 'answered', 'unresolved', 'negative', 'clarify', 'score', 'first_at', 'last_at', 'candidates', 'median_first_reply_s'];
  const rows: unknown[][] = [header];
  const row = (o: Partial<Record<(typeof header)[number], unknown>>) => rows.push(header.map((h) => o[h] ?? ''));
  row({ section: 'summary', text: `${r.since} – ${r.until}`, total: r.questions_total, answered: r.answered_total, unresolved: r.unresolved_total, score: r.answer_rate });
  for (const p of r.by_procedure) row({ section: 'procedure', code: p.code, name: p.name, total: p.total, answered: p.answered, unresolved: p.unresolved, negative: p.negative, clarify: p.clarify });
  for (const p of r.confusing) row({ section: 'confusing', code: p.code, name: p.name, total: p.total, unresolved: p.unresolved, negative: p.negative, clarify: p.clarify, score: p.score });
  for (const p of r.confused_pairs) row({ section: 'pair', code: `${p.a.code} ${p.b.code}`, name: `${p.a.name} / ${p.b.name}`, total: p.count, clarify: p.count, unresolved: p.unanswered });
  for (const [a, s] of Object.entries(r.by_aspect)) row({ section: 'aspect', aspect: a, total: s.total, unresolved: s.unresolved, negative: s.negative, clarify: s.clarify });
  for (const q of r.questions) row({ section: 'question', text: q.text, total: q.count, unresolved: q.count, first_at: q.firstAt, last_at: q.lastAt, candidates: q.candidates.join(' '), aspect: q.aspects.join(' ') });
  for (const w of r.weekly) row({ section: 'week', first_at: w.start, total: w.questions, answered: w.answered, unresolved: w.unresolved, score: w.answer_rate });
  if (r.handoffs) {
    const h = r.handoffs;
    row({ section: 'handoffs', total: h.opened, answered: h.answered, median_first_reply_s: h.median_first_reply_seconds });
    for (const d of h.daily) row({ section: 'handoff_day', first_at: d.day, total: d.opened, answered: d.answered, median_first_reply_s: d.median_first_reply_seconds });
    for (const p of h.by_procedure) row({ section: 'handoff_procedure', code: p.code, name: p.name, total: p.opened, answered: p.answered, median_first_reply_s: p.median_first_reply_seconds });
  }
  for (const f of r.feedback) row({ section: 'feedback', code: f.code ?? '', name: f.name ?? '', text: f.comment ?? f.question ?? '', negative: f.feedback === 'down' ? 1 : 0, first_at: f.at, aspect: f.feedback ?? '' });
  return '\uFEFF' + rows.map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
