import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stratifiedSample } from '../../ts/src/pipeline/sample.js';

describe('stratifiedSample', () => {
  const y = Uint8Array.from({ length: 10_000 }, (_, i) => (i % 4 === 0 ? 1 : 0)); // 25% positives

  it('keeps every row when the table is small enough', () => {
    assert.equal(stratifiedSample(y, 20_000, 1).length, 10_000);
  });

  it('handles caps far above the call-stack argument limit', () => {
    const big = Uint8Array.from({ length: 1_000_000 }, (_, i) => i % 3 === 0 ? 1 : 0);
    assert.equal(stratifiedSample(big, 400_000, 3).length, 400_000);
  });

  it('caps the rows, keeps the class share, sorts, and is seeded', () => {
    const s = stratifiedSample(y, 2_000, 1);
    assert.equal(s.length, 2_000);
    assert.equal(s.filter((i) => y[i] === 1).length, 500);
    assert.ok(s.every((v, k) => k === 0 || v > (s[k - 1] as number)));
    assert.deepEqual(stratifiedSample(y, 2_000, 1), s);
    assert.notDeepEqual(stratifiedSample(y, 2_000, 2), s);
  });
});
