/**
 * loadPipeline trusts nothing in an artifacts folder: each tampering below is refused at load (so
 * `serve` never starts on it) with DESERIALIZE, or IO for a missing file, naming the problem.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadPipeline } from '../../ts/src/artifacts/pipeline.js';
import { loadEngine } from '../../ts/src/engine/index.js';
import { runPipeline } from '../../ts/src/pipeline/job.js';
import { tinyDataset } from '../features/tiny.js';
import { rejectsWith } from '../helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'mp-manifest-'));
const good = join(tmp, 'good');
after(() => rmSync(tmp, { recursive: true, force: true }));

before(async () => {
  await runPipeline({ mode: 'demo', seed: 2, source: { kind: 'memory', dataset: tinyDataset(60, 40, 1500, 4, 'genre') }, split: 'random', testFraction: 0.2, out: good, engine: loadEngine('native') });
});

type Json = Record<string, any>;
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
let n = 0;

/** A copy of the good folder changed by `edit` (which may rewrite the manifest object and files). */
function tampered(edit: (m: Json, dir: string) => void, base = good): string {
  const dir = join(tmp, `t${n++}`);
  cpSync(base, dir, { recursive: true });
  const path = join(dir, 'manifest.json');
  const m = JSON.parse(readFileSync(path, 'utf8')) as Json;
  edit(m, dir);
  writeFileSync(path, JSON.stringify(m));
  return dir;
}

const CASES: [string, (m: Json, dir: string) => void, string, ...string[]][] = [
  ['no models', (m) => delete m.models, 'DESERIALIZE', 'manifest.models is missing'],
  ['no features', (m) => delete m.features, 'DESERIALIZE', 'manifest.features is missing'],
  ['an empty manifest', (m) => Object.keys(m).forEach((k) => delete m[k]), 'DESERIALIZE', 'schema undefined'],
  ['the older schema', (m) => (m.schema = 'moviepref.artifacts/1'), 'DESERIALIZE', 're-create'],
  ['an unknown field', (m) => (m.extra = 1), 'DESERIALIZE', 'manifest.extra is not a known field'],
  ['a removed feature', (m) => {
    m.features.names.pop();
    m.features.collab?.keep.pop(); // the last column is a collaborative one: keep the two lists aligned
    for (const x of m.models) for (const s of x.preprocessing) s.medians.pop();
  }, 'DESERIALIZE', 'expects', 'features but the manifest lists'],
  ['a collaborative column past the group', (m) => (m.features.collab.keep[0] = 99), 'DESERIALIZE', 'manifest.features.collab.keep[0] is 99, past the'],
  ['collaborative columns swapped', (m) => m.features.collab.keep.reverse(), 'DESERIALIZE', 'manifest.features.collab.keep[0] names'],
  ['a collaborative model without checksum', (m) => delete m.files['collab/mf.mpc'], 'DESERIALIZE', 'no checksum for collab/mf.mpc'],
  ['a tampered collaborative model', (_m, d) => {
    const b = readFileSync(join(d, 'collab/mf.mpc'));
    b[b.length - 1] = (b[b.length - 1] as number) ^ 1;
    writeFileSync(join(d, 'collab/mf.mpc'), b);
  }, 'DESERIALIZE', 'collab/mf.mpc: checksum mismatch'],
  ['a feature model file as the collaborative model (checksum updated)', (m, d) => {
    copyFileSync(join(d, 'models/logistic_regression.mpm'), join(d, 'collab/mf.mpc'));
    m.files['collab/mf.mpc'] = sha(join(d, 'collab/mf.mpc'));
  }, 'DESERIALIZE', 'collab/mf.mpc'],
  ['a duplicated feature name', (m) => (m.features.names[1] = m.features.names[0]), 'DESERIALIZE', 'twice'],
  ['users n = 1e9', (m) => (m.tables.users.kinds.n.scalar = 1e9), 'DESERIALIZE', 'n = 1000000000', 'rows'],
  ['a wrong column type', (m) => (m.tables.users.kinds.id = { typed: 'Float64Array' }), 'DESERIALIZE', 'manifest.tables.users.kinds.id must be Int32Array'],
  ['a removed category level', (m) => m.tables.movies.kinds.budget.categorical.pop(), 'DESERIALIZE', 'budget', 'levels'],
  ['a non-finite median', (m) => (m.models[0].preprocessing[0].medians[0] = null), 'DESERIALIZE', 'manifest.models[0].preprocessing[0].medians[0] must be a finite number'],
  ['medians for fewer features', (m) => m.models[0].preprocessing[0].medians.pop(), 'DESERIALIZE', 'manifest.models[0].preprocessing[0].medians has', 'values for'],
  ['an unknown preprocessing step', (m) => (m.models[0].preprocessing[0].step = 'scale'), 'DESERIALIZE', 'manifest.models[0].preprocessing[0].step must be one of'],
  ['medians left on the features (schema 2 layout)', (m) => (m.features.medians = []), 'DESERIALIZE', 'manifest.features.medians is not a known field'],
  ['an LR file under the GBT name (checksum stale)', (_m, d) => copyFileSync(join(d, 'models/logistic_regression.mpm'), join(d, 'models/gradient_boosting.mpm')), 'DESERIALIZE', 'gradient_boosting.mpm: checksum mismatch'],
  ['an LR file under the GBT name (checksum updated)', (m, d) => {
    copyFileSync(join(d, 'models/logistic_regression.mpm'), join(d, 'models/gradient_boosting.mpm'));
    m.files['models/gradient_boosting.mpm'] = sha(join(d, 'models/gradient_boosting.mpm'));
  }, 'DESERIALIZE', 'is a logistic model but the manifest says gradient_boosting is gbt'],
  ['a model file outside the folder', (m) => (m.models[0].file = '../../etc/passwd'), 'DESERIALIZE', 'models[0].file', 'does not match'],
  ['a checksum key outside the folder', (m) => (m.files['/etc/passwd'] = '0'.repeat(64)), 'DESERIALIZE', 'manifest.files./etc/passwd is not a valid key'],
  ['a symlink pointing out of the folder', (m, d) => {
    writeFileSync(join(tmp, 'outside.bin'), 'secret');
    rmSync(join(d, 'report.json'));
    symlinkSync(join(tmp, 'outside.bin'), join(d, 'report.json'));
    m.files['report.json'] = sha(join(tmp, 'outside.bin'));
  }, 'DESERIALIZE', 'escapes'],
  ['a tampered statistics file', (_m, d) => {
    const b = readFileSync(join(d, 'features/stats.bin'));
    b[0] = (b[0] as number) ^ 1;
    writeFileSync(join(d, 'features/stats.bin'), b);
  }, 'DESERIALIZE', 'stats.bin: checksum mismatch'],
  ['a file from another run', (_m, d) => writeFileSync(join(d, 'report.html'), '<html>other run</html>'), 'DESERIALIZE', 'report.html: checksum mismatch'],
  ['a missing data file', (_m, d) => rmSync(join(d, 'data/users.arrow')), 'IO', 'users.arrow'],
  ['an unknown best model', (m) => (m.best_model = 'svm'), 'DESERIALIZE', 'best_model "svm" is not one of the models'],
  ['a model without checksum', (m) => delete m.files['models/random_forest.mpm'], 'DESERIALIZE', 'no checksum for models/random_forest.mpm'],
];

describe('loadPipeline refuses tampered artifacts', () => {
  it('loads the untouched folder, every model checked up front', () => {
    const p = loadPipeline(good, { backend: 'native' });
    for (const m of p.manifest.models) assert.equal(p.model(m.name).info.kind, m.kind);
  });

  for (const [name, edit, code, ...mentions] of CASES) {
    it(name, async () => {
      const dir = tampered(edit);
      await rejectsWith(() => loadPipeline(dir, { backend: 'native' }), code, ...mentions);
    });
  }
});
