/** Reusable option builders: every command composes the ones it needs. */
import type { Argv } from 'yargs';
import { SEARCH_ROWS, SEARCHES, type SearchKind } from '../pipeline/train.js';

export interface GlobalOptions {
  json: boolean;
  verbose: boolean;
  backend?: string;
}

export function withGlobals<T>(y: Argv<T>): Argv<T & GlobalOptions> {
  return y
    .option('json', { type: 'boolean', default: false, describe: 'Print exactly one JSON document on stdout (logs go to stderr)' })
    .option('verbose', { type: 'boolean', default: false, describe: 'More detail on stderr' })
    .option('backend', {
      type: 'string',
      choices: ['native', 'wasm'],
      describe: 'Force an engine backend (default: native, falling back to wasm; env MP_BACKEND)',
    }) as Argv<T & GlobalOptions>;
}

export function withSeed<T>(y: Argv<T>): Argv<T & { seed: number }> {
  return y.option('seed', { type: 'number', default: 42, describe: 'Seed for every random choice (same seed, same result)' }) as Argv<
    T & { seed: number }
  >;
}

export interface DataOptions {
  source: 'synthetic' | 'csv' | 'movielens';
  data?: string;
  users?: number;
  movies?: number;
  interactions?: number;
}

/** Where the data comes from: generated (sizes by mode or flags), a CSV directory, or MovieLens 100K. */
export function withData<T>(y: Argv<T>): Argv<T & DataOptions> {
  return y
    .option('source', { choices: ['synthetic', 'csv', 'movielens'] as const, default: 'synthetic' as const, describe: 'Data source' })
    .option('data', { type: 'string', describe: 'Directory of users.csv/movies.csv/ratings.csv (csv) or the MovieLens 100K files (movielens)' })
    .option('users', { type: 'number', describe: 'Synthetic: number of users (default by --mode)' })
    .option('movies', { type: 'number', describe: 'Synthetic: number of movies (default by --mode)' })
    .option('interactions', { type: 'number', describe: 'Synthetic: number of interactions (default by --mode)' }) as Argv<T & DataOptions>;
}

export interface SplitOptions {
  split: 'random' | 'user-overlap' | 'temporal';
  'test-fraction': number;
}

export function withSplit<T>(y: Argv<T>): Argv<T & SplitOptions> {
  return y
    .option('split', { choices: ['random', 'user-overlap', 'temporal'] as const, default: 'user-overlap' as const, describe: 'Train/test split' })
    .option('test-fraction', { type: 'number', default: 0.2, describe: 'Share of interactions held out for testing' }) as Argv<T & SplitOptions>;
}

export function withOut<T>(y: Argv<T>, what: string, fallback: string): Argv<T & { out: string }> {
  return y.option('out', { type: 'string', default: fallback, describe: what }) as Argv<T & { out: string }>;
}

export interface SearchOptions {
  search: SearchKind;
  'search-rows': number;
}

/** `--search grid|halving` and `--search-rows N`: how the pipeline compares each kind's configurations, on how many rows (pipeline/train.ts). */
export function withSearch<T>(y: Argv<T>): Argv<T & SearchOptions> {
  return y
    .option('search', {
      choices: SEARCHES,
      default: 'grid' as const,
      describe: 'grid: every configuration on every fold; halving: successive halving (factor 3), the best third goes on with 3x the rows',
    })
    .option('search-rows', {
      type: 'number',
      default: SEARCH_ROWS,
      describe: 'The search runs on at most this many training rows (stratified sample); the best configuration is refit on all of them',
    }) as Argv<T & SearchOptions>;
}

/** `--model DIR`: the artifacts directory a saved pipeline is loaded from (evaluate, predict, serve). */
export function withModelDir<T>(y: Argv<T>): Argv<T & { model: string }> {
  return y.option('model', { type: 'string', demandOption: true, describe: 'Artifacts directory written by run/train' }) as Argv<T & { model: string }>;
}
