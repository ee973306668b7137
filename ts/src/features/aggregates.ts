/**
 * Additive per-user and per-movie statistics over a set of interaction rows. Everything is a sum, so
 * out-of-fold statistics are `total - fold` (no refit per fold) and nothing from a held-out row leaks in.
 */
import type { Dataset } from '../data/schema.js';

export const HOUR_BUCKETS = 4; // night 0-5, morning 6-11, afternoon 12-17, evening 18-23

export function hourBucket(h: number): number {
  return Number.isNaN(h) ? -1 : Math.min(HOUR_BUCKETS - 1, Math.floor(h / 6));
}

/** Dense row index of every interaction's user and movie (ids can be arbitrary integers). */
export interface Index {
  userRow: Int32Array;
  movieRow: Int32Array;
  userOf: Map<number, number>;
  movieOf: Map<number, number>;
}

export function buildIndex(ds: Dataset): Index {
  const userOf = new Map<number, number>();
  const movieOf = new Map<number, number>();
  ds.users.id.forEach((id, i) => userOf.set(id, i));
  ds.movies.id.forEach((id, i) => movieOf.set(id, i));
  const it = ds.interactions;
  const userRow = new Int32Array(it.n);
  const movieRow = new Int32Array(it.n);
  for (let r = 0; r < it.n; r++) {
    userRow[r] = userOf.get(it.user[r] as number) ?? -1;
    movieRow[r] = movieOf.get(it.movie[r] as number) ?? -1;
  }
  return { userRow, movieRow, userOf, movieOf };
}

/** Sums per entity (user or movie). Rating sums only count rows with a star rating. */
export type Sums = {
  count: Float64Array;
  likes: Float64Array;
  rated: Float64Array;
  rating: Float64Array;
  rating2: Float64Array;
  /** Sum of the other side's IMDb rating (users: quality of what they watch; movies: unused). */
  imdb: Float64Array;
  imdbCount: Float64Array;
  /** count per hour bucket, entity-major: [e * HOUR_BUCKETS + b]. */
  hours: Float64Array;
  /** Users: watches and likes per genre, entity-major [e * G + g]. Movies: unused (length 0). */
  genreCount: Float64Array;
  genreLikes: Float64Array;
  /** Interactions in the last 30 days of the data window (trending). */
  recent: Float64Array;
  /** Sum of timestamps (days), for mean recency. */
  day: Float64Array;
};

function emptySums(n: number, genres: number): Sums {
  const f = (k = 1) => new Float64Array(n * k);
  return {
    count: f(), likes: f(), rated: f(), rating: f(), rating2: f(), imdb: f(), imdbCount: f(),
    hours: f(HOUR_BUCKETS), genreCount: f(genres), genreLikes: f(genres), recent: f(), day: f(),
  };
}

export const AGE_BUCKETS = 5; // <25, 25-34, 35-44, 45-54, 55+

export function ageBucket(age: number): number {
  return Number.isNaN(age) ? -1 : Math.max(0, Math.min(AGE_BUCKETS - 1, Math.floor((age - 15) / 10)));
}

/** Like counts of segment crosses: target statistics for the interaction features. */
export type Cross = {
  /** [ageBucket * G + g] */
  ageGenreCount: Float64Array;
  ageGenreLikes: Float64Array;
  /** [subscription * B + budget], B = budget levels */
  subBudgetCount: Float64Array;
  subBudgetLikes: Float64Array;
  /** [hourBucket * G + g] */
  hourGenreCount: Float64Array;
  hourGenreLikes: Float64Array;
  /** all rows: total count and likes (the global prior). */
  total: Float64Array;
};

export interface SumsPair {
  users: Sums;
  movies: Sums;
  cross: Cross;
}

/** One interaction into entity `e`'s sums (the user's or the movie's): no allocation per row. */
function addRow(s: Sums, e: number, liked: number, rating: number, hb: number, recent: boolean, day: number): void {
  s.count[e]! += 1;
  s.likes[e]! += liked;
  if (!Number.isNaN(rating)) {
    s.rated[e]! += 1;
    s.rating[e]! += rating;
    s.rating2[e]! += rating * rating;
  }
  if (hb >= 0) s.hours[e * HOUR_BUCKETS + hb]! += 1;
  if (recent) s.recent[e]! += 1;
  s.day[e]! += day;
}

/** Accumulates `rows` (interaction indices) into per-user and per-movie sums. `recentFrom`: day threshold. */
export function accumulate(ds: Dataset, idx: Index, rows: ArrayLike<number>, recentFrom: number): SumsPair {
  const G = ds.genres.length;
  const users = emptySums(ds.users.n, G);
  const movies = emptySums(ds.movies.n, 0);
  const S = Math.max(1, ds.users.subscription.levels.length);
  const B = Math.max(1, ds.movies.budget.levels.length);
  const cross: Cross = {
    ageGenreCount: new Float64Array(AGE_BUCKETS * G), ageGenreLikes: new Float64Array(AGE_BUCKETS * G),
    subBudgetCount: new Float64Array(S * B), subBudgetLikes: new Float64Array(S * B),
    hourGenreCount: new Float64Array(HOUR_BUCKETS * G), hourGenreLikes: new Float64Array(HOUR_BUCKETS * G),
    total: new Float64Array(2),
  };
  const it = ds.interactions;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k] as number;
    const u = idx.userRow[r] as number;
    const m = idx.movieRow[r] as number;
    const liked = it.liked[r] as number;
    const rating = it.rating[r] as number;
    const day = (it.timestamp[r] as number) / 86400;
    const hb = hourBucket(it.hour[r] as number);
    const imdb = ds.movies.imdbRating[m] as number;
    addRow(users, u, liked, rating, hb, day >= recentFrom, day);
    addRow(movies, m, liked, rating, hb, day >= recentFrom, day);
    if (!Number.isNaN(imdb)) {
      users.imdb[u]! += imdb;
      users.imdbCount[u]! += 1;
    }
    cross.total[0]! += 1;
    cross.total[1]! += liked;
    const sub = ds.users.subscription.codes[u] as number;
    const budget = ds.movies.budget.codes[m] as number;
    if (sub >= 0 && budget >= 0) {
      cross.subBudgetCount[sub * B + budget]! += 1;
      cross.subBudgetLikes[sub * B + budget]! += liked;
    }
    const ab = ageBucket(ds.users.age[u] as number);
    const mask = ds.movies.genres[m] as number;
    // The movie's genres (set bits below G), lowest first.
    for (let b = G >= 32 ? mask : mask & ((1 << G) - 1); b !== 0; b &= b - 1) {
      const g = 31 - Math.clz32(b & -b);
      users.genreCount[u * G + g]! += 1;
      users.genreLikes[u * G + g]! += liked;
      if (ab >= 0) {
        cross.ageGenreCount[ab * G + g]! += 1;
        cross.ageGenreLikes[ab * G + g]! += liked;
      }
      if (hb >= 0) {
        cross.hourGenreCount[hb * G + g]! += 1;
        cross.hourGenreLikes[hb * G + g]! += liked;
      }
    }
  }
  return { users, movies, cross };
}

// Sums and Cross are type aliases (not interfaces) so they fit Record<string, Float64Array>.
function minus<T extends Record<string, Float64Array>>(a: T, b: T): T {
  const out: Record<string, Float64Array> = {};
  for (const k of Object.keys(a)) {
    const x = a[k] as Float64Array;
    const y = b[k] as Float64Array;
    const d = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) d[i] = (x[i] as number) - (y[i] as number);
    out[k] = d;
  }
  return out as T;
}

/** a - b, table by table and field by field: the statistics of a's rows that are not in b. */
export function subtract(a: SumsPair, b: SumsPair): SumsPair {
  return { users: minus(a.users, b.users), movies: minus(a.movies, b.movies), cross: minus(a.cross, b.cross) };
}
