/**
 * The train/test split of a run, with the checks that refuse data too small or one-sided for it (pure:
 * the browser demo runs it too).
 */
import type { Dataset, Split } from '../data/schema.js';
import { splitRandom, splitTemporal, splitUserOverlap } from '../data/split.js';
import { MlError } from '../engine/errors.js';

export type SplitKind = Split['kind'];

/** Liked and not-liked counts over `rows` (all interactions when absent). */
function classCounts(ds: Dataset, rows?: Uint32Array): { liked: number; notLiked: number } {
  const { liked, n } = ds.interactions;
  let pos = 0;
  const total = rows ? rows.length : n;
  for (let k = 0; k < total; k++) pos += liked[rows ? (rows[k] as number) : k] as number;
  return { liked: pos, notLiked: total - pos };
}

const counted = (c: { liked: number; notLiked: number }) => `${c.liked} liked and ${c.notLiked} not liked`;

/** Smallest class size a stratified split at `testFraction` turns into >= `folds` training rows and >= 1 test row. */
export function minPerClass(testFraction: number, folds: number): number {
  let n = 1;
  while (Math.round(testFraction * n) < 1 || n - Math.round(testFraction * n) < folds) n++;
  return n;
}

/**
 * Refuses data a model cannot be trained and evaluated on (INVALID_DATA, before any work): both
 * classes must be present, with enough rows of each for the split, and after the split the training
 * part needs `folds` rows of each class (stratified k-fold search) and the test part one of each.
 */
function checkClasses(ds: Dataset, split: Split, kind: SplitKind, testFraction: number, folds: number): void {
  const all = classCounts(ds);
  const n = ds.interactions.n;
  const what = `the data (${n} interaction${n === 1 ? '' : 's'}, source ${ds.source})`;
  if (all.liked === 0 || all.notLiked === 0) {
    const missing = all.liked === 0 ? 'liked (rating >= 4 or liked = 1)' : 'not-liked (rating < 4 or liked = 0)';
    throw new MlError('INVALID_DATA', `${what} has no ${missing} interactions; a like/dislike model needs both classes`);
  }
  const need = minPerClass(testFraction, folds);
  if (all.liked < need || all.notLiked < need) {
    throw new MlError(
      'INVALID_DATA',
      `${what} has too few interactions for a train/test split: each class needs at least ${need} (${folds} for ${folds}-fold cross-validation plus 1 for the test set at test fraction ${testFraction}), there are ${counted(all)}`,
    );
  }
  const train = classCounts(ds, split.train);
  const test = classCounts(ds, split.test);
  if (train.liked < folds || train.notLiked < folds) {
    throw new MlError('INVALID_DATA', `${what}: after the ${kind} split the training set has ${counted(train)} interactions; ${folds}-fold cross-validation needs at least ${folds} of each`);
  }
  if (test.liked === 0 || test.notLiked === 0) {
    throw new MlError('INVALID_DATA', `${what}: after the ${kind} split the test set has ${counted(test)} interactions; evaluation needs at least 1 of each`);
  }
}

/**
 * Splits the interactions. With `folds` (the cross-validation the pipeline runs next), data too small
 * or one-sided for that is refused with INVALID_DATA naming the counts (see checkClasses).
 */
export function splitDataset(ds: Dataset, kind: SplitKind, testFraction: number, seed: number, folds?: number): Split & { moved?: number } {
  const split = (() => {
    switch (kind) {
      case 'random':
        return splitRandom(ds, { testFraction, seed });
      case 'user-overlap':
        return splitUserOverlap(ds, { testFraction, seed });
      case 'temporal':
        return splitTemporal(ds, { testFraction });
    }
  })();
  if (folds !== undefined) checkClasses(ds, split, kind, testFraction, folds);
  return split;
}
