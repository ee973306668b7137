/**
 * Fits one of OUR collaborative models through the public engine on a ratings split (a file written by
 * bench/ratings-export.ts) and prints one JSON line with the same fields as bench/collab_peers.py:
 * fit and predict seconds, test RMSE, test AUC of the liked label from the predicted rating, cold rows,
 * peak RSS during the fit.
 *   node --import tsx bench/collab-fit.ts --data FILE --kind mf|item_knn [--params JSON] [--backend native|wasm]
 * The synchronous `fitCollabSync` is timed (as bench/facade-fit.ts times `fitSync`): no worker hop in
 * the figure.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type CollabSpec, loadEngine } from '../ts/src/engine/index.js';
import { coldCounts, readRatings } from './ratings-export.js';

/** Scores as [0, 1] probabilities for the engine's metrics, by a strictly increasing affine map (the
 *  ROC-AUC, a rank statistic, is unchanged). */
export function asProbabilities(s: Float32Array): Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of s) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi > lo ? hi - lo : 1;
  return Float32Array.from(s, (v) => (v - lo) / span);
}

export function rmse(pred: Float32Array, truth: Float32Array): number {
  let s = 0;
  for (let k = 0; k < pred.length; k++) s += ((pred[k] as number) - (truth[k] as number)) ** 2;
  return Math.sqrt(s / pred.length);
}

function statusMb(field: 'VmRSS:' | 'VmHWM:'): number | null {
  try {
    const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(field));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Resets the kernel's peak-RSS counter (as bench/peers.py and mp-bench do), so VmHWM covers the fit only. */
function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { data: { type: 'string' }, kind: { type: 'string' }, params: { type: 'string', default: '{}' }, backend: { type: 'string' }, threads: { type: 'string', default: '1' } },
  });
  if (!values.data || !values.kind) throw new Error('usage: collab-fit --data FILE --kind mf|item_knn [--params JSON] [--backend native|wasm]');
  const engine = loadEngine(values.backend);
  const r = readRatings(values.data);
  const before = statusMb('VmRSS:');
  const reset = resetPeak();
  const t0 = performance.now();
  const model = engine.fitCollabSync({ users: r.train.users, items: r.train.items, values: r.train.ratings }, { kind: values.kind, params: JSON.parse(values.params!) } as CollabSpec); // the engine refuses an unknown kind (INVALID_PARAM)
  const fit = (performance.now() - t0) / 1000;
  const peak = reset ? statusMb('VmHWM:') : null;
  const t1 = performance.now();
  const pred = model.predict(r.test.users, r.test.items);
  const predict = (performance.now() - t1) / 1000;
  const cold = coldCounts(r);
  process.stdout.write(
    `${JSON.stringify({
      engine: `moviepref-${engine.backend} ${values.kind}`,
      threads: Number(values.threads),
      n_train: r.train.users.length,
      n_test: r.test.users.length,
      fit_seconds: fit,
      predict_seconds: predict,
      test_rmse: rmse(pred, r.test.ratings),
      test_auc: engine.metrics(Float32Array.from(r.test.liked), asProbabilities(pred)).roc_auc,
      ...cold,
      rss_before_fit_mb: before,
      rss_peak_fit_mb: peak,
      fit_extra_mb: peak !== null && before !== null ? peak - before : null,
    })}\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    process.stderr.write(`collab-fit: ${(err as Error).message}\n`);
    process.exit(2);
  });
}
