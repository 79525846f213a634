/**
 * The calibrated answer rule: written by `npm run calibrate -- --write` from questions generated from the catalog and
 * their leave-one-out twins (never from the dev questions). Do not edit by hand; re-run the calibration instead.
 */
import type { AnswerThresholds, DecisionModel } from './decide.js';

export const calibrated: { thresholds: Partial<AnswerThresholds>; model?: DecisionModel; fittedOn?: string } = {
  thresholds: {clarifyMin: 0.15, pAnswer: 0.675, rivalRatio: 0.95},
  model: {
    bias: -3.81,
    weights: {confidence: 1.569, cover: 0.202, margin: 1.66, queryCover: 1.446, nameQueryCover: 2.721, actionsAgree: 0.394, closeness: -2.404, topScore: 0.734},
  },
  fittedOn: "900 generated queries and 450 leave-one-out (seed 1) over 2642 procedures",
};
