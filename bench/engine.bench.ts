/**
 * Engine benchmark (issue 3): our GBDT / RF against XGBoost hist, LightGBM (gbdt + rf) and smartcore's RF,
 * on ONE seeded dataset file, at 1 and 2 threads; wasm vs native single-thread through the facade.
 * Prints one table (ours, peer, ratio) and writes bench/results/engine-<date>.json.
 *
 *   node --import tsx bench/engine.bench.ts [--rows 1000000] [--features 30] [--threads 1,2] [--smartcore-rows 20000]
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { must, PY, pythonPeers, ROOT, type Row, runJson, table } from './lib.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    features: { type: 'string', default: '30' },
    threads: { type: 'string', default: '1,2' },
    'smartcore-rows': { type: 'string', default: '20000' },
    'wasm-rows': { type: 'string', default: '1000000' },
  },
});
const rows = Number(values.rows);
const threads = values.threads.split(',').map(Number);
const file = `bench/data/synth-${rows}x${values.features}-s42.bin`;
const GBT = { n_estimators: 100, max_depth: 6, learning_rate: 0.1, max_bin: 255 };
const RF = { n_estimators: 100, max_depth: 10, max_bin: 255 };

must('cargo', ['build', '--release', '-q', '-p', 'mp_bench']);
const BIN = `${ROOT}target/release/mp-bench`;
const gen = runJson(BIN, ['gen', '--rows', String(Math.round(rows * 1.25)), '--features', values.features, '--seed', '42', '--out', file]);
if ('error' in gen) throw new Error(String(gen.error));
const skipPeers = pythonPeers();
if (skipPeers) process.stderr.write(`warning: ${skipPeers}\n`);

const results: Record<string, Row | { error: string }> = {};
const ours = (key: string, model: string, params: object, t: number, extra: string[] = []) =>
  (results[key] = runJson(BIN, ['fit', '--data', file, '--model', model, '--threads', String(t), '--params', JSON.stringify(params), ...extra]));
const peer = (key: string, lib: string, t: number, depth: number, extra: string[] = []) =>
  (results[key] = skipPeers ? { error: skipPeers } : runJson(PY, ['bench/peers.py', '--data', file, '--lib', lib, '--threads', String(t), '--depth', String(depth), ...extra]));
const wasmVsNative = (backend: string) =>
  (results[`gbt facade ${backend} 1t`] = runJson(process.execPath, ['--import', 'tsx', 'bench/facade-fit.ts', '--data', file, '--backend', backend, '--rows', values['wasm-rows'], '--params', JSON.stringify(GBT)], {
    RAYON_NUM_THREADS: '1',
  }));

for (const t of threads) {
  ours(`gbt ours ${t}t`, 'gbt', GBT, t);
  peer(`gbt xgboost ${t}t`, 'xgboost', t, 6);
  peer(`gbt lightgbm ${t}t`, 'lightgbm', t, 6);
  ours(`rf ours ${t}t`, 'rf', RF, t);
  peer(`rf lightgbm ${t}t`, 'lightgbm-rf', t, 10);
}
const sRows = values['smartcore-rows'];
ours(`rf ours 1t @${sRows}`, 'rf', RF, 1, ['--rows', sRows]);
results[`rf smartcore 1t @${sRows}`] = runJson(BIN, ['fit', '--data', file, '--model', 'smartcore-rf', '--rows', sRows, '--params', JSON.stringify(RF)]);
wasmVsNative('native');
wasmVsNative('wasm');

const ok = (k: string): Row | undefined => {
  const r = results[k];
  return r && !('error' in r) ? r : undefined;
};
const lines: (string | number)[][] = [];
const compare = (task: string, oursKey: string, peerKey: string, peerName: string) => {
  const a = ok(oursKey);
  const b = ok(peerKey);
  lines.push([task, a?.fit_seconds ?? NaN, peerName, b?.fit_seconds ?? NaN, a && b ? a.fit_seconds / b.fit_seconds : NaN, a?.test_auc ?? NaN, b?.test_auc ?? NaN, a && b ? a.test_auc - b.test_auc : NaN]);
};
for (const t of threads) {
  compare(`GBDT ${rows / 1e6}M x${values.features}, 100 trees d6, ${t} thr`, `gbt ours ${t}t`, `gbt xgboost ${t}t`, 'xgboost hist');
  compare('', `gbt ours ${t}t`, `gbt lightgbm ${t}t`, 'lightgbm gbdt');
  compare(`RF 100 trees d10, ${t} thr`, `rf ours ${t}t`, `rf lightgbm ${t}t`, 'lightgbm rf');
}
compare(`RF ${sRows} rows, 1 thr`, `rf ours 1t @${sRows}`, `rf smartcore 1t @${sRows}`, 'smartcore RF');
compare('GBDT wasm vs native, 1 thr', 'gbt facade wasm 1t', 'gbt facade native 1t', 'ours native');

const header = ['task', 'ours s', 'peer', 'peer s', 'ratio', 'ours AUC', 'peer AUC', 'ΔAUC'];
const report = table(header, lines);
const hist = threads.map((t) => `${t} thr: ${(ok(`gbt ours ${t}t`)?.hist_ns_per_update as number | undefined)?.toFixed(2) ?? '-'} ns`).join(', ');
const mem = ok(`gbt ours ${threads[0]}t`);
const memLine = mem
  ? `GBDT fit memory: +${(mem.fit_extra_mb as number).toFixed(0)} MB over the loaded data vs binned matrix + gradients ${(mem.binned_plus_grad_mb as number).toFixed(0)} MB (ratio ${((mem.fit_extra_mb as number) / (mem.binned_plus_grad_mb as number)).toFixed(2)})`
  : 'GBDT fit memory: -';
const peers = ['gbt xgboost 1t', 'gbt lightgbm 1t'].map((k) => ok(k)).filter(Boolean).map((r) => `${r!.engine} ${r!.version}`);
const summary = [
  `engine bench ${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? '?'} (${cpus().length} cores), Bayes-optimal test AUC ${(gen as Row).bayes_auc as number}`,
  report,
  `histogram build, ns per row-feature update (summed over threads): ${hist}`,
  memLine,
  `peers: ${peers.join(', ') || 'none'}; ratio = ours / peer fit time (< 1 means we are faster)`,
].join('\n');
process.stdout.write(`${summary}\n`);
const out = `bench/results/engine-${new Date().toISOString().slice(0, 10)}.json`;
writeFileSync(`${ROOT}${out}`, `${JSON.stringify({ dataset: gen, results, table: { header, rows: lines } }, null, 2)}\n`);
process.stderr.write(`wrote ${out}\n`);
