/** Parameter grids per run mode. Full mirrors the seed pipeline's 5-fold grid search; quick/demo are small. */
import type { GridSpec, ModelKind } from '../engine/index.js';

export type Mode = 'full' | 'quick' | 'demo';

export interface ModelPlan {
  name: string;
  kind: ModelKind;
  grid: GridSpec;
  /** Logistic regression cannot take NaN: it gets median-imputed features. */
  impute: boolean;
}

export const FOLDS: Record<Mode, number> = { full: 5, quick: 3, demo: 3 };

export function plans(mode: Mode, seed: number): ModelPlan[] {
  type G = Record<Mode, Record<string, unknown[]>>;
  const lr = (<G>{ full: { l2: [0.01, 0.1, 1, 10, 100] }, quick: { l2: [0.1, 1, 10] }, demo: { l2: [1] } })[mode];
  const rf = (<G>{
    full: { n_estimators: [200], max_depth: [10, 16], min_samples_leaf: [1, 5] },
    quick: { n_estimators: [60], max_depth: [8, 12] },
    demo: { n_estimators: [30], max_depth: [8] },
  })[mode];
  const gbt = (<G>{
    full: { n_estimators: [200, 400], max_depth: [4, 6], learning_rate: [0.05, 0.1] },
    quick: { n_estimators: [150], max_depth: [3, 5], learning_rate: [0.1] },
    demo: { n_estimators: [60], max_depth: [4], learning_rate: [0.1] },
  })[mode];
  return [
    { name: 'logistic_regression', kind: 'logistic', impute: true, grid: { kind: 'logistic', grid: lr } },
    { name: 'random_forest', kind: 'forest', impute: false, grid: { kind: 'forest', params: { seed }, grid: rf } },
    { name: 'gradient_boosting', kind: 'gbt', impute: false, grid: { kind: 'gbt', params: { seed, subsample: 0.9, colsample_bytree: 0.9 }, grid: gbt } },
  ];
}
