/**
 * CSV datasets: users.csv, movies.csv and ratings.csv (schema in DATA.md and csv-columns.ts).
 * Files are streamed record by record into typed arrays; every content problem is an INVALID_DATA
 * error naming the file, the 1-based line (header = line 1) and the column.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { MlError } from '../engine/errors.js';
import {
  CategoryBuilder, type Cell, type ColumnSpec, GenreVocab, Grow, MOVIE_COLUMNS, RATING_COLUMNS, USER_COLUMNS,
  isMissing, parseBounded, parseDay, parseId, parseLabel, parseTimestamp,
} from './csv-columns.js';
import { readCsv } from './csv-read.js';
import { canonicalGenreOrder, remapMasks } from './genres.js';
import { invalid } from './lines.js';
import type { Categorical, Dataset } from './schema.js';

export { writeCsvDataset } from './csv-write.js';

export type CsvSource = { dir: string } | { users: string; movies: string; ratings: string };
export interface CsvLoadOptions {
  /** Schema column -> file column, per file: `{ ratings: { rating: 'stars' } }`. */
  columns?: { users?: Record<string, string>; movies?: Record<string, string>; ratings?: Record<string, string> };
}

/** Parsed column values of one file, by schema column name (absent columns are absent). */
interface Table {
  n: number;
  nums: Map<string, Float64Array>;
  cats: Map<string, Categorical>;
  masks: Map<string, Uint32Array>;
  texts: Map<string, string[]>;
}

interface Sink {
  push(cell: string): void;
  finish(t: Table): void;
}

/** Checks on id cells: `onId(value, line)` (duplicates, unknown references). */
type IdCheck = (id: number, at: Cell) => void;

function sinkFor(spec: ColumnSpec, at: Cell, vocab: GenreVocab, idCheck: IdCheck | undefined): Sink {
  const nums = (parse: (s: string) => number): Sink => {
    const g = new Grow(Float64Array);
    return { push: (s) => g.push(isMissing(s) ? Number.NaN : parse(s)), finish: (t) => t.nums.set(spec.name, g.take()) };
  };
  switch (spec.kind) {
    case 'id':
      return nums((s) => {
        const v = parseId(s, at);
        idCheck?.(v, at);
        return v;
      });
    case 'number':
      return nums((s) => parseBounded(s, spec, at));
    case 'label':
      return nums((s) => parseLabel(s, at));
    case 'date':
      return nums((s) => parseDay(s, at));
    case 'timestamp':
      return nums((s) => parseTimestamp(s, at));
    case 'category': {
      const b = new CategoryBuilder();
      return { push: (s) => b.push(s), finish: (t) => t.cats.set(spec.name, b.finish(spec.vocab)) };
    }
    case 'genres': {
      const g = new Grow(Uint32Array);
      return { push: (s) => g.push(vocab.mask(s, at)), finish: (t) => t.masks.set(spec.name, g.take()) };
    }
    case 'text': {
      const out: string[] = [];
      return { push: (s) => out.push(isMissing(s) ? '' : s), finish: (t) => t.texts.set(spec.name, out) };
    }
  }
}

function readTable(
  path: string,
  specs: readonly ColumnSpec[],
  mapping: Record<string, string> | undefined,
  vocab: GenreVocab,
  idChecks: Record<string, IdCheck>,
  required: (header: string[], has: (name: string) => boolean) => void,
  rowCheck?: (cell: (name: string) => string, line: number) => void,
): Table {
  const file = basename(path);
  const known = new Set(specs.map((s) => s.name));
  for (const key of Object.keys(mapping ?? {})) {
    if (!known.has(key)) throw new MlError('INVALID_ARGUMENT', `column mapping for ${file}: "${key}" is not a schema column (known: ${[...known].join(', ')})`);
  }
  let header: string[] | null = null;
  let cols: { index: number; sink: Sink; at: Cell; spec: ColumnSpec }[] = [];
  let byName = new Map<string, number>();
  let n = 0;
  let lastLine = 1;
  readCsv(path, file, () => header, (fields, line) => {
    lastLine = line;
    if (header === null) {
      header = fields.map((f) => f.trim());
      const h = header;
      h.forEach((name, i) => {
        if (name === '') throw invalid(file, 1, `#${i + 1}`, 'empty column name in the header');
        if (h.indexOf(name) !== i) throw invalid(file, 1, name, 'duplicate column name in the header');
      });
      const found = `found: ${h.map((x) => JSON.stringify(x)).join(', ')}`;
      for (const [key, col] of Object.entries(mapping ?? {})) {
        if (!h.includes(col)) throw invalid(file, 1, col, `column mapped to schema column "${key}" is not in the header (${found})`);
      }
      const fileName = (name: string) => mapping?.[name] ?? name;
      required(h, (name) => h.includes(fileName(name)));
      cols = specs.flatMap((spec) => {
        const index = h.indexOf(fileName(spec.name));
        if (index < 0) return [];
        const at: Cell = { file, line: 0, column: h[index] as string };
        return [{ index, at, spec, sink: sinkFor(spec, at, vocab, idChecks[spec.name]) }];
      });
      byName = new Map(cols.map((c) => [c.spec.name, c.index]));
      return;
    }
    if (fields.length !== header.length) {
      if (fields.length < header.length) {
        throw invalid(file, line, header[fields.length], `missing value: the row has ${fields.length} fields, the header has ${header.length}`);
      }
      throw invalid(file, line, `#${header.length + 1}`, `the row has ${fields.length} fields, the header has ${header.length}`);
    }
    for (const c of cols) {
      c.at.line = line;
      c.sink.push((fields[c.index] as string).trim());
    }
    rowCheck?.((name) => fields[byName.get(name) ?? -1]?.trim() ?? '', line);
    n++;
  });
  const first = specs[0]?.name ?? '';
  if (header === null) throw invalid(file, 1, mapping?.[first] ?? first, 'the file is empty (expected a header line)');
  if (n === 0) throw invalid(file, lastLine + 1, mapping?.[first] ?? first, 'the file has a header but no data rows');
  const t: Table = { n, nums: new Map(), cats: new Map(), masks: new Map(), texts: new Map() };
  for (const c of cols) c.sink.finish(t);
  return t;
}

const missingColumn = (file: string, name: string, header: string[]) =>
  invalid(file, 1, name, `required column is missing (found: ${header.map((x) => JSON.stringify(x)).join(', ')})`);

function need(file: string, names: string[], mapping: Record<string, string> | undefined) {
  return (header: string[], has: (name: string) => boolean) => {
    for (const name of names) if (!has(name)) throw missingColumn(file, mapping?.[name] ?? name, header);
  };
}

/** Tracks ids of users.csv / movies.csv: duplicates are errors. */
function uniqueIds(what: string, seen: Map<number, number>): IdCheck {
  return (id, at) => {
    const first = seen.get(id);
    if (first !== undefined) throw invalid(at.file, at.line, at.column, `duplicate ${what} ${id} (first on line ${first})`);
    seen.set(id, at.line);
  };
}

function knownIds(what: string, seen: Map<number, number>, source: string): IdCheck {
  return (id, at) => {
    if (!seen.has(id)) throw invalid(at.file, at.line, at.column, `unknown ${what} ${id} (not in ${source})`);
  };
}

function resolve(src: CsvSource): { users: string; movies: string; ratings: string } {
  if (src && typeof src === 'object' && 'dir' in src && typeof src.dir === 'string') {
    if (!existsSync(src.dir) || !statSync(src.dir).isDirectory()) throw new MlError('IO', `not a directory: ${src.dir}`);
    return { users: join(src.dir, 'users.csv'), movies: join(src.dir, 'movies.csv'), ratings: join(src.dir, 'ratings.csv') };
  }
  const s = src as Record<string, unknown> | null;
  if (s && typeof s.users === 'string' && typeof s.movies === 'string' && typeof s.ratings === 'string') {
    return { users: s.users, movies: s.movies, ratings: s.ratings };
  }
  throw new MlError('INVALID_ARGUMENT', 'loadCsvDataset needs { dir } or { users, movies, ratings } file paths');
}

const f32 = (a: Float64Array | undefined, n: number) => (a ? Float32Array.from(a) : new Float32Array(n).fill(Number.NaN));
const none = (n: number): Categorical => ({ codes: new Int32Array(n).fill(-1), levels: [] });

/** Loads the three CSV files into a Dataset (source 'csv'). */
export function loadCsvDataset(src: CsvSource, opts: CsvLoadOptions = {}): Dataset {
  const paths = resolve(src);
  const map = opts.columns ?? {};
  const vocab = new GenreVocab();
  const userIds = new Map<number, number>();
  const movieIds = new Map<number, number>();
  const [uf, mf, rf] = [basename(paths.users), basename(paths.movies), basename(paths.ratings)];
  const u = readTable(paths.users, USER_COLUMNS, map.users, vocab, { user_id: uniqueIds('user_id', userIds) }, need(uf, ['user_id'], map.users));
  const m = readTable(paths.movies, MOVIE_COLUMNS, map.movies, vocab, { movie_id: uniqueIds('movie_id', movieIds) }, need(mf, ['movie_id'], map.movies));
  const ratingsNeed = need(rf, ['user_id', 'movie_id'], map.ratings);
  const r = readTable(
    paths.ratings, RATING_COLUMNS, map.ratings, vocab,
    { user_id: knownIds('user_id', userIds, uf), movie_id: knownIds('movie_id', movieIds, mf) },
    (header, has) => {
      ratingsNeed(header, has);
      if (!has('rating') && !has('liked')) throw invalid(rf, 1, map.ratings?.rating ?? 'rating', `needs a "rating" (1-5) or "liked" (0/1) column (found: ${header.map((x) => JSON.stringify(x)).join(', ')})`);
    },
    (cell, line) => {
      if (isMissing(cell('rating')) && isMissing(cell('liked'))) {
        throw invalid(rf, line, map.ratings?.liked ?? 'liked', 'neither a rating nor a liked label is given');
      }
    },
  );
  const genres = canonicalGenreOrder(vocab.names);
  const userGenres = u.masks.get('favorite_genres') ?? new Uint32Array(u.n);
  const movieGenres = m.masks.get('genres') ?? new Uint32Array(m.n);
  remapMasks(userGenres, vocab.names, genres);
  remapMasks(movieGenres, vocab.names, genres);
  const rating = f32(r.nums.get('rating'), r.n);
  const liked = new Uint8Array(r.n);
  const label = r.nums.get('liked');
  for (let i = 0; i < r.n; i++) {
    const l = label ? (label[i] as number) : Number.NaN;
    const s = rating[i] as number;
    liked[i] = Number.isNaN(l) ? (s >= 4 ? 1 : 0) : l;
  }
  const pLike = r.nums.get('p_like');
  return {
    source: 'csv',
    genres,
    users: {
      n: u.n,
      id: Int32Array.from(u.nums.get('user_id') as Float64Array),
      age: f32(u.nums.get('age'), u.n),
      gender: u.cats.get('gender') ?? none(u.n),
      region: u.cats.get('region') ?? none(u.n),
      subscription: u.cats.get('subscription') ?? none(u.n),
      signupDay: f32(u.nums.get('signup_date'), u.n),
      favoriteGenres: userGenres,
      activity: f32(u.nums.get('activity_level'), u.n),
      occupation: u.cats.get('occupation') ?? none(u.n),
    },
    movies: {
      n: m.n,
      id: Int32Array.from(m.nums.get('movie_id') as Float64Array),
      title: m.texts.get('title') ?? new Array<string>(m.n).fill(''),
      genres: movieGenres,
      releaseYear: f32(m.nums.get('release_year'), m.n),
      durationMin: f32(m.nums.get('duration_min'), m.n),
      imdbRating: f32(m.nums.get('imdb_rating'), m.n),
      castPopularity: f32(m.nums.get('cast_popularity'), m.n),
      budget: m.cats.get('budget_tier') ?? none(m.n),
    },
    interactions: {
      n: r.n,
      user: Int32Array.from(r.nums.get('user_id') as Float64Array),
      movie: Int32Array.from(r.nums.get('movie_id') as Float64Array),
      rating,
      liked,
      timestamp: r.nums.get('timestamp') ?? new Float64Array(r.n).fill(Number.NaN),
      device: r.cats.get('device') ?? none(r.n),
      hour: f32(r.nums.get('hour'), r.n),
      pTrue: pLike ?? null,
    },
    meta: { files: paths, rows: { users: u.n, movies: m.n, ratings: r.n }, columns: opts.columns ?? {} },
  };
}
