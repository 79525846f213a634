/**
 * The calibrated answer rule: written by `npm run calibrate -- --write` from questions generated from the catalog and
 * their leave-one-out twins (never from the dev questions). Do not edit by hand; re-run the calibration instead.
 */
// Plain data (decide.ts gives it its types), so that the two modules do not import each other.
export const calibrated = {
  thresholds: {clarifyMin: 0.1, pAnswer: 0.625, rivalRatio: 0.95},
  model: {
    bias: -2.252,
    weights: {confidence: 1.454, cover: -0.194, margin: 2.409, queryCover: -0.358, nameQueryCover: 2.262, actionsAgree: 0.482, closeness: -1.804, topScore: 0.752, soleFullName: 0.874},
  },
  fittedOn: "900 generated queries and 450 leave-one-out (seed 1) over 2642 procedures",
};
