/**
 * Fits the feature pipeline on the training rows of a split and computes the feature tables.
 * Training rows get OUT-OF-FOLD statistics (their own fold's rows excluded), test rows and serving get
 * statistics over all training rows: no row ever sees its own label, and test labels are never used.
 */
import type { Dataset, Split } from '../data/schema.js';
import { MlError } from '../engine/errors.js';
import { accumulate, buildIndex, type Index, subtract, type SumsPair } from './aggregates.js';
import { collabColumns, type FittedCollab } from './collab.js';
import { featureCatalogue, type FeatureDef } from './columns.js';
import { type Context, makeContext, type Pair } from './context.js';
import { oofFolds } from './folds.js';
import { FeatureTable } from './table.js';

export interface FeatureOptions {
  /** Folds for out-of-fold statistics on training rows (default 5). */
  oofFolds?: number;
  seed: number;
}

/** Everything needed to compute features for new pairs later (saved with the model artifacts). */
export interface FittedFeatures {
  names: string[];
  defs: FeatureDef[];
  stats: SumsPair;
  recentFrom: number;
  windowDays: number;
  /**
   * The collaborative group (collab.ts), when fitted: its all-training-rows models and the group's
   * columns kept by selection (indices into `fitted.names`). Its columns follow the `defs` columns.
   */
  collab?: { fitted: FittedCollab; keep: number[] };
}

export interface BuiltFeatures {
  train: FeatureTable;
  test: FeatureTable;
  fitted: FittedFeatures;
  index: Index;
  /** The out-of-fold folds: positions into `split.train` (folds.ts), for every out-of-fold step. */
  folds: Uint32Array[];
}

function pairOf(ds: Dataset, idx: Index, r: number, p: Pair): Pair {
  p.u = idx.userRow[r] as number;
  p.m = idx.movieRow[r] as number;
  p.day = (ds.interactions.timestamp[r] as number) / 86400;
  p.hour = ds.interactions.hour[r] as number;
  p.device = ds.interactions.device.codes[r] as number;
  return p;
}

/** Writes the features of `rows` (interaction indices) into column-major `x` at table rows `at[k]`. */
function fill(ctx: Context, defs: FeatureDef[], idx: Index, rows: ArrayLike<number>, at: ArrayLike<number>, x: Float32Array, nRows: number): void {
  const p: Pair = { u: 0, m: 0, day: 0, hour: 0, device: -1 };
  for (let k = 0; k < rows.length; k++) {
    pairOf(ctx.ds, idx, rows[k] as number, p);
    const i = at[k] as number;
    for (let j = 0; j < defs.length; j++) x[j * nRows + i] = (defs[j] as FeatureDef).value(ctx, p);
  }
}

function checkLinked(ds: Dataset, idx: Index): void {
  for (let r = 0; r < ds.interactions.n; r++) {
    if ((idx.userRow[r] as number) < 0 || (idx.movieRow[r] as number) < 0) {
      const what = (idx.userRow[r] as number) < 0 ? `user ${ds.interactions.user[r]}` : `movie ${ds.interactions.movie[r]}`;
      throw new MlError('INVALID_DATA', `interaction ${r} refers to unknown ${what}`);
    }
  }
}

function table(ds: Dataset, names: string[], rows: Uint32Array, x: Float32Array): FeatureTable {
  const y = new Uint8Array(rows.length);
  rows.forEach((r, i) => (y[i] = ds.interactions.liked[r] as number));
  const pt = ds.interactions.pTrue;
  const pTrue = pt ? Float64Array.from(rows, (r) => pt[r] as number) : null;
  return new FeatureTable(names, rows.length, x, y, rows, pTrue);
}

export function buildFeatures(ds: Dataset, split: Split, opts: FeatureOptions): BuiltFeatures {
  const folds = opts.oofFolds ?? 5;
  if (!Number.isInteger(folds) || folds < 2) throw new MlError('INVALID_ARGUMENT', `oofFolds must be an integer >= 2, got ${folds}`);
  if (split.train.length === 0) throw new MlError('INVALID_DATA', 'the split has no training rows');
  const idx = buildIndex(ds);
  checkLinked(ds, idx);
  const defs = featureCatalogue(ds);
  const names = defs.map((d) => d.name);
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of split.train) {
    const d = (ds.interactions.timestamp[r] as number) / 86400;
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  const recentFrom = hi - 30;
  const windowDays = Number.isFinite(hi - lo) ? hi - lo : 30;
  const total = accumulate(ds, idx, split.train, recentFrom);

  // Out-of-fold statistics for training rows: fold k sees total - (rows of fold k).
  const nTrain = split.train.length;
  const foldAt = oofFolds(nTrain, folds, opts.seed);
  const xTrain = new Float32Array(nTrain * defs.length);
  for (const at of foldAt) {
    const rows = Uint32Array.from(at, (i) => split.train[i] as number);
    const ctx = makeContext(ds, subtract(total, accumulate(ds, idx, rows, recentFrom)), windowDays);
    fill(ctx, defs, idx, rows, at, xTrain, nTrain);
  }
  const train = table(ds, names, split.train, xTrain);

  const full = makeContext(ds, total, windowDays);
  const xTest = new Float32Array(split.test.length * defs.length);
  fill(full, defs, idx, split.test, Uint32Array.from({ length: split.test.length }, (_, i) => i), xTest, split.test.length);
  const test = table(ds, names, split.test, xTest);

  return { train, test, index: idx, folds: foldAt, fitted: { names, defs, stats: total, recentFrom, windowDays } };
}

/** Features for arbitrary (user, movie, moment) pairs with the fitted (all-training-rows) statistics. */
export function featuresForPairs(ds: Dataset, fitted: FittedFeatures, pairs: Pair[]): Float32Array {
  return featuresOf(servingContext(ds, fitted), fitted, pairs);
}

/**
 * Every column of `fitted` for `pairs` in a prepared context: the catalogue's, then the kept
 * collaborative ones (the all-training-rows models, by the ids of `ctx.ds`; an id the models never saw,
 * e.g. the cold-start slot's, gets their explicit fallback).
 */
export function featuresOf(ctx: Context, fitted: FittedFeatures, pairs: Pair[]): Float32Array {
  const content = featuresInContext(ctx, fitted.defs, pairs);
  if (!fitted.collab || fitted.collab.keep.length === 0) return content;
  const n = pairs.length;
  const users = Int32Array.from(pairs, (p) => ctx.ds.users.id[p.u] as number);
  const items = Int32Array.from(pairs, (p) => ctx.ds.movies.id[p.m] as number);
  const cols = collabColumns(fitted.collab.fitted, users, items);
  const x = new Float32Array(n * fitted.names.length);
  x.set(content);
  fitted.collab.keep.forEach((j, k) => x.set(cols.subarray(j * n, (j + 1) * n), (fitted.defs.length + k) * n));
  return x;
}

/** The all-training-rows statistics context; build it once and reuse it for many requests. */
export function servingContext(ds: Dataset, fitted: FittedFeatures): Context {
  return makeContext(ds, fitted.stats, fitted.windowDays);
}

/** Column-major features of `pairs` in a prepared context. */
export function featuresInContext(ctx: Context, defs: FeatureDef[], pairs: Pair[]): Float32Array {
  const n = pairs.length;
  const x = new Float32Array(n * defs.length);
  pairs.forEach((p, i) => {
    for (let j = 0; j < defs.length; j++) x[j * n + i] = (defs[j] as FeatureDef).value(ctx, p);
  });
  return x;
}

/** The fitted pipeline restricted to the feature columns `keep` (after selection), in that order. */
export function restrict(f: FittedFeatures, keep: number[]): FittedFeatures {
  const d = f.defs.length;
  const content = keep.filter((j) => j < d);
  const collab = f.collab ? { fitted: f.collab.fitted, keep: keep.filter((j) => j >= d).map((j) => f.collab!.keep[j - d] as number) } : undefined;
  if (!collab && content.length !== keep.length) throw new MlError('INTERNAL', `restrict: column ${keep.find((j) => j >= d)} is past the ${d} features`);
  return {
    ...f,
    names: [...content.map((j) => f.names[j] as string), ...(collab ? collab.keep.map((j) => collab.fitted.names[j] as string) : [])],
    defs: content.map((j) => f.defs[j] as FeatureDef),
    ...(collab ? { collab } : {}),
  };
}
