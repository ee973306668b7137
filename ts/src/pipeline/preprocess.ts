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

/** Per-column median of the non-missing values (upper median; 0 when a column is all NaN). */
export function columnMedians(x: Float32Array, nRows: number, nFeatures: number): Float32Array {
  const out = new Float32Array(nFeatures);
  for (let j = 0; j < nFeatures; j++) {
    const v = x.subarray(j * nRows, (j + 1) * nRows).filter((a) => !Number.isNaN(a)).sort();
    out[j] = v.length ? (v[v.length >> 1] as number) : 0;
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
