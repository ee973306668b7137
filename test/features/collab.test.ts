/** The collaborative feature group: out-of-fold like the aggregates, no leakage, target and parameters by cross-validation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CollabFit, type CollabModelLike, type CollabRatings, type CollabSpec, collabColumns, rankAuc } from '../../ts/src/features/collab.js';
import { type CollabGrid, collabCandidates, collabFeatures, collabFitCount, userSample } from '../../ts/src/features/collab-search.js';
import type { MlError } from '../../ts/src/engine/errors.js';
import { COLLAB_GRIDS } from '../../ts/src/pipeline/kinds.js';
import { oofFolds } from '../../ts/src/features/folds.js';
import { loadEngine } from '../../ts/src/engine/index.js';
import { Rng } from '../../ts/src/data/rng.js';
import { auc } from '../data/auc.js';
import { tinyDataset } from './tiny.js';
import { collabSpecs, fittableCollab } from '../../ts/src/pipeline/features.js';

/**
 * A stand-in for the engine's MF (or item kNN) with the same parts: user and item mean offsets damped
 * by `params.shrink` (default 2; a baseline predictor) and a dot of 0; unknown users/items fall back to
 * 0 offsets. It memorizes its training rows' labels through the offsets, so it leaks exactly when a row
 * is scored by a model that saw it. Other parameters are ignored.
 */
const baseline: CollabFit = async (r: CollabRatings, spec: CollabSpec): Promise<CollabModelLike> => {
  const mu = r.values.reduce((a, b) => a + b, 0) / Math.max(1, r.values.length);
  const shrink = (spec.params.shrink as number | undefined) ?? 2;
  const sum = (ids: Int32Array) => {
    const s = new Map<number, [number, number]>();
    ids.forEach((id, k) => {
      const e = s.get(id) ?? [0, 0];
      s.set(id, [e[0] + (r.values[k] as number) - mu, e[1] + 1]);
    });
    return (id: number) => {
      const e = s.get(id);
      return e ? [e[0] / (e[1] + shrink), 1] : [0, 0];
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
    const names = spec.kind === 'mf' ? ['score', 'user_bias', 'item_bias', 'dot', 'known_user', 'known_item'] : ['score', 'user_offset', 'item_offset', 'zero', 'neighbours', 'similarity_mass'];
    return { names, x };
  };
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
  it('item kNN is left out (with the reason) when the training rows rate more movies than the engine caps, and kept at the cap', async () => {
    const ds = tinyDataset(30, 20, 600, 1, 'genre');
    const train = Uint32Array.from({ length: 400 }, (_, i) => i);
    const rated = new Set(Array.from(train, (r) => ds.interactions.movie[r])).size;
    const specs = collabSpecs(1);
    assert.deepEqual(fittableCollab(specs, ds, train, rated), { specs, skipped: [] });
    const over = fittableCollab(specs, ds, train, rated - 1);
    assert.deepEqual(over.specs.map((s) => s.kind), ['mf']);
    assert.equal(over.skipped.length, 1);
    assert.match(over.skipped[0]!.reason, new RegExp(`rate ${rated} distinct movies.*capped at ${rated - 1} items`));
    const engine = await loadEngine();
    assert.equal(engine.info().item_knn_max_items, 16384, 'the engine publishes its cap');
  });

  for (const [label, fit] of [['stand-in baseline', baseline], ['engine MF', engineFit()]] as const) {
    it(`NO TARGET LEAKAGE (${label}): with coin-flip labels no out-of-fold collaborative column predicts its row's label`, async (t) => {
      if (!fit) return t.skip('this engine build has no fitCollab');
      const ds = tinyDataset(200, 150, 6000, 3, 'random');
      const split = quarterSplit(ds.interactions.n);
      const folds = oofFolds(split.train.length, 5, 3);
      // With the search on: the chosen candidates' out-of-fold columns must not leak either.
      const grid: CollabGrid = fit === baseline ? { mf: { shrink: [0.5, 2, 50] } } : { mf: { factors: [2, 4], l2_factors: [0.03, 0.3] }, item_knn: { k: [10, 40] } };
      const f = await collabFeatures(ds, split, folds, { fit, specs: fit === baseline ? [MF] : [MF, KNN], grid });
      assert.equal(f.choice.search[0]!.candidates.length, 2 * (fit === baseline ? 3 : 4), 'every candidate of both targets was scored');
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

  it('chooses each model\'s parameters as the argmax of the recorded out-of-fold AUCs (ties: the earlier candidate); its OOF columns are the training features', async () => {
    const ds = tinyDataset(120, 80, 4000, 7, 'genre');
    const split = quarterSplit(ds.interactions.n);
    const folds = oofFolds(split.train.length, 5, 2);
    // shrink changes the score; noise is ignored by the stand-in, so its two values tie exactly.
    const grid = { mf: { shrink: [200, 0.5, 5], noise: [1, 2] }, item_knn: { shrink: [0.1, 1000] } };
    const f = await collabFeatures(ds, split, folds, { fit: baseline, specs: [MF, { kind: 'item_knn', params: {} }], grid });
    const [mf, knn] = f.choice.search;
    assert.deepEqual([mf!.kind, knn!.kind], ['mf', 'item_knn']);
    assert.deepEqual(mf!.candidates.map((c) => c.target), [...Array(6).fill('rating'), ...Array(6).fill('liked')]);
    assert.deepEqual(mf!.candidates.slice(0, 6).map((c) => c.params), [200, 0.5, 5].flatMap((shrink) => [1, 2].map((noise) => ({ shrink, noise }))));
    assert.ok(knn!.candidates.every((c) => c.target === f.choice.target), 'kNN searched on the chosen target only');
    for (const s of f.choice.search) {
      const aucs = s.candidates.map((c) => c.cv_auc);
      assert.equal(s.best, aucs.indexOf(Math.max(...aucs)), `${s.kind}: the first candidate with the highest out-of-fold AUC`);
      assert.ok(new Set(aucs).size > 1, `${s.kind}: the grid changes the score`);
    }
    assert.equal(mf!.candidates[mf!.best]!.params.noise, 1, 'a tie goes to the earlier candidate');
    assert.equal(f.choice.target, mf!.candidates[mf!.best]!.target);
    for (const t of ['rating', 'liked'] as const) assert.equal(f.choice.cv_auc[t], Math.max(...mf!.candidates.filter((c) => c.target === t).map((c) => c.cv_auc)));
    // The served models carry the chosen values; the training columns are exactly the winners' out-of-fold columns.
    const chosen = f.choice.search.map((s) => s.candidates[s.best]!.params);
    assert.deepEqual(f.fitted.models.map((m) => m.spec.params), [{ ...MF.params, ...chosen[0] }, chosen[1]]);
    const again = await collabFeatures(ds, split, folds, { fit: baseline, specs: f.fitted.models.map((m) => m.spec), target: f.choice.target });
    assert.deepEqual(again.train, f.train);
    assert.deepEqual(again.test, f.test);
  });

  it('over the search budget, candidates are compared on whole users of a seeded sample; the winners\' columns are then out of fold on every row', async () => {
    const ds = tinyDataset(120, 80, 4000, 7, 'genre');
    const split = quarterSplit(ds.interactions.n);
    const folds = oofFolds(split.train.length, 5, 2);
    const grid = { mf: { shrink: [200, 0.5, 5] }, item_knn: { shrink: [0.1, 1000] } };
    const sizes: number[] = [];
    const fitUsers: Set<number>[] = [];
    const recording: CollabFit = (r, spec) => {
      sizes.push(r.users.length);
      fitUsers.push(new Set(r.users));
      return baseline(r, spec);
    };
    const seen: number[] = [];
    const opts = { fit: recording, specs: [MF, KNN], grid, searchRows: 1000, sampleSeed: 5, onFit: (d: number, total: number) => seen.push(total) };
    const f = await collabFeatures(ds, split, folds, opts);
    const sample = f.choice.sample!;
    const trainUsers = Int32Array.from(split.train, (r) => ds.interactions.user[r]!);
    const keep = userSample(trainUsers, 1000, 5)!;
    assert.deepEqual(sample, { users: new Set(Int32Array.from(keep, (i) => trainUsers[i]!)).size, rows: keep.length });
    assert.ok(sample.rows >= 1000 && sample.rows < split.train.length && sample.users < new Set(trainUsers).size, JSON.stringify(sample));
    // Every candidate's fits (5 folds x (2 targets x 3 MF + 2 kNN)) saw only sampled users; then 5 fold fits per winner on every row, then the 2 refits.
    const n = collabFitCount([MF, KNN], grid, 5, 2, true);
    assert.equal(n, 5 * (2 * 3 + 2) + 5 * 2 + 2);
    assert.equal(sizes.length, n);
    assert.deepEqual(new Set(seen), new Set([n]));
    const sampled = new Set(Int32Array.from(keep, (i) => trainUsers[i]!));
    const onSample = fitUsers.map((users) => [...users].every((u) => sampled.has(u)));
    assert.equal(onSample.filter(Boolean).length, 5 * 8, 'the candidates\' fits saw sampled users only');
    sizes.forEach((m, k) => assert.ok(onSample[k] ? m < sample.rows : m > sample.rows, `fit ${k}: ${m} rows`));
    // The training columns are the winners' out-of-fold columns on every row: what a search-free run of the chosen specs gives.
    const again = await collabFeatures(ds, split, folds, { fit: baseline, specs: f.fitted.models.map((m) => m.spec), target: f.choice.target });
    assert.equal(again.choice.sample, null);
    assert.deepEqual(again.train, f.train);
    assert.deepEqual(again.test, f.test);
    // Under the budget nothing is sampled.
    const whole = await collabFeatures(ds, split, folds, { fit: baseline, specs: [MF], target: 'rating', searchRows: split.train.length });
    assert.equal(whole.choice.sample, null);
  });

  it('userSample: whole users in a seeded order independent of row order, until their rows reach the budget', () => {
    const rng = new Rng(3);
    const users = Int32Array.from({ length: 5000 }, () => rng.int(300));
    assert.equal(userSample(users, 5000, 1), null);
    const keep = userSample(users, 1200, 1)!;
    const chosen = new Set(Array.from(keep, (i) => users[i]!));
    assert.deepEqual(Array.from(keep), Array.from(users.keys()).filter((i) => chosen.has(users[i]!)), 'every row of each chosen user, ascending');
    assert.ok(keep.length >= 1200);
    const reversed = userSample(users.slice().reverse(), 1200, 1)!;
    assert.deepEqual(new Set(Array.from(reversed, (i) => users[users.length - 1 - i]!)), chosen, 'the same users whatever the row order');
    assert.notDeepEqual(new Set(Array.from(userSample(users, 1200, 2)!, (i) => users[i]!)), chosen, 'another seed, other users');
  });

  it('no test row reaches any candidate\'s fit or score: only the final all-training-rows models see test pairs', async () => {
    const ds = tinyDataset(60, 40, 1500, 4, 'genre');
    const split = quarterSplit(ds.interactions.n);
    // Test rows get users no training row has, so a test pair anywhere in a fit or a candidate's scoring is visible.
    const COLD = 1_000_000;
    for (const r of split.test) ds.interactions.user[r] = COLD + ds.interactions.user[r]!;
    const fits: { users: Int32Array; scored: number[] }[] = [];
    const recording: CollabFit = async (r, spec) => {
      const m = await baseline(r, spec);
      const rec = { users: r.users.slice(), scored: [] as number[] };
      fits.push(rec);
      return { ...m, parts: (u, i) => (rec.scored.push(...u), m.parts(u, i)), predict: (u, i) => (rec.scored.push(...u), m.predict(u, i)) };
    };
    const folds = oofFolds(split.train.length, 3, 5);
    const grid = { mf: { shrink: [1, 4] }, item_knn: { shrink: [1, 4, 16] } };
    const f = await collabFeatures(ds, split, folds, { fit: recording, specs: [MF, { kind: 'item_knn', params: {} }], grid });
    assert.equal(fits.length, 3 * (2 * 2 + 3) + 2, 'folds x (targets x MF grid + kNN grid) + the two final fits');
    for (const x of fits) assert.ok(x.users.every((u) => u < COLD), 'no fit saw a test row');
    const search = fits.slice(0, -2);
    for (const x of search) assert.ok(x.scored.length > 0 && x.scored.every((u) => u < COLD), 'candidates score only held-out training rows');
    for (const x of fits.slice(-2)) assert.ok(x.scored.some((u) => u >= COLD), 'the final models score the test rows (the marker works)');
    assert.equal(f.test.length, split.test.length * f.names.length);
  });

  it('is deterministic: the same seed gives the same choice and the same columns (engine MF and kNN)', async (t) => {
    const fit = engineFit();
    if (!fit) return t.skip('this engine build has no fitCollab');
    const ds = tinyDataset(100, 70, 3000, 12, 'genre');
    const split = quarterSplit(ds.interactions.n);
    const run = () => collabFeatures(ds, split, oofFolds(split.train.length, 3, 4), { fit, specs: [MF, KNN], grid: { mf: { factors: [2, 8], l2_factors: [0.03, 0.3] }, item_knn: { k: [5, 40] } } });
    const [a, b] = [await run(), await run()];
    t.diagnostic(JSON.stringify(a.choice.search.map((s) => s.candidates[s.best])));
    assert.deepEqual(a.choice, b.choice);
    assert.deepEqual(a.train, b.train);
    assert.deepEqual(a.test, b.test);
    assert.deepEqual(a.fitted.models.map((m) => Array.from(m.model.toBytes())), b.fitted.models.map((m) => Array.from(m.model.toBytes())));
  });

  it('an invalid grid value is the engine\'s INVALID_PARAM naming the parameter; an empty axis is INVALID_PARAM naming it', async (t) => {
    const fit = engineFit();
    if (!fit) return t.skip('this engine build has no fitCollab');
    const ds = tinyDataset(40, 30, 600, 3, 'genre');
    const split = quarterSplit(ds.interactions.n);
    const folds = oofFolds(split.train.length, 3, 4);
    await assert.rejects(collabFeatures(ds, split, folds, { fit, specs: [MF, KNN], grid: { mf: { factors: [4, 0] } } }), (e: MlError) => {
      assert.equal(e.code, 'INVALID_PARAM');
      assert.match(e.message, /factors/);
      assert.match(e.message, /^collaborative mf .*"factors":0/, e.message);
      return true;
    });
    await assert.rejects(collabFeatures(ds, split, folds, { fit, specs: [MF, KNN], grid: { item_knn: { shrinkage: [-1] } } }), (e: MlError) => e.code === 'INVALID_PARAM' && /shrinkage/.test(e.message));
    await assert.rejects(collabFeatures(ds, split, folds, { fit, specs: [MF], grid: { mf: { factors: [] } } }), (e: MlError) => e.code === 'INVALID_PARAM' && /mf\.factors/.test(e.message));
  });

  it('every value of every mode\'s COLLAB_GRIDS is accepted by the engine', async (t) => {
    const fit = engineFit();
    if (!fit) return t.skip('this engine build has no fitCollab');
    const r = { users: Int32Array.of(1, 1, 2, 2), items: Int32Array.of(1, 2, 1, 2), values: Float32Array.of(5, 1, 4, 2) };
    for (const [mode, grid] of Object.entries(COLLAB_GRIDS)) {
      for (const kind of ['mf', 'item_knn'] as const) {
        for (const params of collabCandidates(kind, grid[kind])) await fit(r, { kind, params: { ...params, ...(kind === 'mf' ? { seed: 1 } : {}) } });
      }
      t.diagnostic(`${mode}: ${JSON.stringify(grid)}`);
    }
  });

  it('rankAuc is the Mann-Whitney AUC with ties averaged', () => {
    assert.equal(rankAuc(Float32Array.of(0.1, 0.4, 0.35, 0.8), [0, 0, 1, 1]), 0.75);
    assert.equal(rankAuc(Float32Array.of(1, 1, 1, 1), [0, 1, 0, 1]), 0.5);
  });
});
