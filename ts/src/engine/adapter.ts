/** Wraps a raw binding into the typed Engine: JSON in/out, argument checks, one error conversion. */
import { checkMatrix, checkThreshold, toLabelArray } from './args.js';
import { toMlError } from './errors.js';
import type { RawBinding, RawModel } from './raw.js';
import type { Backend, BinaryMetrics, Engine, EngineInfo, Labels, Matrix, Model, ModelInfo, ModelSpec } from './types.js';

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
    return this.guard(() => this.raw.featureImportance(kind));
  }
  toBytes(): Uint8Array {
    return this.guard(() => this.raw.toBytes());
  }
}

export function adapt(backend: Backend, guard: Guard): Engine {
  const wrap = (raw: RawModel): Model => new AdaptedModel(raw, guard);
  const fitSync = (m: Matrix, y: Labels, spec: ModelSpec): Model => {
    checkMatrix(m);
    const labels = toLabelArray(y);
    return wrap(guard((b) => b.fitSync(m.x, m.nRows, labels, JSON.stringify(spec))));
  };
  return {
    backend,
    info: () => JSON.parse(guard((b) => b.engineInfoJson())) as EngineInfo,
    fitSync,
    async fit(m, y, spec) {
      checkMatrix(m);
      const labels = toLabelArray(y);
      const pending = guard((b) => (b.fit ? b.fit(m.x, m.nRows, labels, JSON.stringify(spec)) : undefined));
      if (!pending) return fitSync(m, labels, spec);
      try {
        return wrap(await pending);
      } catch (err) {
        throw toMlError(err, backend);
      }
    },
    modelFromBytes(bytes) {
      if (!(bytes instanceof Uint8Array)) throw toMlError(new TypeError('model bytes must be a Uint8Array'), backend);
      return wrap(guard((b) => b.Model.fromBytes(bytes)));
    },
    metrics(y, p, threshold = 0.5) {
      const labels = toLabelArray(y);
      return JSON.parse(guard((b) => b.metricsJson(labels, p, checkThreshold(threshold)))) as BinaryMetrics;
    },
    debugPanic: () => guard((b) => b.debugPanic()),
  };
}
