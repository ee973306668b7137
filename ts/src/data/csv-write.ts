/**
 * Writes a Dataset as users.csv, movies.csv and ratings.csv (the schema of DATA.md). Each file is
 * written to a temporary file in the target folder, flushed, and only then renamed into place, so a
 * reader never sees a half-written file. Numbers are written so that Float32 / Float64 values load
 * back bit-identical.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { MlError } from '../engine/errors.js';
import { maskToNames } from './genres.js';
import type { Categorical, Dataset } from './schema.js';

const DAY_MS = 86_400_000;
const ROWS_PER_WRITE = 8192;

/** Shortest decimal that reads back as the same Float32 ('' for NaN). */
export function formatF32(v: number): string {
  if (Number.isNaN(v)) return '';
  if (Number.isInteger(v)) return String(v);
  for (let p = 1; p < 10; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

/** Exact decimal of a Float64 ('' for NaN). */
const formatF64 = (v: number) => (Number.isNaN(v) ? '' : String(v));

/** RFC 4180 quoting where needed. */
export function quote(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

const level = (c: Categorical, i: number) => {
  const code = c.codes[i] as number;
  return code < 0 ? '' : quote(c.levels[code] ?? '');
};

/** ISO date for whole days, ISO datetime otherwise. */
function formatDay(d: number): string {
  if (Number.isNaN(d)) return '';
  const iso = new Date(Math.round(d * DAY_MS)).toISOString();
  return Number.isInteger(d) ? iso.slice(0, 10) : iso;
}

const genreCell = (mask: number, genres: string[]) => quote(maskToNames(mask, genres).join('|'));

/** Writes `n` rows of `header` through `row(i)` into an open file, in blocks. */
function writeRows(fd: number, header: string[], n: number, row: (i: number) => string): void {
  writeSync(fd, header.join(',') + '\n');
  for (let start = 0; start < n; start += ROWS_PER_WRITE) {
    const end = Math.min(n, start + ROWS_PER_WRITE);
    const lines = new Array<string>(end - start);
    for (let i = start; i < end; i++) lines[i - start] = row(i);
    writeSync(fd, lines.join('\n') + '\n');
  }
}

/** Writes the dataset's three files into `dir` (created if needed), atomically per file. */
export function writeCsvDataset(ds: Dataset, dir: string): void {
  const { users: u, movies: m, interactions: r, genres } = ds;
  const files: { name: string; header: string[]; n: number; row: (i: number) => string }[] = [
    {
      name: 'users.csv',
      header: ['user_id', 'age', 'gender', 'region', 'subscription', 'signup_date', 'favorite_genres', 'activity_level', 'occupation'],
      n: u.n,
      row: (i) =>
        [
          u.id[i], formatF32(u.age[i] as number), level(u.gender, i), level(u.region, i), level(u.subscription, i),
          formatDay(u.signupDay[i] as number), genreCell(u.favoriteGenres[i] as number, genres),
          formatF32(u.activity[i] as number), level(u.occupation, i),
        ].join(','),
    },
    {
      name: 'movies.csv',
      header: ['movie_id', 'title', 'genres', 'release_year', 'duration_min', 'imdb_rating', 'cast_popularity', 'budget_tier'],
      n: m.n,
      row: (i) =>
        [
          m.id[i], quote(m.title[i] ?? ''), genreCell(m.genres[i] as number, genres), formatF32(m.releaseYear[i] as number),
          formatF32(m.durationMin[i] as number), formatF32(m.imdbRating[i] as number), formatF32(m.castPopularity[i] as number),
          level(m.budget, i),
        ].join(','),
    },
    {
      name: 'ratings.csv',
      header: ['user_id', 'movie_id', 'rating', 'liked', 'timestamp', 'device', 'hour', ...(r.pTrue ? ['p_like'] : [])],
      n: r.n,
      row: (i) => {
        const cells = `${r.user[i]},${r.movie[i]},${formatF32(r.rating[i] as number)},${r.liked[i]},${formatF64(r.timestamp[i] as number)},${level(r.device, i)},${formatF32(r.hour[i] as number)}`;
        return r.pTrue ? `${cells},${formatF64(r.pTrue[i] as number)}` : cells;
      },
    },
  ];
  const temps: string[] = [];
  try {
    mkdirSync(dir, { recursive: true });
    const tag = `${process.pid}.${Date.now().toString(36)}`;
    for (const f of files) {
      const tmp = join(dir, `.${f.name}.${tag}.tmp`);
      temps.push(tmp);
      const fd = openSync(tmp, 'w');
      try {
        writeRows(fd, f.header, f.n, f.row);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    files.forEach((f, k) => renameSync(temps[k] as string, join(dir, f.name)));
  } catch (err) {
    for (const t of temps) rmSync(t, { force: true });
    if (err instanceof MlError) throw err;
    throw new MlError('IO', `cannot write the dataset to ${dir}: ${(err as Error).message}`, { cause: err });
  }
}
