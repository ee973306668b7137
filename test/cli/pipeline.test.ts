/** The pipeline commands end to end as a user runs them: run (quick), generate -> train -> evaluate -> predict. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cli } from './cli.test.js';

const tmp = mkdtempSync(join(tmpdir(), 'mp-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('moviepref pipeline commands', () => {
  const quick = join(tmp, 'quick');

  it('run --mode quick --json: three models, Bayes-optimal reference, artifacts on disk', () => {
    const r = cli(['run', '--mode', 'quick', '--json', '--out', quick, '--seed', '7']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.schema, 'moviepref.run/1');
    assert.equal(doc.models.length, 3);
    assert.ok(doc.bayes_auc > 0.6 && doc.bayes_auc < 1);
    for (const m of doc.models) assert.ok(m.test_auc > 0.6 && m.test_auc <= doc.bayes_auc + 0.02, `${m.name} ${m.test_auc} vs Bayes ${doc.bayes_auc}`);
    for (const f of ['manifest.json', 'report.html', 'report.json']) assert.ok(existsSync(join(quick, f)), f);
    assert.match(r.stderr, /grid search/, 'progress goes to stderr');
    const report = JSON.parse(readFileSync(join(quick, 'report.json'), 'utf8'));
    assert.equal(report.config.search, 'grid', 'the exhaustive grid is the default');
    for (const m of report.models) assert.deepEqual([m.search.kind, m.search.fits], ['grid', m.configs_evaluated * 3 + 1], m.name);
  });

  it('run --mode quick --search halving: successive halving, and the report says so with its fits per model', () => {
    const out = join(tmp, 'halving');
    const r = cli(['run', '--mode', 'quick', '--search', 'halving', '--json', '--out', out, '--seed', '7']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /logistic_regression: halving search, 3 configs x 3 folds/);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(doc.models.map((m: { search: string }) => m.search), ['halving', 'halving', 'halving']);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    assert.equal(report.config.search, 'halving');
    const byName = Object.fromEntries(report.models.map((m: { name: string }) => [m.name, m]));
    // 3 penalties, factor 3: all 3 on a third of the rows, the best 1 on all of them
    const lr = byName.logistic_regression.search;
    assert.equal(lr.kind, 'halving');
    assert.deepEqual(lr.iterations.map((i: { candidates: number[]; fits: number }) => [i.candidates.length, i.fits]), [[3, 9], [1, 3]]);
    assert.ok(lr.iterations[0].n_resources * 3 <= lr.iterations[1].n_resources + 2, JSON.stringify(lr.iterations));
    assert.equal(lr.fits, 9 + 3 + 1);
    for (const m of report.models) assert.equal(m.search.fits, m.search.iterations.reduce((n: number, i: { fits: number }) => n + i.fits, 1), m.name);
    // 2 forest depths < factor 3: one comparison on all rows, the grid's scores
    const grid = JSON.parse(readFileSync(join(quick, 'report.json'), 'utf8'));
    const rf = (rep: { models: { name: string; cv: unknown }[] }) => rep.models.find((m) => m.name === 'random_forest')!;
    assert.deepEqual(rf(report).cv, rf(grid).cv);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(html, /halving \(factor 3\): 3 on \d+ rows → 1 on \d+ rows; 13 fits/);
    assert.match(readFileSync(join(quick, 'report.html'), 'utf8'), /grid, 10 fits/);
  });

  it('an unknown --search is a usage error naming the option', () => {
    const r = cli(['run', '--mode', 'quick', '--search', 'random', '--out', join(tmp, 'bad-search')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /INVALID_ARGUMENT[^]*Argument: search, Given: "random", Choices: "grid", "halving"/);
    assert.ok(!existsSync(join(tmp, 'bad-search')), 'nothing written');
  });

  it('predict ranks candidate movies for a user from the artifacts (--json)', () => {
    const at = ['--hour', '21', '--timestamp', '1700000000']; // a fixed moment: time features must match across runs
    const r = cli(['predict', '--model', quick, '--user', '1', '--movies', '1,2,3,4,5', '--json', ...at]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.predictions.length, 5);
    const p = doc.predictions.map((x: { probability: number }) => x.probability);
    assert.deepEqual(p, [...p].sort((a: number, b: number) => b - a));
    const again = JSON.parse(cli(['predict', '--model', quick, '--user', '1', '--movies', '1,2,3,4,5', '--json', ...at, '--backend', 'wasm']).stdout);
    again.predictions.forEach((x: { probability: number }, i: number) => assert.ok(Math.abs(x.probability - p[i]) < 1e-6));
  });

  it('predict errors name the problem', () => {
    const unknownUser = cli(['predict', '--model', quick, '--user', '99999', '--json']);
    assert.equal(unknownUser.code, 2);
    assert.match(JSON.parse(unknownUser.stdout).error.message, /unknown user 99999/);
    const badIds = cli(['predict', '--model', quick, '--user', '1', '--movies', '1,x']);
    assert.equal(badIds.code, 2);
    assert.match(badIds.stderr, /--movies: "x"/);
    for (const [flags, needle] of [
      [['--user', 'abc'], /--user must be an integer/],
      [['--user', '1e300'], /--user must be an integer in -2147483648\.\.2147483647/],
      [['--user', '1', '--timestamp', '1e308'], /--timestamp .* in 0\.\.253402300799/],
      [['--user', '1', '--timestamp', '-1'], /--timestamp/],
      [['--user', '1', '--movies', '1,,2'], /--movies: "" is not an integer/],
      [['--user', '1', '--movies', '1,99999999999'], /--movies: 99999999999 must be an integer in/],
    ] as const) {
      const r = cli(['predict', '--model', quick, ...flags, '--json']);
      assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
      const err = JSON.parse(r.stdout).error;
      assert.equal(err.code, 'INVALID_ARGUMENT');
      assert.match(err.message, needle);
    }
    const noDir = cli(['predict', '--model', join(tmp, 'nope'), '--user', '1']);
    assert.equal(noDir.code, 1);
    assert.match(noDir.stderr, /IO.*manifest.json/);
  });

  it('generate -> train from CSV -> evaluate on the same files', () => {
    const data = join(tmp, 'csv');
    const art = join(tmp, 'csv-art');
    const g = cli(['generate', '--mode', 'demo', '--out', data, '--seed', '3', '--json']);
    assert.equal(g.code, 0, g.stderr);
    assert.ok(JSON.parse(g.stdout).interactions > 0);
    const t = cli(['train', '--data', data, '--mode', 'demo', '--out', art, '--json', '--split', 'temporal']);
    assert.equal(t.code, 0, t.stderr);
    assert.ok(JSON.parse(t.stdout).bayes_auc > 0.5, 'p_like survives the CSV round trip');
    const e = cli(['evaluate', '--model', art, '--source', 'csv', '--data', data, '--json']);
    assert.equal(e.code, 0, e.stderr);
    const doc = JSON.parse(e.stdout);
    assert.equal(doc.models.length, 3);
    assert.equal(doc.models[0].skipped_unknown, 0);
  });

  it('a malformed CSV is an INVALID_DATA error naming file, line and column', () => {
    const data = join(tmp, 'bad');
    assert.equal(cli(['generate', '--mode', 'demo', '--out', data]).code, 0);
    const ratings = join(data, 'ratings.csv');
    const lines = readFileSync(ratings, 'utf8').split('\n');
    const header = (lines[0] as string).split(',');
    const col = header.indexOf('rating');
    const cells = (lines[3] as string).split(',');
    cells[col] = 'six';
    lines[3] = cells.join(',');
    writeFileSync(ratings, lines.join('\n'));
    const r = cli(['train', '--data', data, '--mode', 'demo', '--out', join(tmp, 'bad-art'), '--json']);
    assert.equal(r.code, 1);
    const err = JSON.parse(r.stdout).error;
    assert.equal(err.code, 'INVALID_DATA');
    assert.match(err.message, /ratings\.csv.*line 4.*rating/);
    assert.ok(!existsSync(join(tmp, 'bad-art')), 'no partial artifacts');
  });

  it('run --search-rows N: each search sees a stratified N-row sample, the best configuration is refit on every training row', () => {
    const out = join(tmp, 'search-rows');
    const r = cli(['run', '--mode', 'demo', '--search-rows', '800', '--json', '--out', out, '--seed', '3']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /grid search, \d+ configs x 3 folds on 800 rows/);
    assert.match(r.stderr, /refit of the best configuration on all \d+ rows/);
    // Each refit on all rows counts its trees (the search's own fits end with the sample's refit).
    const trees = r.stderr.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.event === 'trees' && e.stage === 'refit');
    for (const model of ['random_forest', 'gradient_boosting']) {
      const mine = trees.filter((e) => e.model === model);
      assert.ok(mine.length > 0, `${model}: refit trees reported`);
      assert.equal(mine.at(-1).trees_done, mine.at(-1).trees_total);
    }
    assert.ok(!trees.some((e) => e.model === 'logistic_regression'), 'no tree counter for logistic regression');
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    assert.equal(report.config.search_rows, 800);
    assert.ok(report.split.train > 800, `demo training rows ${report.split.train}`);
    for (const m of report.models) assert.equal(m.search_rows, 800, m.name);
    // The collaborative search keeps the budget: candidates compared on whole sampled users' rows.
    const sample = report.collab.search_sample;
    assert.ok(sample.rows >= 800 && sample.rows < report.split.train && sample.users > 0, JSON.stringify(sample));
    assert.match(readFileSync(join(out, 'report.html'), 'utf8'), new RegExp(`compared on the ${sample.rows} training rows of ${sample.users} sampled users`));
    const bad = cli(['run', '--mode', 'demo', '--search-rows', '10', '--json', '--out', join(tmp, 'search-rows-bad')]);
    assert.equal(bad.code, 2);
    assert.match(JSON.parse(bad.stdout).error.message, /--search-rows must be an integer >= 100, got 10/);
    assert.ok(!existsSync(join(tmp, 'search-rows-bad')), 'no artifacts from a refused run');
  });

  it('bad flags are usage errors', () => {
    assert.equal(cli(['run', '--mode', 'huge']).code, 2);
    assert.equal(cli(['run', '--source', 'csv']).code, 2);
    assert.equal(cli(['run', '--test-fraction', '1.5', '--mode', 'demo', '--out', join(tmp, 'x')]).code, 2);
  });
});
