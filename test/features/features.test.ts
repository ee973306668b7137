import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Split } from '../../ts/src/data/schema.js';
import { buildFeatures, featuresForPairs, servingContext } from '../../ts/src/features/build.js';
import type { Pair } from '../../ts/src/features/context.js';
import { Rng } from '../../ts/src/data/rng.js';
import { loadDataset } from '../../ts/src/pipeline/dataset.js';
import { applyPreprocessing, columnMedians, fitPreprocessing, selectKth, withPreprocessedInPlace } from '../../ts/src/pipeline/preprocess.js';
import { auc } from '../data/auc.js';
import { tinyDataset } from './tiny.js';

function halfSplit(n: number): Split {
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  return { kind: 'random', train: all.filter((i) => i % 4 !== 0), test: all.filter((i) => i % 4 === 0) };
}

describe('feature pipeline', () => {
  it('builds train and test tables with the same columns, labels and Arrow views', () => {
    const ds = tinyDataset(60, 40, 3000, 1, 'genre');
    const { train, test } = buildFeatures(ds, halfSplit(ds.interactions.n), { seed: 1 });
    assert.equal(train.nRows + test.nRows, ds.interactions.n);
    assert.deepEqual(train.names, test.names);
    assert.ok(train.names.includes('genre_affinity') && train.names.includes('movie_viral_coefficient'));
    assert.equal(new Set(train.names).size, train.names.length, 'feature names are unique');
    train.rows.forEach((r, i) => assert.equal(train.y[i], ds.interactions.liked[r]));
    const arrow = train.toArrow();
    assert.equal(arrow.numRows, train.nRows);
    assert.equal(arrow.numCols, train.nFeatures + 1);
    assert.equal(arrow.getChild('user_like_rate')?.get(5), train.column(train.names.indexOf('user_like_rate'))[5]);
  });

  it('is deterministic for a seed', () => {
    const ds = tinyDataset(30, 20, 800, 2, 'genre');
    const a = buildFeatures(ds, halfSplit(ds.interactions.n), { seed: 7 });
    const b = buildFeatures(ds, halfSplit(ds.interactions.n), { seed: 7 });
    assert.deepEqual(a.train.x, b.train.x);
    assert.deepEqual(a.test.x, b.test.x);
  });

  it('NO TARGET LEAKAGE: with coin-flip labels no training feature predicts its own row’s label', () => {
    // In-fold statistics would include each row's own label (user_like_rate would then reach AUC ~0.6+ here).
    const ds = tinyDataset(200, 150, 6000, 3, 'random');
    const { train } = buildFeatures(ds, halfSplit(ds.interactions.n), { seed: 3 });
    for (let j = 0; j < train.nFeatures; j++) {
      const a = auc(train.column(j), train.y);
      if (Number.isNaN(a)) continue;
      assert.ok(Math.abs(a - 0.5) < 0.05, `${train.names[j]} predicts random labels on training rows: AUC ${a.toFixed(3)} (leakage)`);
    }
  });

  it('the leakage test would fail with in-fold statistics (a guard on the guard)', () => {
    const ds = tinyDataset(200, 150, 6000, 3, 'random');
    const all = Uint32Array.from({ length: ds.interactions.n }, (_, i) => i);
    // Computing test rows with statistics that include those same rows = in-fold statistics.
    const { test } = buildFeatures(ds, { kind: 'random', train: all, test: all }, { seed: 3 });
    const a = auc(test.column(test.names.indexOf('user_like_rate')), test.y);
    assert.ok(a > 0.6, `in-fold user_like_rate AUC ${a}`);
  });

  it('interaction features carry the signal that only the user-movie pair reveals', () => {
    const ds = tinyDataset(150, 100, 8000, 4, 'genre');
    const { test } = buildFeatures(ds, halfSplit(ds.interactions.n), { seed: 4 });
    const a = auc(test.column(test.names.indexOf('genre_affinity')), test.y);
    assert.ok(a > 0.85, `genre_affinity test AUC ${a}`);
    const d = auc(test.column(test.names.indexOf('genre_match_declared')), test.y);
    assert.ok(d > 0.85, `genre_match_declared test AUC ${d}`);
  });

  it('serving features for a pair equal the test-row features of the same pair', () => {
    const ds = tinyDataset(40, 30, 1500, 5, 'genre');
    const built = buildFeatures(ds, halfSplit(ds.interactions.n), { seed: 5 });
    const r = built.test.rows[3] as number;
    const x = featuresForPairs(ds, built.fitted, [
      { u: built.index.userRow[r]!, m: built.index.movieRow[r]!, day: ds.interactions.timestamp[r]! / 86400, hour: ds.interactions.hour[r]!, device: ds.interactions.device.codes[r]! },
    ]);
    for (let j = 0; j < built.test.nFeatures; j++) assert.ok(Object.is(x[j], built.test.column(j)[3]), built.test.names[j]);
  });

  it('the column writer (user and movie features once per id, gathered) equals each feature evaluated pair by pair, missing values included', async () => {
    const ds = await loadDataset({ kind: 'synthetic', users: 150, movies: 80, interactions: 4000, seed: 12 });
    const rng = new Rng(5);
    // Missing values everywhere a column can have them: ages, categorical codes, the device and the hour.
    for (let u = 0; u < ds.users.n; u += 7) ds.users.age[u] = Number.NaN;
    for (let u = 0; u < ds.users.n; u += 5) ds.users.gender.codes[u] = -1;
    for (let m = 0; m < ds.movies.n; m += 6) ds.movies.budget.codes[m] = -1;
    for (let r = 0; r < ds.interactions.n; r += 9) ds.interactions.device.codes[r] = -1;
    for (let r = 0; r < ds.interactions.n; r += 11) ds.interactions.hour[r] = Number.NaN;
    const built = buildFeatures(ds, halfSplit(ds.interactions.n), { seed: 6 });
    assert.ok(built.fitted.defs.some((d) => d.per?.key === 'u') && built.fitted.defs.some((d) => d.per?.key === 'm') && built.fitted.defs.some((d) => !d.per));
    const ctx = servingContext(ds, built.fitted);
    const pairOf = (r: number): Pair => ({ u: built.index.userRow[r]!, m: built.index.movieRow[r]!, day: ds.interactions.timestamp[r]! / 86400, hour: ds.interactions.hour[r]!, device: ds.interactions.device.codes[r]! });
    const n = built.test.nRows;
    let nan = 0;
    built.fitted.defs.forEach((def, j) => {
      const col = built.test.column(j);
      for (let i = 0; i < n; i++) {
        const want = Math.fround(def.value(ctx, pairOf(built.test.rows[i] as number)));
        if (Number.isNaN(want)) nan++;
        assert.ok(Object.is(col[i], want), `${def.name} row ${i}: ${col[i]} vs ${want}`);
      }
    });
    assert.ok(nan > 0, 'the data has missing feature values');
    // Serving pairs in random order (repeated users and movies) go through the same writer.
    const rows = Array.from({ length: 50 }, () => built.test.rows[rng.int(n)] as number);
    const x = featuresForPairs(ds, built.fitted, rows.map(pairOf));
    built.fitted.defs.forEach((def, j) => rows.forEach((r, i) => assert.ok(Object.is(x[j * rows.length + i], Math.fround(def.value(ctx, pairOf(r)))), def.name)));
  });

  it('imputation fills NaN with the fitted medians only', () => {
    // Column-major, 3 rows x 3 features: medians (upper) 5, 2 and 0 (an all-missing column).
    const train = Float32Array.from([1, NaN, 5, 9, 2, NaN, 2, 4, NaN, NaN, NaN, NaN]);
    const steps = fitPreprocessing(['impute-median'], train, 4);
    assert.deepEqual(Array.from(steps[0]!.medians), [5, 2, 0]);
    const test = Float32Array.from([NaN, 7, NaN, 3, NaN, NaN]);
    const x = applyPreprocessing(steps, test, 2);
    assert.deepEqual(Array.from(x), [5, 7, 2, 3, 0, 0]);
    assert.ok(Number.isNaN(test[0]), 'the input is not modified');
    assert.equal(applyPreprocessing([], test, 2), test, 'no step: the matrix itself');
    assert.throws(() => applyPreprocessing(steps, new Float32Array(4), 2), /fitted on 3 features, got 2/);
  });

  it('selectKth finds the value a sort puts at k (duplicates, -0 and +0, negatives), for every k', () => {
    const rng = new Rng(7);
    for (const [n, levels] of [[1, 3], [2, 2], [17, 3], [64, 1000], [200, 5]] as const) {
      const a = Float32Array.from({ length: n }, () => {
        const v = rng.int(levels) - Math.floor(levels / 2);
        return v === 0 && rng.float() < 0.5 ? -0 : v + (levels > 100 ? rng.float() : 0);
      });
      const sorted = Float32Array.from(a).sort();
      for (let k = 0; k < n; k++) assert.ok(Object.is(selectKth(Float32Array.from(a), k), sorted[k]), `n ${n} k ${k}`);
    }
  });

  it('column medians equal the sorted middle value of the non-missing cells', () => {
    const rng = new Rng(3);
    const [nRows, nFeatures] = [101, 4];
    const x = Float32Array.from({ length: nRows * nFeatures }, (_, i) => (i >= 3 * nRows || rng.float() < 0.2 ? NaN : Math.fround(rng.normal())));
    const medians = columnMedians(x, nRows, nFeatures);
    for (let j = 0; j < nFeatures; j++) {
      const v = x.subarray(j * nRows, (j + 1) * nRows).filter((a) => !Number.isNaN(a)).sort();
      assert.equal(medians[j], v.length ? v[v.length >> 1] : 0, `column ${j}`);
    }
  });

  it('in-place imputation gives fn the imputed matrix and puts every NaN back, also when fn throws', async () => {
    const train = Float32Array.from([1, NaN, 5, 9, 2, NaN, 2, 4, NaN, NaN, NaN, NaN]);
    const steps = fitPreprocessing(['impute-median'], train, 4);
    const before = Float32Array.from(train);
    const imputed = applyPreprocessing(steps, train, 4);
    const seen = await withPreprocessedInPlace(steps, train, 4, async (x) => {
      assert.equal(x, train, 'no copy');
      return Array.from(x);
    });
    assert.deepEqual(seen, Array.from(imputed));
    assert.deepEqual(Array.from(train), Array.from(before), 'NaN cells restored');
    await assert.rejects(withPreprocessedInPlace(steps, train, 4, async () => { throw new Error('engine failed'); }), /engine failed/);
    assert.deepEqual(Array.from(train), Array.from(before), 'restored after a failure');
    await assert.rejects(withPreprocessedInPlace(steps, new Float32Array(4), 2, async () => 0), /fitted on 3 features, got 2/);
    assert.equal(await withPreprocessedInPlace([], train, 4, async (x) => x), train);
  });
});
