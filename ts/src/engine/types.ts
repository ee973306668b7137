/** The engine contract both backends (napi addon, wasm) implement identically. */

import type * as Rust from './generated/engine.js';

export type Backend = 'native' | 'wasm';

// Specs, options and reports are generated from the Rust definitions (ts/src/engine/generated/engine.ts,
// drift-checked in CI); parameter types are the full sets as stored in `ModelInfo.params`, and what a
// spec may give is any part of them (defaults fill the rest; gbt and forest need `seed`).
export type {
  BinaryMetrics,
  CollabInfo,
  CollabKind,
  CollabSpec,
  FitOptions,
  FitProgress,
  GridProgress,
  ValidationSplit,
  ConfigEntry,
  Confusion,
  EngineInfo,
  GridOptions,
  GridReport,
  GridSpec,
  HalvingIteration,
  LastEvaluated,
  MetricSummary,
  ModelInfo,
  ModelKind,
  ModelSpec,
  PermutationImportance,
  PermutationOptions,
  Scoring,
  SearchReport,
} from './generated/engine.js';
import type { BinaryMetrics, CollabInfo, CollabSpec, EngineInfo, FitOptions, FitProgress, GridOptions, GridProgress, GridReport, GridSpec, ModelInfo, ModelSpec, PermutationImportance, PermutationOptions } from './generated/engine.js';

/** Logistic regression parameters a spec may give (ranges in the doc comments of `Rust.LogisticParams`). */
export type LogisticParams = Partial<Rust.LogisticParams>;
/** Gradient-boosted trees (xgboost names and defaults); `seed` is required in a spec. */
export type GbtParams = Partial<Rust.GbtParams>;
/** Random forest (scikit-learn names and defaults); `seed` is required in a spec. */
export type ForestParams = Partial<Rust.ForestParams>;

/** Biased matrix factorization by ALS (`mf`); `seed` is required in a spec. */
export type MfParams = Partial<Rust.MfParams>;
/** Item neighbourhood on baselines (`item_knn`, Surprise's KNNBaseline names and defaults). */
export type KnnParams = Partial<Rust.KnnParams>;
/** Implicit-feedback ALS (`implicit_als`, values are strengths in [0, 1e6]); `seed` is required in a spec. */
export type ImplicitParams = Partial<Rust.ImplicitParams>;

/** Column-major features: feature j is x[j*nRows .. (j+1)*nRows]. Missing = NaN. */
export interface Matrix {
  x: Float32Array;
  nRows: number;
}

export interface Model {
  readonly info: ModelInfo;
  /** P(like) per row. */
  predict(m: Matrix): Float32Array;
  /** Trees: "gain" | "split"; logistic: "coefficient". */
  featureImportance(kind: 'gain' | 'split' | 'coefficient'): Float64Array;
  /** Score drop when each feature is shuffled (seeded), on held-out rows. */
  permutationImportance(m: Matrix, y: Labels, options: PermutationOptions): PermutationImportance;
  /** The versioned, checksummed model file (identical format on both backends). */
  toBytes(): Uint8Array;
}

export type Labels = Float32Array | Uint8Array;

/**
 * How to fit: a stratified seeded validation fraction (`validation`) or explicit validation rows
 * (`valid`), not both; gbt uses them for its eval log and `early_stopping_rounds`.
 */
export interface FitCallOptions extends FitOptions {
  valid?: { m: Matrix; y: Labels };
  /**
   * Called once per boosting round / tree with that iteration's metrics, by `fit` only (native: queued
   * to the JS thread without blocking the fit, all delivered before `fit` resolves; wasm: synchronously).
   * A callback that throws is not called again; the fit completes, then `fit` rejects with MlError
   * INVALID_ARGUMENT "onProgress threw: ..." (the error as `cause`). `fitSync` refuses it.
   */
  onProgress?: (p: FitProgress) => void;
}

/** Grid options plus a progress callback (`gridSearch` only; same delivery and error rules as `FitCallOptions.onProgress`). */
export interface GridCallOptions extends GridOptions {
  /** After every fit: `fits_done` goes 1, 2, ... up to `fits_total` = configurations x folds + 1 (the refit). */
  onProgress?: (p: GridProgress) => void;
}

export interface GridOutcome {
  report: GridReport;
  /** The best configuration refit on all rows. */
  best: Model;
}

/** Training triples of a collaborative model: rating k is (users[k], items[k], values[k]). */
export interface Ratings {
  users: Int32Array;
  items: Int32Array;
  /** Whatever the model should regress: star ratings, or 0/1 likes. */
  values: Float32Array;
}

/** A fitted collaborative model (mf, item_knn, implicit_als). Unknown user or item ids are cold starts, never errors. */
export interface CollabModel {
  readonly info: CollabInfo;
  /** The score of each (users[k], items[k]) pair. */
  predict(users: Int32Array, items: Int32Array): Float32Array;
  /**
   * Per pair, the named columns (`info.parts`, score first: mf adds user_bias, item_bias, dot; item_knn adds
   * baseline, neighbours (how many were used), similarity_mass (their total similarity); implicit_als has the
   * score only; all end with the 0/1 flags known_user, known_item) as one column-major matrix: column j is x[j*n .. (j+1)*n] for n pairs.
   */
  parts(users: Int32Array, items: Int32Array): { names: string[]; x: Float32Array };
  /** The versioned, checksummed model file (identical format on both backends). */
  toBytes(): Uint8Array;
}

/** `fitCollab` only: called once per sweep with `{iteration, metrics: {train_rmse}}` (same rules as `FitCallOptions.onProgress`). */
export interface CollabCallOptions {
  onProgress?: (p: FitProgress) => void;
}

export interface Engine {
  readonly backend: Backend;
  info(): EngineInfo;
  /** Fits off the main thread where the backend can (native: libuv pool; wasm: synchronous). */
  fit(m: Matrix, y: Labels, spec: ModelSpec, options?: FitCallOptions): Promise<Model>;
  fitSync(m: Matrix, y: Labels, spec: ModelSpec, options?: Omit<FitCallOptions, 'onProgress'>): Model;
  modelFromBytes(bytes: Uint8Array): Model;
  /** Stratified k-fold grid search; native spreads the fits over threads. */
  gridSearch(m: Matrix, y: Labels, grid: GridSpec, options: GridCallOptions): Promise<GridOutcome>;
  gridSearchSync(m: Matrix, y: Labels, grid: GridSpec, options: GridOptions): GridOutcome;
  metrics(y: Labels, p: Float32Array, threshold?: number): BinaryMetrics;
  /** Fits a collaborative model off the main thread where the backend can (native: libuv pool; wasm: synchronous). */
  fitCollab(r: Ratings, spec: CollabSpec, options?: CollabCallOptions): Promise<CollabModel>;
  fitCollabSync(r: Ratings, spec: CollabSpec): CollabModel;
  collabModelFromBytes(bytes: Uint8Array): CollabModel;
  /** Test hook: panics inside the Rust engine. Must throw MlError INTERNAL and leave the engine usable. */
  debugPanic(): void;
}
