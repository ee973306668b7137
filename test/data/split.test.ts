import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MlError } from '../../ts/src/engine/errors.js';
import type { Dataset, Split } from '../../ts/src/data/schema.js';
import { splitRandom, splitTemporal, splitUserOverlap } from '../../ts/src/data/split.js';
import { SIZES, generateDataset } from '../../ts/src/data/synth.js';

const ds = generateDataset({ ...SIZES.demo, seed: 5 });

/** Sorted, disjoint, covering every row. */
function checkPartition(s: Split, n: number) {
  assert.equal(s.train.length + s.test.length, n);
  const seen = new Uint8Array(n);
  for (const part of [s.train, s.test]) {
    for (let i = 0; i < part.length; i++) {
      if (i > 0) assert.ok(part[i]! > part[i - 1]!, 'indices sorted ascending');
      assert.equal(seen[part[i]!], 0, 'disjoint');
      seen[part[i]!] = 1;
    }
  }
}

const count = (rows: Uint32Array, d: Dataset, cls: number) => rows.reduce((a, i) => a + (d.interactions.liked[i] === cls ? 1 : 0), 0);

describe('splits', () => {
  it('random: stratified by liked within one row, deterministic per seed', () => {
    const n = ds.interactions.n;
    for (const f of [0.2, 0.33]) {
      const s = splitRandom(ds, { testFraction: f, seed: 3 });
      assert.equal(s.kind, 'random');
      checkPartition(s, n);
      for (const cls of [0, 1]) {
        const total = count(Uint32Array.from({ length: n }, (_, i) => i), ds, cls);
        assert.ok(Math.abs(count(s.test, ds, cls) - f * total) <= 1);
      }
    }
    assert.deepEqual(splitRandom(ds, { testFraction: 0.2, seed: 3 }), splitRandom(ds, { testFraction: 0.2, seed: 3 }));
    assert.notDeepEqual(splitRandom(ds, { testFraction: 0.2, seed: 3 }).test, splitRandom(ds, { testFraction: 0.2, seed: 4 }).test);
  });

  it('user overlap: every test user has a training row; moved rows are counted', () => {
    const s = splitUserOverlap(ds, { testFraction: 0.3, seed: 9 });
    assert.equal(s.kind, 'user-overlap');
    checkPartition(s, ds.interactions.n);
    const trainUsers = new Set(Array.from(s.train, (i) => ds.interactions.user[i]!));
    for (const i of s.test) assert.ok(trainUsers.has(ds.interactions.user[i]!));
    const plain = splitRandom(ds, { testFraction: 0.3, seed: 9 });
    assert.equal(s.moved, plain.test.length - s.test.length);
    assert.ok(s.moved > 0, 'the demo data has users with a single interaction');
    assert.deepEqual(splitUserOverlap(ds, { testFraction: 0.3, seed: 9 }), s);
  });

  it('temporal: per user, test rows are never earlier than train rows', () => {
    const s = splitTemporal(ds, { testFraction: 0.25 });
    assert.equal(s.kind, 'temporal');
    checkPartition(s, ds.interactions.n);
    const { user, timestamp } = ds.interactions;
    const lastTrain = new Map<number, number>();
    const counts = new Map<number, number>();
    for (let i = 0; i < user.length; i++) counts.set(user[i]!, (counts.get(user[i]!) ?? 0) + 1);
    for (const i of s.train) lastTrain.set(user[i]!, Math.max(lastTrain.get(user[i]!) ?? -Infinity, timestamp[i]!));
    for (const i of s.test) {
      assert.ok(lastTrain.has(user[i]!), 'test users keep training rows');
      assert.ok(timestamp[i]! >= lastTrain.get(user[i]!)!);
      assert.ok(counts.get(user[i]!)! > 1);
    }
    assert.ok(s.test.length > 0.15 * user.length && s.test.length < 0.3 * user.length);
    assert.deepEqual(splitTemporal(ds, { testFraction: 0.25 }), s);
  });

  it('temporal ties are broken by row index', () => {
    const d = generateDataset({ users: 1, movies: 5, interactions: 4, seed: 2 });
    d.interactions.timestamp.fill(1000);
    const s = splitTemporal(d, { testFraction: 0.5 });
    assert.deepEqual([...s.train], [0, 1]);
    assert.deepEqual([...s.test], [2, 3]);
  });

  it('rejects bad options and missing timestamps', () => {
    const bad = (fn: () => unknown) => assert.throws(fn, (e: unknown) => e instanceof MlError && e.code === 'INVALID_ARGUMENT');
    bad(() => splitRandom(ds, { testFraction: 0, seed: 1 }));
    bad(() => splitRandom(ds, { testFraction: 1.2, seed: 1 }));
    bad(() => splitUserOverlap(ds, { testFraction: 0.2, seed: -1 }));
    bad(() => splitTemporal(ds, { testFraction: Number.NaN }));
    const d = generateDataset({ users: 2, movies: 2, interactions: 3, seed: 1 });
    d.interactions.timestamp[1] = Number.NaN;
    bad(() => splitTemporal(d, { testFraction: 0.5 }));
  });
});
