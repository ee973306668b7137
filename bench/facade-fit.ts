/**
 * Fits one model through the public Engine (napi addon or wasm) on an MPDATA01 file and prints one JSON
 * line: wasm and native measured through the same facade, single-threaded.
 *   node --import tsx bench/facade-fit.ts --data FILE --backend native|wasm --kind gbt|forest|logistic [--rows N] [--params JSON]
 * Each kind gets its preprocessing from the pipeline's kind table (logistic regression: training-median
 * imputation, as in `mp-bench fit` and the scikit-learn peer).
 */
import { parseArgs } from 'node:util';
import { loadEngine, type ModelKind } from '../ts/src/engine/index.js';
import { preprocessFor, readMpData } from './mpdata.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    backend: { type: 'string' },
    kind: { type: 'string', default: 'gbt' },
    rows: { type: 'string', default: '0' },
    params: { type: 'string', default: '{}' },
  },
});
const kind = values.kind as ModelKind;
const d = preprocessFor(kind, readMpData(values.data!, Number(values.rows)));

const engine = loadEngine(values.backend);
const t0 = performance.now();
const model = engine.fitSync({ x: d.x, nRows: d.nTrain }, d.y, { kind, params: JSON.parse(values.params!) });
const fit = (performance.now() - t0) / 1000;
const t1 = performance.now();
const p = model.predict({ x: d.xTest, nRows: d.nTest });
const predict = (performance.now() - t1) / 1000;
const m = engine.metrics(d.yTest, p);
process.stdout.write(
  `${JSON.stringify({ engine: `moviepref-${engine.backend}`, model: kind, threads: 1, n_train: d.nTrain, n_features: d.k, fit_seconds: fit, predict_seconds: predict, test_auc: m.roc_auc, test_logloss: m.log_loss })}\n`,
);
