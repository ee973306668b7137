/** Data too small or one-sided to train and evaluate on is refused early with INVALID_DATA naming the counts. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadCsvDataset } from '../../ts/src/data/csv.js';
import { MlError } from '../../ts/src/engine/errors.js';
import { loadEngine } from '../../ts/src/engine/index.js';
import { minPerClass, splitDataset } from '../../ts/src/pipeline/split.js';
import { runPipeline } from '../../ts/src/pipeline/job.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'mp-small-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** A CSV folder with users 1-4, movies 10-40 and the given `user,movie,rating[,timestamp]` rows. */
function csvDir(rows: string[], header = 'user_id,movie_id,rating'): string {
  const dir = join(root, `case-${counter++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'users.csv'), 'user_id,age\n1,30\n2,45\n3,22\n4,61\n');
  writeFileSync(join(dir, 'movies.csv'), 'movie_id,title\n10,A\n20,B\n30,C\n40,D\n');
  writeFileSync(join(dir, 'ratings.csv'), `${header}\n${rows.join('\n')}\n`);
  return dir;
}

/** `n` ratings cycling over users and movies, liked (5) or not (2) by `like(i)`. */
const ratings = (n: number, like: (i: number) => boolean) => Array.from({ length: n }, (_, i) => `${(i % 4) + 1},${((i % 4) + 1) * 10},${like(i) ? 5 : 2}`);

function invalidData(...parts: string[]) {
  return (e: unknown) => {
    assert.ok(e instanceof MlError, `not an MlError: ${String(e)}`);
    assert.equal(e.code, 'INVALID_DATA', e.message);
    for (const p of parts) assert.ok(e.message.includes(p), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(p)}`);
    return true;
  };
}

describe('too little or one-sided data', () => {
  it('needs per class the cross-validation folds plus one test row', () => {
    assert.equal(minPerClass(0.2, 3), 4);
    assert.equal(minPerClass(0.2, 5), 6);
    assert.equal(minPerClass(0.5, 3), 6);
    assert.equal(minPerClass(0.1, 3), 5); // round(0.1 * 5) = 1 test row
  });

  it('refuses 1, 2 or 3 ratings and a single class before the split is used', () => {
    const split = (rows: string[]) => () => splitDataset(loadCsvDataset({ dir: csvDir(rows) }), 'random', 0.2, 1, 3);
    assert.throws(split(['1,10,5']), invalidData('1 interaction, source csv', 'no not-liked (rating < 4 or liked = 0) interactions'));
    assert.throws(split(['1,10,5', '2,20,2']), invalidData('too few interactions for a train/test split', 'each class needs at least 4', 'there are 1 liked and 1 not liked'));
    assert.throws(split(ratings(3, (i) => i > 0)), invalidData('there are 2 liked and 1 not liked'));
    assert.throws(split(ratings(12, () => true)), invalidData('12 interactions', 'no not-liked'));
    assert.throws(split(ratings(12, () => false)), invalidData('no liked (rating >= 4 or liked = 1)'));
    // enough of each: fine (and without `folds` nothing is checked)
    const ok = splitDataset(loadCsvDataset({ dir: csvDir(ratings(8, (i) => i % 2 === 0)) }), 'random', 0.2, 1, 3);
    assert.deepEqual([ok.train.length, ok.test.length], [6, 2]);
    assert.equal(splitDataset(loadCsvDataset({ dir: csvDir(['1,10,5']) }), 'random', 0.2, 1).train.length, 1);
  });

  it('checks the parts of the split it made (temporal: the latest ratings of each user go to test)', () => {
    // one user, 16 ratings: the 3 latest are the only liked ones, so training has no liked rating left
    const rows = Array.from({ length: 16 }, (_, i) => `1,10,${i >= 12 ? 5 : 2},${1_600_000_000 + i}`);
    const ds = loadCsvDataset({ dir: csvDir(rows, 'user_id,movie_id,rating,timestamp') });
    assert.throws(() => splitDataset(ds, 'temporal', 0.2, 1, 3), invalidData('after the temporal split the training set has 1 liked and 12 not liked', '3-fold cross-validation needs at least 3 of each'));
    const late = Array.from({ length: 20 }, (_, i) => `1,10,${i < 10 ? 5 : 2},${1_600_000_000 + i}`);
    const ds2 = loadCsvDataset({ dir: csvDir(late, 'user_id,movie_id,rating,timestamp') });
    assert.throws(() => splitDataset(ds2, 'temporal', 0.2, 1, 3), invalidData('the test set has 0 liked and 4 not liked', 'evaluation needs at least 1 of each'));
  });

  it('runPipeline fails before writing artifacts', async () => {
    const out = join(root, 'out-pipeline');
    const run = runPipeline({ mode: 'demo', seed: 1, source: { kind: 'csv', dir: csvDir(['1,10,5']) }, split: 'random', testFraction: 0.2, out, engine: loadEngine('native') });
    await assert.rejects(run, invalidData('no not-liked'));
    assert.equal(existsSync(out), false);
  });

  it('moviepref train exits 1 with INVALID_DATA and creates no output folder', () => {
    const out = join(root, 'out-cli');
    const args = ['train', '--source', 'csv', '--data', csvDir(['1,10,5', '2,20,2', '3,30,4']), '--out', out, '--json'];
    const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'ts/src/cli/main.ts'), ...args], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.error.code, 'INVALID_DATA');
    assert.match(doc.error.message, /too few interactions for a train\/test split: each class needs at least 4 .* there are 2 liked and 1 not liked/);
    assert.equal(existsSync(out), false);
  });
});
