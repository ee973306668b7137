/**
 * One grid search through the public Engine: configs x folds cross-validated fits plus the best refit,
 * on the training part of an MPDATA01 file. Threads = RAYON_NUM_THREADS (set by the caller).
 *   node --import tsx bench/grid-fit.ts --data FILE --spec JSON [--folds 5] [--backend native|wasm]
 * Prints one JSON line: fits, seconds, fits per second, best CV AUC and parameters.
 */
import { parseArgs } from 'node:util';
import { type GridSpec, loadEngine } from '../ts/src/engine/index.js';
import { preprocessFor, readMpData } from './mpdata.js';

const { values } = parseArgs({
  options: { data: { type: 'string' }, spec: { type: 'string' }, folds: { type: 'string', default: '5' }, backend: { type: 'string', default: 'native' } },
});
const spec = JSON.parse(values.spec!) as GridSpec;
const d = preprocessFor(spec.kind, readMpData(values.data!));
const folds = Number(values.folds);
const engine = loadEngine(values.backend);
const t0 = performance.now();
const out = engine.gridSearchSync({ x: d.x, nRows: d.nTrain }, d.y, spec, { seed: 42, folds, scoring: 'roc_auc' });
const seconds = (performance.now() - t0) / 1000;
const best = out.report.configs[out.report.best_index]!;
const configs = out.report.configs.length;
process.stdout.write(
  `${JSON.stringify({
    engine: `moviepref-${engine.backend}`,
    threads: Number(process.env.RAYON_NUM_THREADS ?? 0) || null,
    n_train: d.nTrain,
    configs,
    folds,
    fits: configs * folds + 1,
    seconds,
    fits_per_second: (configs * folds + 1) / seconds,
    best_cv_auc: best.metrics.roc_auc?.mean,
    best_params: out.report.best_params,
  })}\n`,
);
