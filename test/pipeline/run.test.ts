/** The whole pipeline on a small in-memory dataset: artifacts, reports, loadPipeline round trip. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadPipeline } from '../../ts/src/artifacts/pipeline.js';
import { writeDirAtomic } from '../../ts/src/artifacts/atomic.js';
import { loadEngine, MlError } from '../../ts/src/engine/index.js';
import { runPipeline } from '../../ts/src/pipeline/job.js';
import { tinyDataset } from '../features/tiny.js';

const tmp = mkdtempSync(join(tmpdir(), 'mp-run-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('runPipeline (demo grids, in-memory data)', async () => {
  const out = join(tmp, 'art');
  const dataset = tinyDataset(150, 80, 5000, 11, 'genre');
  const engine = loadEngine('native');
  const r = await runPipeline({ mode: 'demo', seed: 3, source: { kind: 'memory', dataset }, split: 'user-overlap', testFraction: 0.2, out, engine });

  it('trains the three models and picks a best one by CV AUC', () => {
    assert.deepEqual(r.report.models.map((m) => m.name), ['logistic_regression', 'random_forest', 'gradient_boosting']);
    for (const m of r.report.models) {
      assert.ok(m.test.roc_auc > 0.8, `${m.name} test AUC ${m.test.roc_auc}`);
      assert.ok(m.cv.roc_auc && m.cv.roc_auc.mean > 0.8);
      assert.equal(m.importance.length > 0, true);
    }
    assert.ok(r.report.models.some((m) => m.name === r.report.best_model));
  });

  it('writes the artifacts directory with a versioned manifest and both reports', () => {
    for (const f of ['manifest.json', 'report.json', 'report.html', 'features/stats.bin', 'data/users.arrow', 'data/movies.arrow']) assert.ok(existsSync(join(out, f)), f);
    assert.equal(readdirSync(join(out, 'models')).length, 3);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    assert.equal(report.schema, 'moviepref.report/1');
    assert.ok(report.insights.length >= 4);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(html, /<svg/);
    assert.match(html, /ROC curves/);
    // The collaborative baseline sits in the comparison next to the hybrids, with its own section.
    assert.equal(report.collab.baselines[0].name, 'collaborative_mf');
    assert.match(html, /collaborative_mf alone \(on (rating|liked)/);
    assert.match(html, /<div id="collab"><p>Matrix factorization fitted on/);
    // The search: the chosen parameters and one row per candidate (demo: both MF targets, kNN on the chosen one), the chosen rows marked.
    assert.match(html, /chosen parameters: mf: engine defaults; item_knn: engine defaults/);
    const rows = html.match(/<table class="search">.*?<\/table>/)![0].match(/<tr( class="best")?><td>(mf|item_knn)<\/td>/g)!;
    assert.equal(rows.length, report.collab.search.reduce((n: number, s: { candidates: unknown[] }) => n + s.candidates.length, 0));
    assert.equal(rows.filter((r) => r.includes('best')).length, 2);
    assert.ok(report.insights.some((i: string) => i.startsWith('Matrix factorization alone')), 'an insight compares MF alone with the best model');
    assert.ok(!readdirSync(tmp).some((f) => f.includes('.tmp-')), 'no temp directory left behind');
  });

  it('insights quote the measured numbers', () => {
    const best = r.report.models.find((m) => m.name === r.report.best_model)!;
    assert.ok(r.report.insights[0]!.includes(best.test.roc_auc.toFixed(3)), r.report.insights[0]);
  });

  it('loadPipeline(dir).predict ranks movies with the same probabilities as the test evaluation', () => {
    const p = loadPipeline(out, { backend: 'wasm' });
    const trained = r.trained.find((m) => m.name === p.manifest.best_model)!;
    const s = p.score(dataset);
    assert.equal(s.skipped, 0);
    // Test rows scored through the saved pipeline (all-training statistics) equal the run's test predictions.
    const testRows = new Map(Array.from(r.testRows).map((row, i) => [row, i]));
    let checked = 0;
    s.rows.forEach((row, i) => {
      const k = testRows.get(row);
      if (k === undefined) return;
      assert.ok(Math.abs((s.p[i] as number) - (trained.testP[k] as number)) < 1e-6, `row ${row}`);
      checked++;
    });
    assert.equal(checked, testRows.size);
    const ranked = p.predict({ userId: dataset.users.id[0]!, movieIds: [500, 501, 502], hour: 20 });
    assert.equal(ranked.length, 3);
    assert.ok(ranked[0]!.probability >= ranked[2]!.probability);
    assert.throws(() => p.predict({ userId: -5 }), (e: MlError) => e.code === 'INVALID_ARGUMENT' && /unknown user -5/.test(e.message));
    assert.throws(() => p.predict({ userId: 100, movieIds: [9] }), (e: MlError) => /unknown movie 9/.test(e.message));
  });
});

describe('runPipeline on a table larger than the search cap', async () => {
  const dataset = tinyDataset(150, 80, 5000, 12, 'genre');
  // Every single fit's row count (grid searches are separate calls).
  const fitRows: number[] = [];
  const native = loadEngine('native');
  const engine = new Proxy(native, {
    get: (t, k) => (k === 'fit' ? (x: { nRows: number }, ...rest: unknown[]) => (fitRows.push(x.nRows), (t.fit as (...a: unknown[]) => unknown).call(t, x, ...rest)) : Reflect.get(t, k)),
  });
  const r = await runPipeline({ mode: 'demo', seed: 4, source: { kind: 'memory', dataset }, split: 'random', testFraction: 0.2, out: join(tmp, 'capped'), engine, searchRows: 1000 });

  it('searches on a stratified subsample and reports it; the best configuration is refit', () => {
    for (const m of r.report.models) {
      assert.equal(m.search_rows, 1000);
      assert.ok(m.test.roc_auc > 0.8, `${m.name} ${m.test.roc_auc}`);
    }
    const gbt = r.trained.find((m) => m.entry.kind === 'gbt')!;
    // The saved model is the refit with the best configuration's parameters.
    assert.deepEqual(gbt.model.info.params, gbt.grid.best_params);
  });

  it('measures what the collaborative group adds on the search sample: both fits on its rows, not a second refit on all', () => {
    const w = r.report.collab?.without;
    assert.ok(w, 'the best model has collaborative columns');
    assert.equal(w.rows, 1000);
    assert.ok(w.test_auc > 0.5 && w.with_group > 0.5, JSON.stringify(w));
    assert.deepEqual(fitRows.filter((n) => n === r.report.split.train).length, r.report.models.length, 'one refit on all rows per model, none for the diagnostic');
    assert.equal(fitRows.filter((n) => n === 1000).length, 2, 'with and without the group on the sample');
  });
});

describe('atomic artifact writes', () => {
  it('replaces a directory whole, and a failed write leaves the old one intact', () => {
    const dir = join(tmp, 'atomic');
    // An artifacts folder (manifest of the artifacts schema listing its files) may be replaced.
    const manifest = (files: string[]) => JSON.stringify({ schema: 'moviepref.artifacts/2', files: Object.fromEntries(files.map((f) => [f, '0'.repeat(64)])) });
    writeDirAtomic(dir, new Map([['a.txt', 'one'], ['manifest.json', manifest(['a.txt'])]]));
    assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'one');
    assert.throws(() => writeDirAtomic(dir, new Map([['ok.txt', 'x'], ['../escape.txt', 'y']])), /escapes/);
    assert.equal(readFileSync(join(dir, 'a.txt'), 'utf8'), 'one');
    assert.ok(!existsSync(join(dir, 'ok.txt')));
    writeDirAtomic(dir, new Map([['b.txt', 'two'], ['manifest.json', manifest(['b.txt'])]]));
    assert.ok(!existsSync(join(dir, 'a.txt')) && existsSync(join(dir, 'b.txt')));
    assert.ok(!readdirSync(tmp).some((f) => f.startsWith('atomic.')), 'no leftovers');
  });

  it('loadPipeline refuses a directory that is not artifacts, and a corrupt manifest', () => {
    const dir = join(tmp, 'notart');
    writeDirAtomic(dir, new Map([['x', 'y']]));
    assert.throws(() => loadPipeline(dir), (e: MlError) => e.code === 'IO' && /manifest.json/.test(e.message));
    writeFileSync(join(dir, 'manifest.json'), '{"schema": "other"}');
    assert.throws(() => loadPipeline(dir), (e: MlError) => e.code === 'DESERIALIZE');
  });
});
