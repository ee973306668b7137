/** Every file under a folder (relative path -> bytes as hex), to assert that a refused command changed nothing. */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path, `${prefix}${e.name}/`);
      else out[`${prefix}${e.name}`] = lstatSync(path).isSymbolicLink() ? 'symlink' : readFileSync(path).toString('hex');
    }
  };
  walk(dir, '');
  return out;
}
