/**
 * Fits a GBDT through the public Engine (napi addon or wasm) on an MPDATA01 file and prints one JSON line.
 * Used to compare wasm and native single-thread fits through the same facade.
 *   node --import tsx bench/facade-fit.ts --data FILE --backend native|wasm [--rows N] [--params JSON]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadEngine } from '../ts/src/engine/index.js';

const { values } = parseArgs({
  options: { data: { type: 'string' }, backend: { type: 'string' }, rows: { type: 'string', default: '0' }, params: { type: 'string', default: '{}' } },
});
const buf = readFileSync(values.data!);
const head = new DataView(buf.buffer, buf.byteOffset + 8, 24);
const nTrain = Number(head.getBigUint64(0, true));
const nTest = Number(head.getBigUint64(8, true));
const k = Number(head.getBigUint64(16, true));
const body = new Float32Array(buf.buffer.slice(buf.byteOffset + 32, buf.byteOffset + buf.length));
let at = 0;
const take = (n: number) => body.subarray(at, (at += n));
const xAll = take(nTrain * k);
const yAll = take(nTrain);
const xTest = take(nTest * k);
const yTest = take(nTest);
const n = Number(values.rows) > 0 ? Math.min(Number(values.rows), nTrain) : nTrain;
const x = new Float32Array(n * k);
for (let j = 0; j < k; j++) x.set(xAll.subarray(j * nTrain, j * nTrain + n), j * n);

const engine = loadEngine(values.backend);
const t0 = performance.now();
const model = engine.fitSync({ x, nRows: n }, yAll.subarray(0, n), { kind: 'gbt', params: JSON.parse(values.params!) });
const fit = (performance.now() - t0) / 1000;
const t1 = performance.now();
const p = model.predict({ x: xTest, nRows: nTest });
const predict = (performance.now() - t1) / 1000;
const m = engine.metrics(yTest, p);
process.stdout.write(
  `${JSON.stringify({ engine: `moviepref-${engine.backend}`, threads: 1, n_train: n, fit_seconds: fit, predict_seconds: predict, test_auc: m.roc_auc, test_logloss: m.log_loss })}\n`,
);
