/**
 * The calibration run shared by `npm run calibrate` and `npm run eval`: generated queries and their leave-one-out
 * twins recorded once, the threshold grid replayed over them, and the k-fold check on the dev questions.
 */
import { defaultThresholds, type AnswerThresholds, type DecisionModel } from '../../src/answer/decide.js';
import { fitDecisionModel } from './model.js';
import type { Procedure } from '../../src/catalog/schema.js';
import type { Searcher } from '../../src/retrieval/types.js';
import { defaultLexicon } from '../../src/text/lexicon.js';
import { generateQueries, type GeneratedQuery } from './generate.js';
import { createRandom } from './random.js';
import { createStillAnswerable, recordGenerated, recordLeaveOneOut } from './record.js';
import {
  addCounts,
  compactNames,
  defaultObjective,
  emptyCounts,
  kFolds,
  pickThresholds,
  tally,
  thresholdGrid,
  type AnswerCounts,
  type Objective,
  type Recorded,
  type ThresholdPick,
} from './replay.js';

export interface CalibrationOptions {
  seed: number;
  /** Generated in-catalog queries. */
  count: number;
  /** Of those, how many are searched again with their procedure left out. */
  leaveOneOut: number;
}

export const defaultCalibrationOptions: CalibrationOptions = { seed: 1, count: 900, leaveOneOut: 450 };
export const quickCalibrationOptions: CalibrationOptions = { seed: 1, count: 300, leaveOneOut: 150 };

export interface CalibrationData {
  queries: GeneratedQuery[];
  generated: Recorded[];
  looQueries: GeneratedQuery[];
  leaveOneOut: Recorded[];
  ms: number;
}

export async function recordCalibrationData(searcher: Searcher, procedures: readonly Procedure[], o: CalibrationOptions): Promise<CalibrationData> {
  const t0 = performance.now();
  const queries = generateQueries(procedures, { seed: o.seed, count: o.count, lexicon: defaultLexicon().entries });
  const generated = await recordGenerated(searcher, queries);
  // Only queries that still name something specific to their procedure become out-of-catalog questions when it is
  // left out; the others still have an answer (see createStillAnswerable).
  const stillAnswerable = createStillAnswerable(procedures);
  const looQueries = createRandom(o.seed + 1).shuffle(queries).filter((g) => !stillAnswerable(g)).slice(0, o.leaveOneOut);
  const leaveOneOut = await recordLeaveOneOut(searcher, looQueries, procedures);
  return { queries, generated, looQueries, leaveOneOut, ms: performance.now() - t0 };
}

/**
 * Fits the answer model on the records (generated: is the top hit right; leave-one-out: nothing is), then replays the
 * threshold grid with that model (names compacted, checked equivalent on the first grid point) and picks.
 */
export function calibrate(records: readonly Recorded[], objective: Objective = defaultObjective, grid?: AnswerThresholds[]): ThresholdPick & { model: DecisionModel } {
  const model = fitDecisionModel(records);
  const points = grid ?? thresholdGrid({ ...defaultThresholds, model });
  const compact = compactNames(records);
  const probe = points[0]!;
  if (JSON.stringify(tally(compact, probe)) !== JSON.stringify(tally(records, probe))) {
    throw new Error('calibrate: replay on compacted names differs from the recorded results');
  }
  return { ...pickThresholds(compact, points, objective), model };
}

export interface FoldResult {
  thresholds: AnswerThresholds;
  /** The held-out fold under the thresholds fitted without it. */
  heldOut: AnswerCounts;
}

/**
 * k-fold check on the dev questions: for each fold, thresholds fitted on the catalog records plus the other folds,
 * then counted on the held-out fold. Folds are stratified by in / out of catalog.
 */
export function kFoldCheck(
  dev: readonly Recorded[],
  catalogRecords: readonly Recorded[],
  k: number,
  seed: number,
  objective: Objective = defaultObjective,
  model?: DecisionModel,
): { folds: FoldResult[]; pooled: AnswerCounts } {
  const labels = dev.map((r) => (r.right.length ? 'in' : 'out'));
  const folds = kFolds(labels, k, seed);
  const compactCatalog = compactNames(catalogRecords);
  const compactDev = compactNames(dev);
  // The model is the catalog's (fitted without any dev question); the folds choose only the thresholds.
  const grid = thresholdGrid({ ...defaultThresholds, model: model ?? defaultThresholds.model });
  const results: FoldResult[] = folds.map((fold) => {
    const held = new Set(fold);
    const train = [...compactCatalog, ...compactDev.filter((_, i) => !held.has(i))];
    const { thresholds } = pickThresholds(train, grid, objective);
    return { thresholds, heldOut: tally(fold.map((i) => dev[i]!), thresholds) };
  });
  return { folds: results, pooled: results.reduce((a, f) => addCounts(a, f.heldOut), emptyCounts()) };
}
