/** CLI progress arithmetic and rendering: ETA from the engine's counts, about one line per tenth of a grid search. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crossesTenth, etaSeconds, formatSeconds, Progress } from '../../ts/src/cli/progress.js';
import type { CollabFit, CollabSpec } from '../../ts/src/features/collab.js';
import { collabFeatures, collabFitCount } from '../../ts/src/features/collab-search.js';
import { oofFolds } from '../../ts/src/features/folds.js';
import { COLLAB_GRIDS } from '../../ts/src/pipeline/kinds.js';
import { tinyDataset } from '../features/tiny.js';

/** What `fn` writes to stderr, one entry per line. */
function stderrOf(fn: () => void): string[] {
  const write = process.stderr.write;
  const lines: string[] = [];
  process.stderr.write = ((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  }) as typeof process.stderr.write;
  try {
    fn();
  } finally {
    process.stderr.write = write;
  }
  return lines;
}

describe('progress arithmetic', () => {
  it('ETA = elapsed / done * (total - done); unknown before the first fit', () => {
    assert.equal(etaSeconds(34, 12, 21), (34 / 12) * 9);
    assert.equal(etaSeconds(10, 5, 5), 0);
    assert.equal(etaSeconds(3, 0, 21), null);
  });

  it('a line at each new tenth of the fits, and always at the last', () => {
    const shown: number[] = [];
    let last = 0;
    for (let done = 1; done <= 21; done++) if (crossesTenth(last, done, 21)) shown.push((last = done));
    assert.deepEqual(shown, [3, 5, 7, 9, 11, 13, 15, 17, 19, 21]);
    last = 0;
    const big: number[] = [];
    for (let done = 1; done <= 1000; done++) if (crossesTenth(last, done, 1000)) big.push((last = done));
    assert.deepEqual(big, [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    assert.equal(crossesTenth(5, 5, 10), false, 'a repeated count is not a new line');
  });

  it('formats seconds as 34s / 1m02s', () => {
    assert.equal(formatSeconds(34.2), '34s');
    assert.equal(formatSeconds(62), '1m02s');
    assert.equal(formatSeconds(null), '?');
  });
});

describe('Progress rendering', () => {
  const events = (p: Progress, model: string, total: number) => {
    p.step(`${model}: grid search`);
    for (let done = 1; done <= total; done++) p.fits({ model, fits_done: done, fits_total: total });
  };

  it('not a terminal: step lines plus about ten fits lines per grid search', () => {
    const lines = stderrOf(() => {
      const p = new Progress({ tty: false });
      events(p, 'random_forest', 41);
      events(p, 'gradient_boosting', 5);
      p.done();
    });
    const fits = (m: string) => lines.filter((l) => l.includes(`${m}: `) && l.includes(' fits,')).map((l) => Number(/(\d+)\/\d+ fits/.exec(l)![1]));
    assert.deepEqual(fits('random_forest'), [5, 9, 13, 17, 21, 25, 29, 33, 37, 41]);
    assert.deepEqual(fits('gradient_boosting'), [1, 2, 3, 4, 5]);
    assert.ok(lines.some((l) => /^\[\d+\.\ds\] random_forest: grid search$/.test(l)));
    assert.match(lines.find((l) => l.includes('41/41'))!, /41\/41 fits, \d+s elapsed, ETA 0s/);
  });

  it('the trees of a refit are a counter of their own: a new clock after the search, lines in trees', () => {
    const lines = stderrOf(() => {
      const p = new Progress({ tty: false });
      events(p, 'random_forest', 5);
      p.step('random_forest: refit of the best configuration on all 400000 rows');
      for (let done = 1; done <= 200; done++) p.fits({ model: 'random_forest', stage: 'refit', trees_done: done, trees_total: 200 });
      p.done();
    });
    const trees = lines.filter((l) => l.includes('random_forest refit: ')).map((l) => Number(/(\d+)\/200 trees/.exec(l)![1]));
    assert.deepEqual(trees, [20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
    assert.equal(lines.filter((l) => l.includes(' fits,')).length, 5, 'the search\'s own lines are untouched');
  });

  it('--json: one parseable event per line with the documented fields', () => {
    const lines = stderrOf(() => {
      const p = new Progress({ json: true, tty: true });
      events(p, 'logistic_regression', 20);
      p.done();
    });
    const docs = lines.map((l) => JSON.parse(l));
    assert.deepEqual(Object.keys(docs[0]), ['event', 'message', 'elapsed_s']);
    const fits = docs.filter((d) => d.event === 'fits');
    assert.deepEqual(fits.map((d) => d.fits_done), [2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    for (const d of fits) {
      assert.deepEqual(Object.keys(d), ['event', 'model', 'fits_done', 'fits_total', 'elapsed_s', 'eta_s']);
      assert.ok(Math.abs(d.eta_s - (d.elapsed_s / d.fits_done) * (20 - d.fits_done)) < 0.01);
    }
  });
});

describe('collaborative search progress', () => {
  const specs: CollabSpec[] = [
    { kind: 'mf', params: { seed: 1 } },
    { kind: 'item_knn', params: {} },
  ];

  it('fits per run: feature folds (5) x (2 targets x |MF grid| + |kNN grid|) + one refit per model', () => {
    assert.equal(collabFitCount(specs, COLLAB_GRIDS.full, 5, 2), 5 * (2 * 6 + 6) + 2);
    assert.equal(collabFitCount(specs, COLLAB_GRIDS.quick, 5, 2), 32);
    assert.equal(collabFitCount(specs, COLLAB_GRIDS.demo, 5, 2), 17);
    assert.equal(collabFitCount(specs, COLLAB_GRIDS.quick, 5, 1), 5 * (2 + 2) + 2, 'data without star ratings: one target');
  });

  it('counts every fit it makes: done 1, 2, ... up to the total, which never changes', async () => {
    let calls = 0;
    // A constant model with the parts of each kind: the count is what is under test, not the scores.
    const fit: CollabFit = async (_r, spec) => {
      calls++;
      const names = spec.kind === 'mf' ? ['score', 'user_bias', 'item_bias', 'dot', 'known_user', 'known_item'] : ['score', 'baseline', 'neighbours', 'similarity_mass', 'known_user', 'known_item'];
      const parts = (u: Int32Array) => ({ names, x: new Float32Array(names.length * u.length).map((_, k) => (k % 7) / 7) });
      return { parts, predict: (u: Int32Array) => parts(u).x.subarray(0, u.length), toBytes: () => new Uint8Array(0) };
    };
    const ds = tinyDataset(40, 30, 600, 5, 'genre');
    const all = Uint32Array.from({ length: ds.interactions.n }, (_, i) => i);
    const split = { train: all.filter((i) => i % 4 !== 0), test: all.filter((i) => i % 4 === 0) };
    const seen: [number, number][] = [];
    await collabFeatures(ds, split, oofFolds(split.train.length, 5, 1), { fit, specs, grid: COLLAB_GRIDS.quick, onFit: (d, t) => seen.push([d, t]) });
    assert.equal(calls, 32);
    assert.deepEqual(seen, Array.from({ length: 32 }, (_, i) => [i + 1, 32]));
  });

  it('renders as one more counter: lines named "collaborative" before the grid searches', () => {
    const lines = stderrOf(() => {
      const p = new Progress({ tty: false });
      p.step('collaborative: searching mf, item_knn over 5 folds of the training rows');
      for (let done = 1; done <= 32; done++) p.fits({ model: 'collaborative', fits_done: done, fits_total: 32 });
      p.step('logistic_regression: grid search');
      p.fits({ model: 'logistic_regression', fits_done: 1, fits_total: 4 });
      p.done();
    });
    const counts = lines.filter((l) => l.includes('collaborative: ') && l.includes(' fits,')).map((l) => Number(/(\d+)\/32 fits/.exec(l)![1]));
    assert.deepEqual(counts, [4, 7, 10, 13, 16, 20, 23, 26, 29, 32]);
    assert.ok(lines.some((l) => l.includes('logistic_regression: 1/4 fits')));
  });
});
