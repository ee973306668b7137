/** A feature matrix: one column-major Float32Array (what the engine takes) seen as an Arrow table. */
import { makeVector, Table, type Vector } from 'apache-arrow';
import { MlError } from '../engine/errors.js';
import type { Matrix } from '../engine/types.js';

export class FeatureTable {
  constructor(
    readonly names: string[],
    readonly nRows: number,
    /** Column-major: feature j is x[j*nRows .. (j+1)*nRows]. NaN = missing. */
    readonly x: Float32Array,
    readonly y: Uint8Array,
    /** Interaction row of each table row. */
    readonly rows: Uint32Array,
    /** True like probabilities (synthetic data only). */
    readonly pTrue: Float64Array | null = null,
  ) {
    if (x.length !== names.length * nRows) throw new MlError('INTERNAL', `feature buffer has ${x.length} values for ${nRows} rows x ${names.length} features`);
  }

  get nFeatures(): number {
    return this.names.length;
  }

  get matrix(): Matrix {
    return { x: this.x, nRows: this.nRows };
  }

  column(j: number): Float32Array {
    return this.x.subarray(j * this.nRows, (j + 1) * this.nRows);
  }

  /** Arrow view: every feature column is a zero-copy view of the shared buffer, plus the label. */
  toArrow(): Table {
    const cols: Record<string, Vector> = {};
    this.names.forEach((n, j) => (cols[n] = makeVector(this.column(j))));
    cols.liked = makeVector(this.y);
    const t = new Table(cols);
    for (const f of t.schema.fields) {
      if (t.getChild(f.name)?.nullCount !== 0) throw new MlError('INTERNAL', `feature ${f.name} has nulls; missing values must be NaN`);
    }
    return t;
  }

  /**
   * This table with `cols` (column-major, one column per name) appended. Written in place, without a
   * copy of the existing columns, when the buffer behind `x` has room after them (a table built with
   * spare columns, see `withSpare`); copied into a new buffer otherwise. Either way `this` must not be
   * used afterwards (its buffer may now hold the new columns).
   */
  append(names: string[], cols: Float32Array): FeatureTable {
    if (cols.length !== names.length * this.nRows) throw new MlError('INTERNAL', `append: ${cols.length} values for ${this.nRows} rows x ${names.length} columns`);
    const end = this.x.byteOffset + this.x.byteLength;
    const x =
      end + cols.byteLength <= this.x.buffer.byteLength
        ? new Float32Array(this.x.buffer, this.x.byteOffset, this.x.length + cols.length)
        : withSpare(this.x.length + cols.length, 0, this.x);
    x.set(cols, this.x.length);
    return new FeatureTable([...this.names, ...names], this.nRows, x, this.y, this.rows, this.pTrue);
  }

  /**
   * The table restricted to the columns `keep` (ascending), compacted in place: each kept column moves
   * forward in the same buffer, no second matrix is allocated. `this` must not be used afterwards.
   */
  keepInPlace(keep: readonly number[]): FeatureTable {
    const n = this.nRows;
    keep.forEach((j, k) => {
      if ((k > 0 && j <= (keep[k - 1] as number)) || j < 0 || j >= this.nFeatures) throw new MlError('INTERNAL', `keepInPlace: columns must be ascending and below ${this.nFeatures}, got ${keep.join(',')}`);
      if (j !== k) this.x.copyWithin(k * n, j * n, (j + 1) * n);
    });
    return new FeatureTable(keep.map((j) => this.names[j] as string), n, this.x.subarray(0, keep.length * n), this.y, this.rows, this.pTrue);
  }

  /** The given table rows (e.g. a fold) as a new table. */
  take(rows: ArrayLike<number>): FeatureTable {
    const n = rows.length;
    const x = new Float32Array(n * this.nFeatures);
    for (let j = 0; j < this.nFeatures; j++) {
      const col = this.column(j);
      for (let i = 0; i < n; i++) x[j * n + i] = col[rows[i] as number] as number;
    }
    const pick = <T extends Uint8Array | Uint32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const out = make(n);
      for (let i = 0; i < n; i++) out[i] = a[rows[i] as number] as number;
      return out;
    };
    return new FeatureTable(
      this.names,
      n,
      x,
      pick(this.y, (k) => new Uint8Array(k)),
      pick(this.rows, (k) => new Uint32Array(k)),
      this.pTrue ? pick(this.pTrue, (k) => new Float64Array(k)) : null,
    );
  }
}

/**
 * A zeroed matrix of `length` values whose buffer has room for `spare` more after them (so
 * `FeatureTable.append` can add that many values without copying the matrix), holding `init` at its start.
 */
export function withSpare(length: number, spare: number, init?: Float32Array): Float32Array {
  const x = new Float32Array(new ArrayBuffer((length + spare) * Float32Array.BYTES_PER_ELEMENT), 0, length);
  if (init) x.set(init);
  return x;
}
