/**
 * The out-of-fold folds of the training rows, in one place: the aggregate statistics (build.ts) and the
 * collaborative models (collab.ts) hold out exactly the same rows, so no training row's features ever
 * come from statistics or a model that saw its own label.
 */
import { Rng } from '../data/rng.js';

/** Positions 0..n-1 (into the split's training rows) shuffled by `seed`, dealt round-robin into `folds` groups (fold k: shuffled places i with i % folds === k). */
export function oofFolds(n: number, folds: number, seed: number): Uint32Array[] {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  new Rng(seed).shuffleInPlace(order);
  return Array.from({ length: folds }, (_, k) => order.filter((_, i) => i % folds === k));
}
