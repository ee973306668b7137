import assert from 'node:assert/strict';
import { type Backend, type Engine, loadEngine, MlError } from '../ts/src/engine/index.js';

/** Both backends, always: a missing build fails the suite instead of silently testing one side. */
export const BACKENDS: Backend[] = ['native', 'wasm'];

export function engine(b: Backend): Engine {
  return loadEngine(b);
}

/** Asserts `f` throws an MlError with `code`, and that the message mentions each of `mentions`. */
export async function rejectsWith(f: () => unknown, code: string, ...mentions: string[]): Promise<void> {
  let caught: unknown;
  try {
    await f();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof MlError, `expected MlError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  for (const m of mentions) assert.ok(caught.message.includes(m), `message ${JSON.stringify(caught.message)} should mention ${m}`);
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
  return d;
}
