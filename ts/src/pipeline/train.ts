/** Grid search + k-fold CV for each model on the training table, refit, then held-out evaluation. */
import type { Engine, GridReport, Model } from '../engine/index.js';
import { type FittedFeatures, imputed } from '../features/build.js';
import type { FeatureTable } from '../features/table.js';
import { type Evaluation, evaluate } from './evaluate.js';
import { FOLDS, type Mode, type ModelPlan, plans } from './grids.js';

export interface TrainedModel {
  name: string;
  plan: ModelPlan;
  model: Model;
  grid: GridReport;
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
  onProgress?: (message: string) => void;
}

const normalize = (v: Float64Array): number[] => {
  const s = v.reduce((a, b) => a + b, 0);
  return Array.from(v, (x) => (s > 0 ? x / s : 0));
};

export async function trainAll(engine: Engine, train: FeatureTable, test: FeatureTable, fitted: FittedFeatures, opts: TrainOptions): Promise<TrainedModel[]> {
  const out: TrainedModel[] = [];
  const folds = FOLDS[opts.mode];
  for (const plan of plans(opts.mode, opts.seed)) {
    const xTrain = plan.impute ? imputed(train, fitted.medians) : train.x;
    const xTest = plan.impute ? imputed(test, fitted.medians) : test.x;
    const configs = Object.values(plan.grid.grid ?? {}).reduce((n, v) => n * v.length, 1);
    opts.onProgress?.(`${plan.name}: grid search, ${configs} configs x ${folds} folds on ${train.nRows} rows`);
    const t0 = performance.now();
    const { report, best } = await engine.gridSearch({ x: xTrain, nRows: train.nRows }, train.y, plan.grid, { seed: opts.seed, folds, scoring: 'roc_auc' });
    const searchSeconds = (performance.now() - t0) / 1000;
    const testP = best.predict({ x: xTest, nRows: test.nRows });
    const evaluation = evaluate(engine, test.y, testP);
    const importance = normalize(best.featureImportance(plan.kind === 'logistic' ? 'coefficient' : 'gain'));
    const permutation = best.permutationImportance({ x: xTest, nRows: test.nRows }, test.y, { seed: opts.seed, n_repeats: opts.mode === 'full' ? 3 : 1 }).mean;
    opts.onProgress?.(`${plan.name}: best ${JSON.stringify(report.best_params)} -> test AUC ${evaluation.metrics.roc_auc.toFixed(4)} (${searchSeconds.toFixed(1)} s)`);
    out.push({ name: plan.name, plan, model: best, grid: report, searchSeconds, testP, evaluation, importance, permutation });
  }
  return out;
}
