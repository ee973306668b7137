/**
 * The engine contract: the same fixtures and the same asserts on the native addon and the wasm build.
 * Golden values live in test/fixtures/logistic.golden.json (MP_UPDATE_GOLDEN=1 rewrites it after an
 * intended model change).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { data, FEATURES, test as testSet, train, yTest, yTrain } from '../fixtures/data.js';
import { BACKENDS, engine, maxAbsDiff, rejectsWith } from '../helpers.js';

const GOLDEN = new URL('../fixtures/logistic.golden.json', import.meta.url);
const LR = { kind: 'logistic' } as const;

for (const backend of BACKENDS) {
  describe(`engine contract [${backend}]`, () => {
    const e = engine(backend);

    it('reports its backend, version and model kinds', () => {
      assert.equal(e.backend, backend);
      const info = e.info();
      assert.equal(info.engine, 'moviepref');
      assert.match(info.version, /^\d+\.\d+\.\d+$/);
      assert.ok(info.models.includes('logistic'));
    });

    it('fits logistic regression that matches the golden metrics and ranks like the true model', async () => {
      const model = await e.fit(train, yTrain, LR);
      assert.equal(model.info.kind, 'logistic');
      assert.equal(model.info.n_features, FEATURES);
      assert.equal(model.info.params.l2, 1, 'defaults are filled in by the engine');
      const p = model.predict(testSet);
      assert.equal(p.length, testSet.nRows);
      assert.ok(p.every((v) => v > 0 && v < 1));
      const m = e.metrics(yTest, p);
      const bayes = e.metrics(yTest, Float32Array.from(data.pTrue.subarray(train.nRows)));
      assert.ok(m.roc_auc > bayes.roc_auc - 0.02, `AUC ${m.roc_auc} vs Bayes ${bayes.roc_auc}`);
      const got = { roc_auc: m.roc_auc, log_loss: m.log_loss, accuracy: m.accuracy, p0: p[0], p_last: p[p.length - 1] };
      if (process.env.MP_UPDATE_GOLDEN === '1' && backend === 'native') writeFileSync(GOLDEN, `${JSON.stringify(got, null, 2)}\n`);
      const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, number>;
      for (const [k, v] of Object.entries(golden)) assert.ok(Math.abs((got as Record<string, number>)[k]! - v) < 1e-6, `${k}: ${got[k as keyof typeof got]} vs golden ${v}`);
    });

    it('async fit and sync fit give identical models', async () => {
      const a = (await e.fit(train, yTrain, LR)).predict(testSet);
      const b = e.fitSync(train, yTrain, LR).predict(testSet);
      assert.deepEqual(a, b);
    });

    it('accepts labels as Uint8Array or Float32Array with the same result', () => {
      const a = e.fitSync(train, yTrain, LR).predict(testSet);
      const b = e.fitSync(train, Float32Array.from(yTrain), LR).predict(testSet);
      assert.deepEqual(a, b);
    });

    it('honours parameters: a stronger L2 penalty shrinks the weights toward 0.5 predictions', () => {
      const spread = (l2: number) => {
        const p = e.fitSync(train, yTrain, { kind: 'logistic', params: { l2 } }).predict(testSet);
        return p.reduce((s, v) => s + Math.abs(v - 0.5), 0) / p.length;
      };
      assert.ok(spread(10_000) < spread(0.01));
    });

    it('round-trips the model file to identical predictions', () => {
      const model = e.fitSync(train, yTrain, LR);
      const bytes = model.toBytes();
      assert.equal(new TextDecoder().decode(bytes.subarray(0, 7)), 'MOVPREF');
      const back = e.modelFromBytes(bytes);
      assert.deepEqual(back.info, model.info);
      assert.deepEqual(back.predict(testSet), model.predict(testSet));
    });

    it('computes metrics like scikit-learn', () => {
      const m = e.metrics(new Uint8Array([1, 1, 0, 0, 1]), new Float32Array([0.9, 0.2, 0.7, 0.1, 0.6]));
      assert.deepEqual(m.confusion, { tn: 1, fp: 1, fn: 1, tp: 2 });
      assert.ok(Math.abs(m.precision - 2 / 3) < 1e-12 && Math.abs(m.recall - 2 / 3) < 1e-12);
      assert.ok(Math.abs(m.roc_auc - 2 / 3) < 1e-12, `auc ${m.roc_auc}`); // 4 of 6 (pos, neg) pairs ordered
      // sklearn log_loss([1, 0], [0.8, 0.3]) = 0.2899092476264711; f32 inputs move it by ~1e-9
      assert.ok(Math.abs(e.metrics(new Uint8Array([1, 0]), new Float32Array([0.8, 0.3])).log_loss - 0.2899092476264711) < 1e-8);
    });

    it('grid search: stratified 5-fold CV per config, ranked, best refit; same seed same report', async () => {
      const grid = { kind: 'logistic', grid: { l2: [0.001, 1e6] } } as const;
      const { report, best } = await e.gridSearch(train, yTrain, grid, { seed: 3, folds: 5, scoring: 'log_loss' });
      assert.equal(report.configs.length, 2);
      assert.equal(report.scoring, 'log_loss');
      for (const c of report.configs) {
        for (const k of ['roc_auc', 'log_loss', 'accuracy', 'precision', 'recall', 'f1']) assert.equal(c.metrics[k]?.folds.length, 5, k);
      }
      assert.equal(report.best_params.l2, 0.001, 'l2=1e6 squeezes every prediction to ~0.5: far worse log-loss');
      assert.ok(report.configs[1]!.metrics.log_loss!.mean > report.configs[0]!.metrics.log_loss!.mean + 0.05);
      assert.deepEqual(report.configs.map((c) => c.rank).sort(), [1, 2]);
      assert.deepEqual(best.predict(testSet), e.fitSync(train, yTrain, { kind: 'logistic', params: { l2: 0.001 } }).predict(testSet));
      assert.deepEqual(e.gridSearchSync(train, yTrain, grid, { seed: 3, folds: 5, scoring: 'log_loss' }).report, report);
    });

    it('grid search with early stopping: each fold stops on part of its own training rows, the refit on part of all rows', async () => {
      const grid = { kind: 'gbt', params: { n_estimators: 120, learning_rate: 0.5, max_depth: 6, min_child_weight: 0, seed: 2 }, grid: { early_stopping_rounds: [3, 6] } } as const;
      const { report, best } = await e.gridSearch(train, yTrain, grid, { seed: 5, folds: 3, validation_fraction: 0.2 });
      for (const c of report.configs) {
        const es = c.early_stopping!;
        assert.equal(es.best_iterations.length, 3);
        assert.ok(es.best_iterations.every((b) => b < 119), `stopped before the last round: ${es.best_iterations}`);
        assert.ok(Math.abs(es.mean_best_iteration - es.best_iterations.reduce((a, b) => a + b, 0) / 3) < 1e-12);
        assert.equal(c.metrics.best_iteration, undefined, 'not a metric');
      }
      const cut = report.early_stopping!;
      assert.equal(cut.validation_fraction, 0.2);
      // the refit is the fit-options holdout of all rows with the reported seed
      const again = await e.fit(train, yTrain, { kind: 'gbt', params: report.best_params }, { validation: { fraction: 0.2, seed: cut.validation_seed } });
      assert.deepEqual(best.toBytes(), again.toBytes());
      assert.equal(cut.refit_best_iteration, best.info.fit.best_iteration);
      await rejectsWith(() => e.gridSearch(train, yTrain, grid, { seed: 5, validation_fraction: 1.5 }), 'INVALID_PARAM', 'validation_fraction', '(0, 1)');
      await rejectsWith(() => e.gridSearch(train, yTrain, { kind: 'logistic' }, { seed: 5, validation_fraction: 0.2 }), 'INVALID_PARAM', 'validation_fraction', 'early stopping');
    });

    describe('bad input gets a coded error, never a crash', () => {
      const x = train.x;
      const n = train.nRows;
      it('feature buffer not a multiple of nRows', () => rejectsWith(() => e.fitSync({ x: x.subarray(1), nRows: n }, yTrain, LR), 'SHAPE_MISMATCH', 'n_rows'));
      it('labels of the wrong length', () => rejectsWith(() => e.fitSync(train, yTrain.subarray(1), LR), 'SHAPE_MISMATCH', 'labels'));
      it('NaN label, naming the row', () => {
        const y = Float32Array.from(yTrain);
        y[17] = Number.NaN;
        return rejectsWith(() => e.fitSync(train, y, LR), 'INVALID_LABEL', 'row 17');
      });
      it('label that is not 0/1', () => rejectsWith(() => e.fitSync(train, Float32Array.from(yTrain, (v, i) => (i === 3 ? 2 : v)), LR), 'INVALID_LABEL', 'row 3'));
      it('empty data', () => rejectsWith(() => e.fitSync({ x: new Float32Array(0), nRows: 0 }, new Uint8Array(0), LR), 'EMPTY_DATA'));
      it('one class only', () => rejectsWith(() => e.fitSync(train, new Uint8Array(n).fill(1), LR), 'EMPTY_CLASS'));
      it('async fit rejects with the same code', () => rejectsWith(() => e.fit(train, new Uint8Array(n), LR), 'EMPTY_CLASS'));
      it('NaN feature for logistic regression, naming row and feature', () => {
        const bad = Float32Array.from(x);
        bad[2 * n + 5] = Number.NaN;
        return rejectsWith(() => e.fitSync({ x: bad, nRows: n }, yTrain, LR), 'NON_FINITE', 'row 5, feature 2');
      });
      it('unknown model kind', () => rejectsWith(() => e.fitSync(train, yTrain, { kind: 'svm' } as never), 'INVALID_PARAM', 'svm'));
      it('unknown parameter', () => rejectsWith(() => e.fitSync(train, yTrain, { kind: 'logistic', params: { C: 1 } as never }), 'INVALID_PARAM', 'C'));
      it('out-of-range parameter', () => rejectsWith(() => e.fitSync(train, yTrain, { kind: 'logistic', params: { l2: -1 } }), 'INVALID_PARAM', 'l2'));
      it('predict with the wrong feature count', () => {
        const model = e.fitSync(train, yTrain, LR);
        return rejectsWith(() => model.predict({ x: new Float32Array(10 * (FEATURES - 1)), nRows: 10 }), 'SHAPE_MISMATCH', `${FEATURES} features`);
      });
      it('corrupt model bytes: garbage, truncation, a flipped byte', () => {
        const bytes = e.fitSync(train, yTrain, LR).toBytes();
        const flipped = Uint8Array.from(bytes);
        flipped[40] = (flipped[40] as number) ^ 0xff;
        for (const bad of [new Uint8Array([1, 2, 3]), bytes.subarray(0, bytes.length - 9), flipped, new Uint8Array(0)]) {
          assert.throws(() => e.modelFromBytes(bad), (err: { code?: string }) => err.code === 'DESERIALIZE');
        }
      });
      it('grid search without a seed, with too many folds, or a bad grid value', async () => {
        await rejectsWith(() => e.gridSearch(train, yTrain, { kind: 'logistic' }, {} as never), 'INVALID_PARAM', 'seed');
        const few = new Uint8Array(train.nRows);
        few[0] = 1;
        few[1] = 1;
        await rejectsWith(() => e.gridSearch(train, few, { kind: 'logistic' }, { seed: 1, folds: 5 }), 'EMPTY_CLASS', 'only 2');
        await rejectsWith(() => e.gridSearch(train, yTrain, { kind: 'logistic', grid: { l2: [1, -5] } }, { seed: 1 }), 'INVALID_PARAM', 'l2');
      });
      it('wrong JS types are refused before reaching the engine', () =>
        rejectsWith(() => e.fitSync({ x: [1, 2] as unknown as Float32Array, nRows: 2 }, yTrain, LR), 'INVALID_ARGUMENT', 'Float32Array'));
      it('a panic inside the engine is an INTERNAL error and the engine keeps working', async () => {
        await rejectsWith(() => e.debugPanic(), 'INTERNAL', 'deliberate panic');
        assert.equal(e.fitSync(train, yTrain, LR).predict(testSet).length, testSet.nRows);
      });
    });
  });
}

describe('engine contract [native vs wasm]', () => {
  const [a, b] = BACKENDS.map(engine) as [ReturnType<typeof engine>, ReturnType<typeof engine>];

  it('predictions agree within 1e-6', () => {
    const d = maxAbsDiff(a.fitSync(train, yTrain, LR).predict(testSet), b.fitSync(train, yTrain, LR).predict(testSet));
    assert.ok(d <= 1e-6, `max |native - wasm| = ${d}`);
  });

  it('a model file written by one backend loads in the other with the same predictions', () => {
    const ma = a.fitSync(train, yTrain, LR);
    const mb = b.fitSync(train, yTrain, LR);
    assert.deepEqual(b.modelFromBytes(ma.toBytes()).predict(testSet), ma.predict(testSet));
    assert.deepEqual(a.modelFromBytes(mb.toBytes()).predict(testSet), mb.predict(testSet));
  });

  it('grid search reports are identical (threads on native, sequential on wasm)', async () => {
    const grid = { kind: 'logistic', grid: { l2: [0.01, 1, 100] } } as const;
    const ra = (await a.gridSearch(train, yTrain, grid, { seed: 11 })).report;
    const rb = (await b.gridSearch(train, yTrain, grid, { seed: 11 })).report;
    assert.deepEqual(ra.configs.map((c) => c.rank), rb.configs.map((c) => c.rank));
    ra.configs.forEach((c, i) => assert.ok(Math.abs(c.metrics.roc_auc!.mean - rb.configs[i]!.metrics.roc_auc!.mean) < 1e-6));
  });

  it('tree grid searches that share fits (prefixes of n_estimators, forest depth cuts, one binning per fold) report the same bytes', async () => {
    const grids = [
      { kind: 'gbt', params: { subsample: 0.8, colsample_bytree: 0.8, seed: 4 }, grid: { n_estimators: [12, 5], max_depth: [2, 3] } },
      { kind: 'forest', params: { seed: 4 }, grid: { n_estimators: [4, 9], max_depth: [6, 3], max_features: ['sqrt', 'all'] } },
      // early stopping: a validation part of each fold's training rows, the same rows on both
      { kind: 'gbt', params: { n_estimators: 60, learning_rate: 0.5, max_depth: 5, seed: 4 }, grid: { early_stopping_rounds: [0, 3] } },
    ] as const;
    for (const grid of grids) {
      const ra = await a.gridSearch(train, yTrain, grid, { seed: 11, folds: 3 });
      const rb = await b.gridSearch(train, yTrain, grid, { seed: 11, folds: 3 });
      assert.deepEqual(ra.report, rb.report, grid.kind);
      assert.deepEqual(ra.best.toBytes(), rb.best.toBytes(), grid.kind);
    }
  });

  it('a halving search (subsampled training folds, shared fits per iteration) reports the same bytes', async () => {
    const grid = { kind: 'gbt', params: { seed: 5 }, grid: { n_estimators: [3, 8], max_depth: [2, 3], learning_rate: [0.1, 0.3] } } as const;
    const options = { seed: 11, folds: 3, search: 'halving', factor: 2 } as const;
    const ra = await a.gridSearch(train, yTrain, grid, options);
    const rb = await b.gridSearch(train, yTrain, grid, options);
    assert.deepEqual(ra.report, rb.report);
    assert.deepEqual(ra.best.toBytes(), rb.best.toBytes());
    const s = ra.report.search;
    assert.ok(s.kind === 'halving' && s.iterations.map((i) => i.candidates.length).join() === '8,4,2,1', JSON.stringify(s));
    for (const e of [a, b]) {
      await rejectsWith(() => e.gridSearch(train, yTrain, grid, { seed: 1, search: 'halving', factor: 1 }), 'INVALID_PARAM', 'factor');
      await rejectsWith(() => e.gridSearch(train, yTrain, grid, { seed: 1, search: 'random' as never }), 'INVALID_PARAM', 'search');
    }
  });

  it('metrics are identical', () => {
    const p = a.fitSync(train, yTrain, LR).predict(testSet);
    assert.deepEqual(a.metrics(yTest, p), b.metrics(yTest, p));
  });
});
