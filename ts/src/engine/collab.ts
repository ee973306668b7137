/** Collaborative models on the typed Engine: argument checks, JSON info, parts with their names. */
import { checkBytes, checkPairs, checkRatings, toJsonObject } from './args.js';
import type { Guard } from './adapter.js';
import { progressSink, refuseProgress, type ProgressSink } from './progress.js';
import type { RawBinding, RawCollabModel } from './raw.js';
import type { CollabCallOptions, CollabInfo, CollabModel, CollabSpec, Engine, Ratings } from './types.js';

class AdaptedCollabModel implements CollabModel {
  readonly info: CollabInfo;
  constructor(
    private readonly raw: RawCollabModel,
    private readonly guard: Guard,
  ) {
    this.info = JSON.parse(raw.infoJson()) as CollabInfo;
  }
  predict(users: Int32Array, items: Int32Array): Float32Array {
    checkPairs(users, items);
    return this.guard(() => this.raw.predict(users, items));
  }
  parts(users: Int32Array, items: Int32Array): { names: string[]; x: Float32Array } {
    checkPairs(users, items);
    return { names: [...this.info.parts], x: this.guard(() => this.raw.parts(users, items)) };
  }
  toBytes(): Uint8Array {
    return this.guard(() => this.raw.toBytes());
  }
}

type OffThread = <R, T>(sink: ProgressSink, start: (b: RawBinding) => Promise<R> | undefined, convert: (r: R) => T, sync: () => T) => Promise<T>;

/** The collaborative part of the Engine, over the same guard (and async runner) as the feature models. */
export function collabMethods(guard: Guard, offThread: OffThread): Pick<Engine, 'fitCollab' | 'fitCollabSync' | 'collabModelFromBytes'> {
  const wrap = (raw: RawCollabModel): CollabModel => new AdaptedCollabModel(raw, guard);
  const fitRaw = (r: Ratings, json: string, sink: ProgressSink): CollabModel =>
    wrap(guard((b) => b.fitCollabSync(r.users, r.items, r.values, json, sink.raw)));
  return {
    fitCollabSync(r: Ratings, spec: CollabSpec): CollabModel {
      checkRatings(r);
      refuseProgress('fitCollab', arguments[2] as object | undefined);
      return fitRaw(r, toJsonObject('spec', spec), progressSink(undefined));
    },
    fitCollab(r: Ratings, spec: CollabSpec, options?: CollabCallOptions): Promise<CollabModel> {
      checkRatings(r);
      const json = toJsonObject('spec', spec);
      if (options !== undefined) toJsonObject('options', options);
      const sink = progressSink(options?.onProgress);
      return offThread(sink, (b) => b.fitCollab?.(r.users, r.items, r.values, json, sink.raw), wrap, () => fitRaw(r, json, sink));
    },
    collabModelFromBytes(bytes: Uint8Array): CollabModel {
      checkBytes(bytes);
      return wrap(guard((b) => b.CollabModel.fromBytes(bytes)));
    },
  };
}
