/**
 * Early stopping and progress through the facade, on both backends: a validation fraction or explicit
 * validation rows reach gbt's early stopping; fit and grid search report progress through a callback
 * (native: threadsafe function from the libuv pool; wasm: called directly); a throwing callback never
 * crashes the process and surfaces as INVALID_ARGUMENT once the call is over.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FitProgress, GridProgress, ModelSpec } from '../../ts/src/engine/index.js';
import { train, yTrain } from '../fixtures/data.js';
import { BACKENDS, engine, rejectsWith } from '../helpers.js';

/** Fast, deep trees on 1500 rows: validation log-loss bottoms out early, then rises. */
const OVERFIT: ModelSpec = {
  kind: 'gbt',
  params: { n_estimators: 300, learning_rate: 0.5, max_depth: 8, min_child_weight: 0, early_stopping_rounds: 5, seed: 1 },
};
const VALIDATION = { validation: { fraction: 0.2, seed: 3 } };

/** The rows of `idx` of a column-major matrix. */
function rows(x: Float32Array, nRows: number, idx: number[]): Float32Array {
  const nFeatures = x.length / nRows;
  const out = new Float32Array(idx.length * nFeatures);
  for (let j = 0; j < nFeatures; j++) idx.forEach((r, k) => (out[j * idx.length + k] = x[j * nRows + r]!));
  return out;
}

const stoppedEarly = new Map<string, string>();

for (const backend of BACKENDS) {
  describe(`early stopping and progress [${backend}]`, () => {
    const e = engine(backend);

    it('a validation fraction makes early_stopping_rounds stop the fit at its best round', async () => {
      const seen: FitProgress[] = [];
      const m = await e.fit(train, yTrain, OVERFIT, { ...VALIDATION, onProgress: (p) => seen.push(p) });
      const best = m.info.fit.best_iteration as number;
      const log = m.info.fit.eval_log as unknown[];
      assert.ok(best < 295, `best_iteration ${best} of 300 rounds`);
      assert.equal(log.length, best + 6, 'stops 5 rounds after the best');
      assert.equal(m.info.fit.n_trees, best + 1, 'keeps the trees up to the best round');
      assert.deepEqual(seen.map((p) => p.iteration), log.map((_, i) => i), 'one report per round, in order');
      assert.ok(typeof seen[0]!.metrics.valid_logloss === 'number' && typeof seen[0]!.metrics.train_logloss === 'number');
      stoppedEarly.set(backend, Buffer.from(m.toBytes()).toString('base64'));
      // without validation rows, early stopping has nothing to watch: every round runs
      assert.equal(e.fitSync(train, yTrain, OVERFIT).info.fit.n_trees, 300);
    });

    it('explicit validation rows give the same model as the same rows chosen by fraction', async () => {
      const idx = Array.from({ length: train.nRows }, (_, i) => i);
      const [fit, held] = [idx.filter((i) => i % 5 !== 0), idx.filter((i) => i % 5 === 0)];
      const pick = (ix: number[]) => Float32Array.from(ix, (i) => yTrain[i]!);
      const trainPart = { x: rows(train.x, train.nRows, fit), nRows: fit.length };
      const valid = { m: { x: rows(train.x, train.nRows, held), nRows: held.length }, y: pick(held) };
      const a = e.fitSync(trainPart, pick(fit), OVERFIT, { valid });
      const b = await e.fit(trainPart, pick(fit), OVERFIT, { valid });
      assert.ok((a.info.fit.n_trees as number) < 300);
      assert.deepEqual(a.toBytes(), b.toBytes());
      await rejectsWith(() => e.fitSync(trainPart, pick(fit), OVERFIT, { valid, ...VALIDATION }), 'INVALID_PARAM', 'not both');
      await rejectsWith(() => e.fitSync(trainPart, pick(fit), { kind: 'logistic' }, { valid }), 'INVALID_PARAM', 'only used by gbt');
      await rejectsWith(() => e.fitSync(train, yTrain, OVERFIT, { validation: { fraction: 1, seed: 1 } }), 'INVALID_PARAM', 'validation.fraction');
    });

    it('grid search reports fits done in order, ending at configurations x folds + refit', async () => {
      const seen: GridProgress[] = [];
      const grid = { kind: 'gbt' as const, params: { n_estimators: 10, seed: 1 }, grid: { max_depth: [2, 3, 4] } };
      await e.gridSearch(train, yTrain, grid, { seed: 2, folds: 3, onProgress: (p) => seen.push(p) });
      assert.deepEqual(seen.map((p) => p.fits_done), Array.from({ length: 10 }, (_, i) => i + 1));
      assert.ok(seen.every((p) => p.fits_total === 10));
    });

    it('a throwing callback does not crash the process: the call finishes, then rejects naming it', async () => {
      let calls = 0;
      const boom = () => {
        calls++;
        throw new Error('boom');
      };
      await rejectsWith(() => e.fit(train, yTrain, { kind: 'forest', params: { n_estimators: 12, seed: 1 } }, { onProgress: boom }), 'INVALID_ARGUMENT', 'onProgress threw: boom');
      assert.equal(calls, 1, 'not called again after it threw');
      const grid = { kind: 'logistic' as const, grid: { l2: [1, 10] } };
      await rejectsWith(() => e.gridSearch(train, yTrain, grid, { seed: 1, folds: 2, onProgress: boom }), 'INVALID_ARGUMENT', 'onProgress threw');
      // the engine is still usable, and the sync variants refuse a callback rather than ignore it
      assert.equal(e.fitSync(train, yTrain, { kind: 'logistic' }).info.kind, 'logistic');
      await rejectsWith(() => e.gridSearchSync(train, yTrain, grid, { seed: 1, onProgress: () => {} } as never), 'INVALID_ARGUMENT', 'onProgress');
      await rejectsWith(() => e.fitSync(train, yTrain, { kind: 'logistic' }, { onProgress: () => {} } as never), 'INVALID_ARGUMENT', 'onProgress');
      await rejectsWith(() => e.fit(train, yTrain, { kind: 'logistic' }, { onProgress: 3 } as never), 'INVALID_ARGUMENT', 'onProgress');
    });
  });
}

describe('early stopping [native vs wasm]', () => {
  it('the early-stopped model file is byte-identical on both backends', () => {
    assert.equal(stoppedEarly.size, 2, 'both backends ran');
    assert.equal(stoppedEarly.get('native'), stoppedEarly.get('wasm'));
  });
});
