/**
 * The answer / clarify / unresolved decision, pure: from one search result and the thresholds, what the core does.
 * Kept apart from the service so that the calibration (scripts/calibrate.ts) can replay thousands of recorded search
 * results under other thresholds without running the service.
 */
import { levelLabels } from '../catalog/schema.js';
import { levelFreeName } from '../catalog/repository.js';
import type { Choice, Outcome } from '../channels/types.js';
import type { SearchHit, SearchResult } from '../retrieval/types.js';

export interface AnswerThresholds {
  /** Below this confidence the core says it does not know. */
  clarifyMin: number;
  /** At or above this confidence the top hit is answered directly, unless a rival is within rivalRatio of it. */
  answerMin: number;
  /** Another procedure scoring at least this share of the top score is a rival: the citizen chooses between them. */
  rivalRatio: number;
  /** Candidates scoring at least this share of the top score are offered as choices. */
  closeRatio: number;
  /**
   * Between clarifyMin and answerMin: at or above this confidence, a top hit with no other procedure within closeRatio
   * of it is answered (there is nothing close to choose between); below it, the citizen chooses.
   */
  aloneMin: number;
  /**
   * An answer also needs the top procedure to mention at least this (IDF-weighted) share of the question's content
   * words (the searcher's `signals.queryCover`); below it the question is about something the procedure does not
   * cover, and the citizen chooses instead. 0 turns the check off (and searchers without signals are never held to it).
   */
  minQueryCover: number;
}

/** How many choices a clarification offers at most: a short list costs one tap, a long one is not read. */
export const MAX_CHOICES = 4;

export const defaultThresholds: AnswerThresholds = { clarifyMin: 0.3, answerMin: 0.5, rivalRatio: 0.95, closeRatio: 0.8, aloneMin: 0.4, minQueryCover: 0 };

export interface Decision {
  outcome: Extract<Outcome, 'answered' | 'clarify' | 'unresolved'>;
  choices: Choice[];
}

function choiceOf(h: SearchHit, i: number): Choice {
  return {
    index: i + 1,
    code: h.code,
    name: h.name,
    level: h.levels?.length ? h.levels.map((l) => levelLabels[l]).join(', ') : undefined,
  };
}

/**
 * Answer when one procedure is clearly meant, offer the close candidates when several are plausible, and say it does
 * not know when nothing is. Hits are one per procedure (level twins already collapsed by the searcher).
 */
export function decide(found: Pick<SearchResult, 'results' | 'confidence' | 'signals'>, th: AnswerThresholds = defaultThresholds): Decision {
  const hits = found.results;
  const top = hits[0];
  const confidence = found.confidence;
  if (!top || confidence < th.clarifyMin) return { outcome: 'unresolved', choices: [] };
  // The same procedure published at another level is not a rival (the searcher collapses such twins; others may not).
  const second = hits.find((h, i) => i > 0 && levelFreeName(h.name) !== levelFreeName(top.name));
  const rival = second !== undefined && second.score >= top.score * th.rivalRatio;
  const covers = (found.signals?.queryCover ?? 1) >= th.minQueryCover;
  if (confidence >= th.answerMin && !rival && covers) return { outcome: 'answered', choices: [] };
  const close = hits.filter((h) => h.score >= top.score * th.closeRatio).slice(0, MAX_CHOICES);
  if (close.length === 1 && confidence >= th.aloneMin && covers) return { outcome: 'answered', choices: [] };
  if (close.length < 2) close.push(...hits.slice(close.length, 2));
  return { outcome: 'clarify', choices: close.slice(0, MAX_CHOICES).map(choiceOf) };
}
