/**
 * Model files across backends are byte-identical, for every kind: every exp/ln that reaches a model goes
 * through one pure-Rust libm (mp_core::math) on both targets, and the logistic solver (mp_linear's Newton
 * method) sums in a fixed order without fused multiply-adds.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelSpec } from '../../ts/src/engine/index.js';
import { makeToy } from '../../ts/src/data/toy.js';
import { train, yTrain } from '../fixtures/data.js';
import { BACKENDS, engine } from '../helpers.js';

describe('model files [native vs wasm]', () => {
  const [a, b] = BACKENDS.map(engine) as [ReturnType<typeof engine>, ReturnType<typeof engine>];
  const wide = makeToy(20_000, 20, 3);
  const sets = [
    ['contract fixture', train, yTrain],
    ['20000 x 20', { x: wide.x, nRows: 20_000 }, wide.y],
  ] as const;

  for (const [name, m, y] of sets) {
    for (const spec of [
      { kind: 'gbt', params: { n_estimators: 100, seed: 1 } },
      { kind: 'gbt', params: { n_estimators: 20, grow_policy: 'lossguide', max_leaves: 15, subsample: 0.8, colsample_bytree: 0.7, seed: 2 } },
      { kind: 'forest', params: { n_estimators: 20, max_depth: 8, seed: 1 } },
      { kind: 'logistic' },
      { kind: 'logistic', params: { l2: 0.01, tol: 1e-8 } },
    ] as ModelSpec[]) {
      it(`${spec.kind} ${JSON.stringify(spec.params ?? {})} on ${name}: the files are byte-identical`, () => {
        const fa = a.fitSync(m, y, spec).toBytes();
        const fb = b.fitSync(m, y, spec).toBytes();
        assert.equal(fa.length, fb.length);
        assert.ok(Buffer.from(fa).equals(Buffer.from(fb)), 'native and wasm model files differ');
      });
    }
  }
});
