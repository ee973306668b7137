/**
 * Columnar objects (typed arrays, string arrays, categoricals) <-> Arrow IPC bytes + a small JSON sidecar
 * (category levels, scalar fields). Used to save the users/movies tables and fitted statistics.
 */
import { makeVector, tableFromIPC, tableToIPC, Table, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import { MlError } from '../engine/errors.js';

type TypedArray = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array;
const TYPED: Record<string, new (a: ArrayLike<number>) => TypedArray> = { Float32Array, Float64Array, Int32Array, Uint32Array, Uint8Array };

export interface ColumnsMeta {
  /** name -> how to rebuild it */
  kinds: Record<string, { typed: string } | { strings: true } | { categorical: string[] } | { scalar: unknown }>;
}

const isCategorical = (v: unknown): v is { codes: Int32Array; levels: string[] } =>
  typeof v === 'object' && v !== null && (v as { codes?: unknown }).codes instanceof Int32Array && Array.isArray((v as { levels?: unknown }).levels);

/** Encodes an object whose array fields all have the same length `n` (scalars go to the sidecar). */
export function encodeColumns(obj: Record<string, unknown>): { ipc: Uint8Array; meta: ColumnsMeta } {
  const cols: Record<string, Vector> = {};
  const meta: ColumnsMeta = { kinds: {} };
  for (const [k, v] of Object.entries(obj)) {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      cols[k] = makeVector(v as TypedArray);
      meta.kinds[k] = { typed: v.constructor.name };
    } else if (isCategorical(v)) {
      cols[k] = makeVector(v.codes);
      meta.kinds[k] = { categorical: v.levels };
    } else if (Array.isArray(v) && v.every((s) => typeof s === 'string')) {
      cols[k] = vectorFromArray(v as string[], new Utf8());
      meta.kinds[k] = { strings: true };
    } else {
      meta.kinds[k] = { scalar: v };
    }
  }
  return { ipc: tableToIPC(new Table(cols), 'file'), meta };
}

export function decodeColumns(ipc: Uint8Array, meta: ColumnsMeta, what: string): Record<string, unknown> {
  let table: Table;
  try {
    table = tableFromIPC(ipc);
  } catch (err) {
    throw new MlError('DESERIALIZE', `${what}: not a readable Arrow file (${(err as Error).message})`, { cause: err });
  }
  const out: Record<string, unknown> = {};
  for (const [k, kind] of Object.entries(meta.kinds)) {
    if ('scalar' in kind) {
      out[k] = kind.scalar;
      continue;
    }
    const col = table.getChild(k);
    if (!col) throw new MlError('DESERIALIZE', `${what}: column ${k} is missing`);
    if ('strings' in kind) out[k] = col.toArray() as string[];
    else if ('categorical' in kind) out[k] = { codes: Int32Array.from(col.toArray() as Int32Array), levels: kind.categorical };
    else {
      const Ctor = TYPED[kind.typed];
      if (!Ctor) throw new MlError('DESERIALIZE', `${what}: column ${k} has unknown type ${kind.typed}`);
      out[k] = new Ctor(col.toArray() as ArrayLike<number>);
    }
  }
  return out;
}
