import { describe, expect, it } from 'vitest';
import { defaultThresholds, type AnswerThresholds } from '../../../src/answer/decide.js';
import { compactNames, kFolds, pickThresholds, tally, type Recorded } from '../../../scripts/eval/replay.js';

const th = (clarifyMin: number, answerMin: number, aloneMin: number): AnswerThresholds => ({ ...defaultThresholds, clarifyMin, answerMin, aloneMin, closeRatio: 0.8, rivalRatio: 0.95, model: undefined });
const hit = (code: string, score: number, name = `Thủ tục ${code}`) => ({ code, name, score });

// Written by hand: A is right and alone, B has a wrong top hit with the right one close behind, O is out of catalog.
const A: Recorded = { found: { results: [hit('a', 1)], confidence: 0.45 }, right: ['a'] };
const B: Recorded = { found: { results: [hit('x', 1), hit('b', 0.9)], confidence: 0.55 }, right: ['b'] };
const O: Recorded = { found: { results: [hit('y', 1)], confidence: 0.35 }, right: [] };

// Under each: T1 answers A right and B wrong (−2); T2 answers nothing (0); T3 answers O too (held back 0);
// T4 answers A (alone above aloneMin) and asks about B and O (+1).
const T1 = th(0.2, 0.4, 0.4);
const T2 = th(0.2, 0.6, 0.6);
const T3 = th(0.2, 0.3, 0.3);
const T4 = th(0.2, 0.6, 0.4);

describe('threshold replay', () => {
  it('counts what decide() does with each record', () => {
    expect(tally([A, B, O], T1)).toMatchObject({ answeredRight: 1, answeredWrong: 1, helped: 1, heldBack: 1 });
    expect(tally([A, B, O], T2)).toMatchObject({ answeredRight: 0, answeredWrong: 0, helped: 2, heldBack: 1 });
    expect(tally([A, B, O], T3)).toMatchObject({ answeredRight: 1, answeredWrong: 1, heldBack: 0 });
  });

  it('picks the set with the best objective among those holding back enough', () => {
    const pick = pickThresholds([A, B, O], [T1, T2, T3, T4], { penalty: 3, minHeldBack: 0.85 });
    expect(pick.thresholds).toEqual(T4);
    expect(pick).toMatchObject({ value: 1, feasible: true });
  });

  it('breaks a tie in the objective by holding back more, then by helping more', () => {
    expect(pickThresholds([A, B, O], [T3, T1, T4], { penalty: 0, minHeldBack: 0 }).thresholds).toEqual(T4);
  });

  it('without a set meeting the floor, takes the one holding back most', () => {
    const pick = pickThresholds([A, B, O], [T3, T1], { penalty: 3, minHeldBack: 1.1 });
    expect(pick).toMatchObject({ thresholds: T1, feasible: false });
  });

  it('gives the same decisions on compacted names, level twins included', () => {
    const twins: Recorded = {
      found: { results: [hit('c1', 1, 'Cấp phép ABC (thực hiện tại cấp tỉnh)'), hit('c2', 0.97, 'Cấp phép ABC (thực hiện tại cấp xã)'), hit('d', 0.96)], confidence: 0.6 },
      right: ['c2'],
    };
    const records = [A, B, O, twins];
    for (const t of [T1, T2, T3, T4, defaultThresholds]) expect(tally(compactNames(records), t)).toEqual(tally(records, t));
  });
});

describe('k-fold splits', () => {
  const labels = [...Array(23).fill('in'), ...Array(9).fill('out')] as string[];

  it('partition the questions', () => {
    const folds = kFolds(labels, 5, 11);
    expect(folds).toHaveLength(5);
    expect(folds.flat().sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
  });

  it('keep both kinds of question in every fold and are the same for a seed', () => {
    const folds = kFolds(labels, 5, 11);
    for (const f of folds) expect(new Set(f.map((i) => labels[i]))).toEqual(new Set(['in', 'out']));
    expect(kFolds(labels, 5, 11)).toEqual(folds);
    expect(kFolds(labels, 5, 12)).not.toEqual(folds);
  });
});
