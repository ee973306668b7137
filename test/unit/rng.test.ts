import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../ts/src/data/rng.js';
import { makeToy, sliceRows } from '../../ts/src/data/toy.js';

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const draw = (s: number) => Array.from({ length: 50 }, ((r) => () => r.nextU32())(new Rng(s)));
    assert.deepEqual(draw(1), draw(1));
    assert.notDeepEqual(draw(1), draw(2));
  });

  it('produces uniform floats and standard normals with the right moments', () => {
    const r = new Rng(9);
    const n = 20_000;
    const u = Array.from({ length: n }, () => r.float());
    const z = Array.from({ length: n }, () => r.normal());
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    assert.ok(u.every((v) => v >= 0 && v < 1));
    assert.ok(Math.abs(mean(u) - 0.5) < 0.01);
    assert.ok(Math.abs(mean(z)) < 0.03);
    assert.ok(Math.abs(mean(z.map((v) => v * v)) - 1) < 0.05);
  });

  it('rejects seeds that are not non-negative safe integers', () => {
    assert.throws(() => new Rng(-1), RangeError);
    assert.throws(() => new Rng(1.5), RangeError);
  });
});

describe('toy data', () => {
  it('is column-major and deterministic', () => {
    const a = makeToy(100, 3, 4);
    const b = makeToy(100, 3, 4);
    assert.deepEqual(a.x, b.x);
    assert.equal(a.x.length, 300);
    const s = sliceRows(a.x, 100, 10, 20);
    assert.equal(s[0], a.x[10]);
    assert.equal(s[10], a.x[100 + 10]);
  });
});
