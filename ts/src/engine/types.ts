/** The engine contract both backends (napi addon, wasm) implement identically. */

export type Backend = 'native' | 'wasm';

export interface LogisticParams {
  /** L2 penalty on the summed log-loss (= 1/C in scikit-learn), in [0, 1e12]. Default 1. */
  l2?: number;
  /** In [1, 100000]. Default 200. */
  max_iter?: number;
  /** In (0, 1e3]. Default 1e-4. */
  tol?: number;
  fit_intercept?: boolean;
  standardize?: boolean;
}

/**
 * Gradient-boosted trees (xgboost names and defaults). Ranges (the engine refuses anything outside with
 * INVALID_PARAM): n_estimators [1, 100000], learning_rate (0, 1], max_depth [0, 64], max_leaves 0 or
 * [2, 131072], min_child_weight / reg_lambda / gamma [0, 1e15], subsample and colsample_bytree (0, 1],
 * scale_pos_weight [1e-6, 1e6], max_bin [2, 255], early_stopping_rounds [0, 100000].
 */
export interface GbtParams {
  n_estimators?: number;
  learning_rate?: number;
  max_depth?: number;
  max_leaves?: number;
  grow_policy?: 'depthwise' | 'lossguide';
  min_child_weight?: number;
  reg_lambda?: number;
  gamma?: number;
  subsample?: number;
  colsample_bytree?: number;
  scale_pos_weight?: number;
  max_bin?: number;
  early_stopping_rounds?: number;
  objective?: 'binary:logistic' | 'reg:squarederror';
  seed?: number;
}

/** Random forest (scikit-learn names and defaults): n_estimators [1, 100000], max_depth [1, 64], min_samples_leaf >= 1, max_bin [2, 255]. */
export interface ForestParams {
  n_estimators?: number;
  max_depth?: number;
  min_samples_leaf?: number;
  /** "sqrt" | "log2" | "all" or a fraction in (0, 1]. */
  max_features?: 'sqrt' | 'log2' | 'all' | number;
  bootstrap?: boolean;
  max_bin?: number;
  seed?: number;
}

export type ModelSpec =
  | { kind: 'logistic'; params?: LogisticParams }
  | { kind: 'gbt'; params?: GbtParams }
  | { kind: 'forest'; params?: ForestParams };

export type ModelKind = ModelSpec['kind'];

/** Column-major features: feature j is x[j*nRows .. (j+1)*nRows]. Missing = NaN. */
export interface Matrix {
  x: Float32Array;
  nRows: number;
}

export interface ModelInfo {
  kind: ModelKind;
  n_features: number;
  params: Record<string, unknown>;
  /** What the fit found: `n_trees`, `best_iteration`, `eval_log` (gbt), `oob` (forest), `intercept` (logistic). */
  fit: Record<string, unknown>;
  engine_version: string;
  format_version: number;
}

export interface BinaryMetrics {
  n: number;
  threshold: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  roc_auc: number;
  log_loss: number;
  confusion: { tn: number; fp: number; fn: number; tp: number };
}

export interface EngineInfo {
  engine: string;
  version: string;
  model_format: number;
  models: string[];
}

export interface PermutationOptions {
  seed: number;
  n_repeats?: number;
  scoring?: Scoring;
}

export interface PermutationImportance {
  scoring: Scoring;
  baseline: number;
  /** Per feature; larger = more important (log-loss drops are negated). */
  mean: number[];
  std: number[];
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

/** A grid: fixed `params` plus `grid` lists of values to try (cartesian product). No `grid` = plain CV. */
export interface GridSpec {
  kind: ModelKind;
  params?: Record<string, unknown>;
  grid?: Record<string, readonly unknown[]>;
}

export type Scoring = 'roc_auc' | 'log_loss' | 'accuracy' | 'f1';

export interface GridOptions {
  /** Required: folds are never random by default. */
  seed: number;
  folds?: number;
  scoring?: Scoring;
}

export interface MetricSummary {
  mean: number;
  std: number;
  folds: number[];
}

export interface GridReport {
  scoring: Scoring;
  folds: number;
  seed: number;
  configs: { index: number; rank: number; params: Record<string, unknown>; metrics: Record<string, MetricSummary> }[];
  best_index: number;
  best_params: Record<string, unknown>;
}

export interface GridOutcome {
  report: GridReport;
  /** The best configuration refit on all rows. */
  best: Model;
}

export interface Engine {
  readonly backend: Backend;
  info(): EngineInfo;
  /** Fits off the main thread where the backend can (native: libuv pool; wasm: synchronous). */
  fit(m: Matrix, y: Labels, spec: ModelSpec): Promise<Model>;
  fitSync(m: Matrix, y: Labels, spec: ModelSpec): Model;
  modelFromBytes(bytes: Uint8Array): Model;
  /** Stratified k-fold grid search; native spreads the fits over threads. */
  gridSearch(m: Matrix, y: Labels, grid: GridSpec, options: GridOptions): Promise<GridOutcome>;
  gridSearchSync(m: Matrix, y: Labels, grid: GridSpec, options: GridOptions): GridOutcome;
  metrics(y: Labels, p: Float32Array, threshold?: number): BinaryMetrics;
  /** Test hook: panics inside the Rust engine. Must throw MlError INTERNAL and leave the engine usable. */
  debugPanic(): void;
}
