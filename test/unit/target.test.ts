/** The artifacts writer's own guard (library callers use savePipeline/writeDirAtomic directly, without the CLI's check). */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeDirAtomic } from '../../ts/src/artifacts/atomic.js';
import { resolveInside } from '../../ts/src/artifacts/target.js';
import { snapshot } from '../cli/snapshot.js';
import { rejectsWith } from '../helpers.js';

const root = mkdtempSync(join(tmpdir(), 'mp-target-'));
const cwd = process.cwd();
after(() => {
  process.chdir(cwd);
  rmSync(root, { recursive: true, force: true });
});

const files = new Map([['manifest.json', '{"schema": "moviepref.artifacts/2", "files": {}}']]);

describe('writeDirAtomic refuses to replace what it did not write', () => {
  const data = join(root, 'data');
  mkdirSync(data);
  writeFileSync(join(data, 'ratings.csv'), 'user_id,movie_id\n');
  writeFileSync(join(root, 'file.txt'), 'x');
  const work = join(root, 'work');
  mkdirSync(work);
  writeFileSync(join(work, 'notes.txt'), 'mine');

  for (const [name, target, opts, mention] of [
    ['a regular file', join(root, 'file.txt'), {}, 'not a folder'],
    ['a path under a regular file', join(root, 'file.txt', 'sub'), {}, 'is a file, not a folder'],
    ['a folder that is not artifacts', data, {}, 'not a moviepref artifacts folder'],
    ['an input folder, even when empty of files', join(root, 'empty-input'), { inputs: [join(root, 'empty-input', 'csv')] }, 'input folder'],
    ['a symlink to an input folder', join(root, 'link'), { inputs: [data] }, 'input folder'],
    ['the working directory', '.', {}, 'working directory'],
    ['an ancestor of the working directory', '..', {}, 'working directory'],
  ] as const) {
    it(name, async () => {
      if (name.startsWith('a symlink')) symlinkSync(data, join(root, 'link'));
      process.chdir(work);
      const before = snapshot(root);
      try {
        await rejectsWith(() => writeDirAtomic(target, files, opts), 'IO', mention);
      } finally {
        process.chdir(cwd);
      }
      assert.deepEqual(snapshot(root), before);
    });
  }

  it('writes a new folder and replaces its own output', () => {
    const out = join(root, 'art');
    writeDirAtomic(out, files);
    writeDirAtomic(out, files);
    assert.deepEqual(Object.keys(snapshot(out)), ['manifest.json']);
  });

  it('resolveInside refuses absolute paths, .. and symlinks that point out', () => {
    const dir = join(root, 'inside');
    mkdirSync(dir);
    symlinkSync(join(root, 'file.txt'), join(dir, 'out.bin'));
    for (const rel of ['/etc/passwd', '../file.txt', 'a/../../file.txt', 'out.bin', '']) {
      assert.throws(() => resolveInside(dir, rel, 'DESERIALIZE'), (e: Error & { code?: string }) => e.code === 'DESERIALIZE' && /escapes/.test(e.message), rel);
    }
    assert.equal(resolveInside(dir, 'models/a.mpm'), join(dir, 'models/a.mpm'));
  });
});
