/**
 * The caller's progress callback, as the bindings call it: one JSON string per report, never a throw
 * (a throw inside a napi threadsafe-function call would be a fatal exception of the process). The first
 * error the callback throws is kept, later reports are dropped, and `settle` rethrows it once the call
 * is over.
 */
import { MlError } from './errors.js';
import type { RawProgress } from './raw.js';

export interface ProgressSink {
  /** What the binding calls; undefined when the caller gave no callback. */
  readonly raw: RawProgress | undefined;
  /** Waits (native) until every queued report was delivered, then throws what the callback threw. */
  settle(): Promise<void>;
  /** Throws what the callback threw (sync calls: reports were delivered during the call). */
  settleSync(): void;
}

const tick = (): Promise<void> =>
  new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

export function progressSink<P>(onProgress: ((p: P) => void) | undefined): ProgressSink {
  if (onProgress === undefined) return { raw: undefined, settle: async () => {}, settleSync: () => {} };
  if (typeof onProgress !== 'function') throw new MlError('INVALID_ARGUMENT', `\`onProgress\` must be a function, got ${typeof onProgress}`);
  let delivered = 0;
  let failure: { err: unknown } | undefined;
  const settleSync = (): void => {
    if (!failure) return;
    const { err } = failure;
    throw new MlError('INVALID_ARGUMENT', `onProgress threw: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  };
  return {
    raw: (json) => {
      delivered++;
      if (failure) return;
      try {
        onProgress(JSON.parse(json) as P);
      } catch (err) {
        failure = { err };
      }
    },
    async settle() {
      // Reports are queued to the JS thread before the fit completes, but may be dispatched just after it:
      // let the event loop turn until no more arrive.
      for (let seen = -1; seen !== delivered; ) {
        seen = delivered;
        await tick();
      }
      settleSync();
    },
    settleSync,
  };
}

/** `fitSync`/`gridSearchSync` take no callback: refused by name rather than ignored. */
export function refuseProgress(call: string, options: object | undefined): void {
  if (options && 'onProgress' in options && (options as { onProgress?: unknown }).onProgress !== undefined)
    throw new MlError('INVALID_ARGUMENT', `\`onProgress\` is only taken by the async ${call}, not ${call}Sync`);
}
