/**
 * MovieLens 100K loader for the original files (u.data, u.user, u.item, u.genre). liked = rating >= 4;
 * region = first digit of the zip code ('other' when it is not a digit); fields MovieLens lacks
 * (subscription, signup, favorites, activity, duration, IMDb rating, cast, budget, device, local hour)
 * are missing. Malformed rows are INVALID_DATA errors naming file, line and column.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MlError } from '../engine/errors.js';
import { CategoryBuilder, type Cell, Grow, parseBounded, parseId, parseNumber } from './csv-columns.js';
import { MAX_GENRES } from './genres.js';
import { CR_ONLY, forEachLine, invalid } from './lines.js';
import type { Categorical, Dataset } from './schema.js';

const RELEASE = /^\d{1,2}-[A-Za-z]{3}-(\d{4})$/;

/** Calls `onRow(fields, at)` for every non-blank line split on `sep`, after checking the field count. */
function rows(dir: string, file: string, sep: string, columns: readonly string[], onRow: (f: string[], at: (col: number) => Cell) => void): void {
  const at = (line: number) => (col: number): Cell => ({ file, line, column: columns[col] ?? `#${col + 1}` });
  forEachLine(join(dir, file), 'latin1', (text, line) => {
    if (text.trim() === '') return;
    if (text.includes('\r')) throw invalid(file, line, undefined, CR_ONLY);
    const f = text.split(sep);
    if (f.length < columns.length) throw invalid(file, line, columns[f.length], `missing value: the row has ${f.length} fields, expected ${columns.length}`);
    if (f.length > columns.length) throw invalid(file, line, `#${columns.length + 1}`, `the row has ${f.length} fields, expected ${columns.length}`);
    onRow(f, at(line));
  });
}

function readGenres(dir: string): string[] {
  const names: (string | undefined)[] = [];
  let lines = 0;
  rows(dir, 'u.genre', '|', ['name', 'index'], (f, at) => {
    const i = parseId(f[1] as string, at(1));
    if (i < 0 || i >= MAX_GENRES) throw invalid(at(1).file, at(1).line, 'index', `${i} is out of range [0, ${MAX_GENRES - 1}]`);
    if (names[i] !== undefined) throw invalid(at(1).file, at(1).line, 'index', `duplicate genre index ${i}`);
    names[i] = f[0] as string;
    lines++;
  });
  const missing = names.findIndex((g) => g === undefined);
  if (lines === 0) throw invalid('u.genre', 1, 'name', 'the file is empty');
  if (missing >= 0 || names.length !== lines) throw invalid('u.genre', lines, 'index', `genre indices must be 0..${lines - 1} without gaps`);
  return names as string[];
}

/** Loads MovieLens 100K from its original folder (as distributed by GroupLens). */
export function loadMovieLens100k(dir: string): Dataset {
  if (typeof dir !== 'string') throw new MlError('INVALID_ARGUMENT', 'loadMovieLens100k needs a folder path');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new MlError('IO', `not a directory: ${dir}`);
  const genres = readGenres(dir);

  const userIds = new Grow(Int32Array);
  const ages = new Grow(Float64Array);
  const gender = new CategoryBuilder();
  const occupation = new CategoryBuilder();
  const region = new CategoryBuilder();
  const userLine = new Map<number, number>();
  rows(dir, 'u.user', '|', ['user_id', 'age', 'gender', 'occupation', 'zip_code'], (f, at) => {
    const id = parseId(f[0] as string, at(0));
    const first = userLine.get(id);
    if (first !== undefined) throw invalid('u.user', at(0).line, 'user_id', `duplicate user_id ${id} (first on line ${first})`);
    userLine.set(id, at(0).line);
    userIds.push(id);
    ages.push(parseBounded(f[1] as string, { name: 'age', kind: 'number', min: 0, max: 120 }, at(1)));
    if ((f[2] as string) === '') throw invalid('u.user', at(2).line, 'gender', 'missing value');
    gender.push(f[2] as string);
    occupation.push(f[3] as string);
    const zip = (f[4] as string).trim();
    region.push(/^[0-9]/.test(zip) ? (zip[0] as string) : 'other');
  });

  const movieIds = new Grow(Int32Array);
  const titles: string[] = [];
  const years = new Grow(Float64Array);
  const masks = new Grow(Uint32Array);
  const movieLine = new Map<number, number>();
  const itemColumns = ['movie_id', 'title', 'release_date', 'video_release_date', 'imdb_url', ...genres];
  rows(dir, 'u.item', '|', itemColumns, (f, at) => {
    const id = parseId(f[0] as string, at(0));
    const first = movieLine.get(id);
    if (first !== undefined) throw invalid('u.item', at(0).line, 'movie_id', `duplicate movie_id ${id} (first on line ${first})`);
    movieLine.set(id, at(0).line);
    movieIds.push(id);
    titles.push(f[1] as string);
    const date = (f[2] as string).trim();
    const m = RELEASE.exec(date);
    if (date !== '' && !m) throw invalid('u.item', at(2).line, 'release_date', `${JSON.stringify(date)} is not a date like 01-Jan-1995`);
    years.push(m ? Number(m[1]) : Number.NaN);
    let mask = 0;
    for (let g = 0; g < genres.length; g++) {
      const flag = f[5 + g] as string;
      if (flag !== '0' && flag !== '1') throw invalid('u.item', at(5 + g).line, genres[g], `${JSON.stringify(flag)} is not a 0/1 genre flag`);
      if (flag === '1') mask |= 1 << g;
    }
    masks.push(mask >>> 0);
  });

  const user = new Grow(Int32Array);
  const movie = new Grow(Int32Array);
  const rating = new Grow(Float64Array);
  const timestamp = new Grow(Float64Array);
  rows(dir, 'u.data', '\t', ['user_id', 'item_id', 'rating', 'timestamp'], (f, at) => {
    const u = parseId(f[0] as string, at(0));
    if (!userLine.has(u)) throw invalid('u.data', at(0).line, 'user_id', `unknown user_id ${u} (not in u.user)`);
    const m = parseId(f[1] as string, at(1));
    if (!movieLine.has(m)) throw invalid('u.data', at(1).line, 'item_id', `unknown item_id ${m} (not in u.item)`);
    user.push(u);
    movie.push(m);
    rating.push(parseBounded(f[2] as string, { name: 'rating', kind: 'number', min: 1, max: 5, integer: true }, at(2)));
    timestamp.push(parseNumber(f[3] as string, at(3)));
  });
  if (user.n === 0) throw invalid('u.data', 1, 'user_id', 'the file has no ratings');

  const nu = userIds.n;
  const nm = movieIds.n;
  const nr = user.n;
  const none = (n: number): Categorical => ({ codes: new Int32Array(n).fill(-1), levels: [] });
  const nan32 = (n: number) => new Float32Array(n).fill(Number.NaN);
  const stars = Float32Array.from(rating.take());
  return {
    source: 'movielens-100k',
    genres,
    users: {
      n: nu,
      id: userIds.take(),
      age: Float32Array.from(ages.take()),
      gender: gender.finish(),
      region: region.finish(),
      subscription: none(nu),
      signupDay: nan32(nu),
      favoriteGenres: new Uint32Array(nu),
      activity: nan32(nu),
      occupation: occupation.finish(),
    },
    movies: {
      n: nm,
      id: movieIds.take(),
      title: titles,
      genres: masks.take(),
      releaseYear: Float32Array.from(years.take()),
      durationMin: nan32(nm),
      imdbRating: nan32(nm),
      castPopularity: nan32(nm),
      budget: none(nm),
    },
    interactions: {
      n: nr,
      user: user.take(),
      movie: movie.take(),
      rating: stars,
      liked: Uint8Array.from(stars, (s) => (s >= 4 ? 1 : 0)),
      timestamp: timestamp.take(),
      device: none(nr),
      hour: nan32(nr),
      pTrue: null,
    },
    meta: { dir, rows: { users: nu, movies: nm, ratings: nr } },
  };
}
