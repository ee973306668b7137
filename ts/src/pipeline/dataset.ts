/** Where a run's data comes from (reading files: the command edge; the split is split.ts). */
import { type CsvLoadOptions, loadCsvDataset } from '../data/csv.js';
import { loadMovieLens100k } from '../data/movielens.js';
import type { Dataset } from '../data/schema.js';
import { generateDataset } from '../data/synth.js';

export type DataSource =
  | { kind: 'synthetic'; users: number; movies: number; interactions: number; seed: number }
  | { kind: 'csv'; dir: string; columns?: CsvLoadOptions['columns'] }
  | { kind: 'movielens'; dir: string }
  /** A Dataset already in memory (library use, tests). */
  | { kind: 'memory'; dataset: Dataset };

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
