/**
 * The pipeline core, in memory: dataset -> split -> features (+ selection) -> every kind of the kind
 * table grid-searched and refit -> held-out evaluation -> report, returned as a FittedPipeline (the
 * serving runtime). No file I/O: reading data and writing artifacts happen at the edge (job.ts, the
 * demo worker). The CLI, `serve`, `evaluate`, the browser demo and the bench all run this one path.
 */
import type { Dataset, Split } from '../data/schema.js';
import type { Engine, ModelSpec } from '../engine/types.js';
import { selectColumns } from '../features/select.js';
import { applyPreprocessing, fitPreprocessing, withPreprocessedInPlace } from './preprocess.js';
import type { FeatureTable } from '../features/table.js';
import type { Index } from '../features/aggregates.js';
import { analyzeErrors } from '../report/analysis.js';
import { writeInsights } from '../report/insights.js';
import { type CollabBaseline, type CollabReport, type EarlyStoppingSummary, REPORT_SCHEMA, type ModelSummary, type Ranked, type RunReport } from '../report/types.js';
import { type SplitKind, splitDataset } from './split.js';
import { type PreparedFeatures, prepareFeatures } from './features.js';
import { COLLAB_PARTS, rankAuc } from '../features/collab.js';
import type { CollabSearch } from '../features/collab-search.js';
import { FOLDS, type KindEntry, type Mode } from './kinds.js';
import { deriveSeed } from './seeds.js';
import { FittedPipeline } from './serving.js';
import { type FitProgressEvent, SEARCH_ROWS, searchTable, singleFitOptions, type SearchKind, type TrainedModel, trainAll } from './train.js';

export interface FitOptions {
  mode: Mode;
  /** The root seed: every stream (split, feature folds, samples, CV folds, models) derives from it (seeds.ts). */
  seed: number;
  split: SplitKind;
  testFraction: number;
  engine: Engine;
  /** Kinds to train (default: the whole kind table). */
  kinds?: readonly KindEntry[];
  /** Cap on the training rows each grid search sees (see train.ts); the best config is refit on all rows. */
  searchRows?: number;
  /** How each kind's configurations are compared (default 'grid'; see train.ts). */
  search?: SearchKind;
  /** The data's origin for the report (default: the dataset's own source). */
  sourceKind?: string;
  /** Phase timings already spent (e.g. `data`), carried into the report. */
  timings?: Record<string, number>;
  onProgress?: (message: string) => void;
  /** Each grid search's engine reports, named by model (see train.ts). */
  onFitProgress?: (e: FitProgressEvent) => void;
}

/** What fitting learned beyond the servable pipeline: the report and the held-out material behind it. */
export interface Training {
  report: RunReport;
  trained: TrainedModel[];
  split: Split & { moved?: number };
  /** The held-out table (kept columns); every model's testP is aligned with it. */
  test: FeatureTable;
  index: Index;
}

export type FitResult = FittedPipeline & { readonly training: Training };

const topK = (names: string[], values: number[], k = 15): Ranked[] =>
  names.map((name, i) => ({ name, value: values[i] ?? 0 })).sort((a, b) => Math.abs(b.value) - Math.abs(a.value)).slice(0, k);

const cvAuc = (m: TrainedModel): number => m.grid.configs[m.grid.best_index]!.metrics.roc_auc?.mean ?? 0;

/** What early stopping found for `m`'s best configuration (undefined when it does not early-stop). */
function earlyStoppingSummary(m: TrainedModel): EarlyStoppingSummary | undefined {
  const cfg = m.grid.configs[m.grid.best_index]!.early_stopping;
  const search = m.grid.early_stopping;
  if (!cfg || !search) return undefined;
  const refit = m.model.info.fit.best_iteration;
  return { validation_fraction: search.validation_fraction, best_iterations: cfg.best_iterations, mean_best_iteration: cfg.mean_best_iteration, refit_best_iteration: typeof refit === 'number' ? refit : null };
}

function summarize(m: TrainedModel, names: string[]): ModelSummary {
  const bestCfg = m.grid.configs[m.grid.best_index]!;
  const early_stopping = earlyStoppingSummary(m);
  return {
    name: m.name,
    kind: m.entry.kind,
    best_params: m.grid.best_params,
    cv: Object.fromEntries(Object.entries(bestCfg.metrics).map(([k, v]) => [k, { mean: v.mean, std: v.std }])),
    configs_evaluated: m.grid.configs.length,
    search: m.grid.search,
    search_rows: m.searchRows,
    search_seconds: m.searchSeconds,
    test: m.evaluation.metrics,
    curve: m.evaluation.curve,
    calibration: m.evaluation.calibration,
    importance: topK(names, m.importance),
    permutation: topK(names, m.permutation),
    ...(early_stopping ? { early_stopping } : {}),
  };
}

/** The collaborative rows of the report: each CF model alone on the test rows, and its share in each hybrid. */
function collabReport(ds: Dataset, c: NonNullable<PreparedFeatures['collab']>, test: FeatureTable, trained: TrainedModel[]): CollabReport {
  const n = test.nRows;
  const baselines = c.specs.map((spec): CollabBaseline => {
    const j = c.names.indexOf(COLLAB_PARTS[spec.kind][0]![1]);
    const score = c.test.subarray(j * n, (j + 1) * n);
    let se = 0;
    test.rows.forEach((r, i) => (se += ((score[i] as number) - (ds.interactions.rating[r] as number)) ** 2));
    const rated = c.choice.target === 'rating';
    return { name: `collaborative_${spec.kind}`, kind: spec.kind, target: c.choice.target, params: spec.params, test_auc: rankAuc(score, test.y), test_rmse: rated ? Math.sqrt(se / Math.max(1, n)) : null };
  });
  const columns = test.names.filter((name) => c.names.includes(name));
  const importance_share = Object.fromEntries(trained.map((m) => [m.name, test.names.reduce((s, name, j) => s + (c.names.includes(name) ? (m.importance[j] ?? 0) : 0), 0)]));
  return { target: c.choice.target, cv_auc: c.choice.cv_auc, search: c.choice.search, search_sample: c.choice.sample, skipped: c.skipped, baselines, columns, importance_share, without: null };
}

/** One progress line per collaborative model: the chosen configuration and its out-of-fold AUC. */
function collabChoiceLine(s: CollabSearch): string {
  const c = s.candidates[s.best]!;
  const params = Object.entries(c.params).map(([k, v]) => `${k} ${JSON.stringify(v)}`);
  return `collaborative ${s.kind}: ${['target ' + c.target, ...params].join(', ')} (out-of-fold AUC ${c.cv_auc.toFixed(4)}, best of ${s.candidates.length})`;
}

/**
 * What the group adds to `m`: its configuration refit on the training table without the collaborative
 * columns, scored on the test rows next to the model with them. Within the search budget: past
 * `searchRows` training rows both are fitted on the search's sample (a diagnostic; at 10M interactions a
 * second refit on all rows cost as much as the model's own), so `with_group` is then the sample fit's AUC.
 */
async function withoutGroup(engine: Engine, m: TrainedModel, train: FeatureTable, test: FeatureTable, group: string[], seed: number, searchRows: number, onFit?: (e: FitProgressEvent) => void): Promise<CollabReport['without']> {
  const keep = train.names.map((_, j) => j).filter((j) => !group.includes(train.names[j] as string));
  if (keep.length === train.nFeatures || keep.length === 0) return null;
  const rows = searchTable(train, seed, searchRows);
  const spec = { kind: m.entry.kind, params: m.grid.best_params } as ModelSpec;
  const fitAndScore = async (tr: FeatureTable, te: FeatureTable, stage: string): Promise<number> => {
    const steps = fitPreprocessing(m.entry.preprocessing, tr.x, tr.nRows);
    const onTree = onFit && ((done: number, total: number) => onFit({ model: m.name, stage, trees_done: done, trees_total: total }));
    const model = await withPreprocessedInPlace(steps, tr.x, tr.nRows, (x) => engine.fit({ x, nRows: tr.nRows }, tr.y, spec, singleFitOptions(m.grid, onTree)));
    return engine.metrics(te.y, model.predict({ x: applyPreprocessing(steps, te.x, te.nRows), nRows: te.nRows })).roc_auc;
  };
  const test_auc = await fitAndScore(selectColumns(rows, keep), selectColumns(test, keep), 'refit without collaborative');
  const with_group = rows === train ? m.evaluation.metrics.roc_auc : await fitAndScore(rows, test, 'refit with collaborative, sample');
  return { model: m.name, test_auc, with_group, rows: rows.nRows };
}

export async function fitPipeline(ds: Dataset, o: FitOptions): Promise<FitResult> {
  const log = o.onProgress ?? (() => {});
  const timings: Record<string, number> = { ...o.timings };
  const t0 = performance.now();
  const split = splitDataset(ds, o.split, o.testFraction, deriveSeed(o.seed, 'split'), FOLDS[o.mode]);
  timings.split = (performance.now() - t0) / 1000;
  log(`split: ${o.split}, ${split.train.length} train / ${split.test.length} test`);
  const f = await prepareFeatures(ds, split, o.seed, timings, o.engine, o.mode, { onProgress: log, onFitProgress: o.onFitProgress }, o.searchRows);
  const { train, test } = f;
  for (const s of f.collab?.choice.search ?? []) log(collabChoiceLine(s));
  log(`features: ${train.nFeatures} of ${f.catalogue} kept`);
  const t1 = performance.now();
  const trained = await trainAll(o.engine, train, test, { mode: o.mode, seed: o.seed, searchRows: o.searchRows, search: o.search, kinds: o.kinds, onProgress: log, onFitProgress: o.onFitProgress });
  timings.training = (performance.now() - t1) / 1000;
  const best = [...trained].sort((a, b) => cvAuc(b) - cvAuc(a))[0]!;
  const collab = f.collab ? collabReport(ds, f.collab, test, trained) : null;
  if (collab) {
    const t2 = performance.now();
    const sampled = train.nRows > (o.searchRows ?? SEARCH_ROWS);
    log(sampled ? `${best.name}: with and without the collaborative columns, refit on the search sample of ${o.searchRows ?? SEARCH_ROWS} rows` : `${best.name}: refit without the collaborative columns on ${train.nRows} rows`);
    collab.without = await withoutGroup(o.engine, best, train, test, f.collab!.names, o.seed, o.searchRows ?? SEARCH_ROWS, o.onFitProgress);
    timings.without_collab = (performance.now() - t2) / 1000;
    if (collab.without) log(`${best.name} without the collaborative columns: test AUC ${collab.without.test_auc.toFixed(4)} (with: ${collab.without.with_group.toFixed(4)})`);
  }
  const bayes = test.pTrue ? o.engine.metrics(test.y, Float32Array.from(test.pTrue)).roc_auc : null;
  const errors = analyzeErrors(ds, test, best.testP, { user: f.fitted.stats.users.count, movie: f.fitted.stats.movies.count }, f.index.userRow, f.index.movieRow);
  let liked = 0;
  for (let i = 0; i < ds.interactions.n; i++) liked += ds.interactions.liked[i] as number;
  const config = { mode: o.mode, seed: o.seed, source: o.sourceKind ?? ds.source, split: o.split, test_fraction: o.testFraction, search: o.search ?? 'grid', search_rows: o.searchRows ?? SEARCH_ROWS };
  const draft: Omit<RunReport, 'insights'> = {
    schema: REPORT_SCHEMA,
    created: new Date().toISOString(),
    engine: { backend: o.engine.backend, version: o.engine.info().version },
    config,
    dataset: { source: ds.source, users: ds.users.n, movies: ds.movies.n, interactions: ds.interactions.n, like_rate: liked / Math.max(1, ds.interactions.n), genres: ds.genres.length, meta: ds.meta },
    split: { kind: o.split, train: split.train.length, test: split.test.length, ...(split.moved ? { note: `${split.moved} rows of cold-start users moved to train` } : {}) },
    features: { catalogue: f.catalogue, kept: f.pruning.keep.length, dropped: f.pruning.dropped, correlated_pairs: f.pruning.correlatedPairs, pca: f.pca },
    bayes_auc: bayes,
    models: trained.map((m) => summarize(m, train.names)),
    ...(collab ? { collab } : {}),
    best_model: best.name,
    error_analysis: errors,
    timings,
  };
  const report: RunReport = { ...draft, insights: writeInsights(draft) };
  const pipeline = new FittedPipeline({
    dataset: ds,
    fitted: f.fitted,
    engine: o.engine,
    models: trained.map((m) => ({ name: m.name, kind: m.entry.kind, params: m.model.info.params, test_metrics: { ...m.evaluation.metrics }, model: m.model, preprocessing: m.preprocessing })),
    bestModel: best.name,
    config,
    created: report.created,
    engineVersion: report.engine.version,
  });
  return Object.assign(pipeline, { training: { report, trained, split, test, index: f.index } });
}
