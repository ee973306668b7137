import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { syntheticSource } from '../../bench/features-export.js';
import { readMpData } from '../../bench/mpdata.js';
import { loadEngine } from '../../ts/src/engine/index.js';
import { loadDataset } from '../../ts/src/pipeline/dataset.js';
import { prepareFeatures } from '../../ts/src/pipeline/features.js';
import { deriveSeed } from '../../ts/src/pipeline/seeds.js';
import { splitDataset } from '../../ts/src/pipeline/split.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('bench feature export', () => {
  it('writes exactly the pipeline feature tables (train and test, NaNs kept) as MPDATA01', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mp-export-')), 'not-yet', 'f.bin'); // the folder is created
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/features-export.ts', '--interactions', '3000', '--seed', '7', '--out', out], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const meta = JSON.parse(r.stdout.trim()) as { n_train: number; n_test: number; features: number; bayes_auc: number; users: number; movies: number };
    assert.deepEqual([meta.users, meta.movies], [5000, 1000]);
    assert.ok(meta.bayes_auc > 0.6 && meta.bayes_auc < 1);

    const ds = await loadDataset(syntheticSource(3000, 7));
    // fitPipeline's split and feature step for root seed 7.
    const { train, test } = await prepareFeatures(ds, splitDataset(ds, 'user-overlap', 0.2, deriveSeed(7, 'split')), 7, {}, loadEngine());

    const d = readMpData(out);
    assert.deepEqual([d.nTrain, d.nTest, d.k], [train.nRows, test.nRows, train.nFeatures]);
    assert.deepEqual([meta.n_train, meta.n_test, meta.features], [d.nTrain, d.nTest, d.k]);
    const same = (a: Float32Array, b: ArrayLike<number>) => a.length === b.length && a.every((v, i) => Object.is(v, Math.fround(b[i] as number)));
    assert.ok(same(d.x, train.x), 'train features');
    assert.ok(same(d.xTest, test.x), 'test features');
    assert.ok(same(d.y, train.y) && same(d.yTest, test.y), 'labels');
    assert.ok(d.x.some(Number.isNaN), 'missing values stay NaN for the trees');
    assert.ok(train.names.some((n) => n.startsWith('cf_')), 'the collaborative group, as fitPipeline builds it');
  });

  it('refuses a call without a data source', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/features-export.ts', '--out', '/tmp/x.bin'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /usage: features-export/);
  });
});
