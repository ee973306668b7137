/**
 * Writes a whole directory atomically: files go to a sibling temp directory which is renamed into place
 * only when every file is written and synced. A crash leaves either the old directory or the new one,
 * never a half-written mix.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MlError } from '../engine/errors.js';

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

export function writeDirAtomic(dir: string, files: Files): void {
  const target = resolve(dir);
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  const old = `${target}.old-${process.pid}-${Date.now()}`;
  try {
    mkdirSync(dirname(target), { recursive: true });
    for (const [rel, data] of files) {
      if (rel.includes('..') || rel.startsWith('/')) throw new MlError('INTERNAL', `artifact path escapes the directory: ${rel}`);
      const path = join(tmp, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeSynced(path, data);
    }
    if (existsSync(target)) renameSync(target, old);
    renameSync(tmp, target);
    rmSync(old, { recursive: true, force: true });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(target)) renameSync(old, target);
    if (err instanceof MlError) throw err;
    throw new MlError('IO', `could not write ${target}: ${(err as Error).message}`, { cause: err });
  }
}
