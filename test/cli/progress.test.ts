/** Progress of `run` as a user sees it off a terminal: fits lines from the engine's grid-search reports; JSON events with --json. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cli } from './cli.test.js';

const tmp = mkdtempSync(join(tmpdir(), 'mp-progress-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const MODELS = ['logistic_regression', 'random_forest', 'gradient_boosting'];
/** The collaborative step's one counter: quick mode fits 5 feature folds x (2 targets x 2 MF + 2 kNN candidates) + 2 refits. */
const COLLAB = { model: 'collaborative', total: 32 };

describe('moviepref run progress', () => {
  it('not a terminal: per model, fits lines with increasing done counts ending at the total', () => {
    const r = cli(['run', '--mode', 'quick', '--out', join(tmp, 'lines'), '--seed', '5']);
    assert.equal(r.code, 0, r.stderr);
    for (const model of [COLLAB.model, ...MODELS]) {
      const counts = [...r.stderr.matchAll(new RegExp(`${model}: (\\d+)/(\\d+) fits, \\d+s elapsed, ETA \\S+`, 'g'))].map((m) => [Number(m[1]), Number(m[2])]);
      assert.ok(counts.length >= 2, `${model}: ${r.stderr}`);
      const total = counts[0]![1]!;
      assert.ok(counts.every(([, t]) => t === total));
      for (let i = 1; i < counts.length; i++) assert.ok(counts[i]![0]! > counts[i - 1]![0]!, `${model} counts increase`);
      assert.equal(counts.at(-1)![0], total, `${model} ends at ${total}`);
      if (model === COLLAB.model) assert.equal(total, COLLAB.total);
    }
    assert.ok(r.stderr.indexOf('collaborative: ') < r.stderr.indexOf('logistic_regression: '), 'the collaborative step comes before the grid searches');
    assert.match(r.stderr, /^\[\d+\.\ds\] features: /m, 'steps stay one line each');
    assert.match(r.stderr, /^\[\d+\.\ds\] \w+: refit without the collaborative columns on \d+ rows$/m, 'the without-collaborative refit is announced');
    // steps that take seconds at scale are announced before they start, not only after
    const at = (text: string) => r.stderr.indexOf(text);
    assert.ok(at('data: generating ') >= 0 && at('data: generating ') < at(' interactions (synthetic)'), r.stderr);
    assert.ok(at('artifacts: writing ') >= 0 && at('artifacts: writing ') < at('artifacts written to'), r.stderr);
    for (const model of MODELS) assert.match(r.stderr, new RegExp(`^\\[\\d+\\.\\ds\\] ${model}: test evaluation on \\d+ rows, permutation importance on \\d+$`, 'm'));
  });

  it('--json: every stderr line is a JSON event, stdout one JSON document', () => {
    const r = cli(['run', '--mode', 'quick', '--json', '--out', join(tmp, 'json'), '--seed', '5']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).schema, 'moviepref.run/1');
    assert.equal(r.stdout.trim().split('\n').length, 1);
    const events = r.stderr.trim().split('\n').map((l) => JSON.parse(l));
    for (const e of events.filter((e) => e.event === 'step')) {
      assert.equal(typeof e.message, 'string');
      assert.equal(typeof e.elapsed_s, 'number');
    }
    const fits = events.filter((e) => e.event === 'fits');
    const trees = events.filter((e) => e.event === 'trees');
    assert.equal(fits.length + trees.length + events.filter((e) => e.event === 'step').length, events.length);
    // The best model's refit without the collaborative columns is one long fit: its trees are counted too.
    const report = JSON.parse(readFileSync(join(tmp, 'json', 'report.json'), 'utf8'));
    const best = report.models.find((m: { name: string }) => m.name === report.best_model);
    if (typeof best.best_params.n_estimators === 'number') {
      assert.ok(trees.length > 0 && trees.every((e) => e.model === best.name && e.stage === 'refit without collaborative'), JSON.stringify(trees));
      assert.deepEqual(Object.keys(trees[0]), ['event', 'model', 'stage', 'trees_done', 'trees_total', 'elapsed_s', 'eta_s']);
      assert.equal(trees.at(-1).trees_done, best.best_params.n_estimators);
      assert.equal(trees.at(-1).trees_total, best.best_params.n_estimators);
    }
    assert.deepEqual([...new Set(fits.map((e) => e.model))], [COLLAB.model, ...MODELS]);
    for (const model of [COLLAB.model, ...MODELS]) {
      const mine = fits.filter((e) => e.model === model);
      for (const e of mine) {
        assert.ok(Number.isInteger(e.fits_done) && e.fits_done > 0 && e.fits_done <= e.fits_total);
        assert.ok(e.elapsed_s >= 0 && e.eta_s >= 0);
      }
      assert.equal(mine.at(-1).fits_done, mine.at(-1).fits_total);
      assert.equal(mine.at(-1).eta_s, 0);
    }
  });
});
