/**
 * The engine self-check: fits logistic regression on a seeded problem with a known latent model on each
 * backend, scores a held-out part, round-trips the model file, and measures how far the backends disagree.
 */
import type { BinaryMetrics, Engine } from '../engine/index.js';
import { makeToy, sliceRows } from '../data/toy.js';

export interface CheckOptions {
  rows: number;
  features: number;
  seed: number;
}

export interface BackendCheck {
  backend: string;
  fit_ms: number;
  predict_ms: number;
  model_bytes: number;
  roundtrip_identical: boolean;
  metrics: BinaryMetrics;
}

export interface CheckResult {
  dataset: CheckOptions & { train_rows: number; test_rows: number };
  /** AUC of the true probabilities on the test rows: the best any model can do on this data. */
  bayes_auc: number;
  results: BackendCheck[];
  /** max |p_a - p_b| over test rows between the first backend and each other one. */
  max_abs_diff: number | null;
}

export async function runCheck(engines: Engine[], opts: CheckOptions): Promise<CheckResult> {
  const data = makeToy(opts.rows, opts.features, opts.seed);
  const nTrain = Math.floor(opts.rows * 0.8);
  const nTest = opts.rows - nTrain;
  const train = { x: sliceRows(data.x, opts.rows, 0, nTrain), nRows: nTrain };
  const test = { x: sliceRows(data.x, opts.rows, nTrain, opts.rows), nRows: nTest };
  const yTrain = data.y.subarray(0, nTrain);
  const yTest = data.y.subarray(nTrain);
  const first = engines[0];
  if (!first) throw new Error('runCheck needs at least one engine');
  const bayes = first.metrics(yTest, Float32Array.from(data.pTrue.subarray(nTrain)));

  const results: BackendCheck[] = [];
  const predictions: Float32Array[] = [];
  for (const engine of engines) {
    const t0 = performance.now();
    const model = await engine.fit(train, yTrain, { kind: 'logistic' });
    const t1 = performance.now();
    const p = model.predict(test);
    const t2 = performance.now();
    const bytes = model.toBytes();
    const again = engine.modelFromBytes(bytes).predict(test);
    predictions.push(p);
    results.push({
      backend: engine.backend,
      fit_ms: t1 - t0,
      predict_ms: t2 - t1,
      model_bytes: bytes.length,
      roundtrip_identical: again.every((v, i) => v === p[i]),
      metrics: engine.metrics(yTest, p),
    });
  }
  const base = predictions[0] as Float32Array;
  let maxDiff: number | null = null;
  for (const p of predictions.slice(1)) {
    for (let i = 0; i < p.length; i++) maxDiff = Math.max(maxDiff ?? 0, Math.abs((p[i] as number) - (base[i] as number)));
  }
  return {
    dataset: { ...opts, train_rows: nTrain, test_rows: nTest },
    bayes_auc: bayes.roc_auc,
    results,
    max_abs_diff: maxDiff,
  };
}
