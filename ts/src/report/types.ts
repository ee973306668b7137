/** The versioned run report (report.json), the single source for the HTML report and the CLI summary. */
import type { Evaluation } from '../pipeline/evaluate.js';
import type { PcaSummary, Pruning } from '../features/select.js';
import type { ErrorAnalysis } from './analysis.js';

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
  /** Training rows the grid search ran on (the best configuration is refit on all training rows). */
  search_rows: number;
  search_seconds: number;
  test: Evaluation['metrics'];
  curve: Evaluation['curve'];
  calibration: Evaluation['calibration'];
  importance: Ranked[];
  permutation: Ranked[];
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
  best_model: string;
  error_analysis: ErrorAnalysis;
  insights: string[];
  timings: Record<string, number>;
}
