import { describe, expect, it } from 'vitest';
import { answerProbability, decide, defaultThresholds, type AnswerThresholds } from '../../../src/answer/decide.js';
import { decisionModelSource, examplesOf, fitDecisionModel } from '../../../scripts/eval/model.js';
import type { Recorded } from '../../../scripts/eval/replay.js';
import type { SearchSignals } from '../../../src/retrieval/types.js';

// Hand-made records: when the top procedure's name covers the question's naming words, the top hit is right; when
// it does not, the question was about a procedure left out (nothing right).
const signals = (nameQueryCover: number): SearchSignals => ({ cover: 0.7, rivalCover: 0.3, margin: 0.3, queryCover: 1, nameQueryCover, actionsAgree: true });
const rec = (nameQueryCover: number, right: boolean): Recorded => ({
  found: { results: [{ code: 'a', name: 'Cấp a', score: 1 }, { code: 'b', name: 'Cấp b', score: 0.5 }], confidence: 0.6, signals: signals(nameQueryCover) },
  right: right ? ['a'] : [],
});
const records = [...[0.9, 1, 0.95, 0.85, 1].map((c) => rec(c, true)), ...[0.1, 0.2, 0.3, 0.15, 0.25].map((c) => rec(c, false))];

describe('answer model fitting', () => {
  it('labels a record by whether its top hit is right, and skips records without signals', () => {
    expect(examplesOf(records).map((e) => e.y)).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(examplesOf([{ found: { results: [], confidence: 0 }, right: ['a'] }])).toEqual([]);
  });

  it('learns the feature that separates right from left-out, and the decision follows it', () => {
    const model = fitDecisionModel(records);
    expect(model.weights.nameQueryCover).toBeGreaterThan(1);
    const th: AnswerThresholds = { ...defaultThresholds, model, pAnswer: 0.5, clarifyMin: 0.1, rivalRatio: 1.01 };
    expect(answerProbability(rec(0.95, true).found, model)).toBeGreaterThan(0.5);
    expect(answerProbability(rec(0.1, false).found, model)).toBeLessThan(0.5);
    expect(decide(rec(0.95, true).found, th).outcome).toBe('answered');
    expect(decide(rec(0.1, false).found, th).outcome).toBe('clarify');
  });

  it('never states a top hit whose text holds too little of what was asked, however sure the model is', () => {
    const model = fitDecisionModel(records);
    const th: AnswerThresholds = { ...defaultThresholds, model, pAnswer: 0.5, clarifyMin: 0.1, rivalRatio: 1.01 };
    const sure = rec(1, true).found;
    const offTopic = { ...sure, signals: { ...sure.signals!, queryCover: 0.2 } };
    expect(answerProbability(offTopic, model)).toBeGreaterThan(0.5);
    expect(decide(sure, th).outcome).toBe('answered');
    expect(decide(offTopic, th).outcome).toBe('clarify');
    expect(decide(offTopic, { ...th, minQueryCover: 0.1 }).outcome).toBe('answered');
  });

  it('writes a source file that states the model and thresholds', () => {
    const src = decisionModelSource(fitDecisionModel(records), { clarifyMin: 0.2, pAnswer: 0.6, rivalRatio: 0.9 }, 'test');
    expect(src).toMatch(/thresholds: \{clarifyMin: 0\.2, pAnswer: 0\.6, rivalRatio: 0\.9\}/);
    expect(src).toMatch(/nameQueryCover: /);
  });
});
