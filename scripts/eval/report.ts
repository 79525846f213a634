/** Plain-text rows for `npm run eval` and `npm run calibrate`. */
import type { AnswerThresholds } from '../../src/answer/decide.js';
import type { AnswerMetrics } from './answers.js';
import { isRightHit, type AnswerCounts, type Recorded } from './replay.js';

export const share = (k: number, n: number) => (n ? (k / n).toFixed(2) : '   —');

export function countsOfMetrics(m: AnswerMetrics): AnswerCounts {
  return {
    inCatalog: m.inCatalog,
    answeredRight: m.answeredRight,
    answeredWrong: m.answeredWrong,
    helped: m.answeredRight + m.clarifyWithRight,
    clarifyWithoutRight: m.clarifyWithoutRight,
    unresolved: m.unresolved,
    outOfCatalog: m.outOfCatalog,
    heldBack: m.outNotAnswered,
    outClarified: m.outClarified,
  };
}

export const answersHeader = `${'set'.padEnd(30)} ${'in'.padStart(5)}  right  wrong helped unres. ${'out'.padStart(5)} held back`;

/** One row: shares of the in-catalog questions (right, wrong, helped, unresolved) and of the out-of-catalog ones. */
export function answersRow(label: string, c: AnswerCounts): string {
  const pct = (k: number) => share(k, c.inCatalog).padStart(6);
  return (
    `${label.padEnd(30)} ${String(c.inCatalog).padStart(5)} ${pct(c.answeredRight)} ${pct(c.answeredWrong)} ${pct(c.helped)} ${pct(c.unresolved)} ` +
    `${String(c.outOfCatalog).padStart(5)} ${share(c.heldBack, c.outOfCatalog).padStart(9)}`
  );
}

export function thresholdsText(th: AnswerThresholds): string {
  const { model, ...rest } = th;
  const own = Object.entries(rest).map(([k, v]) => `${k} ${Number(v).toFixed(3)}`);
  if (model) own.push(`model bias ${model.bias} ${Object.entries(model.weights).map(([k, v]) => `${k} ${v}`).join(' ')}`);
  return own.join(', ');
}

/** top-1 and recall@5 of recorded in-catalog search results (level twins count as right). */
export function retrievalText(records: readonly Recorded[]): string {
  const inCat = records.filter((r) => r.right.length);
  const rank = (r: Recorded) => r.found.results.findIndex((h) => isRightHit(h, r.right)) + 1;
  const ranks = inCat.map(rank);
  return `top-1 ${share(ranks.filter((x) => x === 1).length, ranks.length)}, R@5 ${share(ranks.filter((x) => x >= 1 && x <= 5).length, ranks.length)}`;
}
