/** Turns data flags into a DataSource (validated: bad values are usage errors naming the flag). */
import { SIZES } from '../data/synth.js';
import { MlError } from '../engine/errors.js';
import type { DataSource } from '../pipeline/dataset.js';
import type { Mode } from '../pipeline/kinds.js';
import type { DataOptions } from './options.js';

function count(name: string, v: number | undefined, fallback: number): number {
  const n = v ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > 100_000_000) throw new MlError('INVALID_ARGUMENT', `--${name} must be an integer in 1..100000000, got ${v}`);
  return n;
}

export function dataSource(a: DataOptions, mode: Mode, seed: number): DataSource {
  if (a.source === 'synthetic') {
    const s = SIZES[mode];
    return { kind: 'synthetic', users: count('users', a.users, s.users), movies: count('movies', a.movies, s.movies), interactions: count('interactions', a.interactions, s.interactions), seed };
  }
  if (!a.data) throw new MlError('INVALID_ARGUMENT', `--source ${a.source} needs --data DIR`);
  return a.source === 'csv' ? { kind: 'csv', dir: a.data } : { kind: 'movielens', dir: a.data };
}

export function checkSeed(seed: number): number {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new MlError('INVALID_ARGUMENT', `--seed must be a non-negative integer, got ${seed}`);
  return seed;
}

/** `--search-rows`: a whole number of rows, at least 100 (the folds of a smaller sample are too thin to rank configurations). */
export function checkSearchRows(v: number): number {
  if (!Number.isInteger(v) || v < 100) throw new MlError('INVALID_ARGUMENT', `--search-rows must be an integer >= 100, got ${v}`);
  return v;
}

export function checkFraction(v: number): number {
  if (!(v > 0 && v < 1)) throw new MlError('INVALID_ARGUMENT', `--test-fraction must be in (0, 1), got ${v}`);
  return v;
}
