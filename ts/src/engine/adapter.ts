/** Wraps a raw binding into the typed Engine: JSON in/out, argument checks, one error conversion. */
import { checkBytes, checkMatrix, checkProbabilities, checkString, checkThreshold, toJsonObject, toLabelArray } from './args.js';
import { collabMethods } from './collab.js';
import { toMlError } from './errors.js';
import type { RawBinding, RawGridResult, RawModel } from './raw.js';
import { progressSink, refuseProgress, type ProgressSink } from './progress.js';
import type { Backend, BinaryMetrics, Engine, EngineInfo, FitCallOptions, GridCallOptions, GridOutcome, GridReport, GridSpec, Labels, Matrix, Model, ModelInfo, ModelSpec, PermutationImportance, PermutationOptions } from './types.js';

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
 * (wasm, which runs inside a Worker in the browser). Rejections become MlError like sync throws; the
 * progress sink is settled either way (its callback's error wins over none, not over an engine error).
 */
async function offThread<R, T>(backend: Backend, guard: Guard, sink: ProgressSink, start: (b: RawBinding) => Promise<R> | undefined, convert: (r: R) => T, sync: () => T): Promise<T> {
  const pending = guard(start);
  let out: T;
  if (!pending) out = sync();
  else {
    try {
      out = convert(await pending);
    } catch (err) {
      await sink.settle().catch(() => {});
      throw toMlError(err, backend);
    }
  }
  await sink.settle();
  return out;
}

/** The JSON of fit options and the validation rows, checked. */
function fitArgs(options: FitCallOptions | undefined): [string | null, Float32Array | null, Float32Array | null] {
  if (options === undefined) return [null, null, null];
  const { valid, onProgress: _, ...rest } = options;
  const json = toJsonObject('options', rest);
  if (valid === undefined) return [json, null, null];
  checkMatrix(valid.m);
  return [json, valid.m.x, toLabelArray(valid.y)];
}

export function adapt(backend: Backend, guard: Guard): Engine {
  const wrap = (raw: RawModel): Model => new AdaptedModel(raw, guard);
  const outcome = (r: RawGridResult): GridOutcome => ({
    report: JSON.parse(r.reportJson()) as GridReport,
    best: wrap(r.bestModel()),
  });
  const gridRaw = (m: Matrix, labels: Float32Array, grid: GridSpec, options: GridCallOptions, sink: ProgressSink): GridOutcome => {
    const { onProgress: _, ...rest } = options ?? ({} as GridCallOptions);
    const [g, o] = [toJsonObject('grid', grid), toJsonObject('options', options == null ? options : rest)];
    return outcome(guard((b) => b.gridSearchSync(m.x, m.nRows, labels, g, o, sink.raw)));
  };
  const fitRaw = (m: Matrix, labels: Float32Array, spec: ModelSpec, options: FitCallOptions | undefined, sink: ProgressSink): Model => {
    const json = toJsonObject('spec', spec);
    const [o, xv, yv] = fitArgs(options);
    return wrap(guard((b) => b.fitSync(m.x, m.nRows, labels, json, o, xv, yv, sink.raw)));
  };
  const none = progressSink(undefined);
  return {
    backend,
    info: () => JSON.parse(guard((b) => b.engineInfoJson())) as EngineInfo,
    fitSync(m, y, spec, options) {
      checkMatrix(m);
      refuseProgress('fit', options);
      return fitRaw(m, toLabelArray(y), spec, options, none);
    },
    fit(m, y, spec, options) {
      checkMatrix(m);
      const labels = toLabelArray(y);
      const json = toJsonObject('spec', spec);
      const [o, xv, yv] = fitArgs(options);
      const sink = progressSink(options?.onProgress);
      return offThread(backend, guard, sink, (b) => b.fit?.(m.x, m.nRows, labels, json, o, xv, yv, sink.raw), wrap, () => fitRaw(m, labels, spec, options, sink));
    },
    gridSearchSync(m, y, grid, options) {
      checkMatrix(m);
      refuseProgress('gridSearch', options);
      return gridRaw(m, toLabelArray(y), grid, options, none);
    },
    gridSearch(m, y, grid, options) {
      checkMatrix(m);
      const labels = toLabelArray(y);
      const { onProgress, ...rest } = options ?? ({} as GridCallOptions);
      const args = [toJsonObject('grid', grid), toJsonObject('options', options == null ? options : rest)] as const;
      const sink = progressSink(onProgress);
      return offThread(backend, guard, sink, (b) => b.gridSearch?.(m.x, m.nRows, labels, ...args, sink.raw), outcome, () => gridRaw(m, labels, grid, options, sink));
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
    ...collabMethods(guard, (sink, start, convert, sync) => offThread(backend, guard, sink, start, convert, sync)),
  };
}
