/** Where a run's data comes from, and how it is split. */
import { type CsvLoadOptions, loadCsvDataset } from '../data/csv.js';
import { loadMovieLens100k } from '../data/movielens.js';
import type { Dataset, Split } from '../data/schema.js';
import { splitRandom, splitTemporal, splitUserOverlap } from '../data/split.js';
import { generateDataset } from '../data/synth.js';

export type DataSource =
  | { kind: 'synthetic'; users: number; movies: number; interactions: number; seed: number }
  | { kind: 'csv'; dir: string; columns?: CsvLoadOptions['columns'] }
  | { kind: 'movielens'; dir: string }
  /** A Dataset already in memory (library use, tests). */
  | { kind: 'memory'; dataset: Dataset };

export type SplitKind = Split['kind'];

export async function loadDataset(src: DataSource): Promise<Dataset> {
  switch (src.kind) {
    case 'synthetic':
      return generateDataset(src);
    case 'csv':
      return loadCsvDataset({ dir: src.dir }, { columns: src.columns });
    case 'movielens':
      return loadMovieLens100k(src.dir);
    case 'memory':
      return src.dataset;
  }
}

export function splitDataset(ds: Dataset, kind: SplitKind, testFraction: number, seed: number): Split & { moved?: number } {
  switch (kind) {
    case 'random':
      return splitRandom(ds, { testFraction, seed });
    case 'user-overlap':
      return splitUserOverlap(ds, { testFraction, seed });
    case 'temporal':
      return splitTemporal(ds, { testFraction });
  }
}
