/**
 * The in-memory core (fitPipeline -> FittedPipeline): no file I/O, every kind of the kind table,
 * each model's own preprocessing saved with it, save -> load -> recommend on the same class, and
 * every random stream derived from one root seed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadPipeline, savePipeline } from '../../ts/src/artifacts/pipeline.js';
import { loadEngine } from '../../ts/src/engine/index.js';
import { renderHtml } from '../../ts/src/report/html.js';
import { fitPipeline } from '../../ts/src/pipeline/fit.js';
import { KINDS, kindEntry } from '../../ts/src/pipeline/kinds.js';
import { stratifiedSample } from '../../ts/src/pipeline/sample.js';
import { deriveSeed, type SeedStream } from '../../ts/src/pipeline/seeds.js';
import { FittedPipeline } from '../../ts/src/pipeline/serving.js';
import { splitDataset } from '../../ts/src/pipeline/split.js';
import { tinyDataset } from '../features/tiny.js';

const tmp = mkdtempSync(join(tmpdir(), 'mp-fit-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('fitPipeline (in memory)', async () => {
  const ds = tinyDataset(120, 60, 4000, 21, 'genre');
  const usersBefore = ds.users.n;
  const engine = loadEngine('native');
  const lines: string[] = [];
  const p = await fitPipeline(ds, { mode: 'demo', seed: 9, split: 'user-overlap', testFraction: 0.2, engine, onProgress: (m) => lines.push(m) });
  const out = join(tmp, 'art');
  const manifest = savePipeline(p, { dir: out });

  it('reports the collaborative group: MF alone on the test rows, its target chosen by CV, its share in each model; saved with a checksum', () => {
    const c = p.training.report.collab;
    assert.ok(c, 'the engine has collaborative models, so the group is fitted');
    assert.deepEqual(c.baselines.map((b) => b.name), ['collaborative_mf', 'collaborative_item_knn']);
    for (const b of c.baselines) assert.ok(b.test_auc > 0.5 && b.test_auc <= 1, `${b.name} test AUC ${b.test_auc}`);
    const mf = c.baselines[0]!;
    assert.ok(mf.test_auc > 0.5 && mf.test_auc <= 1, `MF test AUC ${mf.test_auc}`);
    assert.equal(mf.target, c.target);
    assert.equal(mf.test_rmse === null, c.target === 'liked');
    assert.equal(c.cv_auc[c.target], Math.max(...Object.values(c.cv_auc)), 'the target with the best out-of-fold AUC');
    // The search: every candidate recorded (demo: both targets for MF, the chosen one for kNN), the argmax chosen,
    // one progress line per model, and the chosen parameters in the manifest.
    assert.deepEqual(c.search.map((s) => [s.kind, s.candidates.length]), [['mf', 2], ['item_knn', 1]]);
    for (const s of c.search) assert.equal(s.candidates[s.best]!.cv_auc, Math.max(...s.candidates.map((k) => k.cv_auc)), s.kind);
    assert.equal(c.search[1]!.candidates[0]!.target, c.target);
    for (const kind of ['mf', 'item_knn']) assert.equal(lines.filter((l) => l.startsWith(`collaborative ${kind}: target ${c.target}`)).length, 1, `${kind} in ${lines.join(' | ')}`);
    c.search.forEach((s, i) => {
      const saved = manifest.features.collab!.models[i]!;
      assert.equal(saved.kind, s.kind);
      for (const [k, v] of Object.entries(s.candidates[s.best]!.params)) assert.equal(saved.params[k], v, `${s.kind}.${k}`);
      assert.deepEqual(c.baselines[i]!.params, saved.params, `${s.kind}: the baseline row names the parameters it was fitted with`);
    });
    assert.ok(c.columns.length > 0 && c.columns.every((n) => n.startsWith('cf_') && p.training.test.names.includes(n)));
    for (const m of p.models) assert.ok(c.importance_share[m.name]! >= 0 && c.importance_share[m.name]! <= 1 + 1e-9, m.name);
    // What the group adds: the best configuration refit without it.
    const best = p.training.report.models.find((m) => m.name === p.training.report.best_model)!;
    assert.equal(c.without?.model, best.name);
    assert.equal(c.without?.with_group, best.test.roc_auc);
    assert.equal(c.without?.rows, p.training.split.train.length, 'within the search budget: refit on every training row');
    assert.ok(c.without!.test_auc > 0.5 && c.without!.test_auc <= 1, `without the group: ${c.without!.test_auc}`);
    assert.deepEqual(manifest.features.collab?.models.map((m) => m.file), ['collab/mf.mpc', 'collab/item_knn.mpc']);
    assert.match(manifest.files['collab/item_knn.mpc'] ?? '', /^[0-9a-f]{64}$/);
    assert.match(manifest.files['collab/mf.mpc'] ?? '', /^[0-9a-f]{64}$/);
    // A user the collaborative model never saw is served through its explicit fallback, not refused.
    const [cold] = p.predictItems([{ userId: 987_654, movieId: ds.movies.id[0]!, hour: 20, timestamp: 1_700_000_000 }]);
    assert.ok(cold!.coldStartUser && Number.isFinite(cold!.probability), `cold-start probability ${cold!.probability}`);
  });

  it('trains every kind of the kind table and returns the serving class', () => {
    assert.ok(p instanceof FittedPipeline);
    assert.deepEqual(p.models.map((m) => m.name), KINDS.map((k) => k.name));
    assert.deepEqual(p.training.report.models.map((m) => m.kind), KINDS.map((k) => k.kind));
    assert.equal(ds.users.n, usersBefore, 'the caller’s dataset is not grown by the cold-start slot');
  });

  it('keeps each model’s preprocessing with that model: medians for logistic regression only', () => {
    for (const m of manifest.models) {
      const want = kindEntry(m.kind).preprocessing;
      assert.deepEqual(m.preprocessing.map((s) => s.step), [...want], m.name);
      for (const s of m.preprocessing) assert.equal(s.medians.length, manifest.features.names.length);
    }
    assert.ok(manifest.models.some((m) => m.preprocessing.length > 0), 'the table has a kind with a step');
    assert.equal('medians' in manifest.features, false, 'no global medians');
    assert.equal(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).schema, 'moviepref.artifacts/4');
  });

  it('save -> load -> recommend gives the fitted pipeline’s answers, for every model', () => {
    const loaded = loadPipeline(out, { backend: 'native' });
    assert.ok(loaded instanceof FittedPipeline);
    const user = ds.users.id[3]!;
    const movieIds = p.unseenMovies(user);
    assert.ok(movieIds.length > 0 && movieIds.length < ds.movies.n, 'unseen excludes the user’s movies');
    for (const m of p.models) {
      const a = p.recommend({ userId: user, movieIds, hour: 20, timestamp: 1_700_000_000, model: m.name }).predictions;
      const b = loaded.recommend({ userId: user, movieIds, hour: 20, timestamp: 1_700_000_000, model: m.name }).predictions;
      assert.deepEqual(b.map((x) => x.movieId), a.map((x) => x.movieId), m.name);
      a.forEach((x, i) => assert.ok(Math.abs(x.probability - b[i]!.probability) < 1e-6, `${m.name} ${x.movieId}`));
    }
    assert.equal(loaded.unseenMovies(user).length, ds.movies.n, 'a loaded pipeline holds no interactions');
  });

  it('scores its own test rows exactly as the evaluation did (each model through its own preprocessing)', () => {
    const { trained, test } = p.training;
    const s = p.score(ds);
    const at = new Map(Array.from(s.rows, (r, i) => [r, i]));
    for (const t of trained) {
      const again = p.score(ds, t.name);
      test.rows.forEach((row, k) => assert.ok(Math.abs(again.p[at.get(row)!]! - t.testP[k]!) < 1e-6, `${t.name} row ${row}`));
    }
  });

  it('derives the split from the root seed (never the root itself)', () => {
    const derived = splitDataset(ds, 'user-overlap', 0.2, deriveSeed(9, 'split'));
    assert.deepEqual(Array.from(p.training.split.test), Array.from(derived.test));
    const raw = splitDataset(ds, 'user-overlap', 0.2, 9);
    assert.notDeepEqual(Array.from(p.training.split.test), Array.from(raw.test));
  });

  it('trains only the kinds asked for', async () => {
    const one = await fitPipeline(ds, { mode: 'demo', seed: 9, split: 'random', testFraction: 0.2, engine, kinds: [kindEntry('forest')] });
    assert.deepEqual(one.models.map((m) => m.name), ['random_forest']);
    assert.equal(one.bestModel, 'random_forest');
  });
});

describe('a grid that asks for early stopping', async () => {
  // Not the default grids (kinds.ts): a gbt entry whose grid early-stops, searched on a sample so the best is refit on all rows.
  const gbt = kindEntry('gbt');
  const stopping = { ...gbt, params: { ...gbt.params, learning_rate: 0.5, min_child_weight: 0 }, grids: { ...gbt.grids, demo: { n_estimators: [150], max_depth: [6], early_stopping_rounds: [4] } } };
  // Coin-flip labels: validation loss is lowest after a few rounds (genre labels are learnable to the last round).
  const ds = tinyDataset(120, 60, 4000, 21, 'random');
  const p = await fitPipeline(ds, { mode: 'demo', seed: 9, split: 'random', testFraction: 0.2, engine: loadEngine('native'), kinds: [stopping], searchRows: 1500 });
  const [m] = p.training.trained;
  const summary = p.training.report.models[0]!;

  it('reports the best iteration per fold, their mean and the kept model\'s in report.json and report.html', () => {
    const es = summary.early_stopping!;
    assert.equal(es.validation_fraction, 0.1);
    assert.deepEqual(es.best_iterations, m!.grid.configs[0]!.early_stopping!.best_iterations);
    assert.equal(es.best_iterations.length, 3);
    assert.ok(es.best_iterations.every((b) => b < 149), `${es.best_iterations}`);
    assert.equal(es.refit_best_iteration, m!.model.info.fit.best_iteration);
    assert.ok(es.refit_best_iteration! < 149, 'the refit on all training rows stopped early too');
    assert.equal(m!.model.info.fit.n_trees, es.refit_best_iteration! + 1);
    const html = renderHtml(p.training.report);
    assert.ok(html.includes(`best iteration per fold ${es.best_iterations.join(', ')}`), 'report.html shows them');
    assert.ok(html.includes(`refit on all training rows: ${es.refit_best_iteration}`));
  });

  it('leaves the default grids without it', () => {
    assert.ok(KINDS.every((k) => Object.values(k.grids).every((g) => !('early_stopping_rounds' in g)) && !('early_stopping_rounds' in k.params)));
    const plain = renderHtml({ ...p.training.report, models: [{ ...summary, early_stopping: undefined }] });
    assert.ok(!plain.includes('early stopping on'));
  });
});

describe('seed streams', () => {
  const streams: SeedStream[] = ['split', 'feature-folds', 'search-rows', 'permutation-rows', 'permutation', 'cv-folds', 'demo-users', 'model:random_forest', 'model:gradient_boosting'];

  it('are distinct per stream and per root, stable, and 32-bit', () => {
    for (const root of [0, 1, 42, 2 ** 40 + 7]) {
      const seeds = streams.map((s) => deriveSeed(root, s));
      assert.equal(new Set(seeds).size, streams.length, `root ${root}`);
      for (const s of seeds) assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 32);
      assert.deepEqual(streams.map((s) => deriveSeed(root, s)), seeds);
    }
    assert.notEqual(deriveSeed(42, 'split'), deriveSeed(43, 'split'));
    assert.notEqual(deriveSeed(1, 'split'), deriveSeed(2 ** 32 + 1, 'split'), 'the high bits of the root count');
    assert.throws(() => deriveSeed(-1, 'split'), RangeError);
  });

  it('the train-side search sample and the test-side permutation sample are independent draws', () => {
    // Same labels on both sides: with one seed (the old code) the two samples were the same rows.
    const y = Uint8Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const search = stratifiedSample(y, 500, deriveSeed(42, 'search-rows'));
    const perm = stratifiedSample(y, 500, deriveSeed(42, 'permutation-rows'));
    assert.notDeepEqual(Array.from(search), Array.from(perm));
  });
});
