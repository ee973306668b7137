import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MlError } from '../../ts/src/engine/errors.js';
import { type CsvLoadOptions, loadCsvDataset, writeCsvDataset } from '../../ts/src/data/csv.js';
import { SIZES, generateDataset } from '../../ts/src/data/synth.js';

const root = mkdtempSync(join(tmpdir(), 'mp-csv-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

const USERS = 'user_id,age,gender\n1,30,F\n2,45,M\n';
const MOVIES = 'movie_id,title,genres\n10,Alpha,Action|Drama\n20,Beta,Comedy\n';
const RATINGS = 'user_id,movie_id,rating\n1,10,5\n2,20,2\n1,20,4\n';

/** Writes the three files (defaults are valid) into a fresh folder and returns it. */
function files(over: { users?: string; movies?: string; ratings?: string } = {}): string {
  const dir = join(root, `case-${counter++}`);
  writeCsvFiles(dir, { users: USERS, movies: MOVIES, ratings: RATINGS, ...over });
  return dir;
}

function writeCsvFiles(dir: string, f: { users: string; movies: string; ratings: string }) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(f)) writeFileSync(join(dir, `${name}.csv`), text);
}

function rejects(dir: string, code: string, message: string, opts?: CsvLoadOptions) {
  assert.throws(
    () => loadCsvDataset({ dir }, opts),
    (e: unknown) => {
      assert.ok(e instanceof MlError, `not an MlError: ${String(e)}`);
      assert.equal(e.code, code, e.message);
      assert.ok(e.message.includes(message), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(message)}`);
      return true;
    },
  );
}

describe('CSV datasets', () => {
  it('round-trips a generated dataset exactly (write -> load)', () => {
    const ds = generateDataset({ ...SIZES.demo, seed: 11 });
    const dir = join(root, 'roundtrip');
    writeCsvDataset(ds, dir);
    writeCsvDataset(ds, dir); // overwriting is fine
    assert.deepEqual(readdirSync(dir).sort(), ['movies.csv', 'ratings.csv', 'users.csv']);
    const back = loadCsvDataset({ dir });
    assert.equal(back.source, 'csv');
    assert.deepEqual(back.genres, ds.genres);
    assert.deepEqual(back.users, ds.users);
    assert.deepEqual(back.movies, ds.movies);
    assert.deepEqual(back.interactions, ds.interactions);
    assert.ok(readFileSync(join(dir, 'ratings.csv'), 'utf8').startsWith('user_id,movie_id,rating,liked,timestamp,device,hour,p_like\n'));
  });

  it('writes atomically: a failed write leaves no file behind', () => {
    const ds = generateDataset({ ...SIZES.demo, seed: 11 });
    const blocker = join(root, 'not-a-dir');
    writeFileSync(blocker, 'x');
    assert.throws(() => writeCsvDataset(ds, blocker), (e: unknown) => e instanceof MlError && e.code === 'IO');
    const dir = join(root, 'atomic');
    mkdirSync(join(dir, 'ratings.csv'), { recursive: true }); // the final rename of ratings.csv fails
    assert.throws(() => writeCsvDataset(ds, dir), (e: unknown) => e instanceof MlError && e.code === 'IO');
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  });

  it('loads optional columns, missing values and liked-only ratings', () => {
    const dir = files({
      users: 'user_id,age,subscription,signup_date,favorite_genres,activity_level\n1,NA,premium,2021-03-04,Drama|Action,0.5\n2,,basic,NaN,,\n',
      ratings: 'user_id,movie_id,liked,timestamp,device,hour,p_like\n1,10,1,2021-05-01T10:30:00Z,tv,22,0.8\n2,20,0,1620000000,,NA,\n',
    });
    const ds = loadCsvDataset({ dir });
    assert.deepEqual(ds.genres, ['Action', 'Comedy', 'Drama']);
    assert.ok(Number.isNaN(ds.users.age[0]!) && Number.isNaN(ds.users.age[1]!));
    assert.deepEqual(ds.users.subscription.levels, ['basic', 'standard', 'premium']);
    assert.deepEqual([...ds.users.subscription.codes], [2, 0]);
    assert.equal(ds.users.signupDay[0], Date.UTC(2021, 2, 4) / 86_400_000);
    assert.deepEqual([...ds.users.favoriteGenres], [0b101, 0]);
    assert.deepEqual([...ds.movies.genres], [0b101, 0b010]);
    assert.ok(Number.isNaN(ds.interactions.rating[0]!));
    assert.deepEqual([...ds.interactions.liked], [1, 0]);
    assert.deepEqual([...ds.interactions.timestamp], [Date.UTC(2021, 4, 1, 10, 30) / 1000, 1620000000]);
    assert.deepEqual([...ds.interactions.device.codes], [1, -1]);
    assert.equal(ds.interactions.pTrue?.[0], 0.8);
    assert.ok(Number.isNaN(ds.interactions.pTrue![1]!));
    assert.equal(ds.users.gender.levels.length, 0);
    assert.ok(Number.isNaN(ds.movies.imdbRating[0]!));
  });

  it('derives liked = rating >= 4 and maps renamed columns', () => {
    const dir = files({
      users: 'uid,age\n1,30\n2,40\n',
      ratings: 'uid,film,stars,when\n1,10,4,100\n2,20,3.5,200\n',
    });
    const columns = { users: { user_id: 'uid' }, ratings: { user_id: 'uid', movie_id: 'film', rating: 'stars', timestamp: 'when' } };
    const ds = loadCsvDataset({ dir }, { columns });
    assert.deepEqual([...ds.interactions.rating], [4, 3.5]);
    assert.deepEqual([...ds.interactions.liked], [1, 0]);
    assert.deepEqual([...ds.interactions.timestamp], [100, 200]);
    assert.deepEqual([...ds.users.id], [1, 2]);
    rejects(dir, 'INVALID_DATA', 'users.csv line 1, column "user_id": required column is missing (found: "uid", "age")');
    rejects(dir, 'INVALID_DATA', 'ratings.csv line 1, column "clicks": column mapped to schema column "liked" is not in the header', {
      columns: { ...columns, ratings: { ...columns.ratings, liked: 'clicks' } },
    });
    assert.throws(() => loadCsvDataset({ dir }, { columns: { users: { userid: 'uid' } } }), (e: unknown) => e instanceof MlError && e.code === 'INVALID_ARGUMENT');
  });

  it('honors RFC 4180 quoting, CRLF line ends and a byte-order mark', () => {
    const dir = files({
      movies: '\ufeffmovie_id,title,genres\r\n10,"Alpha, the ""first""",Action\r\n20,"Two\r\nlines",Comedy\r\n',
      ratings: 'user_id,movie_id,rating\n1,10,5\n1,20,x\n',
    });
    rejects(dir, 'INVALID_DATA', 'ratings.csv line 3, column "rating": "x" is not a number');
    writeFileSync(join(dir, 'ratings.csv'), RATINGS);
    const ds = loadCsvDataset({ dir });
    assert.deepEqual(ds.movies.title, ['Alpha, the "first"', 'Two\nlines']);
    assert.deepEqual([...ds.movies.id], [10, 20]);
    // a multi-line record: errors after it still name the physical line
    writeFileSync(join(dir, 'movies.csv'), 'movie_id,title,release_year\n10,"a\nb\nc",1999\n20,x,19x9\n');
    rejects(dir, 'INVALID_DATA', 'movies.csv line 5, column "release_year": "19x9" is not a number');
    const w = generateDataset({ users: 3, movies: 2, interactions: 4, seed: 1 });
    w.movies.title[0] = 'Comma, "quote"\nand newline';
    writeCsvDataset(w, join(dir, 'w'));
    assert.equal(loadCsvDataset({ dir: join(dir, 'w') }).movies.title[0], 'Comma, "quote"\nand newline');
  });

  it('reports every kind of bad content with file, line and column', () => {
    const cases: [Partial<Record<'users' | 'movies' | 'ratings', string>>, string][] = [
      [{ ratings: 'user_id,movie_id,rating\n1,10,5\n2,20,six\n' }, 'ratings.csv line 3, column "rating": "six" is not a number'],
      [{ ratings: 'user_id,movie_id,rating\n1,10,6\n' }, 'ratings.csv line 2, column "rating": 6 is out of range [1, 5]'],
      [{ ratings: 'user_id,movie_id,rating\n1,10,0.5\n' }, 'ratings.csv line 2, column "rating": 0.5 is out of range [1, 5]'],
      [{ ratings: 'user_id,movie_id,liked\n1,10,1\n1,20,yes\n' }, 'ratings.csv line 3, column "liked": "yes" is not 0 or 1'],
      [{ ratings: 'user_id,movie_id,rating\n1,10,5\n7,10,3\n' }, 'ratings.csv line 3, column "user_id": unknown user_id 7 (not in users.csv)'],
      [{ ratings: 'user_id,movie_id,rating\n1,99,5\n' }, 'ratings.csv line 2, column "movie_id": unknown movie_id 99 (not in movies.csv)'],
      [{ users: 'user_id,age\n1,30\n2,31\n1,32\n' }, 'users.csv line 4, column "user_id": duplicate user_id 1 (first on line 2)'],
      [{ movies: 'movie_id,title\n10,a\n10,b\n' }, 'movies.csv line 3, column "movie_id": duplicate movie_id 10 (first on line 2)'],
      [{ movies: 'id,title\n10,a\n' }, 'movies.csv line 1, column "movie_id": required column is missing (found: "id", "title")'],
      [{ ratings: 'user_id,movie_id,stars\n1,10,5\n' }, 'ratings.csv line 1, column "rating": needs a "rating" (1-5) or "liked" (0/1) column (found: "user_id", "movie_id", "stars")'],
      [{ ratings: 'user_id,movie_id,rating,liked\n1,10,,\n' }, 'ratings.csv line 2, column "liked": neither a rating nor a liked label is given'],
      [{ users: '' }, 'users.csv line 1, column "user_id": the file is empty'],
      [{ ratings: 'user_id,movie_id,rating\n' }, 'ratings.csv line 2, column "user_id": the file has a header but no data rows'],
      [{ ratings: 'user_id,movie_id,rating\n1,10\n' }, 'ratings.csv line 2, column "rating": missing value: the row has 2 fields, the header has 3'],
      [{ ratings: 'user_id,movie_id,rating\n1,10,5,9\n' }, 'ratings.csv line 2, column "#4": the row has 4 fields, the header has 3'],
      [{ movies: 'movie_id,title\n10,"open\n20,b\n' }, 'movies.csv line 2, column "title": a quoted field is never closed'],
      [{ movies: 'movie_id,title\n10,ab"c\n' }, 'movies.csv line 2, column "title": a quote inside an unquoted field'],
      [{ users: 'user_id,signup_date\n1,2021-02-30\n2,2021-01-01\n' }, 'users.csv line 2, column "signup_date": "2021-02-30" is not an ISO date'],
      [{ ratings: 'user_id,movie_id,rating,timestamp\n1,10,5,yesterday\n' }, 'ratings.csv line 2, column "timestamp": "yesterday" is not unix seconds or an ISO datetime'],
      [{ ratings: 'user_id,movie_id,rating,hour\n1,10,5,24\n' }, 'ratings.csv line 2, column "hour": 24 is out of range [0, 24)'],
      [{ users: 'user_id,age\n1.5,30\n' }, 'users.csv line 2, column "user_id": 1.5 is not a 32-bit integer id'],
      [{ users: 'user_id,age,age\n1,30,30\n' }, 'users.csv line 1, column "age": duplicate column name in the header'],
    ];
    for (const [over, message] of cases) rejects(files(over), 'INVALID_DATA', message);
  });

  it('reports unreadable inputs as IO and bad arguments as INVALID_ARGUMENT', () => {
    const dir = files();
    rmSync(join(dir, 'movies.csv'));
    rejects(dir, 'IO', 'movies.csv');
    rejects(join(root, 'nowhere'), 'IO', 'nowhere');
    assert.throws(() => loadCsvDataset({} as never), (e: unknown) => e instanceof MlError && e.code === 'INVALID_ARGUMENT');
    const d2 = files();
    const ds = loadCsvDataset({ users: join(d2, 'users.csv'), movies: join(d2, 'movies.csv'), ratings: join(d2, 'ratings.csv') });
    assert.equal(ds.interactions.n, 3);
  });
});
