import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FeatureTable, withSpare } from '../../ts/src/features/table.js';

/** A table of `names.length` columns; value = 100 * column + row. */
function table(names: string[], nRows: number, spare = 0): FeatureTable {
  const x = withSpare(names.length * nRows, spare * nRows);
  for (let j = 0; j < names.length; j++) for (let i = 0; i < nRows; i++) x[j * nRows + i] = 100 * j + i;
  return new FeatureTable(names, nRows, x, new Uint8Array(nRows), Uint32Array.from({ length: nRows }, (_, i) => i));
}

const cols = (t: FeatureTable) => t.names.map((_, j) => Array.from(t.column(j)));

describe('feature table growth and selection', () => {
  it('append writes into the spare room without copying the existing columns', () => {
    const t = table(['a', 'b'], 3, 2);
    const grown = t.append(['c', 'd'], Float32Array.of(7, 8, 9, 10, 11, 12));
    assert.equal(grown.x.buffer, t.x.buffer, 'same buffer');
    assert.deepEqual(grown.names, ['a', 'b', 'c', 'd']);
    assert.deepEqual(cols(grown), [[0, 1, 2], [100, 101, 102], [7, 8, 9], [10, 11, 12]]);
  });

  it('append copies into a new buffer when there is no room, with the same values', () => {
    const t = table(['a', 'b'], 3, 1);
    const grown = t.append(['c', 'd'], Float32Array.of(7, 8, 9, 10, 11, 12));
    assert.notEqual(grown.x.buffer, t.x.buffer);
    assert.deepEqual(cols(grown), [[0, 1, 2], [100, 101, 102], [7, 8, 9], [10, 11, 12]]);
    assert.throws(() => t.append(['c'], Float32Array.of(1, 2)), /append: 2 values for 3 rows x 1 columns/);
  });

  it('keepInPlace equals the kept columns of the table, in the same buffer', () => {
    const t = table(['a', 'b', 'c', 'd', 'e'], 4);
    const expected = [0, 2, 3].map((j) => Array.from(t.column(j)));
    const kept = t.keepInPlace([0, 2, 3]);
    assert.equal(kept.x.buffer, t.x.buffer);
    assert.equal(kept.x.length, 12);
    assert.deepEqual(kept.names, ['a', 'c', 'd']);
    assert.deepEqual(cols(kept), expected);
  });

  it('keepInPlace refuses columns out of order or out of range', () => {
    assert.throws(() => table(['a', 'b', 'c'], 2).keepInPlace([1, 0]), /ascending/);
    assert.throws(() => table(['a', 'b', 'c'], 2).keepInPlace([0, 3]), /ascending and below 3/);
  });
});
