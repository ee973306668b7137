/** The collaborative feature group: out-of-fold like the aggregates, no leakage, target by cross-validation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CollabFit, type CollabModelLike, type CollabRatings, type CollabSpec, collabColumns, collabFeatures, rankAuc } from '../../ts/src/features/collab.js';
import { oofFolds } from '../../ts/src/features/folds.js';
import { loadEngine } from '../../ts/src/engine/index.js';
import { Rng } from '../../ts/src/data/rng.js';
import { auc } from '../data/auc.js';
import { tinyDataset } from './tiny.js';

/**
 * A stand-in for the engine's MF with the same parts: damped user and item mean offsets (a baseline
 * predictor) and a dot of 0; unknown users/items fall back to 0 offsets. It memorizes its training
 * rows' labels through the offsets, so it leaks exactly when a row is scored by a model that saw it.
 */
const baseline: CollabFit = async (r: CollabRatings, spec: CollabSpec): Promise<CollabModelLike> => {
  const mu = r.values.reduce((a, b) => a + b, 0) / Math.max(1, r.values.length);
  const sum = (ids: Int32Array) => {
    const s = new Map<number, [number, number]>();
    ids.forEach((id, k) => {
      const e = s.get(id) ?? [0, 0];
      s.set(id, [e[0] + (r.values[k] as number) - mu, e[1] + 1]);
    });
    return (id: number) => {
      const e = s.get(id);
      return e ? [e[0] / (e[1] + 2), 1] : [0, 0];
    };
  };
  const bu = sum(r.users);
  const bi = sum(r.items);
  const parts = (users: Int32Array, items: Int32Array) => {
    const n = users.length;
    const x = new Float32Array(6 * n);
    for (let k = 0; k < n; k++) {
      const [u, ku] = bu(users[k] as number) as [number, number];
      const [i, ki] = bi(items[k] as number) as [number, number];
      [mu + u + i, u, i, 0, ku, ki].forEach((v, j) => (x[j * n + k] = v));
    }
    return { names: ['score', 'user_bias', 'item_bias', 'dot', 'known_user', 'known_item'], x };
  };
  void spec;
  return { parts, predict: (u, i) => parts(u, i).x.subarray(0, u.length), toBytes: () => new Uint8Array(0) };
};

const MF: CollabSpec = { kind: 'mf', params: { factors: 4, iterations: 10, seed: 1 } };
const KNN: CollabSpec = { kind: 'item_knn', params: {} };

function quarterSplit(n: number) {
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  return { train: all.filter((i) => i % 4 !== 0), test: all.filter((i) => i % 4 === 0) };
}

/** The engine's fitCollab when this build has one (bound), else null. */
function engineFit(): CollabFit | null {
  const e = loadEngine('native') as unknown as { fitCollab?: CollabFit };
  return typeof e.fitCollab === 'function' ? e.fitCollab.bind(e) : null;
}

describe('collaborative feature group', () => {
  for (const [label, fit] of [['stand-in baseline', baseline], ['engine MF', engineFit()]] as const) {
    it(`NO TARGET LEAKAGE (${label}): with coin-flip labels no out-of-fold collaborative column predicts its row's label`, async (t) => {
      if (!fit) return t.skip('this engine build has no fitCollab');
      const ds = tinyDataset(200, 150, 6000, 3, 'random');
      const split = quarterSplit(ds.interactions.n);
      const folds = oofFolds(split.train.length, 5, 3);
      const f = await collabFeatures(ds, split, folds, { fit, specs: fit === baseline ? [MF] : [MF, KNN] });
      const n = split.train.length;
      const y = Uint8Array.from(split.train, (r) => ds.interactions.liked[r]!);
      f.names.forEach((name, j) => {
        const a = auc(f.train.subarray(j * n, (j + 1) * n), y);
        t.diagnostic(`${name}: out-of-fold AUC ${a.toFixed(3)}`);
        if (!Number.isNaN(a)) assert.ok(Math.abs(a - 0.5) < 0.05, `${name} predicts random labels on training rows: AUC ${a.toFixed(3)} (leakage)`);
      });
    });

    it(`the leakage test would fail with in-fold collaborative scores (${label}: a guard on the guard)`, async (t) => {
      if (!fit) return t.skip('this engine build has no fitCollab');
      const ds = tinyDataset(200, 150, 6000, 3, 'random');
      const all = Uint32Array.from({ length: ds.interactions.n }, (_, i) => i);
      // Test rows = training rows: they are scored by the model fitted on all training rows, their own labels included.
      const f = await collabFeatures(ds, { train: all, test: all }, oofFolds(all.length, 5, 3), { fit, specs: [MF], target: 'liked' });
      const a = auc(f.test.subarray(0, all.length), ds.interactions.liked);
      t.diagnostic(`in-fold ${f.names[0]} AUC ${a.toFixed(3)}`);
      assert.ok(a > 0.6, `in-fold ${f.names[0]} AUC ${a}`);
    });
  }

  it('holds out the aggregates\' folds: fold k is scored by a model fitted on exactly the other folds', async () => {
    const ds = tinyDataset(40, 30, 600, 5, 'genre');
    const split = quarterSplit(ds.interactions.n);
    const folds = oofFolds(split.train.length, 5, 9);
    const fitted: number[][] = [];
    const recording: CollabFit = (r, spec) => {
      fitted.push(Array.from(r.users, (_, k) => k).map((k) => (r.users[k] as number) * 1e4 + (r.items[k] as number)));
      return baseline(r, spec);
    };
    await collabFeatures(ds, split, folds, { fit: recording, specs: [MF], target: 'rating' });
    assert.equal(fitted.length, 6, '5 fold models + the all-training-rows model');
    const key = (r: number) => ds.interactions.user[r]! * 1e4 + ds.interactions.movie[r]!;
    folds.forEach((at, k) => {
      const expected = split.train.filter((_, i) => !at.includes(i)).length;
      assert.equal(fitted[k]!.length, expected, `fold ${k} model size`);
      const heldOnly = Array.from(at, (i) => key(split.train[i]!)).filter((x) => !split.train.some((r, i) => !at.includes(i) && key(r) === x));
      for (const x of heldOnly) assert.ok(!fitted[k]!.includes(x), `fold ${k} model saw a held-out pair`);
    });
    assert.equal(fitted[5]!.length, split.train.length);
  });

  it('test rows are scored by the all-training-rows model, the one serving uses', async () => {
    const ds = tinyDataset(40, 30, 600, 6, 'genre');
    const split = quarterSplit(ds.interactions.n);
    const f = await collabFeatures(ds, split, oofFolds(split.train.length, 5, 1), { fit: baseline, specs: [MF], target: 'rating' });
    const users = Int32Array.from(split.test, (r) => ds.interactions.user[r]!);
    const items = Int32Array.from(split.test, (r) => ds.interactions.movie[r]!);
    assert.deepEqual(collabColumns(f.fitted, users, items), f.test);
    assert.deepEqual(f.names, ['cf_mf_score', 'cf_mf_user_bias', 'cf_mf_item_bias', 'cf_mf_dot']);
    // A cold-start user gets the explicit fallback (no user offset), through the same call.
    const cold = collabColumns(f.fitted, Int32Array.of(-7), Int32Array.of(ds.interactions.movie[split.train[0]!]!));
    assert.equal(cold[1], 0);
  });

  it('chooses the MF target by out-of-fold AUC on training rows and records both scores', async (t) => {
    const ds = tinyDataset(120, 80, 4000, 7, 'genre');
    // Star ratings made pure noise: only the like label carries the signal, so cross-validation must pick it.
    const rng = new Rng(1);
    ds.interactions.rating = Float32Array.from(ds.interactions.rating, () => 1 + rng.int(5));
    const split = quarterSplit(ds.interactions.n);
    const f = await collabFeatures(ds, split, oofFolds(split.train.length, 5, 2), { fit: baseline, specs: [MF] });
    t.diagnostic(JSON.stringify(f.choice));
    assert.equal(f.choice.target, 'liked');
    assert.ok(f.choice.cv_auc.liked! > f.choice.cv_auc.rating! + 0.05);
    // Without star ratings only the like label is available.
    ds.interactions.rating = new Float32Array(ds.interactions.n).fill(Number.NaN);
    const g = await collabFeatures(ds, split, oofFolds(split.train.length, 5, 2), { fit: baseline, specs: [MF] });
    assert.deepEqual(Object.keys(g.choice.cv_auc), ['liked']);
  });

  it('rankAuc is the Mann-Whitney AUC with ties averaged', () => {
    assert.equal(rankAuc(Float32Array.of(0.1, 0.4, 0.35, 0.8), [0, 0, 1, 1]), 0.75);
    assert.equal(rankAuc(Float32Array.of(1, 1, 1, 1), [0, 1, 0, 1]), 0.5);
  });
});
