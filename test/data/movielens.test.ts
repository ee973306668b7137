import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { MlError } from '../../ts/src/engine/errors.js';
import { loadMovieLens100k } from '../../ts/src/data/movielens.js';

const tiny = fileURLToPath(new URL('../fixtures/movielens-tiny', import.meta.url));
const real = fileURLToPath(new URL('../../../shared/data/movielens-100k', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'mp-ml-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of the tiny fixture with one file replaced. */
function corrupt(file: string, edit: (text: string) => string): string {
  const dir = join(tmp, `${file}-${Math.random().toString(36).slice(2)}`);
  cpSync(tiny, dir, { recursive: true });
  writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'latin1')), 'latin1');
  return dir;
}

function rejects(dir: string, message: string) {
  assert.throws(
    () => loadMovieLens100k(dir),
    (e: unknown) => e instanceof MlError && e.code === 'INVALID_DATA' && e.message.includes(message) ? true : assert.fail(`got ${String(e)}`),
  );
}

describe('MovieLens 100K loader', () => {
  it('loads the tiny fixture', () => {
    const ds = loadMovieLens100k(tiny);
    assert.equal(ds.source, 'movielens-100k');
    assert.equal(ds.genres.length, 19);
    assert.equal(ds.genres[0], 'unknown');
    const { users: u, movies: m, interactions: r } = ds;
    assert.deepEqual([u.n, m.n, r.n], [4, 5, 10]);
    assert.deepEqual([...u.id], [1, 2, 3, 4]);
    assert.deepEqual([...u.age], [24, 53, 31, 19]);
    assert.deepEqual(u.gender.levels, ['F', 'M']);
    assert.deepEqual(u.region.codes.reduce((a: string[], c) => [...a, u.region.levels[c]!], []), ['8', '9', 'other', '0']);
    assert.deepEqual(u.occupation.levels, ['other', 'student', 'technician', 'writer']);
    assert.deepEqual([...u.subscription.codes], [-1, -1, -1, -1]);
    assert.ok(Number.isNaN(u.signupDay[0]!) && Number.isNaN(u.activity[0]!));
    assert.equal(m.title[2], 'Café Lumière (1962)');
    assert.deepEqual([...m.releaseYear.slice(0, 3)], [1995, 1997, 1962]);
    assert.ok(Number.isNaN(m.releaseYear[3]!));
    const names = (mask: number) => ds.genres.filter((_, g) => (mask >>> g) & 1);
    assert.deepEqual(names(m.genres[0]!), ['Animation', "Children's", 'Comedy']);
    assert.deepEqual(names(m.genres[4]!), ['Action', 'War', 'Western']);
    assert.deepEqual(names(m.genres[3]!), ['unknown']);
    assert.ok(Number.isNaN(m.imdbRating[0]!) && m.budget.codes[0] === -1);
    assert.deepEqual([...r.rating], [5, 3, 4, 5, 2, 1, 3, 4, 5, 2]);
    assert.deepEqual([...r.liked], [1, 0, 1, 1, 0, 0, 0, 1, 1, 0]);
    assert.equal(r.timestamp[0], 881250949);
    assert.equal(r.pTrue, null);
    assert.ok(Number.isNaN(r.hour[0]!));
  });

  it('names file, line and column for malformed rows', () => {
    rejects(corrupt('u.data', (t) => t.replace('1\t2\t3\t', '1\t2\tx\t')), 'u.data line 2, column "rating": "x" is not a number');
    rejects(corrupt('u.data', (t) => t.replace('1\t2\t3\t', '1\t2\t7\t')), 'u.data line 2, column "rating": 7 is out of range [1, 5]');
    rejects(corrupt('u.data', (t) => t.replace('2\t5\t2\t', '2\t55\t2\t')), 'u.data line 5, column "item_id": unknown item_id 55 (not in u.item)');
    rejects(corrupt('u.data', (t) => t + '3\t1\n'), 'u.data line 11, column "rating": missing value');
    rejects(corrupt('u.user', (t) => t.replace('2|53|', '2|old|')), 'u.user line 2, column "age": "old" is not a number');
    rejects(corrupt('u.user', (t) => t + '1|20|M|writer|12345\n'), 'u.user line 5, column "user_id": duplicate user_id 1');
    rejects(corrupt('u.item', (t) => t.replace('14-Mar-1997', 'March 1997')), 'u.item line 2, column "release_date": "March 1997" is not a date');
    rejects(corrupt('u.item', (t) => t.replace('/5|0|1|', '/5|0|2|')), 'u.item line 5, column "Action": "2" is not a 0/1 genre flag');
    rejects(corrupt('u.data', (t) => t.replaceAll('\n', '\r')), 'u.data line 1: the file uses CR-only line endings');
    assert.throws(() => loadMovieLens100k(join(tmp, 'absent')), (e: unknown) => e instanceof MlError && e.code === 'IO');
  });

  const reason = existsSync(join(real, 'u.data')) ? false : `MovieLens 100K not found at ${real}`;
  it('loads the real MovieLens 100K (943 users, 1682 movies, 100000 ratings)', { skip: reason }, (t) => {
    const ds = loadMovieLens100k(real);
    assert.equal(ds.users.n, 943);
    assert.equal(ds.movies.n, 1682);
    assert.equal(ds.interactions.n, 100000);
    assert.equal(ds.genres.length, 19);
    let liked = 0;
    for (let i = 0; i < ds.interactions.n; i++) liked += ds.interactions.liked[i]!;
    t.diagnostic(`MovieLens 100K like rate (rating >= 4): ${liked / ds.interactions.n}`);
    assert.equal(liked, 55375);
    assert.equal(ds.users.occupation.levels.length, 21);
    assert.ok(ds.movies.title.includes('Toy Story (1995)'));
  });
});
