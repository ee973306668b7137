/** The streaming line reader's limits: line length, non-regular files, CR-only line ends, invalid UTF-8. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, closeSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadCsvDataset } from '../../ts/src/data/csv.js';
import { forEachLine, MAX_LINE_BYTES } from '../../ts/src/data/lines.js';
import { MlError } from '../../ts/src/engine/errors.js';

const root = mkdtempSync(join(tmpdir(), 'mp-lines-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

const USERS = 'user_id,age\n1,30\n2,45\n';
const MOVIES = 'movie_id,title\n10,Alpha\n20,Beta\n';
const RATINGS = 'user_id,movie_id,rating\n1,10,5\n2,20,2\n';

/** A folder with the three files (string or bytes); defaults are valid. */
function files(over: Partial<Record<'users' | 'movies' | 'ratings', string | Uint8Array>> = {}): string {
  const dir = join(root, `case-${counter++}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries({ users: USERS, movies: MOVIES, ratings: RATINGS, ...over })) writeFileSync(join(dir, `${name}.csv`), text);
  return dir;
}

function rejects(f: () => unknown, code: string, ...parts: string[]): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof MlError, `not an MlError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const p of parts) assert.ok(e.message.includes(p), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(p)}`);
    return true;
  });
}

/** Runs `f` and asserts it took less than `ms` milliseconds. */
function fast(ms: number, f: () => void): void {
  const t0 = performance.now();
  f();
  const took = performance.now() - t0;
  assert.ok(took < ms, `took ${took.toFixed(0)} ms (limit ${ms})`);
}

describe('line reader limits', () => {
  it('refuses a line longer than MAX_LINE_BYTES, naming file and line', () => {
    const long = 'x'.repeat(2 * MAX_LINE_BYTES);
    const dir = files({ movies: `movie_id,title\n10,Alpha\n20,${long}\n` });
    fast(2000, () => rejects(() => loadCsvDataset({ dir }), 'INVALID_DATA', 'movies.csv line 3:', `longer than ${MAX_LINE_BYTES} bytes`));
    // a line just under the cap is fine, also when it straddles the 1 MiB read chunks
    const ok = files({ movies: `movie_id,title\n10,${'é'.repeat(MAX_LINE_BYTES / 2 - 8)}\n20,Beta\n` });
    assert.equal(loadCsvDataset({ dir: ok }).movies.title[0]?.length, MAX_LINE_BYTES / 2 - 8);
  });

  it('stops at the cap on a huge file without line ends (bounded memory)', () => {
    const path = join(root, 'sparse.csv');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, 4 * 2 ** 30); // 4 GiB of zero bytes, sparse: no disk used
    closeSync(fd);
    const before = process.memoryUsage().rss;
    fast(2000, () => rejects(() => forEachLine(path, 'utf8', () => {}), 'INVALID_DATA', 'sparse.csv line 1:', 'longer than'));
    assert.ok(process.memoryUsage().rss - before < 64 * 2 ** 20, 'memory grew by more than 64 MiB');
  });

  it('refuses directories, FIFOs and devices with IO instead of blocking or reading forever', () => {
    const dir = files();
    rmSync(join(dir, 'ratings.csv'));
    mkdirSync(join(dir, 'ratings.csv'));
    rejects(() => loadCsvDataset({ dir }), 'IO', 'ratings.csv', 'a directory');
    // FIFO and /dev/zero in a child process: without the fix one blocks in open(), the other never ends
    const fifoDir = files();
    rmSync(join(fifoDir, 'ratings.csv'));
    const fifo = spawnSync('mkfifo', [join(fifoDir, 'ratings.csv')]).status === 0;
    const zeroDir = files();
    rmSync(join(zeroDir, 'ratings.csv'));
    const zero = existsSync('/dev/zero');
    if (zero) symlinkSync('/dev/zero', join(zeroDir, 'ratings.csv'));
    const dirs = [...(fifo ? [fifoDir] : []), ...(zero ? [zeroDir] : [])];
    if (dirs.length === 0) return;
    const csv = fileURLToPath(new URL('../../ts/src/data/csv.ts', import.meta.url));
    const script = `import { loadCsvDataset } from ${JSON.stringify(csv)};
      for (const dir of ${JSON.stringify(dirs)}) {
        try { loadCsvDataset({ dir }); console.log('loaded'); } catch (e) { console.log(e.code + ' ' + e.message); }
      }`;
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 15_000, maxBuffer: 1 << 20 });
    assert.equal(r.status, 0, `child failed or timed out after ${(performance.now() - t0).toFixed(0)} ms: ${r.stderr}`);
    const out = r.stdout.trim().split('\n');
    assert.equal(out.length, dirs.length, r.stdout);
    if (fifo) assert.match(out.shift() as string, /^IO cannot read .*ratings\.csv: it is a FIFO/);
    if (zero) assert.match(out.shift() as string, /^IO cannot read .*ratings\.csv: it is a device/);
  });

  it('detects CR-only (classic Mac) line endings', () => {
    const cr = (s: string) => s.replaceAll('\n', '\r');
    rejects(() => loadCsvDataset({ dir: files({ users: cr(USERS) }) }), 'INVALID_DATA', 'users.csv line 1:', 'CR-only line endings', 'convert it to LF or CRLF');
    const big = `user_id,movie_id,rating\r${'1,10,5\r'.repeat(200_000)}`; // over the line cap: still named CR-only
    fast(2000, () => rejects(() => loadCsvDataset({ dir: files({ ratings: big }) }), 'INVALID_DATA', 'ratings.csv line 1:', 'CR-only line endings'));
    // mixed: CR-only line ends first, then LF; a bare CR in an unquoted field on a later line
    rejects(() => loadCsvDataset({ dir: files({ users: 'user_id,age\r1,30\n2,45\n' }) }), 'INVALID_DATA', 'users.csv line 1:', 'CR-only line endings');
    rejects(() => loadCsvDataset({ dir: files({ movies: 'movie_id,title\n10,a\rb\n' }) }), 'INVALID_DATA', 'movies.csv line 2, column "title": a carriage return inside an unquoted field');
    // CRLF and a CR inside a quoted field stay fine
    const ds = loadCsvDataset({ dir: files({ movies: 'movie_id,title\r\n10,"a\rb"\r\n20,c\r\n' }) });
    assert.deepEqual(ds.movies.title, ['a\rb', 'c']);
  });

  it('refuses invalid UTF-8 naming file, line and column, and accepts a genuine U+FFFD', () => {
    const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
    const latin1 = bytes('movie_id,title,genres\n10,Alpha,Drama\n20,Caf', [0xe9], ',Comedy\n');
    rejects(() => loadCsvDataset({ dir: files({ movies: latin1 }) }), 'INVALID_DATA', 'movies.csv line 3, column "title": invalid UTF-8 (byte 0xE9 at character 7 of the line)', 're-save the file as UTF-8');
    // in a quoted multi-line field: the physical line, the open field
    const multi = bytes('movie_id,title,genres\n10,"one\ntwo ', [0xc3, 0x28], '",Drama\n');
    rejects(() => loadCsvDataset({ dir: files({ movies: multi }) }), 'INVALID_DATA', 'movies.csv line 3, column "title": invalid UTF-8 (byte 0xC3');
    // beyond the first read chunk, after a genuine U+FFFD on the same line
    const filler = 'movie_id,title,genres\n' + Array.from({ length: 60_000 }, (_, i) => `${i + 1},Movie ${i + 1},Drama\n`).join('');
    const late = bytes(filler, '70000,\uFFFD ok,Dr', [0xed, 0xa0, 0x80], 'ama\n'); // an encoded surrogate is not UTF-8
    rejects(() => loadCsvDataset({ dir: files({ movies: late }) }), 'INVALID_DATA', 'movies.csv line 60002, column "genres": invalid UTF-8 (byte 0xED at character 14');
    const good = files({ movies: 'movie_id,title\n10,A \uFFFD B\n20,\u00e9\u20ac\u{1F600}\n' });
    assert.deepEqual(loadCsvDataset({ dir: good }).movies.title, ['A \uFFFD B', '\u00e9\u20ac\u{1F600}']);
    // the header line too; and the line reader alone without a column
    rejects(() => loadCsvDataset({ dir: files({ users: bytes('user_id,', [0xff], '\n1\n') }) }), 'INVALID_DATA', 'users.csv line 1, column "#2": invalid UTF-8 (byte 0xFF');
    const path = join(root, 'plain.txt');
    writeFileSync(path, bytes('ok\n\uFEFFx', [0xf8], '\n'));
    const seen: string[] = [];
    rejects(() => forEachLine(path, 'utf8', (t) => seen.push(t)), 'INVALID_DATA', 'plain.txt line 2: invalid UTF-8 (byte 0xF8 at character 3');
    assert.deepEqual(seen, ['ok']);
    // latin1 files are never refused
    forEachLine(path, 'latin1', (t) => seen.push(t));
    assert.equal(seen.length, 3);
  });
});
