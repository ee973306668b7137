/**
 * One root seed per run; every random stream of the TypeScript side gets its own seed derived from it
 * by name, so no two streams share a sequence (the train-side search sample and the test-side
 * permutation sample used to be drawn from the same seed) and adding a stream changes no other.
 * The synthetic generator is the one exception: its seed IS the root, so `generate --seed S` writes
 * the data `run --seed S` trains on.
 */

/** Every named stream of a run. Model seeds are per model name (`model:<name>`). */
export type SeedStream =
  | 'split'
  | 'feature-folds'
  | 'search-rows'
  | 'permutation-rows'
  | 'permutation'
  | 'cv-folds'
  | 'demo-users'
  | 'collab'
  | 'collab-sample'
  | `model:${string}`;

/** A 32-bit seed for `stream`, a pure function of (root, stream name): FNV-1a of the name mixed with the root through splitmix32. */
export function deriveSeed(root: number, stream: SeedStream): number {
  if (!Number.isSafeInteger(root) || root < 0) throw new RangeError(`seed must be a non-negative safe integer, got ${root}`);
  let h = 0x811c9dc5;
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193) >>> 0;
  const mix = (z: number): number => {
    z = (z + 0x9e3779b9) >>> 0;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  return mix(mix(mix(root >>> 0) ^ Math.floor(root / 0x1_0000_0000)) ^ h);
}
