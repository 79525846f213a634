/**
 * The calibrated answer rule: written by `npm run calibrate -- --write` from questions generated from the catalog and
 * their leave-one-out twins (never from the dev questions). Do not edit by hand; re-run the calibration instead.
 */
// Plain data (decide.ts gives it its types), so that the two modules do not import each other.
export const calibrated = {
  thresholds: {clarifyMin: 0.1, pAnswer: 0.65, rivalRatio: 0.95},
  model: {
    bias: -2.141,
    weights: {confidence: 1.644, cover: 0.367, margin: 1.778, queryCover: -0.281, nameQueryCover: 2.341, actionsAgree: 0.466, closeness: -2.388, topScore: 0.976, soleFullName: 1.004},
  },
  fittedOn: "900 generated queries and 450 leave-one-out (seed 1) over 2642 procedures",
};
