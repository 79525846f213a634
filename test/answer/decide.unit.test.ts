/**
 * The answer / clarify / unresolved decision (src/answer/decide.ts) on hand-built search results: the confidence bands
 * used without signals, the logistic model used with them (hand-made models for exact probabilities, and the
 * calibrated one through its public function for boundaries found from it), level twins, rivals, and the choices offered.
 * Pure: no catalog, no database, so that mutation testing can run it once per mutant.
 */
import { describe, expect, it } from 'vitest';
import {
  answerProbability,
  choiceOf,
  decide,
  decisionFeatures,
  defaultThresholds,
  featuresOf,
  MAX_CHOICES,
  type AnswerThresholds,
  type DecisionFeature,
  type DecisionModel,
} from '../../src/answer/decide.js';
import { calibrated } from '../../src/answer/decision-model.js';
import type { SearchHit, SearchResult, SearchSignals } from '../../src/retrieval/types.js';

type Found = Pick<SearchResult, 'results' | 'confidence' | 'signals'>;

const hit = (code: string, score: number, name = `Thủ tục ${code}`, extra: Partial<SearchHit> = {}): SearchHit => ({ code, name, score, ...extra });

/** Evidence of a question that names the top procedure well; each test overrides what it is about. */
const strong = (over: Partial<SearchSignals> = {}): SearchSignals => ({
  cover: 1,
  margin: 0.6,
  queryCover: 0.9,
  nameQueryCover: 1,
  rivalCover: 0.2,
  actionsAgree: true,
  ...over,
});

/** Confidence bands only: no model, round numbers so that the boundaries are exact. */
const bands: AnswerThresholds = {
  clarifyMin: 0.3,
  answerMin: 0.5,
  aloneMin: 0.4,
  rivalRatio: 0.75,
  closeRatio: 0.5,
  pAnswer: 0.5,
  minQueryCover: 0.25,
  genericFits: 3,
  genericCover: 0.5,
};

/** A model whose probability is exactly `p` whatever the evidence (no weights, only the bias). */
const constant = (p: number): DecisionModel => ({ bias: Math.log(p / (1 - p)), weights: {} });
const withModel = (model: DecisionModel, over: Partial<AnswerThresholds> = {}): AnswerThresholds => ({ ...bands, model, ...over });

const codes = (found: Found, th: AnswerThresholds) => decide(found, th).choices.map((c) => c.code);

describe('choiceOf', () => {
  it('numbers from 1 and keeps the code and name', () => {
    expect(choiceOf(hit('1.1', 0.9, 'Đăng ký kết hôn'), 0)).toEqual({ index: 1, code: '1.1', name: 'Đăng ký kết hôn', level: undefined });
    expect(choiceOf(hit('1.2', 0.9), 3).index).toBe(4);
  });

  it('labels the levels, joined, and leaves the level out when there is none', () => {
    expect(choiceOf(hit('a', 1, 'A', { levels: ['tinh'] }), 0).level).toBe('Cấp tỉnh');
    expect(choiceOf(hit('a', 1, 'A', { levels: ['xa', 'trung_uong'] }), 0).level).toBe('Cấp xã, Cấp Trung ương');
    expect(choiceOf(hit('a', 1, 'A', { levels: [] }), 0).level).toBeUndefined();
    expect(choiceOf(hit('a', 1, 'A'), 0).level).toBeUndefined();
  });
});

describe('featuresOf', () => {
  it('has no features without signals or without a hit', () => {
    expect(featuresOf({ results: [hit('a', 0.9)], confidence: 0.9 })).toBeUndefined();
    expect(featuresOf({ results: [], confidence: 0.9, signals: strong() })).toBeUndefined();
  });

  it('passes the searcher evidence through and turns the action agreement into 1 or 0', () => {
    const s = strong({ cover: 0.4, margin: 0.35, queryCover: 0.55, nameQueryCover: 0.65 });
    const f = featuresOf({ results: [hit('a', 0.8)], confidence: 0.7, signals: s });
    expect(f).toEqual({ confidence: 0.7, cover: 0.4, margin: 0.35, queryCover: 0.55, nameQueryCover: 0.65, actionsAgree: 1, closeness: 0, topScore: 0.8, soleFullName: 0 });
    expect(featuresOf({ results: [hit('a', 0.8)], confidence: 0.7, signals: { ...s, actionsAgree: false } })?.actionsAgree).toBe(0);
  });

  it('measures closeness against the best procedure that is not a level twin of the top one', () => {
    const results = [
      hit('t', 0.8, 'Cấp giấy phép xây dựng (thực hiện tại cấp tỉnh)'),
      hit('x', 0.78, 'Cấp giấy phép xây dựng (thực hiện tại cấp xã)'),
      hit('o', 0.6, 'Cấp giấy phép lái xe'),
    ];
    expect(featuresOf({ results, confidence: 0.6, signals: strong() })?.closeness).toBeCloseTo(0.75, 12);
    // Only twins behind the top one: nothing to be close to.
    expect(featuresOf({ results: results.slice(0, 2), confidence: 0.6, signals: strong() })?.closeness).toBe(0);
  });

  it('caps closeness at 1 and makes it 0 when the top score is not positive', () => {
    // Another searcher may not sort: a runner-up above the top still counts as fully close, no more.
    expect(featuresOf({ results: [hit('a', 0.4), hit('b', 0.8)], confidence: 0.5, signals: strong() })?.closeness).toBe(1);
    const zero = featuresOf({ results: [hit('a', 0), hit('b', 0)], confidence: 0.5, signals: strong() });
    expect(zero?.closeness).toBe(0);
  });

  it('clamps the top score into 0..1', () => {
    const top = (score: number) => featuresOf({ results: [hit('a', score)], confidence: 0.5, signals: strong() })?.topScore;
    expect(top(1.7)).toBe(1);
    expect(top(-0.3)).toBe(0);
    expect(top(0.45)).toBe(0.45);
  });

  it('sees a sole full name only when the top name is covered whole, a rival is not, and the naming words point to it', () => {
    const sole = (s: Partial<SearchSignals>) => featuresOf({ results: [hit('a', 0.9)], confidence: 0.8, signals: strong(s) })?.soleFullName;
    expect(sole({ cover: 0.999, rivalCover: 0.5, nameQueryCover: 0.9 })).toBe(1);
    expect(sole({ cover: 0.998, rivalCover: 0.5, nameQueryCover: 0.9 })).toBe(0);
    // The question names another procedure whole as well.
    expect(sole({ cover: 1, rivalCover: 0.999, nameQueryCover: 1 })).toBe(0);
    expect(sole({ cover: 1, rivalCover: 0.998, nameQueryCover: 1 })).toBe(1);
    // Much of what the question names is not in the top name.
    expect(sole({ cover: 1, rivalCover: 0, nameQueryCover: 0.89 })).toBe(0);
  });
});

describe('answerProbability', () => {
  const found: Found = {
    results: [hit('a', 0.8), hit('b', 0.6)],
    confidence: 0.7,
    signals: strong({ cover: 0.5, margin: 0.3, queryCover: 0.4, nameQueryCover: 0.95, rivalCover: 0.1 }),
  };

  it('is undefined without signals', () => {
    expect(answerProbability({ results: found.results, confidence: 0.7 }, constant(0.9))).toBeUndefined();
  });

  it('is the logistic of the bias when no feature is weighted', () => {
    expect(answerProbability(found, { bias: 0, weights: {} })).toBe(0.5);
    expect(answerProbability(found, constant(0.8))).toBeCloseTo(0.8, 12);
  });

  it('reads every feature with its own weight', () => {
    const f = featuresOf(found)!;
    // The hand-built result gives each feature a value of its own, so that a weight applied to the wrong one shows.
    expect(new Set(decisionFeatures.map((k) => f[k])).size).toBe(decisionFeatures.length);
    for (const k of decisionFeatures) {
      const p = answerProbability(found, { bias: 0.25, weights: { [k]: 2 } as Partial<Record<DecisionFeature, number>> })!;
      // log-odds back from the probability: bias + weight × feature.
      expect(Math.log(p / (1 - p)), k).toBeCloseTo(0.25 + 2 * f[k], 9);
    }
  });

  it('adds the weighted features up', () => {
    const f = featuresOf(found)!;
    const p = answerProbability(found, { bias: -1, weights: { margin: 3, closeness: -2, nameQueryCover: 1.5 } })!;
    expect(Math.log(p / (1 - p))).toBeCloseTo(-1 + 3 * f.margin - 2 * f.closeness + 1.5 * f.nameQueryCover, 9);
  });

  it('with the calibrated model, grows with the naming evidence and falls with a close runner-up', () => {
    const model = defaultThresholds.model!;
    const p = (nameQueryCover: number, second: number) =>
      answerProbability({ results: [hit('a', 0.8), hit('b', second)], confidence: 0.6, signals: strong({ cover: 0.7, nameQueryCover }) }, model)!;
    expect(p(0.9, 0.3)).toBeGreaterThan(p(0.5, 0.3));
    expect(p(0.9, 0.7)).toBeLessThan(p(0.9, 0.3));
    expect(p(0.9, 0.3)).toBeGreaterThan(0);
    expect(p(0.9, 0.3)).toBeLessThan(1);
  });
});

describe('defaultThresholds', () => {
  it('take the calibrated thresholds and model', () => {
    expect(defaultThresholds).toMatchObject(calibrated.thresholds);
    expect(defaultThresholds.model).toEqual(calibrated.model);
  });

  it('are what decide uses when given none', () => {
    // Between the calibrated clarifyMin and the others, so that which thresholds are used shows.
    const cases: Found[] = [
      { results: [hit('a', 0.9), hit('b', 0.2)], confidence: 0.2 },
      { results: [hit('a', 0.9), hit('b', 0.2)], confidence: 0.05 },
      { results: [hit('a', 0.9), hit('b', 0.88)], confidence: 0.9, signals: strong() },
      { results: [hit('a', 0.9)], confidence: 0.9, signals: strong() },
    ];
    for (const found of cases) expect(decide(found)).toEqual(decide(found, defaultThresholds));
    expect(decide(cases[1]!).outcome).toBe('unresolved');
  });
});

describe('decide: nothing plausible', () => {
  it('is unresolved without hits, whatever the confidence', () => {
    expect(decide({ results: [], confidence: 1 }, bands)).toEqual({ outcome: 'unresolved', choices: [] });
    expect(decide({ results: [], confidence: 1, signals: strong() }, withModel(constant(0.99)))).toEqual({ outcome: 'unresolved', choices: [] });
  });

  it('is unresolved below clarifyMin and not at it, with or without a model', () => {
    const found = (confidence: number): Found => ({ results: [hit('a', 0.9), hit('b', 0.85)], confidence });
    expect(decide(found(0.2999), bands)).toEqual({ outcome: 'unresolved', choices: [] });
    expect(decide(found(0.3), bands).outcome).toBe('clarify');
    // A sure model does not overrule the floor.
    expect(decide({ ...found(0.2999), signals: strong() }, withModel(constant(0.99))).outcome).toBe('unresolved');
  });
});

describe('decide: confidence bands (no signals or no model)', () => {
  it('answers at answerMin when no rival is near, and not just below it when another candidate is close', () => {
    const found = (confidence: number): Found => ({ results: [hit('a', 1), hit('b', 0.6)], confidence });
    expect(decide(found(0.5), bands)).toEqual({ outcome: 'answered', choices: [] });
    expect(decide(found(0.4999), bands).outcome).toBe('clarify');
  });

  it('treats a runner-up at rivalRatio of the top as a rival, and one just under it as none', () => {
    const found = (second: number): Found => ({ results: [hit('a', 1), hit('b', second)], confidence: 0.9 });
    const atRatio = decide(found(0.75), bands);
    expect(atRatio.outcome).toBe('clarify');
    expect(atRatio.choices.map((c) => c.code)).toEqual(['a', 'b']);
    expect(decide(found(0.7499), bands).outcome).toBe('answered');
  });

  it('scales the rival test with the top score', () => {
    // 0.375 is 75 % of a 0.5 top: a rival, though far below answer-level scores.
    expect(decide({ results: [hit('a', 0.5), hit('b', 0.375)], confidence: 0.9 }, bands).outcome).toBe('clarify');
    expect(decide({ results: [hit('a', 0.5), hit('b', 0.3749)], confidence: 0.9 }, bands).outcome).toBe('answered');
  });

  it('does not count a level twin of the top hit as a rival', () => {
    const results = [
      hit('t', 0.9, 'Đăng ký khai sinh (thực hiện tại cấp tỉnh)', { levels: ['tinh'] }),
      hit('x', 0.9, 'Thủ tục đăng ký khai sinh tại cấp xã', { levels: ['xa'] }),
    ];
    expect(decide({ results, confidence: 0.8 }, bands).outcome).toBe('answered');
    // The next different procedure is still looked at behind the twin.
    const withOther = [...results, hit('o', 0.88, 'Đăng ký kết hôn')];
    const d = decide({ results: withOther, confidence: 0.8 }, bands);
    expect(d.outcome).toBe('clarify');
    expect(d.choices.map((c) => [c.code, c.level])).toEqual([
      ['t', 'Cấp tỉnh'],
      ['x', 'Cấp xã'],
      ['o', undefined],
    ]);
  });

  it('between aloneMin and answerMin, answers a top hit with nothing close and clarifies otherwise', () => {
    const alone = (confidence: number): Found => ({ results: [hit('a', 1), hit('b', 0.4999)], confidence });
    expect(decide(alone(0.4), bands)).toEqual({ outcome: 'answered', choices: [] });
    expect(decide(alone(0.3999), bands).outcome).toBe('clarify');
    // A candidate at closeRatio of the top is close: the citizen chooses.
    const d = decide({ results: [hit('a', 1), hit('b', 0.5)], confidence: 0.45 }, bands);
    expect(d.outcome).toBe('clarify');
    expect(d.choices.map((c) => c.code)).toEqual(['a', 'b']);
  });

  it('counts a level twin as close, so that the citizen picks the level', () => {
    const results = [hit('t', 0.9, 'Cấp lý lịch tư pháp (cấp tỉnh)'), hit('x', 0.9, 'Cấp lý lịch tư pháp (cấp xã)')];
    expect(decide({ results, confidence: 0.45 }, bands).outcome).toBe('clarify');
  });

  it('uses the bands when the searcher gives signals but there is no model', () => {
    const found: Found = { results: [hit('a', 1), hit('b', 0.3)], confidence: 0.6, signals: strong({ queryCover: 0 }) };
    expect(decide(found, bands).outcome).toBe('answered');
  });

  it('uses the bands when there is a model but the searcher gives no signals', () => {
    const found: Found = { results: [hit('a', 1), hit('b', 0.3)], confidence: 0.6 };
    expect(decide(found, withModel(constant(0.01))).outcome).toBe('answered');
    expect(decide({ ...found, confidence: 0.35 }, withModel(constant(0.99))).outcome).toBe('clarify');
  });
});

describe('decide: the model (signals and a model)', () => {
  const found = (over: Partial<SearchSignals> = {}, results = [hit('a', 1), hit('b', 0.6)], confidence = 0.45): Found => ({
    results,
    confidence,
    signals: strong(over),
  });

  it('answers when the probability reaches pAnswer, even where the bands would clarify', () => {
    // Confidence 0.45 with a close second: the bands clarify.
    expect(decide({ ...found(), signals: undefined }, withModel(constant(0.9))).outcome).toBe('clarify');
    expect(decide(found(), withModel(constant(0.5), { pAnswer: 0.5 }))).toEqual({ outcome: 'answered', choices: [] });
  });

  it('clarifies when the probability is under pAnswer, even where the bands would answer', () => {
    const sure = found({}, [hit('a', 1)], 0.95);
    const d = decide(sure, withModel(constant(0.5), { pAnswer: 0.5001 }));
    expect(d.outcome).toBe('clarify');
    // Only one candidate exists: it is the one offered.
    expect(d.choices).toEqual([{ index: 1, code: 'a', name: 'Thủ tục a', level: undefined }]);
  });

  it('does not answer over a rival, however sure the model', () => {
    expect(decide(found({}, [hit('a', 1), hit('b', 0.75)]), withModel(constant(0.99))).outcome).toBe('clarify');
    expect(decide(found({}, [hit('a', 1), hit('b', 0.7499)]), withModel(constant(0.99))).outcome).toBe('answered');
  });

  it('a hit the question tells apart from the top one (signals.unasked) is no rival, and the next one is', () => {
    const three = [hit('a', 1), hit('b', 0.99), hit('c', 0.5)];
    expect(decide(found({}, three), withModel(constant(0.99))).outcome).toBe('clarify');
    expect(decide(found({ unasked: ['b'] }, three), withModel(constant(0.99))).outcome).toBe('answered');
    // The runner-up the model reads is then c, not b; a list still offers b.
    expect(featuresOf(found({ unasked: ['b'] }, three))!.closeness).toBe(0.5);
    expect(featuresOf(found({}, three))!.closeness).toBe(0.99);
    expect(codes(found({ unasked: ['b'] }, three), withModel(constant(0.1)))).toEqual(['a', 'b', 'c']);
    // Told apart or not, a rival that is not listed still counts.
    expect(decide(found({ unasked: ['c'] }, three), withModel(constant(0.99))).outcome).toBe('clarify');
  });

  it('does not answer a question whose naming words fit many names and say little of the top one (genericFits, genericCover)', () => {
    const th = withModel(constant(0.99));
    // Four procedures' names hold every naming word, and half the top name is said: still answered.
    expect(decide(found({ nameFits: 4, cover: 0.5 }), th).outcome).toBe('answered');
    // Three fit and little is said: the question may well name that one.
    expect(decide(found({ nameFits: 3, cover: 0.1 }), th).outcome).toBe('answered');
    // Four fit and less than half the top name is said: a kind of paper, not a procedure.
    const d = decide(found({ nameFits: 4, cover: 0.4999 }), th);
    expect(d.outcome).toBe('clarify');
    expect(d.choices.map((c) => c.code)).toEqual(['a', 'b']);
    // A searcher that does not count fits is not held to the rule.
    expect(decide(found({ nameFits: undefined, cover: 0.1 }), th).outcome).toBe('answered');
  });

  it('does not state a variant the question does not ask for over a close candidate whose action is the one asked', () => {
    const th = withModel(constant(0.99));
    const two = [hit('again', 1), hit('first', 0.7)];
    // closeRatio 0.5: 'first' is close, and its action agrees where the top one's does not.
    const d = decide(found({ actionsAgree: false, actionRivals: ['first'] }, two), th);
    expect(d.outcome).toBe('clarify');
    expect(d.choices.map((c) => c.code)).toEqual(['again', 'first']);
    // Not close enough to be offered: the top one stands.
    expect(decide(found({ actionsAgree: false, actionRivals: ['first'] }, [hit('again', 1), hit('first', 0.49)]), th).outcome).toBe('answered');
    // No agreeing candidate: the model decides alone.
    expect(decide(found({ actionsAgree: false }, two), th).outcome).toBe('answered');
  });

  it('does not answer when the top procedure holds too little of what is asked (minQueryCover)', () => {
    const th = withModel(constant(0.99), { minQueryCover: 0.25 });
    expect(decide(found({ queryCover: 0.25 }), th).outcome).toBe('answered');
    const d = decide(found({ queryCover: 0.2499 }), th);
    expect(d.outcome).toBe('clarify');
    expect(d.choices.map((c) => c.code)).toEqual(['a', 'b']);
  });

  it('follows the calibrated model across its pAnswer boundary, found from the model', () => {
    const th = defaultThresholds;
    const model = th.model!;
    const at = (nameQueryCover: number) => found({ nameQueryCover, cover: 0.8, queryCover: 0.8 }, [hit('a', 0.7), hit('b', 0.35)], 0.5);
    const p = (x: number) => answerProbability(at(x), model)!;
    // The naming evidence alone must carry this result across the threshold, else the boundary below does not exist.
    expect(p(0)).toBeLessThan(th.pAnswer);
    expect(p(1)).toBeGreaterThan(th.pAnswer);
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (p(mid) >= th.pAnswer) hi = mid;
      else lo = mid;
    }
    const step = 1e-6;
    expect(decide(at(hi + step)).outcome).toBe('answered');
    expect(decide(at(lo - step)).outcome).toBe('clarify');
    expect(decide(at(lo - step)).choices.map((c) => c.code)).toEqual(['a', 'b']);
  });

  it('with the calibrated model, a clear and fully named question is answered and an unnamed one is not', () => {
    const clear = found({ cover: 1, nameQueryCover: 1, margin: 0.8, rivalCover: 0.1, queryCover: 0.9 }, [hit('a', 0.9), hit('b', 0.2)], 0.9);
    expect(decide(clear).outcome).toBe('answered');
    const vague = found({ cover: 0.3, nameQueryCover: 0.1, margin: 0.05, actionsAgree: false, queryCover: 0.9 }, [hit('a', 0.5), hit('b', 0.45)], 0.3);
    expect(decide(vague).outcome).toBe('clarify');
  });
});

describe('decide: the choices offered', () => {
  it('offers every candidate at closeRatio of the top or above, in order, and none below', () => {
    const results = [hit('a', 1), hit('b', 0.7), hit('c', 0.5), hit('d', 0.4999)];
    const d = decide({ results, confidence: 0.35 }, bands);
    expect(d.outcome).toBe('clarify');
    expect(d.choices.map((c) => [c.index, c.code])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
  });

  it(`offers at most ${MAX_CHOICES}, the best ones`, () => {
    const results = ['a', 'b', 'c', 'd', 'e', 'f'].map((code, i) => hit(code, 1 - i * 0.01));
    const d = decide({ results, confidence: 0.9 }, bands);
    expect(d.choices).toHaveLength(MAX_CHOICES);
    expect(d.choices.map((c) => c.code)).toEqual(['a', 'b', 'c', 'd']);
    expect(d.choices.map((c) => c.index)).toEqual([1, 2, 3, 4]);
    expect(codes({ results, confidence: 0.9, signals: strong() }, withModel(constant(0.1)))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('adds the runner-up when only the top hit is close, so that there is something to choose', () => {
    const results = [hit('a', 1), hit('b', 0.2), hit('c', 0.1)];
    expect(codes({ results, confidence: 0.35 }, bands)).toEqual(['a', 'b']);
    expect(codes({ results, confidence: 0.9, signals: strong() }, withModel(constant(0.1)))).toEqual(['a', 'b']);
  });

  it('offers the top hit alone when it is the only hit', () => {
    const d = decide({ results: [hit('a', 1, 'Đăng ký thường trú', { levels: ['xa'] })], confidence: 0.35 }, bands);
    expect(d).toEqual({ outcome: 'clarify', choices: [{ index: 1, code: 'a', name: 'Đăng ký thường trú', level: 'Cấp xã' }] });
  });
});
