/** The npm ML peers (ml-random-forest, ml-logistic-regression, ml-xgboost), installed by the bench itself into
 *  bench/js-peers/node_modules from the committed bench/js-peers/package-lock.json, never into the project's own
 *  package.json. bench/js-peers/fit.mjs fits them. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { must, ROOT } from './lib.js';

const DIR = 'bench/js-peers';

/** Installs the peers with `npm ci` when bench/js-peers/node_modules is absent (or was installed from another
 *  package-lock.json); null when ready, else the reason they are not (then the npm rows are skipped with it). */
export function ensureJsPeers(): string | null {
  return (jsReady ??= [prepareJs()])[0];
}
let jsReady: [string | null] | undefined;

function prepareJs(): string | null {
  const lock = `${ROOT}${DIR}/package-lock.json`;
  const stamp = `${ROOT}${DIR}/node_modules/.installed-from-lock`;
  if (!existsSync(lock)) return `${DIR}/package-lock.json is missing: npm peers skipped`;
  const wanted = readFileSync(lock, 'utf8');
  // Present, and installed from this very lock file (a hand-run `npm install` leaves no stamp: trusted as is).
  if (existsSync(`${ROOT}${DIR}/node_modules`) && (!existsSync(stamp) || readFileSync(stamp, 'utf8') === wanted)) return null;
  if (spawnSync('npm', ['--version'], { stdio: 'ignore' }).status !== 0) return 'npm not found: npm peers skipped';
  try {
    must('npm', ['ci', '--prefix', DIR, '--no-audit', '--no-fund']);
    writeFileSync(stamp, wanted);
    return null;
  } catch (err) {
    return `could not install the npm peers: ${(err as Error).message}`;
  }
}
