import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runJson } from '../../bench/lib.js';
import { readMpData } from '../../bench/mpdata.js';
import { type BenchRun, goals, pipelineTable, render, updateReadme } from '../../bench/report.js';
import type { Entry } from '../../bench/sections/engine.js';

const row = (fit: number, auc: number, extra: object = {}) => ({ engine: 'x', threads: 2, n_train: 1000, fit_seconds: fit, test_auc: auc, test_logloss: 0.5, predict_seconds: 0.1, ...extra });

function runWith(entries: Entry[]): BenchRun {
  return {
    date: '2026-11-24',
    machine: 'test CPU, 2 cores, 24 GiB',
    command: 'npm run bench',
    threads: 2,
    scales: [{ scale: '50k', dataset: { source: 'synthetic', interactions: 50000, n_train: 1000, n_test: 250, features: 3, bayes_auc: 0.8 }, entries }],
    grid: null,
    pipeline: null,
  };
}

describe('bench report', () => {
  it('judges ratios against every peer and the AUC gap against the best peer', () => {
    const entries: Entry[] = [
      { family: 'gbdt', contender: 'ours 2t', result: row(1, 0.8) },
      { family: 'gbdt', contender: 'xgboost', ratio: ['ours 2t', 'self'], result: row(2, 0.801) },
      { family: 'gbdt', contender: 'lightgbm', ratio: ['ours 2t', 'self'], result: row(4, 0.799) },
      { family: 'gbdt', contender: 'ours native 1t', result: row(3, 0.8) },
      { family: 'gbdt', contender: 'ours wasm 1t', ratio: ['self', 'ours native 1t'], result: row(7.5, 0.8) },
    ];
    const g = goals(runWith(entries));
    assert.equal(g[0], '50k gbdt: slowest ratio 0.50 (vs xgboost), AUC vs best peer -0.0010 (xgboost): met');
    assert.equal(g[1], 'wasm / native (1 thread): at most 2.50x (50k gbdt), goal <= 2x: MISSED');
  });

  it('calls a goal missed when a peer is faster or clearly more accurate', () => {
    const slower = goals(runWith([
      { family: 'rf', contender: 'ours 2t', result: row(3, 0.8) },
      { family: 'rf', contender: 'lightgbm-rf', ratio: ['ours 2t', 'self'], result: row(2, 0.8) },
    ]));
    assert.match(slower[0] ?? '', /slowest ratio 1\.50 .*MISSED/);
    const worse = goals(runWith([
      { family: 'rf', contender: 'ours 2t', result: row(1, 0.79) },
      { family: 'rf', contender: 'sklearn-rf', ratio: ['ours 2t', 'self'], result: row(9, 0.8) },
    ]));
    assert.match(worse[0] ?? '', /-0\.0100 \(sklearn-rf\): MISSED/);
  });

  it('shows skipped and failed contenders with their reason instead of numbers', () => {
    const text = render(runWith([
      { family: 'lr', contender: 'ours 2t', result: row(1, 0.8) },
      { family: 'lr', contender: 'sklearn-lr', ratio: ['ours 2t', 'self'], result: { error: 'python3 not found', skipped: true } },
      { family: 'lr', contender: 'ml-logistic-regression', ratio: ['ours 2t', 'self'], result: { error: 'node exited 1: boom' } },
    ]));
    assert.match(text, /sklearn-lr .*skipped: python3 not found/);
    assert.match(text, /ml-logistic-regression .*FAILED: node exited 1: boom/);
  });

  it('judges the whole pipeline: grid >= 5x, halving >= 10x with every model best CV AUC within 0.002 of the grid, 500k <= 180 s', () => {
    const model = (cv: number, search: string) => ({ cv_auc: cv, test_auc: 0.79, search_seconds: 1, search, fits: 10, best_params: {} });
    const run = (contender: string, wall: number, cv: number, search = 'grid') => ({
      contender, wall_seconds: wall, peak_rss_mb: 400, test_auc: { lr: 0.79 }, seconds: {}, rows: null,
      models: { lr: model(cv - 0.01, search), gbt: model(cv, search) },
    });
    const python = { ...run('Python reference', 200, 0.7), models: undefined };
    const at = (halving: ReturnType<typeof run>, largeWall = 170) =>
      goals({ ...runWith([]), pipeline: { data: 'd', threads: 2, ours: run('moviepref run --mode full', 40, 0.79), halving, python, large: { data: 'l', interactions: 500_000, run: run('ours 500k', largeWall, 0.8) } } });
    const met = at(run('moviepref run --mode full --search halving', 19, 0.7885, 'halving'));
    assert.ok(met.includes('whole pipeline, exhaustive grid: 5.0x faster than the Python reference (200 s vs 40 s), goal >= 5x: met'), met.join('\n'));
    assert.ok(met.some((l) => /--search halving: 10\.5x .*lr -0\.0015, gbt -0\.0015 .*goal >= 10x within 0\.002: met/.test(l)), met.join('\n'));
    assert.ok(met.includes('500,000 interactions, run --mode full end to end: 170 s, goal <= 180 s: met'), met.join('\n'));
    assert.match(at(run('h', 19, 0.7875)).join('\n'), /halving: 10\.5x .*-0\.0025.*: MISSED/, 'too far below the grid');
    assert.match(at(run('h', 25, 0.79)).join('\n'), /halving: 8\.0x .*: MISSED/, 'not fast enough');
    assert.match(at(run('h', 19, 0.79), 200).join('\n'), /500,000 interactions.*200 s, goal <= 180 s: MISSED/);
    assert.match(pipelineTable({ data: 'd', threads: 2, ours: run('moviepref run --mode full', 40, 0.79), python }), /grid .*gbt .*0\.7900/);
  });

  it('rewrites only the marked README section, and refuses a README without markers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-bench-'));
    const readme = join(dir, 'README.md');
    writeFileSync(readme, 'intro\n<!-- bench:begin -->\nold\n<!-- bench:end -->\noutro\n');
    updateReadme(readme, runWith([{ family: 'gbdt', contender: 'ours 2t', result: row(1, 0.8) }]));
    const text = readFileSync(readme, 'utf8');
    assert.ok(text.startsWith('intro\n<!-- bench:begin -->\nRegenerated by `npm run bench` on 2026-11-24 (test CPU, 2 cores, 24 GiB)'));
    assert.ok(text.endsWith('<!-- bench:end -->\noutro\n'));
    assert.ok(!text.includes('old'));
    writeFileSync(readme, 'no markers\n');
    assert.throws(() => updateReadme(readme, runWith([])), /no <!-- bench:begin -->/);
    assert.equal(readFileSync(readme, 'utf8'), 'no markers\n');
  });

  it('turns a failing, crashing or overrunning contender into an error row instead of throwing or hanging', () => {
    assert.deepEqual(runJson('sh', ['-c', 'echo \'{"fit_seconds": 1.5}\'']), { fit_seconds: 1.5 });
    assert.deepEqual(runJson('sh', ['-c', 'echo boom >&2; exit 3']), { error: 'sh exited 3: boom' });
    assert.match((runJson('sh', ['-c', 'kill -9 $$']) as { error: string }).error, /killed by SIGKILL/);
    const before = process.env.MP_BENCH_TIMEOUT_S;
    process.env.MP_BENCH_TIMEOUT_S = '1';
    try {
      const t0 = performance.now();
      assert.deepEqual(runJson('sleep', ['30']), { error: 'timed out after 1 s (MP_BENCH_TIMEOUT_S)' });
      assert.ok(performance.now() - t0 < 10_000);
    } finally {
      if (before === undefined) delete process.env.MP_BENCH_TIMEOUT_S;
      else process.env.MP_BENCH_TIMEOUT_S = before;
    }
  });

  it('reads MPDATA01 files and names a wrong one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-bench-'));
    const file = join(dir, 'd.bin');
    const head = Buffer.alloc(32);
    head.write('MPDATA01', 0, 'latin1');
    head.writeBigUInt64LE(3n, 8);
    head.writeBigUInt64LE(1n, 16);
    head.writeBigUInt64LE(2n, 24);
    // x_train (2 cols x 3 rows), y_train, x_test (2 x 1), y_test, p_test
    const body = Float32Array.from([1, 2, 3, 10, 20, 30, 0, 1, 1, 4, 40, 1, 0.7]);
    writeFileSync(file, Buffer.concat([head, Buffer.from(body.buffer)]));
    const d = readMpData(file, 2);
    assert.deepEqual([...d.x], [1, 2, 10, 20]);
    assert.deepEqual([...d.y], [0, 1]);
    assert.deepEqual([...d.xTest], [4, 40]);
    writeFileSync(file, Buffer.concat([head, Buffer.from(body.buffer).subarray(4)]));
    assert.throws(() => readMpData(file), /expected 84 bytes for 3\+1 rows x 2, found 80/);
  });
});
