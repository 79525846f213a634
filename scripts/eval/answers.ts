/**
 * Answer-level evaluation (used by `npm run eval` and the dev-set test): outcomes on in-catalog and out-of-catalog
 * questions, whether the right procedure is cited first or offered among the choices, answer latency, and the
 * grounding check of every answer against its cited record.
 */
import pino from 'pino';
import type { Db } from '../../src/db/db.js';
import type { Procedure } from '../../src/catalog/schema.js';
import { createCatalogRepository } from '../../src/catalog/repository.js';
import type { AnswerService, Reply } from '../../src/channels/types.js';
import type { Searcher } from '../../src/retrieval/types.js';
import { analyzeText } from '../../src/text/analyze.js';
import type { Lexicon } from '../../src/text/lexicon.js';
import { redactPersonal } from '../../src/analytics/redact.js';
import { percentile, type EvalQuestion } from './retrieval.js';
import { createAnswerService } from '../../src/answer/service.js';
import type { AnswerThresholds } from '../../src/answer/decide.js';
import { createSessionStore } from '../../src/answer/session.js';
import { findUngroundedFacts, type GroundingProblem } from './grounding.js';

export interface AnswerMetrics {
  inCatalog: number;
  /** outcome answered with a right code cited first. */
  answeredRight: number;
  answeredWrong: number;
  /** outcome clarify with a right code among the choices. */
  clarifyWithRight: number;
  clarifyWithoutRight: number;
  unresolved: number;
  outOfCatalog: number;
  /** out-of-catalog questions not answered (clarify or unresolved). */
  outNotAnswered: number;
  /** out-of-catalog questions given a list of choices. */
  outClarified: number;
  p50: number;
  p95: number;
  ungrounded: { q: string; code: string; problems: GroundingProblem[] }[];
}

/**
 * An answer service over a catalog database, with no recording and no LLM (the deterministic default); `thresholds`
 * overrides the decision thresholds (the calibration compares its choice with the defaults this way).
 */
export function createEvalAnswerService(
  db: Db,
  searcher: Searcher,
  lexicon?: Lexicon,
  thresholds?: Partial<AnswerThresholds>,
): AnswerService & { getProcedure(code: string): Promise<Procedure | undefined> } {
  const repo = createCatalogRepository(db);
  const getProcedure = async (code: string) => (await repo.getProcedure(code))?.procedure;
  const service = createAnswerService({
    searcher,
    catalog: { getProcedure },
    sessions: createSessionStore(db, { timeoutMinutes: 30 }),
    centre: { name: 'Trung tâm Phục vụ hành chính công', hotline: '(đường dây nóng)' },
    logger: pino({ level: 'silent' }),
    redact: redactPersonal,
    notesFor: (t) => analyzeText(t, lexicon).notes,
    thresholds,
  });
  return { handle: service.handle, getProcedure };
}

/**
 * `sourceOf` gives the text a cited record was built from (readSourceTexts in src/catalog/source-text.ts), so that
 * answers are checked against the portal record as crawled and the curated YAML; without it they are checked against
 * the served record itself, which cannot show a misreading of the source.
 */
export async function evaluateAnswers(
  service: AnswerService & { getProcedure(code: string): Promise<Procedure | undefined> },
  questions: EvalQuestion[],
  unmatched: EvalQuestion[],
  sourceOf?: (code: string) => string | undefined,
): Promise<AnswerMetrics & { replies: Reply[] }> {
  const m: AnswerMetrics = {
    inCatalog: questions.length,
    answeredRight: 0,
    answeredWrong: 0,
    clarifyWithRight: 0,
    clarifyWithoutRight: 0,
    unresolved: 0,
    outOfCatalog: unmatched.length,
    outNotAnswered: 0,
    outClarified: 0,
    p50: 0,
    p95: 0,
    ungrounded: [],
  };
  const ms: number[] = [];
  const replies: Reply[] = [];
  let n = 0;
  const ask = async (q: string) => {
    const t = performance.now();
    // A fresh chat per question: no follow-up context leaks between questions.
    const r = await service.handle({ channel: 'cli', chatId: `eval-${n++}`, text: q, receivedAt: new Date() });
    ms.push(performance.now() - t);
    replies.push(r);
    if (r.outcome === 'answered' && r.citations[0]) {
      const code = r.citations[0].code;
      const p = await service.getProcedure(code);
      const source = p && (sourceOf ? sourceOf(code) : JSON.stringify(p));
      const problems: GroundingProblem[] = !p
        ? [{ kind: 'document', value: 'cited record missing' }]
        : source === undefined
          ? [{ kind: 'unparsed', value: `no source text for ${code}` }]
          : findUngroundedFacts(r.text, p, source, analyzeText(q).notes);
      if (problems.length) m.ungrounded.push({ q, code: r.citations[0].code, problems });
    }
    return r;
  };
  for (const x of questions) {
    const r = await ask(x.q);
    if (r.outcome === 'answered') {
      if (x.codes.includes(r.citations[0]?.code ?? '')) m.answeredRight++;
      else m.answeredWrong++;
    } else if (r.outcome === 'clarify') {
      if (r.choices.some((c) => x.codes.includes(c.code))) m.clarifyWithRight++;
      else m.clarifyWithoutRight++;
    } else m.unresolved++;
  }
  for (const x of unmatched) {
    const r = await ask(x.q);
    if (r.outcome !== 'answered') m.outNotAnswered++;
    if (r.outcome === 'clarify') m.outClarified++;
  }
  m.p50 = percentile(ms, 50);
  m.p95 = percentile(ms, 95);
  return { ...m, replies };
}
