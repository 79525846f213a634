/**
 * Threshold calibration by replay: search results are recorded once, then decide() — the answer core's own pure
 * decision — is replayed over a grid of thresholds, and the set that maximises the objective is chosen.
 *
 * Objective: answered right − penalty × answered wrong over the in-catalog records (a wrong procedure stated as the
 * answer sends a citizen to the wrong desk; a clarification costs one tap), subject to the out-of-catalog records
 * being held back (clarify or unresolved) at least `minHeldBack` of the time.
 */
import { decide, defaultThresholds, type AnswerThresholds } from '../../src/answer/decide.js';
import { levelFreeName } from '../../src/text/names.js';
import type { SearchHit, SearchResult } from '../../src/retrieval/types.js';
import { createRandom } from './random.js';

export interface Recorded {
  /** The search result as decide() sees it (the answer service searches with top 8). */
  found: Pick<SearchResult, 'results' | 'confidence' | 'signals'>;
  /** Codes that answer the question (level twins and same-name procedures included); empty: none in the catalog searched. */
  right: string[];
}

export interface AnswerCounts {
  inCatalog: number;
  /** Answered, and the answered procedure (or one of its level twins) is right. */
  answeredRight: number;
  answeredWrong: number;
  /** Answered right, or asked to choose with a right procedure among the choices. */
  helped: number;
  clarifyWithoutRight: number;
  unresolved: number;
  outOfCatalog: number;
  /** Out-of-catalog questions not answered (clarify or unresolved). */
  heldBack: number;
  /** Out-of-catalog questions given a list of choices (none of which can be right). */
  outClarified: number;
}

export interface Objective {
  /** Cost of one wrong answer in right answers. */
  penalty: number;
  /** Value of a list of choices with the right procedure among them (one tap more than an answer). */
  clarifyValue?: number;
  /** Cost of a list with nothing right in it, in or out of the catalog (a read for nothing). */
  noiseCost?: number;
  /** Minimum share of out-of-catalog records held back. */
  minHeldBack: number;
}

export const defaultObjective: Objective = { penalty: 3, clarifyValue: 0.5, noiseCost: 0.1, minHeldBack: 0.85 };

export function emptyCounts(): AnswerCounts {
  return { inCatalog: 0, answeredRight: 0, answeredWrong: 0, helped: 0, clarifyWithoutRight: 0, unresolved: 0, outOfCatalog: 0, heldBack: 0, outClarified: 0 };
}

export function addCounts(a: AnswerCounts, b: AnswerCounts): AnswerCounts {
  const out = emptyCounts();
  for (const k of Object.keys(out) as (keyof AnswerCounts)[]) out[k] = a[k] + b[k];
  return out;
}

/** A hit is right when its code or one of the level twins folded into it is right. */
export function isRightHit(h: Pick<SearchHit, 'code' | 'sameAs'> | undefined, right: readonly string[]): boolean {
  return Boolean(h) && (right.includes(h!.code) || (h!.sameAs ?? []).some((c) => right.includes(c)));
}

/** What decide() does with each record under `th`, counted. */
export function tally(records: readonly Recorded[], th: AnswerThresholds): AnswerCounts {
  const c = emptyCounts();
  for (const r of records) {
    const d = decide(r.found, th);
    if (!r.right.length) {
      c.outOfCatalog++;
      if (d.outcome !== 'answered') c.heldBack++;
      if (d.outcome === 'clarify') c.outClarified++;
      continue;
    }
    c.inCatalog++;
    if (d.outcome === 'answered') {
      if (isRightHit(r.found.results[0], r.right)) {
        c.answeredRight++;
        c.helped++;
      } else c.answeredWrong++;
    } else if (d.outcome === 'clarify') {
      const offered = d.choices.map((ch) => r.found.results.find((h) => h.code === ch.code));
      if (offered.some((h) => isRightHit(h, r.right))) c.helped++;
      else c.clarifyWithoutRight++;
    } else c.unresolved++;
  }
  return c;
}

/**
 * The records with each hit's name replaced by a short key per level-free name, for fast replay: decide() looks at names
 * only to tell a level twin from a rival (levelFreeName equality), which the keys keep, and folding a long name on every
 * one of millions of replays is most of their cost. Callers check equivalence with `tally` on one threshold set.
 */
export function compactNames(records: readonly Recorded[]): Recorded[] {
  const keys = new Map<string, string>();
  const keyOf = (name: string) => {
    const k = levelFreeName(name);
    let v = keys.get(k);
    if (!v) keys.set(k, (v = `n${keys.size}`));
    return v;
  };
  return records.map((r) => ({ right: r.right, found: { confidence: r.found.confidence, signals: r.found.signals, results: r.found.results.map((h) => ({ ...h, name: keyOf(h.name) })) } }));
}

/**
 * right − penalty × wrong (answers to out-of-catalog questions are wrong answers too, but they are held to the floor
 * instead) + clarifyValue × lists with the right one − noiseCost × lists with nothing right, in or out of the catalog.
 */
export function objectiveValue(c: AnswerCounts, o: Objective = defaultObjective): number {
  const clarifiedRight = c.helped - c.answeredRight;
  const v = c.answeredRight - o.penalty * c.answeredWrong + (o.clarifyValue ?? 0) * clarifiedRight - (o.noiseCost ?? 0) * (c.clarifyWithoutRight + c.outClarified);
  return Math.round(v * 1000) / 1000;
}

export function heldBackShare(c: AnswerCounts): number {
  return c.outOfCatalog ? c.heldBack / c.outOfCatalog : 1;
}

const steps = (from: number, to: number, step: number) => {
  const xs: number[] = [];
  for (let i = 0; from + i * step <= to + 1e-9; i++) xs.push(Math.round((from + i * step) * 1000) / 1000);
  return xs;
};

/**
 * The thresholds tried, with `base`'s model: clarifyMin on a 0.05 grid, pAnswer (the model's probability to answer) on
 * a 0.025 grid, rivalRatio 0.9 or 0.95. The rival check always stays: when another procedure scores within a few
 * percent of the top one, the question names both as well ("thường trú hay tạm trú"), and the citizen chooses; the
 * generated queries name one procedure each, so they cannot show what dropping the check costs. Without a model, answerMin ≥ aloneMin on a 0.05 grid
 * instead of pAnswer. Any other threshold (closeRatio, which only shapes the list) keeps its value in `base`.
 */
export function thresholdGrid(base: AnswerThresholds = defaultThresholds): AnswerThresholds[] {
  const grid: AnswerThresholds[] = [];
  for (const clarifyMin of steps(0.1, 0.5, 0.05))
    for (const rivalRatio of [0.9, 0.95]) {
      if (base.model) {
        for (const pAnswer of steps(0.3, 0.975, 0.025)) grid.push({ ...base, clarifyMin, rivalRatio, pAnswer });
        continue;
      }
      for (const answerMin of steps(0.35, 0.95, 0.05)) {
        if (answerMin < clarifyMin) continue;
        for (const aloneMin of steps(clarifyMin, answerMin, 0.05)) grid.push({ ...base, clarifyMin, rivalRatio, answerMin, aloneMin });
      }
    }
  return grid;
}

export interface ThresholdPick {
  thresholds: AnswerThresholds;
  counts: AnswerCounts;
  value: number;
  /** false when no set in the grid holds back enough: the one holding back most was taken. */
  feasible: boolean;
}

/**
 * The grid point with the best objective among those meeting the held-back floor (ties: more held back, then more
 * helped, then grid order). When none meets the floor, the one holding back most.
 */
export function pickThresholds(records: readonly Recorded[], grid: readonly AnswerThresholds[], o: Objective = defaultObjective): ThresholdPick {
  let best: ThresholdPick | undefined;
  let fallback: ThresholdPick | undefined;
  for (const th of grid) {
    const counts = tally(records, th);
    const value = objectiveValue(counts, o);
    const feasible = heldBackShare(counts) >= o.minHeldBack;
    const cand: ThresholdPick = { thresholds: th, counts, value, feasible };
    if (feasible) {
      if (!best || better(cand, best)) best = cand;
    } else if (!fallback || heldBackShare(counts) > heldBackShare(fallback.counts) || (heldBackShare(counts) === heldBackShare(fallback.counts) && better(cand, fallback))) {
      fallback = cand;
    }
  }
  const picked = best ?? fallback;
  if (!picked) throw new Error('pickThresholds: empty grid');
  return picked;
}

function better(a: ThresholdPick, b: ThresholdPick): boolean {
  if (a.value !== b.value) return a.value > b.value;
  if (a.counts.heldBack !== b.counts.heldBack) return a.counts.heldBack > b.counts.heldBack;
  return a.counts.helped > b.counts.helped;
}

/**
 * k folds of item indices, stratified by label (each label's items are shuffled with the seed and dealt in turn), so
 * that every fold holds in-catalog and out-of-catalog questions in about the overall proportion.
 */
export function kFolds(labels: readonly string[], k: number, seed: number): number[][] {
  const rnd = createRandom(seed);
  const folds: number[][] = Array.from({ length: k }, () => []);
  let turn = 0;
  for (const label of [...new Set(labels)].sort()) {
    const idx = labels.flatMap((l, i) => (l === label ? [i] : []));
    for (const i of rnd.shuffle(idx)) folds[turn++ % k]!.push(i);
  }
  return folds.map((f) => f.sort((a, b) => a - b));
}
