/**
 * Seeded property tests of the CSV reader (bounded: a few thousand cases, seconds): random records
 * round-trip exactly; random byte mutations either parse or fail with INVALID_DATA naming file and line.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadCsvDataset } from '../../ts/src/data/csv.js';
import { readCsv } from '../../ts/src/data/csv-read.js';
import { Rng } from '../../ts/src/data/rng.js';
import { MlError } from '../../ts/src/engine/errors.js';

const root = mkdtempSync(join(tmpdir(), 'mp-csv-fuzz-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Pieces of values: plain text, separators, quotes, line breaks, multi-byte and astral characters, a genuine U+FFFD. */
const PIECES = ['a', 'Zz', '0', '42', ' ', ',', '"', '""', '\n', '\t', 'é', '€', '\u{1F600}', '\uFFFD', 'x\ry', 'NA'];
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)] as T;

function randomValue(rng: Rng): string {
  let s = '';
  for (let k = rng.int(5); k > 0; k--) s += pick(rng, PIECES);
  return s;
}

/** Random records and their file text (quoting when needed or at random, LF or CRLF, optional BOM, blank lines). */
function randomFile(rng: Rng): { records: string[][]; text: string } {
  const width = 1 + rng.int(4);
  const records = Array.from({ length: 1 + rng.int(6) }, () => Array.from({ length: width }, () => randomValue(rng)));
  const eol = rng.bernoulli(0.5) ? '\n' : '\r\n';
  const field = (v: string, r: string[]) => {
    const must = /[",\n\r]/.test(v) || (r.length === 1 && v === '');
    return must || rng.bernoulli(0.2) ? `"${v.replaceAll('"', '""')}"` : v;
  };
  let text = rng.bernoulli(0.3) ? '\uFEFF' : '';
  records.forEach((r, i) => {
    if (i > 0 && rng.bernoulli(0.1)) text += eol; // a blank line between records is skipped
    text += r.map((v) => field(v, r)).join(',');
    if (i < records.length - 1 || rng.bernoulli(0.7)) text += eol;
  });
  return { records, text };
}

function read(path: string): string[][] {
  const out: string[][] = [];
  readCsv(path, 'f.csv', () => null, (f) => out.push(f));
  return out;
}

/** Either returns, or throws INVALID_DATA naming a `file` and a line; anything else fails the test. */
function parsesOrNamesLine(f: () => unknown, file: RegExp, context: string): void {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof MlError, `${context}: not an MlError: ${String((e as Error)?.stack ?? e)}`);
    assert.ok(e.code === 'INVALID_DATA', `${context}: code ${e.code}: ${e.message}`);
    assert.match(e.message, new RegExp(`^${file.source} line [1-9]\\d*\\b`), `${context}: ${e.message}`);
  }
}

const INTERESTING = [0x22, 0x2c, 0x0a, 0x0d, 0x20, 0x00, 0x80, 0xbf, 0xc3, 0xe9, 0xed, 0xef, 0xf0, 0xff];

/** 1-3 random byte edits: overwrite, insert or delete. */
function mutate(rng: Rng, bytes: Buffer): Buffer {
  let b = bytes;
  for (let k = 1 + rng.int(3); k > 0; k--) {
    const at = rng.int(b.length + 1);
    const byte = rng.bernoulli(0.7) ? pick(rng, INTERESTING) : rng.int(256);
    const op = rng.int(3);
    if (op === 0 && at < b.length) b = Buffer.concat([b.subarray(0, at), Buffer.from([byte]), b.subarray(at + 1)]);
    else if (op === 1 || at >= b.length) b = Buffer.concat([b.subarray(0, at), Buffer.from([byte]), b.subarray(at)]);
    else b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
  }
  return b;
}

// A hang (e.g. a quadratic reparse) fails through the suite's timeout; speed itself is the dedicated
// linear-time tests' job (test/data/csv-records.test.ts), never a wall-clock bound on random cases.
describe('CSV reader, seeded property tests', { timeout: 120_000 }, () => {
  it('round-trips 2000 random files exactly', () => {
    const rng = new Rng(20240601);
    const path = join(root, 'rt.csv');
    for (let c = 0; c < 2000; c++) {
      const { records, text } = randomFile(rng);
      writeFileSync(path, text);
      assert.deepEqual(read(path), records, `case ${c}: ${JSON.stringify(text)}`);
    }
  });

  it('parses or reports INVALID_DATA with file and line for 3000 mutated files', () => {
    const rng = new Rng(7);
    const path = join(root, 'mut.csv');
    for (let c = 0; c < 3000; c++) {
      const bytes = mutate(rng, Buffer.from(randomFile(rng).text));
      writeFileSync(path, bytes);
      parsesOrNamesLine(() => read(path), /f\.csv/, `case ${c}: ${JSON.stringify(bytes.toString('latin1'))}`);
    }
  });

  it('loads or reports INVALID_DATA with file and line for 600 mutated datasets', () => {
    const rng = new Rng(99);
    const base = {
      users: 'user_id,age,gender,signup_date,favorite_genres,activity_level\n1,30,F,2021-03-04,Drama|Action,0.5\n2,,M,,,\n',
      movies: 'movie_id,title,genres,release_year,imdb_rating,budget_tier\n10,"Alpha, ""the""",Action|Drama,1999,7.5,high\n20,Beta,Comedy,,NA,low\n',
      ratings: 'user_id,movie_id,rating,liked,timestamp,device,hour,p_like\n1,10,5,,2021-05-01T10:30:00Z,tv,22,0.8\n2,20,2,0,1620000000,,NA,\n1,20,4,1,1620000001,mobile,3,0.1\n',
    };
    const dir = join(root, 'ds');
    mkdirSync(dir);
    for (let c = 0; c < 600; c++) {
      const target = pick(rng, ['users', 'movies', 'ratings'] as const);
      for (const [name, text] of Object.entries(base)) writeFileSync(join(dir, `${name}.csv`), name === target ? mutate(rng, Buffer.from(text)) : text);
      parsesOrNamesLine(() => loadCsvDataset({ dir }), /(users|movies|ratings)\.csv/, `case ${c} (${target})`);
    }
  });
});
