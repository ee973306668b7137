/**
 * Model files across backends. Trees (GBT, forest) are byte-identical: every exp/ln that reaches a tree
 * model goes through one pure-Rust libm (mp_core::math) on both targets. Logistic regression is fitted
 * by linfa-logistic, whose L-BFGS uses the platform's exp/ln (glibc natively, Rust's libm on wasm32):
 * its files differ only in the fitted weights and intercept, by a relative 1e-12 at most.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelSpec } from '../../ts/src/engine/index.js';
import { makeToy } from '../../ts/src/data/toy.js';
import { FEATURES, train, yTrain } from '../fixtures/data.js';
import { BACKENDS, engine } from '../helpers.js';

/** magic(8) version(4) hlen(4) header blen(8) body crc(4) */
function parse(bytes: Uint8Array): { header: Record<string, unknown>; body: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = view.getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + hlen))) as Record<string, unknown>;
  const blen = Number(view.getBigUint64(16 + hlen, true));
  return { header, body: bytes.subarray(24 + hlen, 24 + hlen + blen) };
}

/** `n` little-endian f64 at `offset` of `b`. */
const f64s = (b: Uint8Array, offset: number, n: number): number[] =>
  Array.from({ length: n }, (_, i) => new DataView(b.buffer, b.byteOffset + offset + 8 * i, 8).getFloat64(0, true));

const relDiff = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);

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
    ] as ModelSpec[]) {
      it(`${spec.kind} on ${name}: the files are byte-identical`, () => {
        const fa = a.fitSync(m, y, spec).toBytes();
        const fb = b.fitSync(m, y, spec).toBytes();
        assert.equal(fa.length, fb.length);
        assert.ok(Buffer.from(fa).equals(Buffer.from(fb)), 'native and wasm model files differ');
      });
    }

    it(`logistic on ${name}: identical except the fitted weights and intercept (relative difference <= 1e-12)`, () => {
      const k = name === 'contract fixture' ? FEATURES : 20;
      const fa = parse(a.fitSync(m, y, { kind: 'logistic' }).toBytes());
      const fb = parse(b.fitSync(m, y, { kind: 'logistic' }).toBytes());
      const { fit: fitA, ...restA } = fa.header;
      const { fit: fitB, ...restB } = fb.header;
      assert.deepEqual(restA, restB, 'header outside `fit`');
      assert.ok(relDiff((fitA as { intercept: number }).intercept, (fitB as { intercept: number }).intercept) <= 1e-12);
      // postcard body: variant, scaler mean and scale (length + k f64 each), weights (length + k f64), intercept f64
      const scalerEnd = 1 + 2 * (1 + 8 * k);
      assert.equal(fa.body.length, fb.body.length);
      assert.deepEqual(fa.body.subarray(0, scalerEnd + 1), fb.body.subarray(0, scalerEnd + 1), 'kind, scaler and weight count are identical');
      const [wa, wb] = [f64s(fa.body, scalerEnd + 1, k + 1), f64s(fb.body, scalerEnd + 1, k + 1)];
      wa.forEach((w, i) => assert.ok(relDiff(w, wb[i]!) <= 1e-12, `weight ${i}: ${w} vs ${wb[i]}`));
      assert.equal(scalerEnd + 1 + 8 * (k + 1), fa.body.length, 'nothing after the intercept');
    });
  }
});
