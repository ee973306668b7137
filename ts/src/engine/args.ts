/** Argument checks shared by both adapters: wrong JS types get INVALID_ARGUMENT before reaching Rust. */
import { MlError } from './errors.js';
import type { Labels, Matrix } from './types.js';

export function checkMatrix(m: Matrix): void {
  if (!(m?.x instanceof Float32Array)) throw new MlError('INVALID_ARGUMENT', 'features `x` must be a Float32Array (column-major)');
  if (!Number.isInteger(m.nRows) || m.nRows < 0 || m.nRows > 0xffff_ffff)
    throw new MlError('INVALID_ARGUMENT', `nRows must be a non-negative integer, got ${m.nRows}`);
}

/** Labels travel as Float32Array 0/1 (NaN and other values are rejected by the engine with INVALID_LABEL). */
export function toLabelArray(y: Labels): Float32Array {
  if (y instanceof Float32Array) return y;
  if (y instanceof Uint8Array) return Float32Array.from(y);
  throw new MlError('INVALID_ARGUMENT', 'labels `y` must be a Float32Array or Uint8Array');
}

export function checkThreshold(t: number): number {
  if (typeof t !== 'number' || Number.isNaN(t)) throw new MlError('INVALID_ARGUMENT', `threshold must be a number, got ${t}`);
  return t;
}
