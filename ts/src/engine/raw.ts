/** The shape both generated bindings export (napi `index.js` and wasm-bindgen `pkg-*`), name for name. */
export interface RawModel {
  predict(x: Float32Array, nRows: number): Float32Array;
  featureImportance(kind: string): Float64Array;
  permutationImportanceJson(x: Float32Array, nRows: number, y: Float32Array, optionsJson: string): string;
  infoJson(): string;
  toBytes(): Uint8Array;
}

export interface RawGridResult {
  reportJson(): string;
  bestModel(): RawModel;
}

export interface RawBinding {
  fitSync(x: Float32Array, nRows: number, y: Float32Array, specJson: string): RawModel;
  /** Native only: runs on the libuv pool. */
  fit?(x: Float32Array, nRows: number, y: Float32Array, specJson: string): Promise<RawModel>;
  gridSearchSync(x: Float32Array, nRows: number, y: Float32Array, gridJson: string, optionsJson: string): RawGridResult;
  /** Native only: runs on the libuv pool. */
  gridSearch?(x: Float32Array, nRows: number, y: Float32Array, gridJson: string, optionsJson: string): Promise<RawGridResult>;
  metricsJson(y: Float32Array, p: Float32Array, threshold: number): string;
  engineInfoJson(): string;
  debugPanic(): void;
  Model: { fromBytes(bytes: Uint8Array): RawModel };
}
