/**
 * The answer / clarify / unresolved decision, pure: from one search result and the thresholds, what the core does.
 * Kept apart from the service so that the calibration (`npm run calibrate`) can replay thousands of recorded search
 * results under other thresholds without running the service.
 *
 * With a searcher that reports its evidence (`signals`), whether to answer is a small logistic model over that evidence
 * (`DecisionModel`), fitted on questions generated from the catalog itself and on the same questions with their
 * procedure left out (see scripts/eval/). Without signals (simple or fake searchers), confidence bands decide.
 */
import { levelLabels } from '../catalog/schema.js';
import { levelFreeName } from '../text/names.js';
import type { Choice, Outcome } from '../core/types.js';
import type { SearchHit, SearchResult } from '../retrieval/types.js';
import { calibrated as written } from './decision-model.js';

/**
 * The evidence the model reads, each 0..1 (see SearchSignals). closeness: the runner-up's score over the top's;
 * soleFullName: the question names the top procedure whole, no other one whole, and little else that names
 * procedures ("đăng ký khai sinh cần gì" against "Đăng ký khai sinh lưu động").
 */
export const decisionFeatures = ['confidence', 'cover', 'margin', 'queryCover', 'nameQueryCover', 'actionsAgree', 'closeness', 'topScore', 'soleFullName'] as const;
export type DecisionFeature = (typeof decisionFeatures)[number];

export interface DecisionModel {
  bias: number;
  /** A feature without a weight counts zero. */
  weights: Partial<Record<DecisionFeature, number>>;
}

export interface AnswerThresholds {
  /** Below this confidence the core says it does not know (nothing plausible was found). */
  clarifyMin: number;
  /** With signals: answer when the model's probability that the top hit is what was asked is at least this. */
  pAnswer: number;
  /** Without signals: at or above this confidence the top hit is answered, unless a rival is within rivalRatio of it. */
  answerMin: number;
  /**
   * Without signals, between clarifyMin and answerMin: at or above this confidence, a top hit with no other procedure
   * within closeRatio of it is answered (there is nothing close to choose between).
   */
  aloneMin: number;
  /** Another procedure scoring at least this share of the top score is a rival: the citizen chooses between them. */
  rivalRatio: number;
  /** Candidates scoring at least this share of the top score are offered as choices. */
  closeRatio: number;
  /**
   * With signals: the top hit is never stated as the answer when its text holds less than this share of what the
   * asking sentences say (queryCover): "mở quán karaoke" against a catalog that has only the generic business
   * registration. A rule, not calibrated: questions generated from the catalog are made of its own words and so cannot
   * show what answering such a question costs.
   */
  minQueryCover: number;
  /**
   * With signals: the top hit is never stated when the question's naming words all fit the names of more than
   * `genericFits` procedures and the question says less than `genericCover` of the top name: "xin xác nhận" or "làm
   * giấy tờ" name a kind of paper, not one procedure, and the citizen chooses. A rule, not calibrated: generated
   * questions are made from one procedure's name and are never this generic.
   */
  genericFits: number;
  genericCover: number;
  /** The answer model; none: confidence bands only. */
  model?: DecisionModel;
}

/** The calibrated rule (decision-model.ts, written by `npm run calibrate -- --write`), typed. */
const calibrated: { thresholds: Partial<AnswerThresholds>; model?: DecisionModel; fittedOn?: string } = written;

/** How many choices a clarification offers at most: a short list costs one tap, a long one is not read. */
export const MAX_CHOICES = 4;

export const defaultThresholds: AnswerThresholds = {
  clarifyMin: 0.3,
  answerMin: 0.5,
  aloneMin: 0.4,
  rivalRatio: 0.95,
  closeRatio: 0.8,
  pAnswer: 0.5,
  minQueryCover: 1 / 3,
  // One or two names holding every naming word is a procedure and its variant; three or more, a family of them.
  genericFits: 2,
  genericCover: 0.5,
  ...calibrated.thresholds,
  model: calibrated.model,
};

export interface Decision {
  outcome: Extract<Outcome, 'answered' | 'clarify' | 'unresolved'>;
  choices: Choice[];
}

/** A hit as the numbered choice the citizen taps or types. */
export function choiceOf(h: SearchHit, i: number): Choice {
  return {
    index: i + 1,
    code: h.code,
    name: h.name,
    level: h.levels?.length ? h.levels.map((l) => levelLabels[l]).join(', ') : undefined,
  };
}

type Found = Pick<SearchResult, 'results' | 'confidence' | 'signals'>;

/**
 * The best hit that could be meant instead of the top one: not its level twin (the searcher collapses twins; other
 * searchers may not), nor one the question tells apart from it (signals.unasked: a narrower variant it does not ask for).
 */
function runnerUp(found: Found): SearchHit | undefined {
  const hits = found.results;
  const top = hits[0];
  const unasked = new Set(found.signals?.unasked ?? []);
  return top && hits.find((h, i) => i > 0 && !unasked.has(h.code) && levelFreeName(h.name) !== levelFreeName(top.name));
}

/** The model's features of a search result; undefined when the searcher reports no signals. */
export function featuresOf(found: Found): Record<DecisionFeature, number> | undefined {
  const s = found.signals;
  const top = found.results[0];
  if (!s || !top) return undefined;
  const second = runnerUp(found);
  return {
    confidence: found.confidence,
    cover: s.cover,
    margin: s.margin,
    queryCover: s.queryCover,
    nameQueryCover: s.nameQueryCover,
    actionsAgree: s.actionsAgree ? 1 : 0,
    closeness: second && top.score > 0 ? Math.min(1, second.score / top.score) : 0,
    topScore: Math.min(1, Math.max(0, top.score)),
    soleFullName: s.cover >= 0.999 && s.rivalCover < 0.999 && s.nameQueryCover >= 0.9 ? 1 : 0,
  };
}

/** Probability that the top hit is what was asked, by the model; undefined without signals. */
export function answerProbability(found: Found, model: DecisionModel): number | undefined {
  const f = featuresOf(found);
  if (!f) return undefined;
  let z = model.bias;
  for (const k of decisionFeatures) z += (model.weights[k] ?? 0) * f[k];
  return 1 / (1 + Math.exp(-z));
}

/**
 * Answer when one procedure is clearly meant, offer the close candidates when several are plausible, and say it does
 * not know when nothing is. Hits are one per procedure (level twins already collapsed by the searcher).
 */
export function decide(found: Found, th: AnswerThresholds = defaultThresholds): Decision {
  const hits = found.results;
  const top = hits[0];
  const confidence = found.confidence;
  if (!top || confidence < th.clarifyMin) return { outcome: 'unresolved', choices: [] };
  const second = runnerUp(found);
  const rival = second !== undefined && second.score >= top.score * th.rivalRatio;
  const close = hits.filter((h) => h.score >= top.score * th.closeRatio).slice(0, MAX_CHOICES);
  const p = th.model ? answerProbability(found, th.model) : undefined;
  if (p !== undefined) {
    const s = found.signals!;
    const generic = (s.nameFits ?? 0) > th.genericFits && s.cover < th.genericCover;
    // A variant the question does not ask for ("Cấp lại …" for "làm căn cước") is not stated over a close candidate
    // whose action is the one asked: the citizen says which. A rule, like the rival check: generated questions take
    // their words from one name, so the fit cannot see a lexicon expansion that covers a variant's name whole.
    const actionRival = close.some((h) => s.actionRivals?.includes(h.code));
    if (p >= th.pAnswer && !rival && s.queryCover >= th.minQueryCover && !generic && !actionRival) return { outcome: 'answered', choices: [] };
  } else {
    if (confidence >= th.answerMin && !rival) return { outcome: 'answered', choices: [] };
    if (close.length === 1 && confidence >= th.aloneMin) return { outcome: 'answered', choices: [] };
  }
  if (close.length < 2) close.push(...hits.slice(close.length, 2));
  return { outcome: 'clarify', choices: close.slice(0, MAX_CHOICES).map(choiceOf) };
}
