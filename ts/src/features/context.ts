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
  };
}

/** Smoothed rate: (hits + k * prior) / (n + k). */
export function rate(hits: number, n: number, prior: number, k = SMOOTHING): number {
  return (hits + k * prior) / (n + k);
}

/** Mean of `f(g)` over the genres in `mask` (NaN when the movie has none). */
export function overGenres(mask: number, G: number, f: (g: number) => number): number {
  let sum = 0;
  let n = 0;
  // The set bits below G, lowest first (the same order as a scan of g = 0..G-1).
  for (let b = G >= 32 ? mask : mask & ((1 << G) - 1); b !== 0; b &= b - 1) {
    sum += f(31 - Math.clz32(b & -b));
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
