import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { asProbabilities, rmse } from '../../bench/collab-fit.js';
import { collabGoals, collabTable } from '../../bench/collab-report.js';
import { PY } from '../../bench/lib.js';
import { coldCounts, HEADER, readRatings, splitRatings, writeRatings } from '../../bench/ratings-export.js';
import { type BenchRun, goals, render } from '../../bench/report.js';
import type { CollabEntry, CollabTable } from '../../bench/sections/collab.js';
import { generateDataset } from '../../ts/src/data/synth.js';
import { deriveSeed } from '../../ts/src/pipeline/seeds.js';
import { splitDataset } from '../../ts/src/pipeline/split.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const row = (fit: number, auc: number, rmseV: number | null = 0.9) => ({ engine: 'x', threads: 1, fit_seconds: fit, predict_seconds: 0.1, test_auc: auc, test_rmse: rmseV, cold_rows: 3 });

function tableWith(entries: CollabEntry[]): CollabTable {
  return { dataset: 'movielens', split: 'temporal', meta: { n_train: 80000, n_test: 20000, users: 943, items: 1682 }, entries };
}

const ours = (fit: number, auc: number, r: number): CollabEntry => ({ contender: 'ours mf 1t', role: 'ours', result: row(fit, auc, r) });
const svd = (fit: number, auc: number, r: number): CollabEntry => ({ contender: 'surprise-svd', role: 'peer', vs: 'ours mf 1t', result: row(fit, auc, r) });
const peer = (lib: string, auc: number): CollabEntry => ({ contender: lib, role: 'peer', vs: 'ours mf 1t', result: row(5, auc, null) });
const hybrid = (auc: number): CollabEntry => ({ contender: 'pipeline gradient boosting', role: 'hybrid', result: row(60, auc, null) });

describe('bench collaborative verdicts', () => {
  it('judges the hybrid against 0.80 and the BEST peer + 0.01', () => {
    const peers = [svd(1, 0.78, 0.93), peer('surprise-knn-baseline', 0.795), peer('implicit-als', 0.65)];
    assert.equal(collabGoals(tableWith([...peers, hybrid(0.806)]))[0], 'movielens temporal hybrid: test AUC 0.8060 vs best peer 0.7950 (surprise-knn-baseline), goal >= 0.80 and >= best peer + 0.01: met');
    // Beats SVD by 0.016 but the best peer (kNN) only by 0.008: missed.
    assert.match(collabGoals(tableWith([...peers, hybrid(0.803)]))[0] ?? '', /best peer 0\.7950 \(surprise-knn-baseline\).*: MISSED$/);
    // Clear of every peer but under 0.80: missed.
    assert.match(collabGoals(tableWith([svd(1, 0.7, 0.93), hybrid(0.79)]))[0] ?? '', /test AUC 0\.7900 .*: MISSED$/);
    const failedHybrid: CollabEntry = { contender: 'pipeline gradient boosting', role: 'hybrid', result: { error: 'node exited 1: boom' } };
    assert.equal(collabGoals(tableWith([svd(1, 0.78, 0.93), failedHybrid]))[0], 'movielens temporal hybrid: not judged (hybrid FAILED: node exited 1: boom)');
  });

  it('judges our MF against Surprise SVD on AUC, RMSE and a 10x faster fit, each alone able to miss', () => {
    const line = (o: CollabEntry, s: CollabEntry) => collabGoals(tableWith([o, s]))[1] ?? '';
    assert.equal(line(ours(0.1, 0.79, 0.92), svd(1, 0.78, 0.93)), "movielens temporal ours mf 1t vs Surprise SVD: AUC +0.0100, RMSE -0.0100, fit 10.0x faster; goal AUC >= SVD's, RMSE <= SVD's, fit >= 10x faster: met");
    assert.match(line(ours(0.1, 0.779, 0.92), svd(1, 0.78, 0.93)), /AUC -0\.0010.*: MISSED$/);
    assert.match(line(ours(0.1, 0.79, 0.931), svd(1, 0.78, 0.93)), /RMSE \+0\.0010.*: MISSED$/);
    assert.match(line(ours(0.2, 0.79, 0.92), svd(1, 0.78, 0.93)), /fit 5\.0x faster.*: MISSED$/);
  });

  it('reports a skipped row of ours with its reason instead of judging it, and judges it once measured', () => {
    const why = 'wasm backend not built';
    const skipped: CollabEntry = { contender: 'ours mf 1t', role: 'ours', result: { error: why, skipped: true } };
    const t = tableWith([skipped, svd(1, 0.78, 0.93), hybrid(0.81)]);
    assert.equal(collabGoals(t)[1], `movielens temporal MF vs Surprise SVD: not judged (ours mf 1t skipped: ${why})`);
    assert.match(collabTable(t), new RegExp(`ours mf 1t .*skipped: ${why}`));
    assert.match(collabTable(t), /surprise-svd .* 1\.00 .* 0\.9300 .* 0\.7800 .*$/m);
    // The same table with our row measured: judged, and the ratio column filled (ours / SVD fit).
    const measured = tableWith([ours(0.05, 0.785, 0.92), svd(1, 0.78, 0.93), hybrid(0.81)]);
    assert.match(collabGoals(measured)[1] ?? '', /20\.0x faster.*: met$/);
    assert.match(collabTable(measured), /surprise-svd .* 0\.0500 /);
  });

  it('adds the collaborative tables and goals to the bench report, and still renders runs without them', () => {
    const run: BenchRun = { date: '2026-12-03', machine: 'test CPU', command: 'npm run bench', threads: 2, scales: [], grid: null, pipeline: null, collab: [tableWith([ours(0.1, 0.79, 0.92), svd(1, 0.78, 0.93)])] };
    const text = render(run);
    assert.match(text, /## collaborative filtering, movielens, temporal split \(seed 42\): 80,000 train \/ 20,000 test ratings, 943 users x 1682 items/);
    assert.ok(goals(run).some((g) => g.includes('vs Surprise SVD') && g.endsWith(': met')));
    const old: BenchRun = { ...run, collab: undefined };
    assert.ok(!render(old).includes('collaborative'));
  });
});

/** 40 users x 30 items; a user likes the items of their own parity (rating 5) and not the others (1);
 *  plus a test row with a cold user and one with a cold item. */
function parityRatings(): string[] {
  const lines = [HEADER];
  for (let u = 0; u < 40; u++) for (let i = 0; i < 30; i++) if ((u * 7 + i * 3) % 4 !== 0) lines.push(`${(u + i) % 5 === 0 ? 'test' : 'train'},${u},${i},${u % 2 === i % 2 ? 5 : 1},${u % 2 === i % 2 ? 1 : 0}`);
  lines.push('test,999,1,5,1', 'test,1,999,1,0');
  return lines;
}

describe('bench collaborative drivers', () => {
  it('maps scores to [0, 1] keeping their order, and computes RMSE', () => {
    const p = asProbabilities(Float32Array.from([4.5, -1, 2, 6]));
    assert.deepEqual(Array.from(p), [Math.fround(5.5 / 7), 0, Math.fround(3 / 7), 1]);
    assert.deepEqual(Array.from(asProbabilities(Float32Array.from([3, 3]))), [0, 0]);
    assert.equal(rmse(Float32Array.from([1, 3]), Float32Array.from([2, 5])), Math.sqrt(2.5));
  });

  it('exports exactly the pipeline split as rating triples, and reads it back', () => {
    const ds = generateDataset({ users: 300, movies: 80, interactions: 3000, seed: 5 });
    const dir = mkdtempSync(join(tmpdir(), 'mp-collab-'));
    for (const kind of ['user-overlap', 'temporal'] as const) {
      const r = splitRatings(ds, kind, 5);
      const split = splitDataset(ds, kind, 0.2, deriveSeed(5, 'split'));
      assert.deepEqual(Array.from(r.test.users), Array.from(split.test, (i) => ds.interactions.user[i]));
      assert.deepEqual(Array.from(r.train.items), Array.from(split.train, (i) => ds.interactions.movie[i]));
      assert.deepEqual(Array.from(r.test.liked), Array.from(split.test, (i) => ds.interactions.liked[i]));
      const file = join(dir, `${kind}.csv`);
      writeRatings(file, r);
      assert.deepEqual(readRatings(file), r);
    }
    writeFileSync(join(dir, 'bad.csv'), `${HEADER}\ntrain,1,2,4,1\nvalid,1,2,4,1\n`);
    assert.throws(() => readRatings(join(dir, 'bad.csv')), /bad\.csv: line 3: expected set,user,item,rating,liked/);
  });

  it('counts test rows whose user or item is unseen in training', () => {
    const part = (u: number[], i: number[]) => ({ users: Int32Array.from(u), items: Int32Array.from(i), ratings: new Float32Array(u.length), liked: new Uint8Array(u.length) });
    assert.deepEqual(coldCounts({ train: part([1, 2], [10, 11]), test: part([1, 3, 3], [12, 10, 13]) }), { cold_users: 2, cold_items: 2, cold_rows: 3 });
  });

  it('fits our collaborative models through the engine on a tiny split: fields, cold rows, AUC from the score', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mp-collab-ours-')), 'r.csv');
    writeFileSync(file, `${parityRatings().join('\n')}\n`);
    for (const [kind, params] of [['mf', '{"seed":1}'], ['item_knn', '{}']]) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/collab-fit.ts', '--data', file, '--kind', kind as string, '--params', params as string], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, RAYON_NUM_THREADS: '1' } });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim()) as Record<string, number>;
      assert.deepEqual([out.cold_users, out.cold_items, out.cold_rows, out.n_test], [1, 1, 2, 2 + 180], kind);
      assert.ok((out.test_auc as number) > 0.9, `${kind} AUC ${out.test_auc}`);
      assert.ok(Number.isFinite(out.test_rmse) && (out.fit_seconds as number) >= 0, kind);
    }
  });

  it('runs the Python peers on a tiny split: fields, cold rows, AUC from the score', { skip: !existsSync(PY) && 'bench/.venv not installed' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-collab-py-'));
    const file = join(dir, 'r.csv');
    writeFileSync(file, `${parityRatings().join('\n')}\n`);
    for (const lib of ['surprise-svd', 'implicit-als']) {
      const r = spawnSync(PY, ['bench/collab_peers.py', '--data', file, '--lib', lib], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Record<string, number | null>;
      assert.equal(out.cold_rows, 2, lib);
      assert.ok((out.test_auc as number) > 0.9, `${lib} AUC ${out.test_auc}`);
      assert.equal(out.test_rmse === null, lib === 'implicit-als');
      assert.ok((out.fit_seconds as number) >= 0 && (out.predict_seconds as number) >= 0);
    }
    writeFileSync(file, 'user,item\n1,2\n');
    const bad = spawnSync(PY, ['bench/collab_peers.py', '--data', file, '--lib', 'surprise-svd'], { cwd: ROOT, encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /line 1 must be 'set,user,item,rating,liked'/);
    assert.ok(readFileSync(file, 'utf8').length > 0);
  });
});
