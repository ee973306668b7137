/** The versioned run report (report.json), the single source for the HTML report and the CLI summary. */
import type { CollabSample, CollabSearch } from '../features/collab-search.js';
import type { Evaluation } from '../pipeline/evaluate.js';
import type { PcaSummary, Pruning } from '../features/select.js';
import type { ErrorAnalysis } from './analysis.js';
import type { SearchReport } from '../engine/types.js';

export const REPORT_SCHEMA = 'moviepref.report/1';

export interface Ranked {
  name: string;
  value: number;
}

export interface ModelSummary {
  name: string;
  kind: string;
  best_params: Record<string, unknown>;
  /** Cross-validated mean and std of each metric for the best configuration. */
  cv: Record<string, { mean: number; std: number }>;
  configs_evaluated: number;
  /** Which search ran (grid or halving), its fits (configurations x folds + refit) and, for halving, its iterations. */
  search: SearchReport;
  /** Training rows the grid search ran on (the best configuration is refit on all training rows). */
  search_rows: number;
  search_seconds: number;
  test: Evaluation['metrics'];
  curve: Evaluation['curve'];
  calibration: Evaluation['calibration'];
  importance: Ranked[];
  permutation: Ranked[];
  /** Present when the best configuration early-stops (only a grid that asks for it): see earlyStoppingSummary. */
  early_stopping?: EarlyStoppingSummary;
}

/** Early stopping of a model's best configuration: per CV fold and for the model kept. */
export interface EarlyStoppingSummary {
  /** Share of each fit's training rows held out (stratified, seeded) to stop on. */
  validation_fraction: number;
  /** Per fold, the last kept boosting round (0-based). */
  best_iterations: number[];
  mean_best_iteration: number;
  /** The last kept round of the model refit on all training rows. */
  refit_best_iteration: number | null;
}

/** A collaborative model alone, scored on the test rows (the "collaborative filtering baseline" rows). */
export interface CollabBaseline {
  name: string;
  kind: string;
  /** What it was fitted on (chosen by out-of-fold AUC on training rows). */
  target: 'rating' | 'liked';
  /** Its parameters as fitted: the fixed ones and the search's choice (engine defaults for the rest). */
  params: Record<string, unknown>;
  /** ROC-AUC of its score for `liked`. */
  test_auc: number;
  /** RMSE of its predicted star rating (null when fitted on the like label). */
  test_rmse: number | null;
}

/** The collaborative feature group: how its target was chosen, the baselines, and what it adds to each model. */
export interface CollabReport {
  target: 'rating' | 'liked';
  /** Out-of-fold AUC (training rows) of the best MF score per candidate target. */
  cv_auc: Partial<Record<'rating' | 'liked', number>>;
  /** Per model (MF first): every candidate (target, grid values, out-of-fold AUC vs liked on training rows) and the chosen index. */
  search: CollabSearch[];
  /** The users and rows the candidates were compared on when the training rows exceeded the search budget (null: every training row). */
  search_sample: CollabSample | null;
  /** Collaborative models left out of the group and why (e.g. item kNN past the engine's catalogue cap). */
  skipped?: { kind: string; reason: string }[];
  baselines: CollabBaseline[];
  /** Kept collaborative columns. */
  columns: string[];
  /** Per model: share of its native importance on the collaborative columns. */
  importance_share: Record<string, number>;
  /**
   * The best model's configuration refit without the collaborative columns (null when none was kept): on
   * all training rows, or, past the search budget, with and without the columns on the search sample
   * (`rows`; `with_group` is then that sample fit's test AUC, not the model's).
   */
  without: { model: string; test_auc: number; with_group: number; rows?: number } | null;
}

export interface RunReport {
  schema: typeof REPORT_SCHEMA;
  created: string;
  engine: { backend: string; version: string };
  config: Record<string, unknown>;
  dataset: { source: string; users: number; movies: number; interactions: number; like_rate: number; genres: number; meta: Record<string, unknown> };
  split: { kind: string; train: number; test: number; note?: string };
  features: { catalogue: number; kept: number; dropped: Pruning['dropped']; correlated_pairs: Pruning['correlatedPairs']; pca: PcaSummary };
  /** AUC of the true like probabilities on the test rows (synthetic data only): the ceiling for any model. */
  bayes_auc: number | null;
  models: ModelSummary[];
  /** The collaborative group (absent when the engine has no collaborative models). */
  collab?: CollabReport;
  best_model: string;
  error_analysis: ErrorAnalysis;
  insights: string[];
  timings: Record<string, number>;
}
