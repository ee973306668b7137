/** Grid search + k-fold CV for every kind of the kind table on the training table, refit, then held-out evaluation. */
import type { Engine, FitCallOptions, FitOptions, FitProgress, GridProgress, GridReport, Model, ModelSpec } from '../engine/types.js';
import type { FeatureTable } from '../features/table.js';
import { type Evaluation, evaluate } from './evaluate.js';
import { FOLDS, gridSize, gridSpec, type KindEntry, KINDS, type Mode } from './kinds.js';
import { applyPreprocessing, type FittedStep, fitPreprocessing, withPreprocessedInPlace } from './preprocess.js';
import { stratifiedSample } from './sample.js';
import { deriveSeed } from './seeds.js';

/**
 * How each kind's configurations are compared: `grid` fits every configuration on every fold (the
 * default); `halving` runs the engine's successive halving (factor 3, scikit-learn's HalvingGridSearchCV
 * schedule): the configurations on a third of the rows, the best third of them on (nearly) all.
 */
export const SEARCHES = ['grid', 'halving'] as const;
export type SearchKind = (typeof SEARCHES)[number];

/**
 * The search's work budget: each kind's search (every configuration x fold) runs on at most this many
 * training rows (a stratified seeded sample), and only the best configuration is refit on all rows. A
 * search's cost is configurations x folds x fit(rows), so without a cap it grows with the data (a full-mode
 * search on ~400k rows took ~10 min per model); with it the search costs at most ~2.5x what it costs at the seed's
 * size and the data size shows up only in the one refit. Tables of up to this many rows are searched
 * whole. `--search-rows` overrides it (e.g. a larger sample for a final run).
 */
export const SEARCH_ROWS = 100_000;
/**
 * Permutation importance is measured on at most this many test rows (stratified, seeded). Its cost is
 * features x repeats x predict(rows), and the noise of the AUC drops it reports shrinks only as
 * 1/sqrt(rows): past a few 10k rows more rows buy little precision for much time (at 500k interactions, 50k
 * rows took ~60 s of a forest's evaluation).
 */
export const PERMUTATION_ROWS = 20_000;

export interface TrainedModel {
  name: string;
  entry: KindEntry;
  model: Model;
  /** The model's fitted preprocessing (saved with it, applied to everything it predicts). */
  preprocessing: FittedStep[];
  grid: GridReport;
  /** Training rows the grid search saw (all of them unless the table exceeds SEARCH_ROWS). */
  searchRows: number;
  /** Wall time of the search (its fits + the refit), seconds. */
  searchSeconds: number;
  /** Test-set probabilities, aligned with the test table. */
  testP: Float32Array;
  evaluation: Evaluation;
  /** Native importance per feature (entry.importance), normalized to sum 1. */
  importance: number[];
  /** Permutation importance on the test set (mean AUC drop per feature). */
  permutation: number[];
}

/** One engine grid-search report, named by the kind table entry being searched. */
export type SearchProgressEvent = { model: string } & GridProgress;
/** One tree (or boosting round) of a long single fit of `model` (`stage`: "refit", "refit without collaborative"). */
export interface TreeProgressEvent {
  model: string;
  stage: string;
  trees_done: number;
  trees_total: number;
}
export type FitProgressEvent = SearchProgressEvent | TreeProgressEvent;

/**
 * Fit options for one fit of `params` (its search's best configuration) on all rows: the search's
 * refit options, plus a tree counter for `onTree` when the kind grows trees (`n_estimators`); a
 * logistic regression (a few Newton steps) has none.
 */
export function singleFitOptions(report: GridReport, onTree: ((done: number, total: number) => void) | undefined): FitCallOptions | undefined {
  const base = refitOptions(report);
  const total = report.best_params.n_estimators;
  if (!onTree || typeof total !== 'number') return base;
  return { ...base, onProgress: (p: FitProgress) => onTree(p.iteration + 1, total) };
}

export interface TrainOptions {
  mode: Mode;
  /** The run's root seed: the search sample, the CV folds, the permutation rows and shuffles and every model's seed derive from it. */
  seed: number;
  /** Cap on the rows the grid search sees (default SEARCH_ROWS). */
  searchRows?: number;
  /** The search strategy (default 'grid'). */
  search?: SearchKind;
  /** Kinds to train (default: every entry of the kind table). */
  kinds?: readonly KindEntry[];
  onProgress?: (message: string) => void;
  /** The engine's grid-search reports (`fits_done`/`fits_total` = configurations x folds, per iteration for halving, + the refit), per model. */
  onFitProgress?: (e: FitProgressEvent) => void;
}

const normalize = (v: Float64Array): number[] => {
  const s = v.reduce((a, b) => a + b, 0);
  return Array.from(v, (x) => (s > 0 ? x / s : 0));
};

/**
 * Fit options that refit the search's best configuration the way the search did: when it early-stops, with
 * the search's validation cut (fraction and seed of the report) of the rows it is refit on; otherwise none.
 */
export function refitOptions(report: GridReport): FitOptions | undefined {
  const es = report.early_stopping;
  if (!es || !report.configs[report.best_index]?.early_stopping) return undefined;
  return { validation: { fraction: es.validation_fraction, seed: es.validation_seed } };
}

/** The rows every search works on: `train` itself when it fits the budget, else its stratified seeded sample of `searchRows` (default SEARCH_ROWS) rows. */
export function searchTable(train: FeatureTable, seed: number, searchRows: number = SEARCH_ROWS): FeatureTable {
  const rows = stratifiedSample(train.y, searchRows, deriveSeed(seed, 'search-rows'));
  return rows.length < train.nRows ? train.take(rows) : train;
}

export async function trainAll(engine: Engine, train: FeatureTable, test: FeatureTable, opts: TrainOptions): Promise<TrainedModel[]> {
  const out: TrainedModel[] = [];
  const folds = FOLDS[opts.mode];
  const search = searchTable(train, opts.seed, opts.searchRows);
  const permRows = stratifiedSample(test.y, PERMUTATION_ROWS, deriveSeed(opts.seed, 'permutation-rows'));
  const perm = permRows.length < test.nRows ? test.take(permRows) : test;
  for (const entry of opts.kinds ?? KINDS) {
    const preprocessing = fitPreprocessing(entry.preprocessing, train.x, train.nRows);
    const matrix = (t: FeatureTable) => ({ x: applyPreprocessing(preprocessing, t.x, t.nRows), nRows: t.nRows });
    const strategy = opts.search ?? 'grid';
    opts.onProgress?.(`${entry.name}: ${strategy} search, ${gridSize(entry, opts.mode)} configs x ${folds} folds on ${search.nRows} rows`);
    const t0 = performance.now();
    const grid = gridSpec(entry, opts.mode, deriveSeed(opts.seed, `model:${entry.name}`));
    const onFit = opts.onFitProgress;
    const onProgress = onFit && ((p: GridProgress) => onFit({ model: entry.name, fits_done: p.fits_done, fits_total: p.fits_total }));
    const { report, best: bestOnSearch } = await engine.gridSearch(matrix(search), search.y, grid, { seed: deriveSeed(opts.seed, 'cv-folds'), folds, scoring: 'roc_auc', search: strategy, onProgress });
    let best = bestOnSearch;
    if (search !== train) {
      opts.onProgress?.(`${entry.name}: refit of the best configuration on all ${train.nRows} rows`);
      const onTree = onFit && ((done: number, total: number) => onFit({ model: entry.name, stage: 'refit', trees_done: done, trees_total: total }));
      const spec = { kind: entry.kind, params: report.best_params } as ModelSpec;
      best = await withPreprocessedInPlace(preprocessing, train.x, train.nRows, (x) => engine.fit({ x, nRows: train.nRows }, train.y, spec, singleFitOptions(report, onTree)));
    }
    const searchSeconds = (performance.now() - t0) / 1000;
    opts.onProgress?.(`${entry.name}: test evaluation on ${test.nRows} rows, permutation importance on ${perm.nRows}`);
    const testP = best.predict(matrix(test));
    const evaluation = evaluate(engine, test.y, testP);
    const importance = normalize(best.featureImportance(entry.importance.kind));
    const permutation = best.permutationImportance(matrix(perm), perm.y, { seed: deriveSeed(opts.seed, 'permutation'), n_repeats: opts.mode === 'full' ? 3 : 1 }).mean;
    opts.onProgress?.(`${entry.name}: best ${JSON.stringify(report.best_params)} -> test AUC ${evaluation.metrics.roc_auc.toFixed(4)} (${strategy} search, ${report.search.fits} fits, ${searchSeconds.toFixed(1)} s)`);
    out.push({ name: entry.name, entry, model: best, preprocessing, grid: report, searchRows: search.nRows, searchSeconds, testP, evaluation, importance, permutation });
  }
  return out;
}
