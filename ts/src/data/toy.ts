/**
 * A small seeded binary problem with a known logistic latent model: used by `moviepref check`
 * and the contract tests (the same data on every backend). Not the movie generator (that is synth).
 */
import { Rng } from './rng.js';

export interface ToyData {
  /** Column-major features. */
  x: Float32Array;
  y: Uint8Array;
  nRows: number;
  nFeatures: number;
  /** True P(y=1) per row, for the Bayes-optimal reference. */
  pTrue: Float64Array;
}

export function makeToy(nRows: number, nFeatures: number, seed: number): ToyData {
  const rng = new Rng(seed);
  const weights = Array.from({ length: nFeatures }, (_, j) => (j % 3 === 2 ? 0 : rng.normal() * 1.5));
  const x = new Float32Array(nRows * nFeatures);
  const y = new Uint8Array(nRows);
  const pTrue = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    let z = -0.3;
    for (let j = 0; j < nFeatures; j++) {
      const scale = 1 + 9 * (j % 2); // mixed scales exercise standardization
      const v = Math.fround(rng.normal() * scale);
      x[j * nRows + i] = v;
      z += (weights[j] ?? 0) * (v / scale);
    }
    const p = 1 / (1 + Math.exp(-z));
    pTrue[i] = p;
    y[i] = rng.bernoulli(p) ? 1 : 0;
  }
  return { x, y, nRows, nFeatures, pTrue };
}

/** Rows [from, to) of a column-major matrix, as a new column-major matrix. */
export function sliceRows(x: Float32Array, nRows: number, from: number, to: number): Float32Array {
  const nFeatures = x.length / nRows;
  const out = new Float32Array((to - from) * nFeatures);
  for (let j = 0; j < nFeatures; j++) out.set(x.subarray(j * nRows + from, j * nRows + to), j * (to - from));
  return out;
}
