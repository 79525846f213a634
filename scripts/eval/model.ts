/**
 * Fitting the answer model (src/answer/decide.ts, DecisionModel): logistic regression of "the top hit is right" on the
 * search's evidence, over recorded generated queries (label 1 when the top hit is right) and their leave-one-out twins
 * (label 0: nothing right is left). Plain batch gradient descent with a small L2 penalty: eight features, a thousand
 * or so records, deterministic.
 */
import { decisionFeatures, featuresOf, type AnswerThresholds, type DecisionModel } from '../../src/answer/decide.js';
import { isRightHit, type Recorded } from './replay.js';

export interface FitOptions {
  iterations: number;
  rate: number;
  l2: number;
}

export const defaultFitOptions: FitOptions = { iterations: 3000, rate: 0.5, l2: 0.001 };

/** The examples a model learns from: features and label of every record with signals. */
export function examplesOf(records: readonly Recorded[]): { x: number[]; y: number }[] {
  const out: { x: number[]; y: number }[] = [];
  for (const r of records) {
    const f = featuresOf(r.found);
    if (!f) continue;
    out.push({ x: decisionFeatures.map((k) => f[k]), y: r.right.length && isRightHit(r.found.results[0], r.right) ? 1 : 0 });
  }
  return out;
}

export function fitDecisionModel(records: readonly Recorded[], o: FitOptions = defaultFitOptions): DecisionModel {
  const ex = examplesOf(records);
  const d = decisionFeatures.length;
  const w = new Array<number>(d).fill(0);
  let b = 0;
  if (!ex.length) throw new Error('fitDecisionModel: no record has signals');
  for (let it = 0; it < o.iterations; it++) {
    const gw = new Array<number>(d).fill(0);
    let gb = 0;
    for (const { x, y } of ex) {
      let z = b;
      for (let k = 0; k < d; k++) z += w[k]! * x[k]!;
      const err = 1 / (1 + Math.exp(-z)) - y;
      for (let k = 0; k < d; k++) gw[k]! += err * x[k]!;
      gb += err;
    }
    for (let k = 0; k < d; k++) w[k]! -= o.rate * (gw[k]! / ex.length + o.l2 * w[k]!);
    b -= (o.rate * gb) / ex.length;
  }
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { bias: round(b), weights: Object.fromEntries(decisionFeatures.map((k, i) => [k, round(w[i]!)])) as DecisionModel['weights'] };
}

/** The model as TypeScript source for src/answer/decision-model.ts. */
export function decisionModelSource(model: DecisionModel, thresholds: Pick<AnswerThresholds, 'clarifyMin' | 'pAnswer' | 'rivalRatio'>, fittedOn: string): string {
  return `/**
 * The calibrated answer rule: written by \`npm run calibrate -- --write\` from questions generated from the catalog and
 * their leave-one-out twins (never from the dev questions). Do not edit by hand; re-run the calibration instead.
 */
// Plain data (decide.ts gives it its types), so that the two modules do not import each other.
export const calibrated = {
  thresholds: ${JSON.stringify(thresholds).replace(/"(\w+)":/g, '$1: ').replace(/,/g, ', ')},
  model: {
    bias: ${model.bias},
    weights: ${JSON.stringify(model.weights).replace(/"(\w+)":/g, '$1: ').replace(/,/g, ', ')},
  },
  fittedOn: ${JSON.stringify(fittedOn)},
};
`;
}
