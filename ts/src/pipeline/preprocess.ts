/**
 * Feature preprocessing owned by a model kind (kinds.ts `preprocessing`): fitted on the training table,
 * saved with the model (manifest `models[].preprocessing`), applied to every matrix the model sees, in
 * training, evaluation and serving alike. The one implementation of median imputation.
 */
import { MlError } from '../engine/errors.js';
import type { PreprocessStep } from './kinds.js';

/** One fitted step. `impute-median`: NaN in column j becomes medians[j] (training median, 0 for an all-missing column). */
export interface FittedStep {
  step: PreprocessStep;
  medians: Float32Array;
}

/**
 * The value at position `k` of `a` sorted ascending (as `Float32Array.prototype.sort` orders it, -0
 * before +0), found in expected linear time (Hoare's selection with median-of-three pivots); `a` (no
 * NaN) is reordered. A sort of every column was most of the preprocessing time on millions of rows.
 */
export function selectKth(a: Float32Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as the pivot value.
    const [x, y, z] = [a[lo] as number, a[mid] as number, a[hi] as number];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i++] = a[j] as number;
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  const v = a[k] as number;
  if (v !== 0) return v;
  // A zero: -0 or +0 by where k falls among the sorted zeros (negatives, then -0s, then +0s).
  let below = 0;
  let negZero = 0;
  for (const e of a) {
    if (e < 0) below++;
    else if (e === 0 && Object.is(e, -0)) negZero++;
  }
  return k >= below && k < below + negZero ? -0 : 0;
}

/** Per-column median of the non-missing values (upper median; 0 when a column is all NaN). */
export function columnMedians(x: Float32Array, nRows: number, nFeatures: number): Float32Array {
  const out = new Float32Array(nFeatures);
  const buf = new Float32Array(nRows);
  for (let j = 0; j < nFeatures; j++) {
    let n = 0;
    for (let i = j * nRows; i < (j + 1) * nRows; i++) {
      const v = x[i] as number;
      if (!Number.isNaN(v)) buf[n++] = v;
    }
    out[j] = n ? selectKth(buf.subarray(0, n), n >> 1) : 0;
  }
  return out;
}

/** Fits `steps` on the column-major training matrix `x` (nRows rows, at least one). */
export function fitPreprocessing(steps: readonly PreprocessStep[], x: Float32Array, nRows: number): FittedStep[] {
  return steps.map((step) => ({ step, medians: columnMedians(x, nRows, x.length / nRows) }));
}

/** The column-major matrix `x` (nRows rows) after the fitted steps: a copy when any step applies, `x` itself otherwise. */
export function applyPreprocessing(steps: readonly FittedStep[], x: Float32Array, nRows: number): Float32Array {
  let out = x;
  for (const s of steps) {
    const nFeatures = nRows ? x.length / nRows : s.medians.length;
    if (nFeatures !== s.medians.length) throw new MlError('SHAPE_MISMATCH', `${s.step}: fitted on ${s.medians.length} features, got ${nFeatures}`);
    if (out === x) out = Float32Array.from(x);
    for (let j = 0; j < s.medians.length; j++) {
      const m = s.medians[j] as number;
      for (let i = j * nRows; i < (j + 1) * nRows; i++) if (Number.isNaN(out[i])) out[i] = m;
    }
  }
  return out;
}

/**
 * `fn` run on the column-major matrix `x` (nRows rows) with the fitted steps applied IN PLACE: the
 * missing cells are filled for the call and set back to NaN after it (also when it throws). For the
 * refit on all training rows, where a preprocessed copy would double the largest matrix of the run
 * (2.4 GB at 10M interactions); what it keeps instead is the row of every missing cell. `x` must not be
 * read by anything else while `fn` runs.
 */
export async function withPreprocessedInPlace<T>(steps: readonly FittedStep[], x: Float32Array, nRows: number, fn: (x: Float32Array) => Promise<T>): Promise<T> {
  if (steps.length === 0) return fn(x);
  const nFeatures = nRows ? x.length / nRows : 0;
  for (const s of steps) if (nFeatures !== s.medians.length) throw new MlError('SHAPE_MISMATCH', `${s.step}: fitted on ${s.medians.length} features, got ${nFeatures}`);
  // Every step fills NaN cells, so the first one fills them all: remember each column's missing rows.
  const medians = (steps[0] as FittedStep).medians;
  const missing: Uint32Array[] = [];
  for (let j = 0; j < nFeatures; j++) {
    const col = x.subarray(j * nRows, (j + 1) * nRows);
    let n = 0;
    for (const v of col) if (Number.isNaN(v)) n++;
    const rows = new Uint32Array(n);
    n = 0;
    for (let i = 0; i < nRows; i++) if (Number.isNaN(col[i])) rows[n++] = i;
    for (const i of rows) col[i] = medians[j] as number;
    missing.push(rows);
  }
  try {
    return await fn(x);
  } finally {
    missing.forEach((rows, j) => {
      const col = x.subarray(j * nRows, (j + 1) * nRows);
      for (const i of rows) col[i] = Number.NaN;
    });
  }
}
