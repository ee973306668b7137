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
import { FeatureTable, withSpare } from './table.js';

export interface FeatureOptions {
  /** Folds for out-of-fold statistics on training rows (default 5). */
  oofFolds?: number;
  seed: number;
  /** Room for this many more columns behind the train and test matrices (FeatureTable.append adds them without a copy). */
  spareColumns?: number;
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

/** Pairs to evaluate, as columns: dense user and movie rows and the moment of each (the fields of a Pair). */
interface PairColumns {
  u: Int32Array;
  m: Int32Array;
  day: Float64Array;
  hour: Float64Array;
  device: Float64Array;
}

function pairColumnsOfRows(ds: Dataset, idx: Index, rows: ArrayLike<number>): PairColumns {
  const n = rows.length;
  const c: PairColumns = { u: new Int32Array(n), m: new Int32Array(n), day: new Float64Array(n), hour: new Float64Array(n), device: new Float64Array(n) };
  for (let k = 0; k < n; k++) {
    const r = rows[k] as number;
    c.u[k] = idx.userRow[r] as number;
    c.m[k] = idx.movieRow[r] as number;
    c.day[k] = (ds.interactions.timestamp[r] as number) / 86400;
    c.hour[k] = ds.interactions.hour[r] as number;
    c.device[k] = ds.interactions.device.codes[r] as number;
  }
  return c;
}

function pairColumnsOf(pairs: Pair[]): PairColumns {
  return {
    u: Int32Array.from(pairs, (p) => p.u),
    m: Int32Array.from(pairs, (p) => p.m),
    day: Float64Array.from(pairs, (p) => p.day),
    hour: Float64Array.from(pairs, (p) => p.hour),
    device: Float64Array.from(pairs, (p) => p.device),
  };
}

/** The distinct values of `ids` that index a table of `n` rows, ascending. */
function distinct(ids: Int32Array, n: number): Int32Array {
  const seen = new Uint8Array(n);
  for (const id of ids) if (id >= 0 && id < n) seen[id] = 1;
  const out: number[] = [];
  for (let id = 0; id < n; id++) if (seen[id]) out.push(id);
  return Int32Array.from(out);
}

/**
 * Writes every feature of the pairs `cols` into column-major `x` (`nRows` rows) at table rows `at[k]`,
 * one column at a time: a feature of the user (or movie) alone is evaluated once per distinct user
 * (movie) and gathered; a feature of the pair is evaluated per pair. Both give `def.value(ctx, pair)`:
 * the same number, written through the same float32 rounding.
 */
function writeColumns(ctx: Context, defs: FeatureDef[], cols: PairColumns, at: ArrayLike<number>, x: Float32Array, nRows: number): void {
  const n = cols.u.length;
  const nUsers = ctx.ds.users.n;
  const nMovies = ctx.ds.movies.n;
  const users = distinct(cols.u, nUsers);
  const movies = distinct(cols.m, nMovies);
  const userTable = new Float64Array(nUsers);
  const movieTable = new Float64Array(nMovies);
  const p: Pair = { u: 0, m: 0, day: 0, hour: 0, device: -1 };
  for (let j = 0; j < defs.length; j++) {
    const def = defs[j] as FeatureDef;
    const base = j * nRows;
    const per = def.per;
    const byUser = per?.key === 'u';
    const keys = byUser ? cols.u : cols.m;
    const size = byUser ? nUsers : nMovies;
    if (per) {
      const table = byUser ? userTable : movieTable;
      for (const id of byUser ? users : movies) table[id] = per.of(ctx, id);
      for (let k = 0; k < n; k++) {
        const id = keys[k] as number;
        x[base + (at[k] as number)] = id >= 0 && id < size ? (table[id] as number) : per.of(ctx, id);
      }
      continue;
    }
    for (let k = 0; k < n; k++) {
      p.u = cols.u[k] as number;
      p.m = cols.m[k] as number;
      p.day = cols.day[k] as number;
      p.hour = cols.hour[k] as number;
      p.device = cols.device[k] as number;
      x[base + (at[k] as number)] = def.value(ctx, p);
    }
  }
}

/** Writes the features of `rows` (interaction indices) into column-major `x` at table rows `at[k]`. */
function fill(ctx: Context, defs: FeatureDef[], idx: Index, rows: ArrayLike<number>, at: ArrayLike<number>, x: Float32Array, nRows: number): void {
  writeColumns(ctx, defs, pairColumnsOfRows(ctx.ds, idx, rows), at, x, nRows);
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
  const spare = opts.spareColumns ?? 0;
  const xTrain = withSpare(nTrain * defs.length, nTrain * spare);
  for (const at of foldAt) {
    const rows = Uint32Array.from(at, (i) => split.train[i] as number);
    const ctx = makeContext(ds, subtract(total, accumulate(ds, idx, rows, recentFrom)), windowDays);
    // Written in table order, so the stores of each column run forward (a value depends on its own row
    // only); the sums above keep the fold's order, whose float additions they are.
    const ordered = Uint32Array.from(at).sort();
    fill(ctx, defs, idx, Uint32Array.from(ordered, (i) => split.train[i] as number), ordered, xTrain, nTrain);
  }
  const train = table(ds, names, split.train, xTrain);

  const full = makeContext(ds, total, windowDays);
  const xTest = withSpare(split.test.length * defs.length, split.test.length * spare);
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
  writeColumns(ctx, defs, pairColumnsOf(pairs), Uint32Array.from({ length: n }, (_, i) => i), x, n);
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
