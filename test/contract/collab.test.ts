/**
 * Collaborative models on both backends: a seeded planted low-rank rating set (r = 3 + b_u + b_i + p_u·q_i
 * + noise 0.2, rank 3), every 5th rating held out. MF must get close to the noise; item_knn must beat its own baseline; files round-trip;
 * unknown ids are flagged cold starts; native and wasm write byte-identical model files; bad inputs coded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CollabSpec, FitProgress, Ratings } from '../../ts/src/engine/index.js';
import { Rng } from '../../ts/src/data/rng.js';
import { BACKENDS, engine, rejectsWith } from '../helpers.js';

function planted(nUsers: number, nItems: number, perUser: number, rank: number, noise: number, seed: number): { train: Ratings; test: Ratings } {
  const rng = new Rng(seed);
  const u = (s: number) => (rng.float() * 2 - 1) * s;
  const p = Array.from({ length: nUsers * rank }, () => u(1 / Math.sqrt(rank)));
  const q = Array.from({ length: nItems * rank }, () => u(1 / Math.sqrt(rank)));
  const bu = Array.from({ length: nUsers }, () => u(0.5));
  const bi = Array.from({ length: nItems }, () => u(0.5));
  const rows: [number, number, number][] = [];
  for (let a = 0; a < nUsers; a++) {
    const items = Array.from({ length: nItems }, (_, i) => i).sort(() => rng.float() - 0.5).slice(0, perUser);
    for (const i of items) {
      let v = 3 + bu[a]! + bi[i]!;
      for (let f = 0; f < rank; f++) v += p[a * rank + f]! * q[i * rank + f]!;
      rows.push([10 + a * 3, 5000 - i, v + u(noise * Math.sqrt(3))]);
    }
  }
  const pick = (keep: (k: number) => boolean): Ratings => {
    const sel = rows.filter((_, k) => keep(k));
    return { users: Int32Array.from(sel, (r) => r[0]), items: Int32Array.from(sel, (r) => r[1]), values: Float32Array.from(sel, (r) => r[2]) };
  };
  return { train: pick((k) => k % 5 !== 0), test: pick((k) => k % 5 === 0) };
}

const rmse = (a: Float32Array, b: Float32Array): number => Math.sqrt(a.reduce((s, v, k) => s + (v - b[k]!) ** 2, 0) / a.length);

const { train, test } = planted(200, 100, 30, 3, 0.2, 7);
const MF: CollabSpec = { kind: 'mf', params: { factors: 3, iterations: 15, l2_factors: 0.05, l2_bias: 0.05, seed: 1 } };
const KNN: CollabSpec = { kind: 'item_knn', params: { k: 20 } };
const IALS: CollabSpec = { kind: 'implicit_als', params: { factors: 4, iterations: 5, alpha: 2, seed: 1 } };

for (const backend of BACKENDS) {
  describe(`collaborative models [${backend}]`, () => {
    const e = engine(backend);

    it('lists the collaborative kinds', () => {
      assert.deepEqual(e.info().collab_models, ['mf', 'item_knn', 'implicit_als']);
    });

    it('mf recovers the planted matrix: test RMSE near the noise, far below the bias-only model', async () => {
      const progress: FitProgress[] = [];
      const m = await e.fitCollab(train, MF, { onProgress: (p) => progress.push(p) });
      assert.equal(m.info.kind, 'mf');
      assert.equal(m.info.n_users, 200);
      assert.equal(m.info.params.factors, 3);
      assert.equal(progress.length, 15);
      assert.deepEqual(progress.map((p) => p.metrics.train_rmse), m.info.fit.train_rmse);
      const got = rmse(m.predict(test.users, test.items), test.values);
      const biasOnly = e.fitCollabSync(train, { kind: 'mf', params: { factors: 1, init_scale: 0, seed: 1 } });
      const base = rmse(biasOnly.predict(test.users, test.items), test.values);
      assert.ok(got < 0.3 && got < base - 0.05, `mf test RMSE ${got}, bias only ${base}`);
    });

    it('item_knn beats the bias-only baseline it is built on, and reports its support', async () => {
      const m = await e.fitCollab(train, KNN);
      assert.equal(m.info.kind, 'item_knn');
      const { names, x } = m.parts(test.users, test.items);
      const n = test.users.length;
      const col = (name: string) => x.subarray(names.indexOf(name) * n, (names.indexOf(name) + 1) * n);
      const [knn, base] = [rmse(col('score'), test.values), rmse(col('baseline'), test.values)];
      assert.ok(knn < base - 0.02, `item_knn test RMSE ${knn}, baseline ${base}`);
      assert.ok(col('neighbours').every((v) => v >= 0 && v <= 20) && col('neighbours').some((v) => v === 20));
      assert.ok(col('similarity_mass').every((v) => v >= 0));
      const back = e.collabModelFromBytes(m.toBytes());
      assert.deepEqual(back.predict(test.users, test.items), col('score'));
    });

    it('implicit_als fits strengths, flags cold starts and refuses negative values', async () => {
      const m = await e.fitCollab(train, IALS);
      assert.deepEqual(m.info.parts, ['score', 'known_user', 'known_item']);
      const { x } = m.parts(Int32Array.of(train.users[0]!, -1), Int32Array.of(train.items[0]!, train.items[0]!));
      assert.ok(x[0]! > 0.2, `a rated pair scores ${x[0]}`);
      assert.deepEqual(Array.from(x.subarray(1)), [0, 1, 0, 1, 1]);
      const neg = Float32Array.from(train.values, (v, k) => (k === 9 ? -1 : v));
      await rejectsWith(() => e.fitCollab({ ...train, values: neg }, IALS), 'INVALID_LABEL', '[0, 1e6]');
    });

    it('sync and async fits give the same model file, and the file round-trips', async () => {
      const a = (await e.fitCollab(train, MF)).toBytes();
      const m = e.fitCollabSync(train, MF);
      assert.deepEqual(m.toBytes(), a);
      const back = e.collabModelFromBytes(a);
      assert.deepEqual(back.info, m.info);
      assert.deepEqual(back.parts(test.users, test.items), m.parts(test.users, test.items));
      await rejectsWith(() => e.modelFromBytes(a), 'DESERIALIZE');
      await rejectsWith(() => e.collabModelFromBytes(a.subarray(0, 40)), 'DESERIALIZE');
    });

    it('parts are named columns; unknown users and items are flagged cold starts', () => {
      const m = e.fitCollabSync(train, MF);
      const [u, i] = [train.users[0]!, train.items[0]!];
      const users = Int32Array.of(u, 999_999, u, -7);
      const items = Int32Array.of(i, i, 123_456, 123_456);
      const { names, x } = m.parts(users, items);
      assert.deepEqual(names, ['score', 'user_bias', 'item_bias', 'dot', 'known_user', 'known_item']);
      const col = (name: string) => Array.from(x.subarray(names.indexOf(name) * 4, (names.indexOf(name) + 1) * 4));
      assert.deepEqual(col('known_user'), [1, 0, 1, 0]);
      assert.deepEqual(col('known_item'), [1, 1, 0, 0]);
      assert.equal(col('score')[3], Math.fround(m.info.global_mean));
      assert.deepEqual(Array.from(m.predict(users, items)), col('score'));
    });

    it('refuses every bad input with a code naming it', async () => {
      const { users, items, values } = train;
      await rejectsWith(() => e.fitCollabSync({ users: Array.from(users) as unknown as Int32Array, items, values }, MF), 'INVALID_ARGUMENT', 'users', 'Int32Array');
      await rejectsWith(() => e.fitCollabSync({ users, items: Float32Array.from(items) as unknown as Int32Array, values }, MF), 'INVALID_ARGUMENT', 'items');
      await rejectsWith(() => e.fitCollab({ users, items, values: Float64Array.from(values) as unknown as Float32Array }, MF), 'INVALID_ARGUMENT', 'values');
      await rejectsWith(() => e.fitCollabSync({ users: users.subarray(1), items, values }, MF), 'SHAPE_MISMATCH', 'users', 'items');
      await rejectsWith(() => e.fitCollab({ users, items, values: values.subarray(1) }, MF), 'SHAPE_MISMATCH', 'values');
      await rejectsWith(() => e.fitCollabSync(null as unknown as Ratings, MF), 'INVALID_ARGUMENT', 'ratings');
      const empty = { users: new Int32Array(0), items: new Int32Array(0), values: new Float32Array(0) };
      await rejectsWith(() => e.fitCollabSync(empty, MF), 'EMPTY_DATA');
      const nan = Float32Array.from(values);
      nan[5] = Number.NaN;
      await rejectsWith(() => e.fitCollab({ users, items, values: nan }, MF), 'NON_FINITE', 'index 5');
      await rejectsWith(() => e.fitCollabSync(train, { kind: 'mf' } as CollabSpec), 'INVALID_PARAM', 'seed');
      await rejectsWith(() => e.fitCollabSync(train, { kind: 'mf', params: { seed: 1, factors: 300 } }), 'INVALID_PARAM', 'factors');
      await rejectsWith(() => e.fitCollab(train, { kind: 'gbt' } as unknown as CollabSpec), 'INVALID_PARAM', 'gbt');
      await rejectsWith(() => e.fitCollab(train, 'mf' as unknown as CollabSpec), 'INVALID_ARGUMENT', 'spec');
      await rejectsWith(() => (e.fitCollabSync as (...a: unknown[]) => unknown)(train, MF, { onProgress: () => {} }), 'INVALID_ARGUMENT', 'onProgress');
      await rejectsWith(() => e.fitCollab(train, MF, { onProgress: 3 as never }), 'INVALID_ARGUMENT', 'onProgress');
      const m = e.fitCollabSync(train, { ...MF, params: { ...MF.params, iterations: 1 } });
      await rejectsWith(() => m.predict(Int32Array.of(1, 2), Int32Array.of(1)), 'SHAPE_MISMATCH', 'users', 'items');
      await rejectsWith(() => m.parts([1] as unknown as Int32Array, Int32Array.of(1)), 'INVALID_ARGUMENT', 'users');
      await rejectsWith(() => e.collabModelFromBytes('x' as unknown as Uint8Array), 'INVALID_ARGUMENT', 'bytes');
    });
  });
}

describe('collaborative model files [native vs wasm]', () => {
  const [a, b] = BACKENDS.map(engine) as [ReturnType<typeof engine>, ReturnType<typeof engine>];
  for (const spec of [MF, { kind: 'mf', params: { factors: 8, iterations: 5, weighted_lambda: false, l2_factors: 2, seed: 3 } }, KNN, IALS] as CollabSpec[]) {
    it(`${spec.kind} ${JSON.stringify(spec.params)}: the files are byte-identical`, () => {
      const fa = a.fitCollabSync(train, spec).toBytes();
      const fb = b.fitCollabSync(train, spec).toBytes();
      assert.ok(Buffer.from(fa).equals(Buffer.from(fb)), 'native and wasm collaborative model files differ');
    });
  }
});
