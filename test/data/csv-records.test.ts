/** Multi-line CSV records: parsed in linear time, bounded in span, unclosed quotes reported at their start. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadCsvDataset } from '../../ts/src/data/csv.js';
import { MAX_RECORD_CHARS, MAX_RECORD_LINES, readCsv } from '../../ts/src/data/csv-read.js';
import { MlError } from '../../ts/src/engine/errors.js';

const root = mkdtempSync(join(tmpdir(), 'mp-records-'));
after(() => rmSync(root, { recursive: true, force: true }));

const USERS = `user_id\n${Array.from({ length: 100 }, (_, i) => i + 1).join('\n')}\n`;
const MOVIES = `movie_id,title\n${Array.from({ length: 100 }, (_, i) => `${i + 1},Movie ${i + 1}`).join('\n')}\n`;

/** About 2.6 MB of ratings (50 000 rows); `edit(lines)` may change them before they are written. */
function ratingsDir(name: string, edit: (lines: string[]) => void): string {
  const lines = ['user_id,movie_id,rating,timestamp,device'];
  for (let i = 0; i < 50_000; i++) lines.push(`${(i % 100) + 1},${((i * 7) % 100) + 1},${(i % 5) + 1},${1_600_000_000 + i},mobile`);
  edit(lines);
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'users.csv'), USERS);
  writeFileSync(join(dir, 'movies.csv'), MOVIES);
  writeFileSync(join(dir, 'ratings.csv'), `${lines.join('\n')}\n`);
  return dir;
}

function rejectsFast(f: () => unknown, ms: number, ...parts: string[]): void {
  const t0 = performance.now();
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof MlError && e.code === 'INVALID_DATA', `not INVALID_DATA: ${String(e)}`);
    for (const p of parts) assert.ok(e.message.includes(p), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(p)}`);
    return true;
  });
  const took = performance.now() - t0;
  assert.ok(took < ms, `took ${took.toFixed(0)} ms (limit ${ms})`);
}

describe('multi-line CSV records', () => {
  it('reports an open quote on line 2 of a 2.6 MB file fast, naming line 2 and the column', () => {
    const dir = ratingsDir('open-early', (l) => {
      l[1] = l[1]!.replace(',', ',"');
    });
    rejectsFast(() => loadCsvDataset({ dir }), 2000, 'ratings.csv line 2, column "movie_id": a quoted field runs over more than', 'closing quote missing');
  });

  it('reports an open quote near the end at its line when the file ends', () => {
    const dir = ratingsDir('open-late', (l) => {
      l[49_990] = l[49_990]!.replace(',mobile', ',"mobile');
    });
    rejectsFast(() => loadCsvDataset({ dir }), 2000, 'ratings.csv line 49991, column "device": a quoted field is never closed');
  });

  it('parses a field spanning almost MAX_RECORD_LINES lines in linear time, and refuses one line more', () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `line ${i} ${'x'.repeat(80)}`);
    const write = (n: number) => {
      const path = join(root, `span-${n}.csv`);
      writeFileSync(path, `id,text\n1,"${body(n).join('\n')}"\n2,after\n`);
      return path;
    };
    const got: [string[], number][] = [];
    const t0 = performance.now();
    readCsv(write(MAX_RECORD_LINES), 'span.csv', () => null, (f, line) => got.push([f, line]));
    const took = performance.now() - t0;
    assert.ok(took < 2000, `took ${took.toFixed(0)} ms`);
    assert.equal(got.length, 3);
    assert.deepEqual(got[1], [['1', body(MAX_RECORD_LINES).join('\n')], 2]);
    assert.deepEqual(got[2], [['2', 'after'], MAX_RECORD_LINES + 2]);
    rejectsFast(() => readCsv(write(MAX_RECORD_LINES + 1), 'span.csv', () => ['id', 'text'], () => {}), 2000, 'span.csv line 2, column "text": a quoted field runs over more than');
  });

  it('caps the characters of one record', () => {
    const path = join(root, 'wide.csv');
    const part = 'y'.repeat(MAX_RECORD_CHARS / 2);
    writeFileSync(path, `a,b\n1,"${part}\n${part}\n${part}"\n`);
    rejectsFast(() => readCsv(path, 'wide.csv', () => ['a', 'b'], () => {}), 2000, 'wide.csv line 2, column "b": a quoted field runs over more than');
  });

  it('keeps doubled quotes, commas and empty lines inside a multi-line field', () => {
    const path = join(root, 'mixed.csv');
    writeFileSync(path, 'a,b,c\r\n"x\n""y"",\n\nz",2,""\r\n\r\n"",",",3\n');
    const got: [string[], number][] = [];
    readCsv(path, 'mixed.csv', () => null, (f, line) => got.push([f, line]));
    assert.deepEqual(got, [
      [['a', 'b', 'c'], 1],
      [['x\n"y",\n\nz', '2', ''], 2],
      [['', ',', '3'], 7],
    ]);
  });
});
