/**
 * The whole job: data -> split -> features (+ selection) -> grid-searched models -> evaluation ->
 * report -> artifacts. Pure orchestration over the pieces; the CLI only parses flags and renders.
 */
import type { Dataset } from '../data/schema.js';
import type { Engine } from '../engine/index.js';
import { savePipeline, type Manifest } from '../artifacts/pipeline.js';
import { checkArtifactsTarget } from '../artifacts/target.js';
import { buildFeatures, restrict } from '../features/build.js';
import { pca, prune, selectColumns } from '../features/select.js';
import { analyzeErrors } from '../report/analysis.js';
import { renderHtml } from '../report/html.js';
import { writeInsights } from '../report/insights.js';
import { REPORT_SCHEMA, type ModelSummary, type Ranked, type RunReport } from '../report/types.js';
import { type DataSource, loadDataset, type SplitKind, splitDataset } from './dataset.js';
import { FOLDS, type Mode } from './grids.js';
import { type TrainedModel, trainAll } from './train.js';

export interface RunOptions {
  mode: Mode;
  seed: number;
  source: DataSource;
  split: SplitKind;
  testFraction: number;
  /** Artifacts directory (written atomically). */
  out: string;
  engine: Engine;
  /** Cap on the training rows each grid search sees (see pipeline/train.ts); the best config is refit on all rows. */
  searchRows?: number;
  onProgress?: (message: string) => void;
}

export interface RunResult {
  report: RunReport;
  manifest: Manifest;
  dataset: Dataset;
  trained: TrainedModel[];
  /** Interaction row of each test-table row (aligned with every model's testP). */
  testRows: Uint32Array;
}

const topK = (names: string[], values: number[], k = 15): Ranked[] =>
  names.map((name, i) => ({ name, value: values[i] ?? 0 })).sort((a, b) => Math.abs(b.value) - Math.abs(a.value)).slice(0, k);

function summarize(m: TrainedModel, names: string[]): ModelSummary {
  const bestCfg = m.grid.configs[m.grid.best_index]!;
  return {
    name: m.name,
    kind: m.plan.kind,
    best_params: m.grid.best_params,
    cv: Object.fromEntries(Object.entries(bestCfg.metrics).map(([k, v]) => [k, { mean: v.mean, std: v.std }])),
    configs_evaluated: m.grid.configs.length,
    search_rows: m.searchRows,
    search_seconds: m.searchSeconds,
    test: m.evaluation.metrics,
    curve: m.evaluation.curve,
    calibration: m.evaluation.calibration,
    importance: topK(names, m.importance),
    permutation: topK(names, m.permutation),
  };
}

export async function runPipeline(o: RunOptions): Promise<RunResult> {
  const log = o.onProgress ?? (() => {});
  const timings: Record<string, number> = {};
  const time = async <T>(name: string, f: () => T | Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const v = await f();
    timings[name] = (performance.now() - t0) / 1000;
    return v;
  };
  // The output folder is checked before any work (and again by the writer): it never replaces inputs.
  const inputs = 'dir' in o.source ? [o.source.dir] : [];
  checkArtifactsTarget(o.out, { inputs });
  const t0 = performance.now();
  const ds = await time('data', () => loadDataset(o.source));
  log(`data: ${ds.users.n} users, ${ds.movies.n} movies, ${ds.interactions.n} interactions (${ds.source})`);
  const split = await time('split', () => splitDataset(ds, o.split, o.testFraction, o.seed, FOLDS[o.mode]));
  log(`split: ${o.split}, ${split.train.length} train / ${split.test.length} test`);
  const built = await time('features', () => buildFeatures(ds, split, { seed: o.seed }));
  const selection = await time('selection', () => ({ pruning: prune(built.train), pca: pca(built.train) }));
  const keep = selection.pruning.keep;
  const train = selectColumns(built.train, keep);
  const test = selectColumns(built.test, keep);
  const fitted = restrict(built.fitted, keep);
  log(`features: ${train.nFeatures} of ${built.train.nFeatures} kept`);
  const trained = await time('training', () => trainAll(o.engine, train, test, fitted, { mode: o.mode, seed: o.seed, searchRows: o.searchRows, onProgress: log }));
  const best = [...trained].sort((a, b) => (b.grid.configs[b.grid.best_index]!.metrics.roc_auc?.mean ?? 0) - (a.grid.configs[a.grid.best_index]!.metrics.roc_auc?.mean ?? 0))[0]!;
  const bayes = test.pTrue ? o.engine.metrics(test.y, Float32Array.from(test.pTrue)).roc_auc : null;
  const errors = analyzeErrors(ds, test, best.testP, { user: built.fitted.stats.users.count, movie: built.fitted.stats.movies.count }, built.index.userRow, built.index.movieRow);
  let liked = 0;
  for (let i = 0; i < ds.interactions.n; i++) liked += ds.interactions.liked[i] as number;
  const draft: Omit<RunReport, 'insights'> = {
    schema: REPORT_SCHEMA,
    created: new Date().toISOString(),
    engine: { backend: o.engine.backend, version: o.engine.info().version },
    config: { mode: o.mode, seed: o.seed, source: o.source.kind, split: o.split, test_fraction: o.testFraction },
    dataset: { source: ds.source, users: ds.users.n, movies: ds.movies.n, interactions: ds.interactions.n, like_rate: liked / Math.max(1, ds.interactions.n), genres: ds.genres.length, meta: ds.meta },
    split: { kind: o.split, train: split.train.length, test: split.test.length, ...(split.moved ? { note: `${split.moved} rows of cold-start users moved to train` } : {}) },
    features: { catalogue: built.train.nFeatures, kept: keep.length, dropped: selection.pruning.dropped, correlated_pairs: selection.pruning.correlatedPairs, pca: selection.pca },
    bayes_auc: bayes,
    models: trained.map((m) => summarize(m, train.names)),
    best_model: best.name,
    error_analysis: errors,
    timings,
  };
  const report: RunReport = { ...draft, insights: writeInsights(draft) };
  timings.total = (performance.now() - t0) / 1000;
  const manifest = await time('artifacts', () =>
    savePipeline({
      dir: o.out,
      inputs,
      engine: o.engine,
      dataset: ds,
      fitted,
      models: trained.map((m) => ({ name: m.name, model: m.model, test_metrics: { ...m.evaluation.metrics } })),
      bestModel: best.name,
      config: report.config,
      extra: new Map([
        ['report.json', `${JSON.stringify(report, null, 2)}\n`],
        ['report.html', renderHtml(report)],
      ]),
    }),
  );
  return { report, manifest, dataset: ds, trained, testRows: test.rows };
}
