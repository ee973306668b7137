/** The engine contract both backends (napi addon, wasm) implement identically. */

import type * as Rust from './generated/engine.js';

export type Backend = 'native' | 'wasm';

// Specs, options and reports are generated from the Rust definitions (ts/src/engine/generated/engine.ts,
// drift-checked in CI); parameter types are the full sets as stored in `ModelInfo.params`, and what a
// spec may give is any part of them (defaults fill the rest; gbt and forest need `seed`).
export type {
  BinaryMetrics,
  ConfigEntry,
  Confusion,
  EngineInfo,
  GridOptions,
  GridReport,
  GridSpec,
  MetricSummary,
  ModelInfo,
  ModelKind,
  ModelSpec,
  PermutationImportance,
  PermutationOptions,
  Scoring,
} from './generated/engine.js';
import type { BinaryMetrics, EngineInfo, GridOptions, GridReport, GridSpec, ModelInfo, ModelSpec, PermutationImportance, PermutationOptions } from './generated/engine.js';

/** Logistic regression parameters a spec may give (ranges in the doc comments of `Rust.LogisticParams`). */
export type LogisticParams = Partial<Rust.LogisticParams>;
/** Gradient-boosted trees (xgboost names and defaults); `seed` is required in a spec. */
export type GbtParams = Partial<Rust.GbtParams>;
/** Random forest (scikit-learn names and defaults); `seed` is required in a spec. */
export type ForestParams = Partial<Rust.ForestParams>;

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
