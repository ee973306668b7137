/**
 * Writes a whole directory atomically: files go to a sibling temp directory which is renamed into place
 * only when every file is written and synced. A crash leaves either the old directory or the new one,
 * never a half-written mix. The target is checked first (target.ts): only an absent or empty folder,
 * or an earlier artifacts folder, is ever replaced.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MlError } from '../engine/errors.js';
import { checkArtifactsTarget, resolveInside } from './target.js';

export type Files = Map<string, Uint8Array | string>;

function writeSynced(path: string, data: Uint8Array | string): void {
  const fd = openSync(path, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Best-effort cleanup that never hides the original error (e.g. ENOTDIR under a regular file). */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    /* nothing to clean */
  }
}

/** `inputs`: folders the run read (they must not be replaced, see target.ts). */
export function writeDirAtomic(dir: string, files: Files, opts: { inputs?: readonly string[] } = {}): void {
  checkArtifactsTarget(dir, opts);
  const target = resolve(dir);
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  const old = `${target}.old-${process.pid}-${Date.now()}`;
  try {
    mkdirSync(dirname(target), { recursive: true });
    for (const [rel, data] of files) {
      const path = resolveInside(tmp, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeSynced(path, data);
    }
    if (existsSync(target)) renameSync(target, old);
    renameSync(tmp, target);
    removeQuietly(old);
  } catch (err) {
    removeQuietly(tmp);
    if (existsSync(old) && !existsSync(target)) renameSync(old, target);
    if (err instanceof MlError) throw err;
    throw new MlError('IO', `could not write ${target}: ${(err as Error).message}`, { cause: err });
  }
}
