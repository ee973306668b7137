/**
 * The whole job at the command edge: read the data -> fitPipeline (the in-memory core, fit.ts) -> write
 * the artifacts folder (models, fitted features, report.json, report.html). The CLI only parses flags
 * and renders.
 */
import { type Manifest, savePipeline } from '../artifacts/pipeline.js';
import { checkArtifactsTarget } from '../artifacts/target.js';
import type { Dataset } from '../data/schema.js';
import type { Engine } from '../engine/types.js';
import { renderHtml } from '../report/html.js';
import type { RunReport } from '../report/types.js';
import { type DataSource, loadDataset } from './dataset.js';
import type { SplitKind } from './split.js';
import { type FitOptions, type FitResult, fitPipeline } from './fit.js';
import type { Mode } from './kinds.js';
import type { SearchKind, TrainedModel } from './train.js';

export interface RunOptions {
  mode: Mode;
  /** The root seed (seeds.ts). */
  seed: number;
  source: DataSource;
  split: SplitKind;
  testFraction: number;
  /** Artifacts directory (written atomically). */
  out: string;
  engine: Engine;
  /** Cap on the training rows each grid search sees (see pipeline/train.ts); the best config is refit on all rows. */
  searchRows?: number;
  /** How each kind's configurations are compared (default 'grid'; see train.ts). */
  search?: SearchKind;
  onProgress?: (message: string) => void;
  onFitProgress?: FitOptions['onFitProgress'];
}

export interface RunResult {
  report: RunReport;
  manifest: Manifest;
  dataset: Dataset;
  /** The fitted pipeline (the same class loadPipeline returns). */
  pipeline: FitResult;
  trained: TrainedModel[];
  /** Interaction row of each test-table row (aligned with every model's testP). */
  testRows: Uint32Array;
}

export async function runPipeline(o: RunOptions): Promise<RunResult> {
  const log = o.onProgress ?? (() => {});
  // The output folder is checked before any work (and again by the writer): it never replaces inputs.
  const inputs = 'dir' in o.source ? [o.source.dir] : [];
  checkArtifactsTarget(o.out, { inputs });
  const t0 = performance.now();
  // Generating or reading the data takes seconds at scale (1M synthetic interactions ~2 s, 3M ~8 s): announced first.
  const src = o.source;
  if (src.kind === 'synthetic') log(`data: generating ${src.interactions} synthetic interactions (${src.users} users, ${src.movies} movies)`);
  else if (src.kind !== 'memory') log(`data: reading ${src.kind} from ${src.dir}`);
  const ds = await loadDataset(o.source);
  const data = (performance.now() - t0) / 1000;
  log(`data: ${ds.users.n} users, ${ds.movies.n} movies, ${ds.interactions.n} interactions (${ds.source})`);
  const pipeline = await fitPipeline(ds, { ...o, sourceKind: o.source.kind, timings: { data } });
  const { report } = pipeline.training;
  report.timings.total = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  log(`artifacts: writing models, fitted features and reports to ${o.out}`);
  const manifest = savePipeline(pipeline, {
    dir: o.out,
    inputs,
    extra: new Map([
      ['report.json', `${JSON.stringify(report, null, 2)}\n`],
      ['report.html', renderHtml(report)],
    ]),
  });
  report.timings.artifacts = (performance.now() - t1) / 1000;
  return { report, manifest, dataset: ds, pipeline, trained: pipeline.training.trained, testRows: pipeline.training.test.rows };
}
