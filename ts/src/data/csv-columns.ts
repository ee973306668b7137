/**
 * The CSV schema (see DATA.md): which columns each file may have, how a cell is parsed and
 * validated, and growable column builders (typed arrays, no per-row objects).
 */
import { invalid } from './lines.js';
import { MAX_GENRES } from './genres.js';

export type Kind = 'id' | 'number' | 'category' | 'genres' | 'date' | 'timestamp' | 'text' | 'label';

export interface ColumnSpec {
  name: string;
  kind: Kind;
  /** Inclusive bounds for numbers; `below` is an exclusive upper bound. */
  min?: number;
  max?: number;
  below?: number;
  integer?: boolean;
  /** Known level order of a categorical (used when every value belongs to it). */
  vocab?: readonly string[];
}

export const USER_COLUMNS: readonly ColumnSpec[] = [
  { name: 'user_id', kind: 'id' },
  { name: 'age', kind: 'number', min: 0, max: 120 },
  { name: 'gender', kind: 'category' },
  { name: 'region', kind: 'category' },
  { name: 'subscription', kind: 'category', vocab: ['basic', 'standard', 'premium'] },
  { name: 'signup_date', kind: 'date' },
  { name: 'favorite_genres', kind: 'genres' },
  { name: 'activity_level', kind: 'number', min: 0, max: 1 },
  { name: 'occupation', kind: 'category' },
];

export const MOVIE_COLUMNS: readonly ColumnSpec[] = [
  { name: 'movie_id', kind: 'id' },
  { name: 'title', kind: 'text' },
  { name: 'genres', kind: 'genres' },
  { name: 'release_year', kind: 'number', min: 1800, max: 2100, integer: true },
  { name: 'duration_min', kind: 'number', min: 0, max: 1000 },
  { name: 'imdb_rating', kind: 'number', min: 0, max: 10 },
  { name: 'cast_popularity', kind: 'number', min: 0, max: 1 },
  { name: 'budget_tier', kind: 'category', vocab: ['low', 'medium', 'high'] },
];

export const RATING_COLUMNS: readonly ColumnSpec[] = [
  { name: 'user_id', kind: 'id' },
  { name: 'movie_id', kind: 'id' },
  { name: 'rating', kind: 'number', min: 1, max: 5 },
  { name: 'liked', kind: 'label' },
  { name: 'timestamp', kind: 'timestamp' },
  { name: 'device', kind: 'category', vocab: ['mobile', 'tv', 'desktop', 'tablet'] },
  { name: 'hour', kind: 'number', min: 0, below: 24 },
  { name: 'p_like', kind: 'number', min: 0, max: 1 },
];

/** Empty cells, NA and NaN are missing values. */
export const isMissing = (s: string) => s === '' || s === 'NA' || s === 'NaN';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const DAY_MS = 86_400_000;

/** Where a cell is, for error messages. */
export interface Cell {
  file: string;
  line: number;
  column: string;
}

const show = (s: string) => JSON.stringify(s.length > 40 ? s.slice(0, 40) + '…' : s);

export function parseNumber(s: string, at: Cell): number {
  if (!NUMBER.test(s)) throw invalid(at.file, at.line, at.column, `${show(s)} is not a number`);
  return Number(s);
}

/** A number checked against the spec's bounds. */
export function parseBounded(s: string, spec: ColumnSpec, at: Cell): number {
  const v = parseNumber(s, at);
  const range = `[${spec.min ?? '-inf'}, ${spec.below !== undefined ? `${spec.below})` : `${spec.max ?? 'inf'}]`}`;
  if ((spec.min !== undefined && v < spec.min) || (spec.max !== undefined && v > spec.max) || (spec.below !== undefined && v >= spec.below)) {
    throw invalid(at.file, at.line, at.column, `${s} is out of range ${range}`);
  }
  if (spec.integer && !Number.isInteger(v)) throw invalid(at.file, at.line, at.column, `${s} is not an integer`);
  return v;
}

export function parseId(s: string, at: Cell): number {
  if (isMissing(s)) throw invalid(at.file, at.line, at.column, 'missing id');
  const v = parseNumber(s, at);
  if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw invalid(at.file, at.line, at.column, `${s} is not a 32-bit integer id`);
  return v;
}

/** Milliseconds since epoch of an ISO date or datetime (UTC unless an offset is given). */
function parseIso(s: string, at: Cell, what: string): number {
  const m = ISO.exec(s);
  const ms = m ? Date.parse(s.replace(' ', 'T') + (m[4] !== undefined && m[8] === undefined ? 'Z' : '')) : Number.NaN;
  if (!m || Number.isNaN(ms) || new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)).getUTCDate() !== +m[3]!) {
    throw invalid(at.file, at.line, at.column, `${show(s)} is not ${what}`);
  }
  return ms;
}

/** Days since epoch of an ISO date (YYYY-MM-DD) or datetime. */
export const parseDay = (s: string, at: Cell) => parseIso(s, at, 'an ISO date (YYYY-MM-DD)') / DAY_MS;

/** Unix seconds, given as a number or an ISO datetime. */
export function parseTimestamp(s: string, at: Cell): number {
  if (NUMBER.test(s)) return Number(s);
  return parseIso(s, at, 'unix seconds or an ISO datetime') / 1000;
}

export function parseLabel(s: string, at: Cell): number {
  if (s === '0' || s === '1') return +s;
  throw invalid(at.file, at.line, at.column, `${show(s)} is not 0 or 1`);
}

type Typed = Float64Array | Int32Array | Uint32Array;
type TypedCtor<T extends Typed> = { new (n: number): T };

/** An append-only typed array. */
export class Grow<T extends Typed> {
  private a: T;
  n = 0;
  constructor(private readonly Ctor: TypedCtor<T>) {
    this.a = new Ctor(1024);
  }
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = new this.Ctor(this.a.length * 2);
      b.set(this.a as never);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  /** The values, trimmed to length. */
  take(): T {
    return this.a.slice(0, this.n) as T;
  }
}

/** Categorical values as provisional codes in first-seen order; `finish` fixes a row-order-free level order. */
export class CategoryBuilder {
  readonly codes = new Grow(Int32Array);
  private readonly index = new Map<string, number>();
  private readonly seen: string[] = [];
  push(s: string): void {
    if (isMissing(s)) return this.codes.push(-1);
    let c = this.index.get(s);
    if (c === undefined) {
      c = this.seen.length;
      this.index.set(s, c);
      this.seen.push(s);
    }
    this.codes.push(c);
  }
  /** Levels: the spec's vocabulary if every value belongs to it, else the sorted distinct values. */
  finish(vocab?: readonly string[]): { codes: Int32Array; levels: string[] } {
    const levels = vocab && this.seen.every((s) => vocab.includes(s)) ? vocab.slice() : this.seen.slice().sort();
    const to = Int32Array.from(this.seen, (s) => levels.indexOf(s));
    const codes = this.codes.take();
    for (let i = 0; i < codes.length; i++) if ((codes[i] as number) >= 0) codes[i] = to[codes[i] as number] as number;
    return { codes, levels };
  }
}

/** The genre vocabulary shared by movies.csv and users.csv while loading (provisional, first-seen order). */
export class GenreVocab {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();
  /** Bitmask of a pipe-separated genre list. */
  mask(s: string, at: Cell): number {
    if (isMissing(s)) return 0;
    let mask = 0;
    for (const raw of s.split('|')) {
      const g = raw.trim();
      if (g === '') continue;
      let i = this.index.get(g);
      if (i === undefined) {
        if (this.names.length >= MAX_GENRES) throw invalid(at.file, at.line, at.column, `genre ${show(g)} would be genre number ${MAX_GENRES + 1}; at most ${MAX_GENRES} distinct genres are supported`);
        i = this.names.length;
        this.index.set(g, i);
        this.names.push(g);
      }
      mask |= 1 << i;
    }
    return mask >>> 0;
  }
}
