import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unusedId } from '../../ts/src/pipeline/cold.js';

describe('cold-start user id', () => {
  it('never aliases a real user, even one with id -1 or at the ends of the 32-bit range', () => {
    for (const ids of [[1, 2, 3], [-1, 5], [-1], [2 ** 31 - 1, 7], [2 ** 31 - 1, -(2 ** 31), 0, 1, 3], []]) {
      const id = unusedId(Int32Array.from(ids));
      assert.ok(!ids.includes(id), `${id} is taken in ${ids}`);
      assert.ok(Number.isInteger(id) && id >= -(2 ** 31) && id < 2 ** 31, `${id} is not a 32-bit id`);
    }
  });
});
