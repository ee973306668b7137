/** Seeded stratified row samples, for bounding the cost of searches and diagnostics on large tables. */
import { Rng } from '../data/rng.js';

/** At most `max` row indices of `y` (sorted), keeping the share of each class; all rows when n <= max. */
export function stratifiedSample(y: Uint8Array, max: number, seed: number): Uint32Array {
  const n = y.length;
  if (n <= max) return Uint32Array.from({ length: n }, (_, i) => i);
  const rng = new Rng(seed);
  const out: number[] = [];
  const pos = Uint32Array.from({ length: n }, (_, i) => i).filter((i) => y[i] === 1);
  const neg = Uint32Array.from({ length: n }, (_, i) => i).filter((i) => y[i] !== 1);
  const takePos = Math.round((pos.length / n) * max);
  for (const [rows, k] of [[pos, takePos], [neg, max - takePos]] as const) {
    rng.shuffleInPlace(rows);
    out.push(...rows.subarray(0, k));
  }
  return Uint32Array.from(out).sort();
}
