/**
 * --out never destroys anything: run/train replace only an absent/empty folder or an earlier artifacts
 * folder, generate only an earlier generate's CSVs. Every refusal exits 1 with an IO error naming the
 * path, before any work, and leaves every file byte-identical.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli } from './cli.test.js';
import { snapshot } from './snapshot.js';

const root = mkdtempSync(join(tmpdir(), 'mp-out-'));
after(() => rmSync(root, { recursive: true, force: true }));
const data = join(root, 'data');
const file = join(root, 'file.txt');

/** Runs the CLI and asserts an IO refusal mentioning `mentions`, with nothing under `root` changed. */
function refused(args: string[], mentions: RegExp, cwd?: string): void {
  const before = snapshot(root);
  const t0 = performance.now();
  const r = cli([...args, '--json'], {}, cwd);
  assert.equal(r.code, 1, r.stderr);
  const err = JSON.parse(r.stdout).error;
  assert.equal(err.code, 'IO', err.message);
  assert.match(err.message, mentions);
  assert.deepEqual(snapshot(root), before, 'every pre-existing file is byte-identical');
  assert.ok(performance.now() - t0 < 15_000, 'refused before any work');
}

before(() => {
  assert.equal(cli(['generate', '--mode', 'demo', '--out', data, '--seed', '3']).code, 0);
  writeFileSync(join(data, 'notes.txt'), 'my notes');
  writeFileSync(file, 'a file');
});

describe('run/train --out', () => {
  it('refuses the input folder itself (train --data D --out D)', () => {
    refused(['train', '--source', 'csv', '--data', data, '--out', data, '--mode', 'demo'], new RegExp(`${data}.*input folder`));
  });

  it('refuses an ancestor of the input folder', () => {
    refused(['train', '--source', 'csv', '--data', data, '--out', root, '--mode', 'demo'], new RegExp(`${root}.*input folder`));
  });

  it('refuses the working directory and its ancestors', () => {
    refused(['run', '--mode', 'demo', '--out', '.'], /--out \. .*working directory/, data);
    refused(['run', '--mode', 'demo', '--out', '..'], /--out \.\. .*working directory/, data);
  });

  it('refuses a regular file, and a path under one (ENOTDIR) with IO, not INTERNAL', () => {
    refused(['run', '--mode', 'demo', '--out', file], new RegExp(`${file} exists and is not a folder`));
    refused(['run', '--mode', 'demo', '--out', join(file, 'sub')], new RegExp(`${file} is a file, not a folder`));
  });

  it('refuses an existing folder that is not a moviepref artifacts folder', () => {
    const other = join(root, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'thesis.tex'), 'years of work');
    refused(['run', '--mode', 'demo', '--out', other], new RegExp(`${other} exists and is not a moviepref artifacts folder`));
  });

  it('replaces an earlier artifacts folder, but not one holding files it did not write, nor after a failed run', () => {
    const art = join(root, 'art');
    const first = cli(['run', '--mode', 'demo', '--out', art, '--json']);
    assert.equal(first.code, 0, first.stderr);
    const created = JSON.parse(readFileSync(join(art, 'manifest.json'), 'utf8')).created;
    const again = cli(['run', '--mode', 'demo', '--out', art, '--json', '--seed', '9']);
    assert.equal(again.code, 0, again.stderr);
    assert.notEqual(JSON.parse(readFileSync(join(art, 'manifest.json'), 'utf8')).created, created, 'replaced');
    writeFileSync(join(art, 'notes.txt'), 'mine');
    refused(['run', '--mode', 'demo', '--out', art], /notes\.txt/);
    rmSync(join(art, 'notes.txt'));
    // A run that fails (malformed CSV) leaves the earlier artifacts exactly as they were.
    const bad = join(root, 'bad');
    assert.equal(cli(['generate', '--mode', 'demo', '--out', bad]).code, 0);
    writeFileSync(join(bad, 'ratings.csv'), 'user_id,movie_id,rating,timestamp\n1,1,six,0\n');
    const before = snapshot(art);
    const r = cli(['train', '--source', 'csv', '--data', bad, '--out', art, '--mode', 'demo', '--json']);
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).error.code, 'INVALID_DATA');
    assert.deepEqual(snapshot(art), before);
    rmSync(bad, { recursive: true });
  });
});

describe('generate --out', () => {
  it('overwrites an earlier generated dataset, leaving other files alone', () => {
    const r = cli(['generate', '--mode', 'demo', '--out', data, '--seed', '4', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(data, 'notes.txt'), 'utf8'), 'my notes');
  });

  it('refuses CSVs it did not write, and a regular file', () => {
    const mine = join(root, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'users.csv'), 'user_id\n1\n');
    refused(['generate', '--mode', 'demo', '--out', mine], new RegExp(`${mine} already holds users.csv not written by moviepref generate`));
    refused(['generate', '--mode', 'demo', '--out', file], new RegExp(`${file} exists and is not a folder`));
  });
});
