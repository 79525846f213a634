// npm run calibrate — the answer thresholds calibrated on queries generated from the catalog itself (in catalog, and
// the same queries with their procedure left out), by replaying decide() over a grid; the dev questions are only a
// check. Prints the chosen thresholds; it does not change defaultThresholds.
// Options: --catalog DIR --dev DIR --seed N --count N --loo N --quick; --write puts the fitted model and thresholds
// into src/answer/decision-model.ts (the defaults of the answer core).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { decisionModelSource } from './eval/model.js';
import { defaultThresholds } from '../src/answer/decide.js';
import { buildMergedCatalog } from './eval/catalog.js';
import { calibrate, defaultCalibrationOptions, quickCalibrationOptions, recordCalibrationData } from './eval/calibration.js';
import { devFilesIn, loadDevSets } from './eval/dev-sets.js';
import { queryKinds } from './eval/generate.js';
import { recordQuestions } from './eval/record.js';
import { defaultObjective, heldBackShare, objectiveValue, tally, thresholdGrid, type Recorded } from './eval/replay.js';
import { answersHeader, answersRow, retrievalText, thresholdsText } from './eval/report.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
};
const base = process.argv.includes('--quick') ? quickCalibrationOptions : defaultCalibrationOptions;
const options = {
  seed: Number(arg('seed', String(base.seed))),
  count: Number(arg('count', String(base.count))),
  leaveOneOut: Number(arg('loo', String(base.leaveOneOut))),
};
const shared = resolve(process.cwd(), '../shared');
const t0 = performance.now();
const catalog = await buildMergedCatalog(arg('catalog', resolve(shared, 'dvc-catalog')));
try {
  console.log(`catalog: ${catalog.procedures.length} procedures (portal records with knowledge/ merged), ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const data = await recordCalibrationData(catalog.searcher, catalog.procedures, options);
  const kinds = queryKinds.map((k) => `${k} ${data.queries.filter((q) => q.kind === k).length}`).join(', ');
  console.log(`generated (seed ${options.seed}): ${data.queries.length} queries (${kinds}); leave-one-out ${data.leaveOneOut.length}; searched in ${(data.ms / 1000).toFixed(1)} s`);
  console.log(`search on generated: ${retrievalText(data.generated)}`);

  const records = [...data.generated, ...data.leaveOneOut];
  const t1 = performance.now();
  const pick = calibrate(records, defaultObjective);
  const grid = thresholdGrid({ ...defaultThresholds, model: pick.model });
  console.log(
    `\nobjective: answered right − ${defaultObjective.penalty} × wrong + ${defaultObjective.clarifyValue} × lists with the right one − ${defaultObjective.noiseCost} × lists with nothing right, subject to leave-one-out held back ≥ ${defaultObjective.minHeldBack}; ` +
      `${grid.length} threshold sets replayed in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
  );
  const show = (label: string, th: typeof defaultThresholds) => {
    const c = tally(records, th);
    console.log(`${label}: ${thresholdsText(th)} — objective ${objectiveValue(c)}, leave-one-out held back ${heldBackShare(c).toFixed(2)}`);
  };
  show('current defaults', defaultThresholds);
  show(`chosen${pick.feasible ? '' : ' (no set meets the floor: the one holding back most)'}`, pick.thresholds);
  if (process.argv.includes('--write')) {
    const { clarifyMin, pAnswer, rivalRatio } = pick.thresholds;
    const fittedOn = `${data.queries.length} generated queries and ${data.leaveOneOut.length} leave-one-out (seed ${options.seed}) over ${catalog.procedures.length} procedures`;
    writeFileSync('src/answer/decision-model.ts', decisionModelSource(pick.model, { clarifyMin, pAnswer, rivalRatio }, fittedOn));
    console.log('written: src/answer/decision-model.ts');
  }

  const sets: [string, Recorded[]][] = [
    ...queryKinds.map((k): [string, Recorded[]] => [`generated: ${k}`, data.generated.filter((_, i) => data.queries[i]!.kind === k)]),
    ['generated (all)', data.generated],
    ['leave-one-out', data.leaveOneOut],
  ];
  const devSets = loadDevSets(devFilesIn(arg('dev', resolve(shared, 'eval'))));
  const dev: [string, Recorded[]][] = [];
  for (const s of devSets) dev.push([s.file, await recordQuestions(catalog.searcher, s.questions, s.outOfCatalog)]);
  dev.push(['all dev files (check only)', dev.flatMap(([, r]) => r)]);
  for (const [label, th] of [['current defaults', defaultThresholds], ['chosen', pick.thresholds]] as const) {
    console.log(`\n${label} (decide() replayed on the recorded search results)`);
    console.log(answersHeader);
    for (const [name, rs] of [...sets, ...dev]) console.log(answersRow(name, tally(rs, th)));
  }
} finally {
  await catalog.cleanup();
}
