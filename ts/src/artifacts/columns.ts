/**
 * Columnar objects (typed arrays, string arrays, categoricals) <-> Arrow IPC bytes + a small JSON sidecar
 * (category levels, scalar fields). Used to save the users/movies tables and fitted statistics.
 */
import { makeVector, tableFromIPC, tableToIPC, Table, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import { MlError } from '../engine/errors.js';
import { arr, type Infer, json, obj, oneOf, record, str, union } from './shape.js';

type TypedArray = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array;
const TYPED = { Float32Array, Float64Array, Int32Array, Uint32Array, Uint8Array } satisfies Record<string, new (a: ArrayLike<number>) => TypedArray>;
export type TypedName = keyof typeof TYPED;

/** How one column is rebuilt: a typed array, strings, a categorical (codes + levels) or a scalar field. */
export const columnKind = union(
  'a column kind ({typed}, {strings}, {categorical} or {scalar})',
  obj({ typed: oneOf(...(Object.keys(TYPED) as TypedName[])) }),
  obj({ strings: oneOf(true) }),
  obj({ categorical: arr(str({ max: 200 }), { max: 100_000 }) }),
  obj({ scalar: json }),
);
export type ColumnKind = Infer<typeof columnKind>;

/** The sidecar of one table (validated with the manifest). */
export const columnsMeta = obj({ kinds: record(columnKind, /^[A-Za-z][A-Za-z0-9_]*$/) });
export type ColumnsMeta = Infer<typeof columnsMeta>;

const isCategorical = (v: unknown): v is { codes: Int32Array; levels: string[] } =>
  typeof v === 'object' && v !== null && (v as { codes?: unknown }).codes instanceof Int32Array && Array.isArray((v as { levels?: unknown }).levels);

/** Encodes an object whose array fields all have the same length `n` (scalars go to the sidecar). */
export function encodeColumns(obj: Record<string, unknown>): { ipc: Uint8Array; meta: ColumnsMeta } {
  const cols: Record<string, Vector> = {};
  const meta: ColumnsMeta = { kinds: {} };
  for (const [k, v] of Object.entries(obj)) {
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      cols[k] = makeVector(v as TypedArray);
      meta.kinds[k] = { typed: v.constructor.name as TypedName };
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
  const rows = table.numRows;
  for (const [k, kind] of Object.entries(meta.kinds)) {
    if ('scalar' in kind) {
      if (k === 'n' && kind.scalar !== rows) throw new MlError('DESERIALIZE', `${what}: n = ${JSON.stringify(kind.scalar)} but the table has ${rows} rows`);
      out[k] = kind.scalar;
      continue;
    }
    const col = table.getChild(k);
    if (!col) throw new MlError('DESERIALIZE', `${what}: column ${k} is missing`);
    if ('strings' in kind) out[k] = col.toArray() as string[];
    else if ('categorical' in kind) {
      const codes = Int32Array.from(col.toArray() as Int32Array);
      const bad = codes.findIndex((c) => c < -1 || c >= kind.categorical.length);
      if (bad >= 0) throw new MlError('DESERIALIZE', `${what}: column ${k} row ${bad} has code ${codes[bad]} but only ${kind.categorical.length} levels`);
      out[k] = { codes, levels: kind.categorical };
    }
    else {
      out[k] = new TYPED[kind.typed](col.toArray() as ArrayLike<number>);
    }
  }
  return out;
}
