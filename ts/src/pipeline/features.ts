/**
 * The feature step of the pipeline, in one place: out-of-fold features on a split, the collaborative
 * group (out-of-fold on the same folds, when the engine has collaborative models), then selection
 * (constant and near-duplicate columns pruned, PCA summary), the kept columns of the train and test
 * tables and of the fitted features. fitPipeline and the bench's feature export both call it.
 */
import type { Dataset, Split } from '../data/schema.js';
import type { Engine } from '../engine/types.js';
import type { Index } from '../features/aggregates.js';
import { buildFeatures, type FittedFeatures, restrict } from '../features/build.js';
import { COLLAB_PARTS, type CollabFit, type CollabSpec } from '../features/collab.js';
import { type CollabChoice, collabFeatures } from '../features/collab-search.js';
import { type PcaSummary, pca, prune, type Pruning } from '../features/select.js';
import type { FeatureTable } from '../features/table.js';
import { COLLAB_GRIDS, type Mode } from './kinds.js';
import { deriveSeed } from './seeds.js';
import { type FitProgressEvent, SEARCH_ROWS } from './train.js';

/** The model name of the collaborative search's fit counts (one counter over all its models, targets and folds). */
export const COLLAB_PROGRESS_MODEL = 'collaborative';

/** Who hears the feature step: its step messages and the collaborative search's fit counts. */
export interface FeatureProgress {
  onProgress?: (message: string) => void;
  /** `{model: "collaborative", fits_done, fits_total}` after each collaborative fit (collab-search.ts counts them). */
  onFitProgress?: (e: FitProgressEvent) => void;
}

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
  /** The collaborative group before selection: the search (target and each model's parameters), the chosen specs and every column on the test rows (null without collaborative models). */
  collab: { choice: CollabChoice; specs: CollabSpec[]; skipped: CollabSkipped[]; names: string[]; test: Float32Array } | null;
}

/** The engine's fitCollab bound to it, or null when this engine has no collaborative models. */
export function collabFitOf(engine: Engine | undefined): CollabFit | null {
  const f = (engine as unknown as { fitCollab?: CollabFit } | undefined)?.fitCollab;
  return typeof f === 'function' ? f.bind(engine) : null;
}

/** The collaborative models of a run, before the search: biased MF (the run's derived seed) and item kNN (KNNBaseline); the rest is engine defaults or the mode's COLLAB_GRIDS. */
export function collabSpecs(seed: number): CollabSpec[] {
  return [
    { kind: 'mf', params: { seed: deriveSeed(seed, 'collab') } },
    { kind: 'item_knn', params: {} },
  ];
}

/** A collaborative model left out of the group, and why. */
export interface CollabSkipped {
  kind: CollabSpec['kind'];
  reason: string;
}

/**
 * The specs the engine can fit on the training rows: item kNN keeps a dense item x item similarity
 * matrix and the engine caps its catalogue (`itemKnnMaxItems`, from engine info); past it, kNN is left
 * out of the group (with the reason, for the report) instead of failing the run at its first fit.
 */
export function fittableCollab(specs: CollabSpec[], ds: Dataset, train: Uint32Array, itemKnnMaxItems: number): { specs: CollabSpec[]; skipped: CollabSkipped[] } {
  if (!specs.some((s) => s.kind === 'item_knn')) return { specs, skipped: [] };
  const seen = new Set<number>();
  for (const r of train) seen.add(ds.interactions.movie[r] as number);
  if (seen.size <= itemKnnMaxItems) return { specs, skipped: [] };
  const reason = `the training rows rate ${seen.size.toLocaleString('en')} distinct movies; item kNN's dense similarity matrix is capped at ${itemKnnMaxItems.toLocaleString('en')} items (engine limit, ${((seen.size ** 2 * 4) / 2 ** 30).toFixed(1)} GiB needed)`;
  return { specs: specs.filter((s) => s.kind !== 'item_knn'), skipped: [{ kind: 'item_knn', reason }] };
}

/** How many columns the collaborative group of `specs` adds (collab.ts COLLAB_PARTS). */
const collabColumnCount = (specs: CollabSpec[]) => specs.reduce((a, s) => a + COLLAB_PARTS[s.kind].length, 0);

/**
 * Features of `split` with out-of-fold folds seeded from the run's root `seed`; `timings` (seconds) gets
 * `features`, `collab` and `selection`. With an engine that has `fitCollab`, the collaborative group joins
 * the catalogue before selection, its models' parameters searched over `mode`'s COLLAB_GRIDS (default full, as the bench's export)
 * within the search's row budget `searchRows` (train.ts SEARCH_ROWS; collab-search.ts samples users).
 */
export async function prepareFeatures(
  ds: Dataset,
  split: Split,
  seed: number,
  timings: Record<string, number> = {},
  engine?: Engine,
  mode: Mode = 'full',
  progress: FeatureProgress = {},
  searchRows: number = SEARCH_ROWS,
): Promise<PreparedFeatures> {
  let t0 = performance.now();
  progress.onProgress?.(`features: out-of-fold aggregates on ${split.train.length} training rows`);
  const fit = collabFitOf(engine);
  const { specs, skipped } = fit && engine ? fittableCollab(collabSpecs(seed), ds, split.train, engine.info().item_knn_max_items) : { specs: collabSpecs(seed), skipped: [] };
  for (const s of skipped) progress.onProgress?.(`collaborative: ${s.kind} left out: ${s.reason}`);
  // The matrices get room for the collaborative columns, appended below without copying them (at 10M
  // interactions a copy of the training matrix is ~2.4 GB).
  const built = buildFeatures(ds, split, { seed: deriveSeed(seed, 'feature-folds'), spareColumns: fit ? collabColumnCount(specs) : 0 });
  timings.features = (performance.now() - t0) / 1000;
  let { train, test, fitted } = built;
  let collab: PreparedFeatures['collab'] = null;
  if (fit) {
    t0 = performance.now();
    progress.onProgress?.(`collaborative: searching ${specs.map((s) => s.kind).join(', ')} over ${built.folds.length} folds of the training rows`);
    const onFitProgress = progress.onFitProgress;
    const onFit = onFitProgress && ((done: number, total: number) => onFitProgress({ model: COLLAB_PROGRESS_MODEL, fits_done: done, fits_total: total }));
    const c = await collabFeatures(ds, split, built.folds, { fit, specs, grid: COLLAB_GRIDS[mode], onFit, searchRows, sampleSeed: deriveSeed(seed, 'collab-sample') });
    if (c.choice.sample) progress.onProgress?.(`collaborative: candidates compared on the ${c.choice.sample.rows} training rows of ${c.choice.sample.users} sampled users (search budget ${searchRows} rows)`);
    const chosen = c.fitted.models.map((m) => m.spec);
    train = train.append(c.names, c.train);
    test = test.append(c.names, c.test);
    fitted = { ...fitted, collab: { fitted: c.fitted, keep: c.names.map((_, j) => j) } };
    collab = { choice: c.choice, specs: chosen, skipped, names: c.names, test: c.test };
    timings.collab = (performance.now() - t0) / 1000;
  }
  t0 = performance.now();
  progress.onProgress?.(`features: selection over ${train.nFeatures} columns (constant and near-duplicate columns, PCA summary)`);
  const pruning = prune(train);
  const summary = pca(train);
  timings.selection = (performance.now() - t0) / 1000;
  const keep = pruning.keep;
  return {
    // Compacted in place: the tables before selection are not used after this.
    train: train.keepInPlace(keep),
    test: test.keepInPlace(keep),
    fitted: restrict(fitted, keep),
    index: built.index,
    catalogue: train.nFeatures,
    pruning,
    pca: summary,
    collab,
  };
}
