/**
 * The feature step of the pipeline, in one place: out-of-fold features on a split, then selection
 * (constant and near-duplicate columns pruned, PCA summary), the kept columns of the train and test
 * tables and of the fitted features. fitPipeline and the bench's feature export both call it.
 */
import type { Dataset, Split } from '../data/schema.js';
import type { Index } from '../features/aggregates.js';
import { buildFeatures, type FittedFeatures, restrict } from '../features/build.js';
import { type PcaSummary, pca, prune, type Pruning, selectColumns } from '../features/select.js';
import type { FeatureTable } from '../features/table.js';
import { deriveSeed } from './seeds.js';

export interface PreparedFeatures {
  /** Kept columns only. */
  train: FeatureTable;
  test: FeatureTable;
  fitted: FittedFeatures;
  index: Index;
  /** Columns in the catalogue before selection. */
  catalogue: number;
  pruning: Pruning;
  pca: PcaSummary;
}

/** Features of `split` with out-of-fold folds seeded from the run's root `seed`; `timings` (seconds) gets `features` and `selection`. */
export function prepareFeatures(ds: Dataset, split: Split, seed: number, timings: Record<string, number> = {}): PreparedFeatures {
  let t0 = performance.now();
  const built = buildFeatures(ds, split, { seed: deriveSeed(seed, 'feature-folds') });
  timings.features = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const pruning = prune(built.train);
  const summary = pca(built.train);
  timings.selection = (performance.now() - t0) / 1000;
  const keep = pruning.keep;
  return {
    train: selectColumns(built.train, keep),
    test: selectColumns(built.test, keep),
    fitted: restrict(built.fitted, keep),
    index: built.index,
    catalogue: built.train.nFeatures,
    pruning,
    pca: summary,
  };
}
