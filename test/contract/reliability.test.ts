/**
 * Reliability of the engine boundary on both backends: inputs that used to crash, hang, allocate
 * gigabytes or produce NaN models now get a coded error quickly; a caught panic stays off stderr.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import type { ModelSpec } from '../../ts/src/engine/index.js';
import { test as testSet, train, yTest, yTrain } from '../fixtures/data.js';
import { BACKENDS, engine, rejectsWith } from '../helpers.js';

/** Extreme values that passed validation before; each must be refused naming the parameter. */
const OUT_OF_RANGE: [ModelSpec, string][] = [
  [{ kind: 'gbt', params: { scale_pos_weight: 1e100, seed: 1 } }, 'scale_pos_weight'],
  [{ kind: 'gbt', params: { scale_pos_weight: 1.7e308, seed: 1 } }, 'scale_pos_weight'],
  [{ kind: 'gbt', params: { scale_pos_weight: 1e-9, seed: 1 } }, 'scale_pos_weight'],
  [{ kind: 'gbt', params: { reg_lambda: 1e300, seed: 1 } }, 'reg_lambda'],
  [{ kind: 'gbt', params: { gamma: 1e300, seed: 1 } }, 'gamma'],
  [{ kind: 'gbt', params: { min_child_weight: 1e300, seed: 1 } }, 'min_child_weight'],
  [{ kind: 'gbt', params: { max_leaves: 4e9, seed: 1 } }, 'max_leaves'],
  [{ kind: 'gbt', params: { early_stopping_rounds: 4e9, seed: 1 } }, 'early_stopping_rounds'],
  [{ kind: 'logistic', params: { l2: 1e300 } }, 'l2'],
  [{ kind: 'logistic', params: { tol: 1e300 } }, 'tol'],
];

for (const backend of BACKENDS) {
  describe(`engine reliability [${backend}]`, () => {
    const e = engine(backend);

    it('a grid of 1e8 configurations is refused at once, naming the count and the limit', async () => {
      const values = Array.from({ length: 10 }, (_, i) => i + 1);
      const keys = ['max_depth', 'n_estimators', 'min_samples_leaf', 'seed', 'max_bin', 'bootstrap', 'max_features', 'extra'];
      const grid = { kind: 'forest', grid: Object.fromEntries(keys.map((k) => [k, values])) } as never;
      const t0 = performance.now();
      await rejectsWith(() => e.gridSearchSync(train, yTrain, grid, { seed: 1 }), 'INVALID_PARAM', '100000000 configurations', '10000');
      await rejectsWith(() => e.gridSearch(train, yTrain, grid, { seed: 1 }), 'INVALID_PARAM', '100000000 configurations');
      assert.ok(performance.now() - t0 < 2000, `took ${performance.now() - t0} ms`);
    });

    for (const [spec, name] of OUT_OF_RANGE) {
      it(`refuses ${spec.kind} ${name}=${(spec.params as Record<string, number>)[name]}, naming it and its range`, () =>
        rejectsWith(() => e.fitSync(train, yTrain, spec), 'INVALID_PARAM', `\`${name}\` must be`, '], got'));
    }

    it('scale_pos_weight at both ends of its range still predicts finite probabilities', () => {
      for (const scale_pos_weight of [1e-6, 1e6]) {
        const p = e.fitSync(train, yTrain, { kind: 'gbt', params: { scale_pos_weight, n_estimators: 10, seed: 1 } }).predict(testSet);
        assert.ok(p.every((v) => Number.isFinite(v) && v >= 0 && v <= 1), `scale_pos_weight ${scale_pos_weight}: ${p.slice(0, 3).join(', ')}`);
      }
    });

    describe('wrong JS types are INVALID_ARGUMENT naming the argument, not INTERNAL', () => {
      const model = e.fitSync(train, yTrain, { kind: 'logistic' });
      const cases: [string, () => unknown, string][] = [
        ['modelFromBytes(string)', () => e.modelFromBytes('MOVPREF' as never), 'bytes'],
        ['modelFromBytes(number[])', () => e.modelFromBytes([1, 2] as never), 'bytes'],
        ['fitSync without a spec', () => e.fitSync(train, yTrain, undefined as never), 'spec'],
        ['fit with a string spec', () => e.fit(train, yTrain, '{"kind":"logistic"}' as never), 'spec'],
        ['gridSearchSync with null options', () => e.gridSearchSync(train, yTrain, { kind: 'logistic' }, null as never), 'options'],
        ['gridSearch with an array grid', () => e.gridSearch(train, yTrain, [] as never, { seed: 1 }), 'grid'],
        ['metrics with a plain array', () => e.metrics(yTest, [0.5] as never), 'probabilities'],
        ['metrics with string labels', () => e.metrics('01' as never, new Float32Array(2)), 'labels'],
        ['featureImportance(number)', () => model.featureImportance(3 as never), 'kind'],
        ['permutationImportance with string options', () => model.permutationImportance(testSet, yTest, 'x' as never), 'options'],
        ['predict with a Float64Array', () => model.predict({ x: new Float64Array(6) as never, nRows: 1 }), 'Float32Array'],
      ];
      for (const [what, call, mentions] of cases) it(what, () => rejectsWith(call, 'INVALID_ARGUMENT', mentions));
    });
  });
}

describe('engine reliability [native panic output]', () => {
  it('a caught panic is an INTERNAL error with its message and prints nothing, even with RUST_BACKTRACE=1', () => {
    const addon = fileURLToPath(new URL('../../bindings/node/index.js', import.meta.url));
    const script = `const b = require(${JSON.stringify(addon)});
      for (let i = 0; i < 2; i++) try { b.debugPanic(); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
    const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, RUST_BACKTRACE: '1' }, encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { code: string; message: string });
    assert.equal(lines.length, 2);
    for (const l of lines) {
      assert.equal(l.code, 'INTERNAL');
      assert.match(l.message, /deliberate panic/);
    }
    assert.equal(r.stderr, '', 'nothing on stderr: no panic message, no backtrace');
  });
});
