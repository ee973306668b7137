/** The shape both generated bindings export (napi `index.js` and wasm-bindgen `pkg-*`), name for name. */
export interface RawModel {
  predict(x: Float32Array, nRows: number): Float32Array;
  featureImportance(kind: string): Float64Array;
  permutationImportanceJson(x: Float32Array, nRows: number, y: Float32Array, optionsJson: string): string;
  infoJson(): string;
  toBytes(): Uint8Array;
}

export interface RawCollabModel {
  predict(users: Int32Array, items: Int32Array): Float32Array;
  parts(users: Int32Array, items: Int32Array): Float32Array;
  infoJson(): string;
  toBytes(): Uint8Array;
}

export interface RawGridResult {
  reportJson(): string;
  bestModel(): RawModel;
}

/** Receives one progress report as JSON; must not throw (the adapter wraps the caller's function). */
export type RawProgress = (json: string) => void;

export interface RawBinding {
  /** wasm calls `onProgress` synchronously; native ignores it (progress comes with `fit`). */
  fitSync(x: Float32Array, nRows: number, y: Float32Array, specJson: string, optionsJson?: string | null, xValid?: Float32Array | null, yValid?: Float32Array | null, onProgress?: RawProgress | null): RawModel;
  /** Native only: runs on the libuv pool; progress is queued to the JS thread. */
  fit?(x: Float32Array, nRows: number, y: Float32Array, specJson: string, optionsJson?: string | null, xValid?: Float32Array | null, yValid?: Float32Array | null, onProgress?: RawProgress | null): Promise<RawModel>;
  gridSearchSync(x: Float32Array, nRows: number, y: Float32Array, gridJson: string, optionsJson: string, onProgress?: RawProgress | null): RawGridResult;
  /** Native only: runs on the libuv pool; progress is queued to the JS thread. */
  gridSearch?(x: Float32Array, nRows: number, y: Float32Array, gridJson: string, optionsJson: string, onProgress?: RawProgress | null): Promise<RawGridResult>;
  metricsJson(y: Float32Array, p: Float32Array, threshold: number): string;
  engineInfoJson(): string;
  debugPanic(): void;
  Model: { fromBytes(bytes: Uint8Array): RawModel };
  /** wasm calls `onProgress` synchronously; native ignores it (progress comes with `fitCollab`). */
  fitCollabSync(users: Int32Array, items: Int32Array, values: Float32Array, specJson: string, onProgress?: RawProgress | null): RawCollabModel;
  /** Native only: runs on the libuv pool; progress is queued to the JS thread. */
  fitCollab?(users: Int32Array, items: Int32Array, values: Float32Array, specJson: string, onProgress?: RawProgress | null): Promise<RawCollabModel>;
  CollabModel: { fromBytes(bytes: Uint8Array): RawCollabModel };
}
