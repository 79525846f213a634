/**
 * The calibrated answer rule: written by `npm run calibrate -- --write` from questions generated from the catalog and
 * their leave-one-out twins (never from the dev questions). Do not edit by hand; re-run the calibration instead.
 */
import type { AnswerThresholds, DecisionModel } from './decide.js';

export const calibrated: { thresholds: Partial<AnswerThresholds>; model?: DecisionModel; fittedOn?: string } = {
  thresholds: {clarifyMin: 0.1, pAnswer: 0.675, rivalRatio: 0.9},
  model: {
    bias: -3.67,
    weights: {confidence: 1.494, cover: 0.127, margin: 1.583, queryCover: 1.526, nameQueryCover: 2.606, actionsAgree: 0.487, closeness: -2.407, topScore: 0.623, soleFullName: 0.212},
  },
  fittedOn: "900 generated queries and 450 leave-one-out (seed 1) over 2642 procedures",
};
