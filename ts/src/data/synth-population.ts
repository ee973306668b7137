/**
 * Synthetic users and movies: the observable columns (schema.ts) plus the hidden traits the
 * latent model of synth.ts uses (biases, quality sensitivity, viewing habits, popularity).
 */
import type { Categorical, Movies, Users } from './schema.js';
import { Rng } from './rng.js';
import {
  AGE_GENRE, BIG_BUDGET_GENRES, COEF, DARK_GENRES, FAMILY_GENRES, GENRE_FREQ, SMALL_BUDGET_GENRES, SYNTH_GENRES, ageStd,
} from './synth-model.js';
import { popcount } from './genres.js';

export const DAY_MS = 86_400_000;
/** Days since epoch of a UTC calendar date. */
export const dayOf = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / DAY_MS;
/** The dataset window: interactions happen in [WINDOW_START_DAY, WINDOW_END_DAY). */
export const WINDOW_END_DAY = dayOf(2025, 1, 1);
export const WINDOW_START_DAY = WINDOW_END_DAY - 5 * 365;

export const GENDERS = ['F', 'M', 'X'];
export const REGIONS = ['central', 'east', 'north', 'south', 'west'];
export const SUBSCRIPTIONS = ['basic', 'standard', 'premium'];
export const BUDGETS = ['low', 'medium', 'high'];
export const DEVICES = ['mobile', 'tv', 'desktop', 'tablet'];
export const DEVICE_FREQ = [0.35, 0.35, 0.2, 0.1];

/** Hidden per-user traits. */
export interface UserTraits {
  bias: Float64Array;
  quality: Float64Array;
  ageStd: Float64Array;
  /** basic -1, standard 0, premium +1. */
  subSign: Int8Array;
  /** Center of the user's viewing hours (0-24). */
  habitHour: Float64Array;
  primaryDevice: Uint8Array;
  /** Sampling weight (heavy-tailed activity). */
  weight: Float64Array;
}

/** Hidden per-movie traits. */
export interface MovieTraits {
  bias: Float64Array;
  /** low -1, medium 0, high +1. */
  budgetSign: Int8Array;
  /** Mean AGE_GENRE over the movie's genres. */
  ageAffinity: Float64Array;
  /** dark (+1) / family (-1) / neither or both (0). */
  darkMinusFamily: Int8Array;
  /** Standardized log popularity. */
  popStd: Float64Array;
  /** Sampling weight (power law in popularity rank). */
  weight: Float64Array;
  releaseDay: Float64Array;
}

const pick = (rng: Rng, probs: readonly number[]) => {
  let u = rng.float() * probs.reduce((a, b) => a + b, 0);
  for (let i = 0; i < probs.length; i++) if ((u -= probs[i] as number) < 0) return i;
  return probs.length - 1;
};

/** `k` distinct genres drawn with weights, as a bitmask. */
function drawGenres(rng: Rng, weights: number[], k: number): number {
  const w = weights.slice();
  let mask = 0;
  for (let j = 0; j < k; j++) {
    const g = pick(rng, w);
    mask |= 1 << g;
    w[g] = 0;
  }
  return mask >>> 0;
}

const DOCUMENTARY = 1 << SYNTH_GENRES.indexOf('Documentary');
const HORROR = 1 << SYNTH_GENRES.indexOf('Horror');
const cat = (codes: Int32Array, levels: string[]): Categorical => ({ codes, levels });
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

export function makeUsers(n: number, rng: Rng): { users: Users; traits: UserTraits } {
  const age = new Float32Array(n);
  const gender = new Int32Array(n);
  const region = new Int32Array(n);
  const sub = new Int32Array(n);
  const signup = new Float32Array(n);
  const fav = new Uint32Array(n);
  const activity = new Float32Array(n);
  const t: UserTraits = {
    bias: new Float64Array(n), quality: new Float64Array(n), ageStd: new Float64Array(n), subSign: new Int8Array(n),
    habitHour: new Float64Array(n), primaryDevice: new Uint8Array(n), weight: new Float64Array(n),
  };
  for (let u = 0; u < n; u++) {
    const a = 18 + Math.floor(58 * rng.float() ** 1.8); // 18-75, skewed young
    age[u] = a;
    t.ageStd[u] = ageStd(a);
    gender[u] = pick(rng, [0.49, 0.48, 0.03]);
    region[u] = rng.int(REGIONS.length);
    const s = pick(rng, a > 35 ? [0.35, 0.37, 0.28] : [0.5, 0.33, 0.17]);
    sub[u] = s;
    t.subSign[u] = s - 1;
    signup[u] = WINDOW_START_DAY + rng.int(WINDOW_END_DAY - 30 - WINDOW_START_DAY);
    const tilt = GENRE_FREQ.map((f, g) => f * Math.exp(1.5 * (AGE_GENRE[g] as number) * (t.ageStd[u] as number)));
    fav[u] = drawGenres(rng, tilt, 1 + pick(rng, [0.4, 0.4, 0.2]));
    const w = Math.exp(1.1 * rng.normal()); // lognormal: heavy-tailed activity
    t.weight[u] = w;
    activity[u] = w / (1 + w);
    t.bias[u] = COEF.userBiasSd * rng.normal();
    t.quality[u] = Math.max(0, COEF.qualityMean + COEF.qualitySd * rng.normal());
    const habit = pick(rng, [0.55, 0.25, 0.2]);
    t.habitHour[u] = habit === 0 ? 20.5 + 1.5 * rng.normal() : habit === 1 ? 14 + 2.5 * rng.normal() : 24.5 + 1.5 * rng.normal();
    t.primaryDevice[u] = pick(rng, DEVICE_FREQ);
  }
  const users: Users = {
    n,
    id: Int32Array.from({ length: n }, (_, i) => i + 1),
    age,
    gender: cat(gender, GENDERS.slice()),
    region: cat(region, REGIONS.slice()),
    subscription: cat(sub, SUBSCRIPTIONS.slice()),
    signupDay: signup,
    favoriteGenres: fav,
    activity,
    occupation: cat(new Int32Array(n).fill(-1), []),
  };
  return { users, traits: t };
}

export function makeMovies(n: number, rng: Rng): { movies: Movies; traits: MovieTraits } {
  const genres = new Uint32Array(n);
  const year = new Float32Array(n);
  const duration = new Float32Array(n);
  const imdb = new Float32Array(n);
  const cast = new Float32Array(n);
  const budget = new Int32Array(n);
  const score = new Float64Array(n);
  const t: MovieTraits = {
    bias: new Float64Array(n), budgetSign: new Int8Array(n), ageAffinity: new Float64Array(n),
    darkMinusFamily: new Int8Array(n), popStd: new Float64Array(n), weight: new Float64Array(n), releaseDay: new Float64Array(n),
  };
  const has = (m: number, mask: number) => ((genres[m] as number) & mask) !== 0;
  for (let m = 0; m < n; m++) {
    const mask = drawGenres(rng, GENRE_FREQ.slice(), 1 + pick(rng, [0.45, 0.37, 0.18]));
    genres[m] = mask;
    const y = 2024 - Math.floor(75 * rng.float() ** 2.2); // 1950-2024, skewed recent
    year[m] = y;
    t.releaseDay[m] = dayOf(y, 1, 1);
    const family = has(m, FAMILY_GENRES) ? -15 : 0; // family movies run shorter
    duration[m] = Math.round(clamp(108 + family + 18 * rng.normal(), 60, 210));
    const genreQuality = has(m, DOCUMENTARY) ? 0.5 : has(m, HORROR) ? -0.6 : 0;
    imdb[m] = Math.fround(Math.round(clamp(6.5 + genreQuality + 0.95 * rng.normal(), 1, 9.8) * 10) / 10);
    const c = Math.fround(1 / (1 + Math.exp(-(-0.3 + 1.3 * rng.normal()))));
    cast[m] = c;
    const bigness = 1.6 * c + (has(m, BIG_BUDGET_GENRES) ? 0.35 : 0) - (has(m, SMALL_BUDGET_GENRES) ? 0.4 : 0) + 0.45 * rng.normal();
    const b = bigness < 0.75 ? 0 : bigness < 1.35 ? 1 : 2;
    budget[m] = b;
    t.budgetSign[m] = b - 1;
    t.bias[m] = COEF.movieBiasSd * rng.normal();
    let aff = 0;
    for (let g = 0; g < SYNTH_GENRES.length; g++) if ((mask >>> g) & 1) aff += AGE_GENRE[g] as number;
    t.ageAffinity[m] = aff / popcount(mask);
    t.darkMinusFamily[m] = (has(m, DARK_GENRES) ? 1 : 0) - (has(m, FAMILY_GENRES) ? 1 : 0);
    score[m] = 1.2 * c + 0.4 * (b - 1) + 0.25 * ((imdb[m] as number) - 6.5) + 0.8 * rng.normal();
  }
  rankPopularity(score, t);
  return {
    movies: {
      n,
      id: Int32Array.from({ length: n }, (_, i) => i + 1),
      title: Array.from({ length: n }, (_, i) => `Movie ${i + 1}`),
      genres,
      releaseYear: year,
      durationMin: duration,
      imdbRating: imdb,
      castPopularity: cast,
      budget: cat(budget, BUDGETS.slice()),
    },
    traits: t,
  };
}

/** Power-law sampling weights from the popularity score's rank: weight = (rank + 1)^-0.85. */
function rankPopularity(score: Float64Array, t: MovieTraits): void {
  const n = score.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => (score[b] as number) - (score[a] as number) || a - b);
  let mean = 0;
  for (let r = 0; r < n; r++) {
    const w = (r + 1) ** -0.85;
    t.weight[order[r] as number] = w;
    mean += Math.log(w) / n;
  }
  let v = 0;
  for (let m = 0; m < n; m++) v += (Math.log(t.weight[m] as number) - mean) ** 2 / n;
  const sd = Math.sqrt(v) || 1;
  for (let m = 0; m < n; m++) t.popStd[m] = (Math.log(t.weight[m] as number) - mean) / sd;
}
