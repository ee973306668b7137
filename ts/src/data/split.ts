/**
 * Train/test splits over interaction rows. All are deterministic (seeded where random) and return
 * sorted, disjoint index sets that together cover every row.
 */
import { MlError } from '../engine/errors.js';
import { Rng } from './rng.js';
import type { Dataset, Split } from './schema.js';

export interface RandomSplitOptions {
  testFraction: number;
  seed: number;
}

export interface TemporalSplitOptions {
  testFraction: number;
}

/** A user-overlap split also reports how many test rows were moved to train. */
export type UserOverlapSplit = Split & { moved: number };

function checkFraction(f: unknown): void {
  if (typeof f !== 'number' || !(f > 0 && f < 1)) throw new MlError('INVALID_ARGUMENT', `testFraction must be in (0, 1), got ${String(f)}`);
}

function checkSeed(seed: unknown): void {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new MlError('INVALID_ARGUMENT', `seed must be a non-negative safe integer, got ${String(seed)}`);
  }
}

/** Builds the split from a 0/1 test flag per row. */
function fromFlags(kind: Split['kind'], isTest: Uint8Array): Split {
  let nTest = 0;
  for (let i = 0; i < isTest.length; i++) nTest += isTest[i] as number;
  const train = new Uint32Array(isTest.length - nTest);
  const test = new Uint32Array(nTest);
  let a = 0;
  let b = 0;
  for (let i = 0; i < isTest.length; i++) {
    if (isTest[i]) test[b++] = i;
    else train[a++] = i;
  }
  return { kind, train, test };
}

/** Test flags of a random split stratified by `liked`: round(f · n_class) rows of each class. */
function stratifiedFlags(ds: Dataset, testFraction: number, rng: Rng): Uint8Array {
  const { n, liked } = ds.interactions;
  const isTest = new Uint8Array(n);
  for (const cls of [0, 1]) {
    let count = 0;
    for (let i = 0; i < n; i++) if (liked[i] === cls) count++;
    const rows = new Uint32Array(count);
    let k = 0;
    for (let i = 0; i < n; i++) if (liked[i] === cls) rows[k++] = i;
    rng.shuffleInPlace(rows);
    const take = Math.round(testFraction * count);
    for (let j = 0; j < take; j++) isTest[rows[j] as number] = 1;
  }
  return isTest;
}

/** Random split, stratified by the target. */
export function splitRandom(ds: Dataset, opts: RandomSplitOptions): Split {
  checkFraction(opts?.testFraction);
  checkSeed(opts.seed);
  return fromFlags('random', stratifiedFlags(ds, opts.testFraction, new Rng(opts.seed)));
}

/**
 * Stratified random split, then every user with test rows but no train row gets one of their
 * test rows (the first in a seeded shuffle) moved to train, so every test user is known at training.
 */
export function splitUserOverlap(ds: Dataset, opts: RandomSplitOptions): UserOverlapSplit {
  checkFraction(opts?.testFraction);
  checkSeed(opts.seed);
  const rng = new Rng(opts.seed);
  const isTest = stratifiedFlags(ds, opts.testFraction, rng);
  const { n, user } = ds.interactions;
  const hasTrain = new Set<number>();
  for (let i = 0; i < n; i++) if (!isTest[i]) hasTrain.add(user[i] as number);
  const order = rng.shuffleInPlace(Uint32Array.from({ length: n }, (_, i) => i));
  let moved = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k] as number;
    const u = user[i] as number;
    if (isTest[i] && !hasTrain.has(u)) {
      isTest[i] = 0;
      hasTrain.add(u);
      moved++;
    }
  }
  return { ...fromFlags('user-overlap', isTest), moved };
}

/**
 * Per-user temporal split: of a user's k interactions (ordered by timestamp, ties by row index), the
 * latest min(k − 1, round(f · k)) go to test; users with a single interaction stay in train.
 */
export function splitTemporal(ds: Dataset, opts: TemporalSplitOptions): Split {
  checkFraction(opts?.testFraction);
  const { n, user, timestamp } = ds.interactions;
  const dense = new Map<number, number>();
  const userOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = timestamp[i] as number;
    if (Number.isNaN(t)) throw new MlError('INVALID_ARGUMENT', `temporal split needs timestamps: interaction row ${i} has none`);
    let d = dense.get(user[i] as number);
    if (d === undefined) dense.set(user[i] as number, (d = dense.size));
    userOf[i] = d;
  }
  const start = new Uint32Array(dense.size + 1);
  for (let i = 0; i < n; i++) {
    const next = (userOf[i] as number) + 1;
    start[next] = (start[next] as number) + 1;
  }
  for (let d = 0; d < dense.size; d++) start[d + 1] = (start[d + 1] as number) + (start[d] as number);
  const fill = start.slice(0, dense.size);
  const byUser = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const d = userOf[i] as number;
    byUser[fill[d] as number] = i;
    fill[d] = (fill[d] as number) + 1;
  }
  const isTest = new Uint8Array(n);
  for (let d = 0; d < dense.size; d++) {
    const seg = byUser.subarray(start[d] as number, start[d + 1] as number);
    const k = seg.length;
    const take = Math.min(k - 1, Math.round(opts.testFraction * k));
    if (take <= 0) continue;
    seg.sort((a, b) => (timestamp[a] as number) - (timestamp[b] as number) || a - b);
    for (let j = k - take; j < k; j++) isTest[seg[j] as number] = 1;
  }
  return fromFlags('temporal', isTest);
}
