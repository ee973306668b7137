/**
 * Engine section: at one scale (one MPDATA01 file of the pipeline's own features), every contender fits
 * the same rows with the same settings: ours (native GBDT/RF/LR at the machine's threads; wasm vs native
 * single-threaded through the public engine), XGBoost hist, LightGBM gbdt/rf, scikit-learn HGB/RF/LR,
 * and the npm libraries on the row counts they can handle (ours re-run on the same rows for the ratio).
 */
import { ensureJsPeers } from '../js-peers.js';
import { type Failed, PY, pythonPeers, ROOT, type Row, runJson } from '../lib.js';

export type Family = 'gbdt' | 'rf' | 'lr';

export interface Entry {
  family: Family;
  contender: string;
  /** ratio = fit seconds of [numerator, denominator], contenders of the same family ('self' = this one):
   *  [ours on the same rows and threads, 'self'] for a peer, ['self', 'ours native 1t'] for wasm. */
  ratio?: [string, string];
  result: Row | Failed;
}

export const GBT = { n_estimators: 100, max_depth: 6, learning_rate: 0.1, max_bin: 255, seed: 0 };
export const RF = { n_estimators: 100, max_depth: 10, max_bin: 255, seed: 0 };
export const LR = { l2: 1 };

/** Training rows above which a contender is not run (minutes per fit, or the wasm32 4 GiB address space). */
export const ROW_CAPS: Record<string, number> = {
  'sklearn-rf': 1_000_000,
  wasm: 1_000_000,
  'ml-random-forest': 2_000,
  'ml-logistic-regression': 50_000,
  'ml-xgboost': 50_000,
};
/** The npm libraries run (on their capped rows) only at the small scales: above this, the same capped fit would repeat. */
const JS_SCALE_LIMIT = 100_000;

const PARAMS: Record<Family, object> = { gbdt: GBT, rf: RF, lr: LR };
const KIND: Record<Family, string> = { gbdt: 'gbt', rf: 'forest', lr: 'logistic' };
const MP_MODEL: Record<Family, string> = { gbdt: 'gbt', rf: 'rf', lr: 'logistic' };
const DEPTH: Record<Family, number> = { gbdt: 6, rf: 10, lr: 0 };

export function engineSection(file: string, nTrain: number, threads: number): Entry[] {
  const bin = `${ROOT}target/release/mp-bench`;
  const entries: Entry[] = [];
  const skip = (family: Family, contender: string, why: string) => entries.push({ family, contender, result: { error: why, skipped: true } });
  const ours = (family: Family, t: number, rows = 0): Row | Failed =>
    runJson(bin, ['fit', '--data', file, '--model', MP_MODEL[family], '--threads', String(t), '--params', JSON.stringify(PARAMS[family]), '--rows', String(rows)]);
  const facade = (family: Family, backend: string, rows: number) =>
    runJson(process.execPath, ['--import', 'tsx', 'bench/facade-fit.ts', '--data', file, '--backend', backend, '--kind', KIND[family], '--rows', String(rows), '--params', JSON.stringify(PARAMS[family])], {
      RAYON_NUM_THREADS: '1',
    });
  const noPython = pythonPeers();
  const py = (family: Family, lib: string) => {
    if (noPython) return skip(family, lib, noPython);
    const cap = ROW_CAPS[lib];
    if (cap !== undefined && nTrain > cap) return skip(family, lib, `not run above ${cap.toLocaleString('en')} training rows (see the smaller scales)`);
    entries.push({ family, contender: lib, ratio: [`ours ${threads}t`, 'self'], result: runJson(PY, ['bench/peers.py', '--data', file, '--lib', lib, '--threads', String(threads), '--depth', String(DEPTH[family])]) });
  };
  const noJs = ensureJsPeers();
  const js = (family: Family, lib: string) => {
    if (noJs) return skip(family, lib, noJs);
    if (nTrain > JS_SCALE_LIMIT) return skip(family, lib, 'npm libraries run at the 50k and MovieLens scales only (capped rows)');
    const rows = Math.min(nTrain, ROW_CAPS[lib] ?? nTrain);
    const result = runJson(process.execPath, ['bench/js-peers/fit.mjs', '--data', file, '--lib', lib, '--rows', String(rows), '--depth', String(DEPTH[family]), '--trees', '100']);
    const key = `ours 1t @${rows}`;
    if (!entries.some((e) => e.family === family && e.contender === key)) entries.push({ family, contender: key, result: ours(family, 1, rows) });
    entries.push({ family, contender: lib, ratio: [key, 'self'], result });
  };

  for (const family of ['gbdt', 'rf', 'lr'] as Family[]) {
    entries.push({ family, contender: `ours ${threads}t`, result: ours(family, threads) });
  }
  py('gbdt', 'xgboost');
  py('gbdt', 'lightgbm');
  py('gbdt', 'sklearn-hgb');
  py('rf', 'lightgbm-rf');
  py('rf', 'sklearn-rf');
  py('lr', 'sklearn-lr');
  js('rf', 'ml-random-forest');
  js('gbdt', 'ml-xgboost');
  js('lr', 'ml-logistic-regression');
  for (const family of ['gbdt', 'rf', 'lr'] as Family[]) {
    if (nTrain > (ROW_CAPS.wasm as number)) {
      skip(family, 'ours wasm 1t', `not run above ${(ROW_CAPS.wasm as number).toLocaleString('en')} training rows (wasm32: 4 GiB address space)`);
      continue;
    }
    entries.push({ family, contender: 'ours native 1t', result: facade(family, 'native', 0) });
    entries.push({ family, contender: 'ours wasm 1t', ratio: ['self', 'ours native 1t'], result: facade(family, 'wasm', 0) });
  }
  return entries;
}
