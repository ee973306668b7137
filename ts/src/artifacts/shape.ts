/**
 * A tiny typed validator for JSON read from disk: each check both validates a value (throwing
 * DESERIALIZE naming the path of the bad field, e.g. `models[1].file`) and types it, so one
 * definition gives the runtime check and the TypeScript type (`Infer<typeof X>`).
 */
import { MlError } from '../engine/errors.js';

export type Check<T> = (v: unknown, at: string) => T;
export type Infer<C> = C extends Check<infer T> ? T : never;

export function fail(at: string, problem: string): never {
  throw new MlError('DESERIALIZE', `${at} ${problem}`);
}

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'string' ? JSON.stringify(v.slice(0, 60)) : typeof v === 'object' ? 'an object' : String(v));

export const str =
  (o: { max?: number; pattern?: RegExp } = {}): Check<string> =>
  (v, at) => {
    if (typeof v !== 'string') fail(at, `must be a string, got ${describe(v)}`);
    if (v.length > (o.max ?? 10_000)) fail(at, `is longer than ${o.max ?? 10_000} characters`);
    if (o.pattern && !o.pattern.test(v)) fail(at, `${describe(v)} does not match ${o.pattern}`);
    return v;
  };

/** A finite number (JSON cannot hold NaN/Infinity; null is refused), optionally an integer in [min, max]. */
export const num =
  (o: { min?: number; max?: number; integer?: boolean } = {}): Check<number> =>
  (v, at) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(at, `must be a finite number, got ${describe(v)}`);
    if (o.integer && !Number.isInteger(v)) fail(at, `must be an integer, got ${v}`);
    if ((o.min !== undefined && v < o.min) || (o.max !== undefined && v > o.max)) fail(at, `must be in [${o.min ?? '-inf'}, ${o.max ?? 'inf'}], got ${v}`);
    return v;
  };

export const oneOf =
  <const T extends readonly (string | boolean)[]>(...values: T): Check<T[number]> =>
  (v, at) => {
    if (!values.includes(v as T[number])) fail(at, `must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}, got ${describe(v)}`);
    return v as T[number];
  };

/** Any JSON value (already parsed; kept as is). */
export const json: Check<unknown> = (v) => v;

export const arr =
  <T>(item: Check<T>, o: { min?: number; max?: number } = {}): Check<T[]> =>
  (v, at) => {
    if (!Array.isArray(v)) fail(at, `must be an array, got ${describe(v)}`);
    if (v.length < (o.min ?? 0) || v.length > (o.max ?? 1_000_000)) fail(at, `must have ${o.min ?? 0} to ${o.max ?? 1_000_000} items, got ${v.length}`);
    return v.map((x, i) => item(x, `${at}[${i}]`));
  };

export const tuple =
  <const C extends readonly Check<unknown>[]>(...items: C): Check<{ [K in keyof C]: Infer<C[K]> }> =>
  (v, at) => {
    if (!Array.isArray(v) || v.length !== items.length) fail(at, `must be an array of ${items.length} items, got ${describe(v)}`);
    return items.map((c, i) => c(v[i], `${at}[${i}]`)) as { [K in keyof C]: Infer<C[K]> };
  };

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An object with exactly these keys (an unknown or missing key is refused). */
export const obj =
  <S extends Record<string, Check<unknown>>>(shape: S): Check<{ [K in keyof S]: Infer<S[K]> }> =>
  (v, at) => {
    if (!isPlainObject(v)) fail(at, `must be an object, got ${describe(v)}`);
    for (const k of Object.keys(v)) if (!Object.hasOwn(shape, k)) fail(`${at}.${k}`, 'is not a known field');
    const out: Record<string, unknown> = {};
    for (const [k, check] of Object.entries(shape)) {
      if (!Object.hasOwn(v, k)) fail(`${at}.${k}`, 'is missing');
      out[k] = check(v[k], `${at}.${k}`);
    }
    return out as { [K in keyof S]: Infer<S[K]> };
  };

/** A map from keys (matching `key`) to values of one shape. */
export const record =
  <T>(value: Check<T>, key?: RegExp): Check<Record<string, T>> =>
  (v, at) => {
    if (!isPlainObject(v)) fail(at, `must be an object, got ${describe(v)}`);
    const out: Record<string, T> = {};
    for (const [k, x] of Object.entries(v)) {
      if (key && !key.test(k)) fail(`${at}.${k}`, `is not a valid key (${key})`);
      out[k] = value(x, `${at}.${k}`);
    }
    return out;
  };

/** The first alternative that accepts the value (alternatives are told apart by their keys). */
export const union =
  <const C extends readonly Check<unknown>[]>(what: string, ...alts: C): Check<Infer<C[number]>> =>
  (v, at) => {
    for (const c of alts) {
      try {
        return c(v, at) as Infer<C[number]>;
      } catch {
        /* try the next one */
      }
    }
    return fail(at, `must be ${what}, got ${JSON.stringify(v)?.slice(0, 80)}`);
  };

/** null, or a value of one shape (the field itself must be present). */
export const nullable =
  <T>(check: Check<T>): Check<T | null> =>
  (v, at) =>
    v === null ? null : check(v, at);
