/** Seeded stratified row samples, for bounding the cost of searches and diagnostics on large tables. */
import { Rng } from '../data/rng.js';

/** At most `max` row indices of `y` (sorted), keeping the share of each class; all rows when n <= max. */
export function stratifiedSample(y: Uint8Array, max: number, seed: number): Uint32Array {
  const n = y.length;
  if (n <= max) return Uint32Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(seed);
  const pos = Uint32Array.from({ length: n }, (_, i) => i).filter((i) => y[i] === 1);
  const neg = Uint32Array.from({ length: n }, (_, i) => i).filter((i) => y[i] !== 1);
  const takePos = Math.round((pos.length / n) * max);
  // Typed-array copies, never spread: a spread of 10^5+ elements overflows the call stack.
  const out = new Uint32Array(max);
  out.set(rng.shuffleInPlace(pos).subarray(0, takePos), 0);
  out.set(rng.shuffleInPlace(neg).subarray(0, max - takePos), takePos);
  return out.sort();
}
