/** Grid search + k-fold CV for each model on the training table, refit, then held-out evaluation. */
import type { Engine, GridReport, Model, ModelSpec } from '../engine/index.js';
import { type FittedFeatures, imputed } from '../features/build.js';
import type { FeatureTable } from '../features/table.js';
import { type Evaluation, evaluate } from './evaluate.js';
import { FOLDS, type Mode, type ModelPlan, plans } from './grids.js';
import { stratifiedSample } from './sample.js';

/** The grid search runs on at most this many training rows (stratified, seeded); the best configuration is then refit on all rows. */
export const SEARCH_ROWS = 400_000;
/** Permutation importance is measured on at most this many test rows. */
export const PERMUTATION_ROWS = 50_000;

export interface TrainedModel {
  name: string;
  plan: ModelPlan;
  model: Model;
  grid: GridReport;
  /** Training rows the grid search saw (all of them unless the table exceeds SEARCH_ROWS). */
  searchRows: number;
  /** Wall time of the grid search (all configs x folds + refit), seconds. */
  searchSeconds: number;
  /** Test-set probabilities, aligned with the test table. */
  testP: Float32Array;
  evaluation: Evaluation;
  /** Native importance per feature ("gain" for trees, |standardized coefficient| for LR), normalized to sum 1. */
  importance: number[];
  /** Permutation importance on the test set (mean AUC drop per feature). */
  permutation: number[];
}

export interface TrainOptions {
  mode: Mode;
  seed: number;
  /** Cap on the rows the grid search sees (default SEARCH_ROWS). */
  searchRows?: number;
  onProgress?: (message: string) => void;
}

const normalize = (v: Float64Array): number[] => {
  const s = v.reduce((a, b) => a + b, 0);
  return Array.from(v, (x) => (s > 0 ? x / s : 0));
};

export async function trainAll(engine: Engine, train: FeatureTable, test: FeatureTable, fitted: FittedFeatures, opts: TrainOptions): Promise<TrainedModel[]> {
  const out: TrainedModel[] = [];
  const folds = FOLDS[opts.mode];
  const searchRows = stratifiedSample(train.y, opts.searchRows ?? SEARCH_ROWS, opts.seed);
  const search = searchRows.length < train.nRows ? train.take(searchRows) : train;
  const permRows = stratifiedSample(test.y, PERMUTATION_ROWS, opts.seed);
  const perm = permRows.length < test.nRows ? test.take(permRows) : test;
  for (const plan of plans(opts.mode, opts.seed)) {
    const features = (t: FeatureTable) => (plan.impute ? imputed(t, fitted.medians) : t.x);
    const configs = Object.values(plan.grid.grid ?? {}).reduce((n, v) => n * v.length, 1);
    opts.onProgress?.(`${plan.name}: grid search, ${configs} configs x ${folds} folds on ${search.nRows} rows`);
    const t0 = performance.now();
    const { report, best: bestOnSearch } = await engine.gridSearch({ x: features(search), nRows: search.nRows }, search.y, plan.grid, { seed: opts.seed, folds, scoring: 'roc_auc' });
    let best = bestOnSearch;
    if (search !== train) {
      opts.onProgress?.(`${plan.name}: refit of the best configuration on all ${train.nRows} rows`);
      best = await engine.fit({ x: features(train), nRows: train.nRows }, train.y, { kind: plan.kind, params: report.best_params } as ModelSpec);
    }
    const searchSeconds = (performance.now() - t0) / 1000;
    const testP = best.predict({ x: features(test), nRows: test.nRows });
    const evaluation = evaluate(engine, test.y, testP);
    const importance = normalize(best.featureImportance(plan.kind === 'logistic' ? 'coefficient' : 'gain'));
    const permutation = best.permutationImportance({ x: features(perm), nRows: perm.nRows }, perm.y, { seed: opts.seed, n_repeats: opts.mode === 'full' ? 3 : 1 }).mean;
    opts.onProgress?.(`${plan.name}: best ${JSON.stringify(report.best_params)} -> test AUC ${evaluation.metrics.roc_auc.toFixed(4)} (${searchSeconds.toFixed(1)} s)`);
    out.push({ name: plan.name, plan, model: best, grid: report, searchRows: search.nRows, searchSeconds, testP, evaluation, importance, permutation });
  }
  return out;
}
