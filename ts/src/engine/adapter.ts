/** Wraps a raw binding into the typed Engine: JSON in/out, argument checks, one error conversion. */
import { checkBytes, checkMatrix, checkProbabilities, checkString, checkThreshold, toJsonObject, toLabelArray } from './args.js';
import { toMlError } from './errors.js';
import type { RawBinding, RawGridResult, RawModel } from './raw.js';
import type { Backend, BinaryMetrics, Engine, EngineInfo, GridOptions, GridOutcome, GridReport, GridSpec, Labels, Matrix, Model, ModelInfo, ModelSpec, PermutationImportance, PermutationOptions } from './types.js';

/** Calls into the binding; `onFailure` lets a backend recover (wasm reloads after a trap) and refine the error. */
export type Guard = <T>(f: (raw: RawBinding) => T) => T;

export function makeGuard(backend: Backend, current: () => RawBinding, onFailure?: (err: unknown) => unknown): Guard {
  return (f) => {
    try {
      return f(current());
    } catch (err) {
      throw toMlError(onFailure ? onFailure(err) : err, backend);
    }
  };
}

class AdaptedModel implements Model {
  readonly info: ModelInfo;
  constructor(
    private readonly raw: RawModel,
    private readonly guard: Guard,
  ) {
    this.info = JSON.parse(raw.infoJson()) as ModelInfo;
  }
  predict(m: Matrix): Float32Array {
    checkMatrix(m);
    return this.guard(() => this.raw.predict(m.x, m.nRows));
  }
  featureImportance(kind: string): Float64Array {
    checkString('kind', kind);
    return this.guard(() => this.raw.featureImportance(kind));
  }
  permutationImportance(m: Matrix, y: Labels, options: PermutationOptions): PermutationImportance {
    checkMatrix(m);
    const labels = toLabelArray(y);
    const json = toJsonObject('options', options);
    return JSON.parse(this.guard(() => this.raw.permutationImportanceJson(m.x, m.nRows, labels, json))) as PermutationImportance;
  }
  toBytes(): Uint8Array {
    return this.guard(() => this.raw.toBytes());
  }
}

/**
 * Starts the backend's async variant when it has one (native: libuv pool), else runs the sync one
 * (wasm, which runs inside a Worker in the browser). Rejections become MlError like sync throws.
 */
async function offThread<R, T>(backend: Backend, guard: Guard, start: (b: RawBinding) => Promise<R> | undefined, convert: (r: R) => T, sync: () => T): Promise<T> {
  const pending = guard(start);
  if (!pending) return sync();
  try {
    return convert(await pending);
  } catch (err) {
    throw toMlError(err, backend);
  }
}

export function adapt(backend: Backend, guard: Guard): Engine {
  const wrap = (raw: RawModel): Model => new AdaptedModel(raw, guard);
  const outcome = (r: RawGridResult): GridOutcome => ({
    report: JSON.parse(r.reportJson()) as GridReport,
    best: wrap(r.bestModel()),
  });
  const gridSearchSync = (m: Matrix, y: Labels, grid: GridSpec, options: GridOptions): GridOutcome => {
    checkMatrix(m);
    const labels = toLabelArray(y);
    const [g, o] = [toJsonObject('grid', grid), toJsonObject('options', options)];
    return outcome(guard((b) => b.gridSearchSync(m.x, m.nRows, labels, g, o)));
  };
  const fitSync = (m: Matrix, y: Labels, spec: ModelSpec): Model => {
    checkMatrix(m);
    const labels = toLabelArray(y);
    const json = toJsonObject('spec', spec);
    return wrap(guard((b) => b.fitSync(m.x, m.nRows, labels, json)));
  };
  return {
    backend,
    info: () => JSON.parse(guard((b) => b.engineInfoJson())) as EngineInfo,
    fitSync,
    fit(m, y, spec) {
      checkMatrix(m);
      const labels = toLabelArray(y);
      const json = toJsonObject('spec', spec);
      return offThread(backend, guard, (b) => b.fit?.(m.x, m.nRows, labels, json), wrap, () => fitSync(m, labels, spec));
    },
    gridSearchSync,
    gridSearch(m, y, grid, options) {
      checkMatrix(m);
      const labels = toLabelArray(y);
      const args = [toJsonObject('grid', grid), toJsonObject('options', options)] as const;
      return offThread(backend, guard, (b) => b.gridSearch?.(m.x, m.nRows, labels, ...args), outcome, () => gridSearchSync(m, labels, grid, options));
    },
    modelFromBytes(bytes) {
      checkBytes(bytes);
      return wrap(guard((b) => b.Model.fromBytes(bytes)));
    },
    metrics(y, p, threshold = 0.5) {
      const labels = toLabelArray(y);
      checkProbabilities(p);
      return JSON.parse(guard((b) => b.metricsJson(labels, p, checkThreshold(threshold)))) as BinaryMetrics;
    },
    debugPanic: () => guard((b) => b.debugPanic()),
  };
}
