/** What a feature value is computed from: statistics (total or out-of-fold) and one user-movie pair. */
import type { Dataset } from '../data/schema.js';
import { ageBucket, type Cross, HOUR_BUCKETS, hourBucket, type Sums, type SumsPair } from './aggregates.js';

/** Smoothing strength of every target statistic (pseudo-count toward the prior). */
export const SMOOTHING = 10;

/** One scored pair: dense user/movie rows plus the moment of the interaction. */
export interface Pair {
  u: number;
  m: number;
  /** Days since epoch (NaN if unknown). */
  day: number;
  hour: number;
  device: number;
}

export interface Context {
  ds: Dataset;
  users: Sums;
  movies: Sums;
  cross: Cross;
  G: number;
  /** Global like rate and mean star rating of the statistics' rows. */
  priorLike: number;
  priorRating: number;
  /** Users with at least one interaction in the statistics (movie penetration denominator). */
  activeUsers: number;
  /** Days covered by the statistics' window (for the viral coefficient). */
  windowDays: number;
  /** Each user's most watched genre (lowest index on ties, -1 with none), computed once per context. */
  topGenre: Int16Array;
}

export function makeContext(ds: Dataset, s: SumsPair, windowDays: number): Context {
  let liked = 0;
  let rated = 0;
  let rating = 0;
  let active = 0;
  for (let u = 0; u < ds.users.n; u++) {
    liked += s.users.likes[u] as number;
    rated += s.users.rated[u] as number;
    rating += s.users.rating[u] as number;
    if ((s.users.count[u] as number) > 0) active++;
  }
  const total = s.cross.total[0] as number;
  const G = ds.genres.length;
  const topGenre = new Int16Array(ds.users.n);
  for (let u = 0; u < ds.users.n; u++) {
    let best = -1;
    let bestCount = 0;
    for (let g = 0; g < G; g++) {
      const v = s.users.genreCount[u * G + g] as number;
      if (v > bestCount) [best, bestCount] = [g, v];
    }
    topGenre[u] = best;
  }
  return {
    ds,
    users: s.users,
    movies: s.movies,
    cross: s.cross,
    G: ds.genres.length,
    priorLike: total > 0 ? liked / total : 0.5,
    priorRating: rated > 0 ? rating / rated : 3,
    activeUsers: Math.max(1, active),
    windowDays: Math.max(30, windowDays),
    topGenre,
  };
}

/** Smoothed rate: (hits + k * prior) / (n + k). */
export function rate(hits: number, n: number, prior: number, k = SMOOTHING): number {
  return (hits + k * prior) / (n + k);
}

/** The genre bits of `mask` below G (lowest first when walked with `b &= b - 1`). */
const genreBits = (mask: number, G: number) => (G >= 32 ? mask : mask & ((1 << G) - 1));

/**
 * Mean over the genres in `mask` of the smoothed rate `rate(likes[at + g], counts[at + g], base) - base`
 * (a genre's lift over `base`); NaN when the movie has none. Genres are summed lowest first. A plain
 * loop, not a callback: it runs once per feature value, millions of times per column.
 */
export function meanGenreLift(mask: number, G: number, likes: Float64Array, counts: Float64Array, at: number, base: number): number {
  let sum = 0;
  let n = 0;
  for (let b = genreBits(mask, G); b !== 0; b &= b - 1) {
    const i = at + 31 - Math.clz32(b & -b);
    sum += rate(likes[i] as number, counts[i] as number, base) - base;
    n++;
  }
  return n > 0 ? sum / n : Number.NaN;
}

/** Mean over the genres in `mask` of `counts[at + g] / total` (NaN terms when total <= 0); NaN when the movie has none. */
export function meanGenreShare(mask: number, G: number, counts: Float64Array, at: number, total: number): number {
  let sum = 0;
  let n = 0;
  for (let b = genreBits(mask, G); b !== 0; b &= b - 1) {
    sum += total > 0 ? (counts[at + 31 - Math.clz32(b & -b)] as number) / total : Number.NaN;
    n++;
  }
  return n > 0 ? sum / n : Number.NaN;
}

export function popcount(x: number): number {
  let n = 0;
  for (let v = x >>> 0; v; v &= v - 1) n++;
  return n;
}

export { ageBucket, HOUR_BUCKETS, hourBucket };
