/** The tree models through the engine contract: same fixtures and asserts on native and wasm, and agreement. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelSpec } from '../../ts/src/engine/index.js';
import { data, FEATURES, test as testSet, train, yTest, yTrain } from '../fixtures/data.js';
import { BACKENDS, engine, maxAbsDiff, rejectsWith } from '../helpers.js';

const GBT: ModelSpec = { kind: 'gbt', params: { n_estimators: 40, max_depth: 3, learning_rate: 0.2, seed: 1 } };
const FOREST: ModelSpec = { kind: 'forest', params: { n_estimators: 30, max_depth: 8, seed: 1 } };

for (const backend of BACKENDS) {
  describe(`tree models [${backend}]`, () => {
    const e = engine(backend);
    const bayes = () => e.metrics(yTest, Float32Array.from(data.pTrue.subarray(train.nRows))).roc_auc;

    for (const spec of [GBT, FOREST]) {
      it(`${spec.kind}: learns the signal, reports its fit, ranks informative features first`, async () => {
        const model = await e.fit(train, yTrain, spec);
        assert.equal(model.info.kind, spec.kind);
        assert.equal(model.info.fit.n_trees, spec.params?.n_estimators);
        const auc = e.metrics(yTest, model.predict(testSet)).roc_auc;
        assert.ok(auc > bayes() - 0.06, `${spec.kind} AUC ${auc} vs Bayes ${bayes()}`);
        const gain = model.featureImportance('gain');
        assert.equal(gain.length, FEATURES);
        // makeToy gives every third feature (j % 3 == 2) zero weight: pure noise.
        const noise = gain.filter((_, j) => j % 3 === 2).reduce((a, b) => a + b, 0);
        const signal = gain.filter((_, j) => j % 3 !== 2).reduce((a, b) => a + b, 0);
        assert.ok(signal > 3 * noise, `signal ${signal} vs noise ${noise}`);
        assert.equal(model.featureImportance('split').reduce((a, b) => a + b, 0) > 0, true);
        await rejectsWith(() => model.featureImportance('coefficient'), 'INVALID_PARAM', 'gain');
      });

      it(`${spec.kind}: same seed, same model; file round-trip predicts identically`, () => {
        const a = e.fitSync(train, yTrain, spec);
        const b = e.fitSync(train, yTrain, spec);
        assert.deepEqual(a.toBytes(), b.toBytes());
        assert.deepEqual(e.modelFromBytes(a.toBytes()).predict(testSet), a.predict(testSet));
      });
    }

    it('permutation importance: shuffling informative features hurts, noise features do not', () => {
      const model = e.fitSync(train, yTrain, GBT);
      const pi = model.permutationImportance(testSet, yTest, { seed: 4, n_repeats: 3 });
      assert.equal(pi.mean.length, FEATURES);
      assert.ok(Math.abs(pi.baseline - e.metrics(yTest, model.predict(testSet)).roc_auc) < 1e-12);
      const best = pi.mean.indexOf(Math.max(...pi.mean));
      assert.notEqual(best % 3, 2, `most important feature ${best} is a noise feature`);
      for (let j = 2; j < FEATURES; j += 3) assert.ok(Math.abs(pi.mean[j]!) < 0.02, `noise feature ${j}: ${pi.mean[j]}`);
      assert.deepEqual(model.permutationImportance(testSet, yTest, { seed: 4, n_repeats: 3 }), pi);
    });

    it('forest reports an out-of-bag score', () => {
      const oob = e.fitSync(train, yTrain, FOREST).info.fit.oob as { auc: number; accuracy: number; n_scored: number };
      assert.ok(oob.auc > 0.6 && oob.auc < 1, `oob auc ${oob.auc}`);
      assert.ok(oob.n_scored > train.nRows * 0.9);
    });

    it('trees take missing values (NaN) and learn from missingness', () => {
      const x = Float32Array.from(train.x);
      // feature 0 is missing exactly for positive rows in the first half: a perfect signal when present.
      for (let i = 0; i < train.nRows / 2; i++) if (yTrain[i] === 1) x[i] = Number.NaN;
      const m = e.fitSync({ x, nRows: train.nRows }, yTrain, GBT);
      const p = m.predict({ x, nRows: train.nRows });
      assert.ok(e.metrics(yTrain, p).roc_auc > 0.9);
    });

    it('gbt early stopping keeps the best round (validation through grid-free fit is in Rust tests)', () => {
      const m = e.fitSync(train, yTrain, { kind: 'gbt', params: { n_estimators: 5, seed: 1 } });
      assert.equal(m.info.fit.n_trees, 5);
      assert.ok(Array.isArray(m.info.fit.eval_log));
    });

    it('grid search over gbt depth', async () => {
      const { report, best } = await e.gridSearch(train, yTrain, { kind: 'gbt', params: { n_estimators: 20, seed: 1 }, grid: { max_depth: [1, 3] } }, { seed: 2, folds: 3 });
      assert.equal(report.configs.length, 2);
      assert.equal(best.info.kind, 'gbt');
      assert.equal(best.info.params.max_depth, report.best_params.max_depth);
    });

    describe('bad tree parameters are named', () => {
      for (const [spec, name] of [
        [{ kind: 'gbt', params: { learning_rate: 0, seed: 1 } }, 'learning_rate'],
        [{ kind: 'gbt', params: { max_bin: 300, seed: 1 } }, 'max_bin'],
        [{ kind: 'gbt', params: { subsample: 1.5, seed: 1 } }, 'subsample'],
        [{ kind: 'gbt', params: { grow_policy: 'sideways', seed: 1 } }, 'grow_policy'],
        [{ kind: 'forest', params: { max_features: 'most', seed: 1 } }, 'max_features'],
        [{ kind: 'forest', params: { n_estimators: 0, seed: 1 } }, 'n_estimators'],
        [{ kind: 'forest', params: { depth: 3, seed: 1 } }, 'depth'],
      ] as [ModelSpec, string][]) {
        it(`${spec.kind} ${name}`, () => rejectsWith(() => e.fitSync(train, yTrain, spec), 'INVALID_PARAM', name));
      }
      it('gbt and forest without params.seed are refused (no silent default seed)', async () => {
        for (const kind of ['gbt', 'forest'] as const) {
          await rejectsWith(() => e.fitSync(train, yTrain, { kind, params: { n_estimators: 3 } }), 'INVALID_PARAM', '`seed` is required', kind);
          await rejectsWith(() => e.gridSearchSync(train, yTrain, { kind, grid: { n_estimators: [2, 3] } }, { seed: 1, folds: 3 }), 'INVALID_PARAM', '`seed` is required');
        }
      });
      it('a NaN label is still refused by trees', () => {
        const y = Float32Array.from(yTrain);
        y[9] = Number.NaN;
        return rejectsWith(() => e.fitSync(train, y, GBT), 'INVALID_LABEL', 'row 9');
      });
    });
  });
}

describe('tree models [native vs wasm]', () => {
  const [a, b] = BACKENDS.map(engine) as [ReturnType<typeof engine>, ReturnType<typeof engine>];
  for (const spec of [GBT, FOREST]) {
    it(`${spec.kind}: same seed gives the same predictions on both backends (within 1e-6)`, () => {
      const d = maxAbsDiff(a.fitSync(train, yTrain, spec).predict(testSet), b.fitSync(train, yTrain, spec).predict(testSet));
      assert.ok(d <= 1e-6, `max |native - wasm| = ${d}`);
    });
  }
});
