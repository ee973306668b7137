/** Argument checks shared by both adapters: wrong JS types get INVALID_ARGUMENT before reaching Rust. */
import { MlError } from './errors.js';
import type { Labels, Matrix, Ratings } from './types.js';

/** `typeof`-style name of a value for messages: "string", "array", "null", "Float64Array", ... */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

export function checkMatrix(m: Matrix): void {
  if (!(m?.x instanceof Float32Array)) throw new MlError('INVALID_ARGUMENT', `features \`x\` must be a Float32Array (column-major), got ${typeName(m?.x)}`);
  if (!Number.isInteger(m.nRows) || m.nRows < 0 || m.nRows > 0xffff_ffff)
    throw new MlError('INVALID_ARGUMENT', `nRows must be a non-negative integer, got ${m.nRows}`);
}

/** Labels travel as Float32Array 0/1 (NaN and other values are rejected by the engine with INVALID_LABEL). */
export function toLabelArray(y: Labels): Float32Array {
  if (y instanceof Float32Array) return y;
  if (y instanceof Uint8Array) return Float32Array.from(y);
  throw new MlError('INVALID_ARGUMENT', `labels \`y\` must be a Float32Array or Uint8Array, got ${typeName(y)}`);
}

export function checkThreshold(t: number): number {
  if (typeof t !== 'number' || Number.isNaN(t)) throw new MlError('INVALID_ARGUMENT', `threshold must be a number, got ${t}`);
  return t;
}

/** Predicted probabilities `p` for metrics. */
export function checkProbabilities(p: Float32Array): Float32Array {
  if (!(p instanceof Float32Array)) throw new MlError('INVALID_ARGUMENT', `probabilities \`p\` must be a Float32Array, got ${typeName(p)}`);
  return p;
}

/** Model file bytes (`modelFromBytes`). */
export function checkBytes(bytes: Uint8Array): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new MlError('INVALID_ARGUMENT', `model \`bytes\` must be a Uint8Array, got ${typeName(bytes)}`);
  return bytes;
}

export function checkString(name: string, v: string): string {
  if (typeof v !== 'string') throw new MlError('INVALID_ARGUMENT', `\`${name}\` must be a string, got ${typeName(v)}`);
  return v;
}

/** A spec or options object, as the JSON the engine reads (the engine validates its content). */
export function toJsonObject(name: string, v: object): string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new MlError('INVALID_ARGUMENT', `\`${name}\` must be an object, got ${typeName(v)}`);
  try {
    return JSON.stringify(v);
  } catch (err) {
    throw new MlError('INVALID_ARGUMENT', `\`${name}\` cannot be serialized to JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function checkTyped<T>(name: string, v: T, type: { new (n: number): T; name: string }): T {
  if (!(v instanceof type)) throw new MlError('INVALID_ARGUMENT', `\`${name}\` must be an ${type.name}, got ${typeName(v)}`);
  return v;
}

/** (user, item) pairs to score: two Int32Arrays of one length. */
export function checkPairs(users: Int32Array, items: Int32Array): void {
  checkTyped('users', users, Int32Array);
  checkTyped('items', items, Int32Array);
  if (users.length !== items.length)
    throw new MlError('SHAPE_MISMATCH', `\`users\` (${users.length}) and \`items\` (${items.length}) must have the same length`);
}

/** Training triples: Int32Array users and items, Float32Array values, one length. */
export function checkRatings(r: Ratings): Ratings {
  if (typeof r !== 'object' || r === null) throw new MlError('INVALID_ARGUMENT', `ratings must be an object {users, items, values}, got ${typeName(r)}`);
  checkPairs(r.users, r.items);
  checkTyped('values', r.values, Float32Array);
  if (r.values.length !== r.users.length)
    throw new MlError('SHAPE_MISMATCH', `\`values\` (${r.values.length}) must have the length of \`users\` and \`items\` (${r.users.length})`);
  return r;
}
