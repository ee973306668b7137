/**
 * The synthetic movie-preference generator: a seeded, documented latent model whose true like
 * probability is known (`Interactions.pTrue`), so every learner can be compared with Bayes-optimal.
 *
 * Population (synth-population.ts)
 * - Users: age 18-75 skewed young; gender F/M/X; 5 regions; subscription basic/standard/premium
 *   (older users lean premium); signup day in the last 5 years; 1-3 favorite genres drawn from the
 *   genre frequencies tilted by age (exp(1.5 * AGE_GENRE[g] * ageStd)); activity weight
 *   w ~ lognormal(0, 1.1) (heavy tail), declared activity = w / (1 + w). Hidden: bias
 *   b_u ~ N(0, 0.75²), quality sensitivity q_u ~ max(0, N(0.55, 0.25²)), a habitual viewing hour
 *   (evening 55%, daytime 25%, night 20%) and a primary device.
 * - Movies: 1-3 of the 18 MovieLens genres; release year 1950-2024 skewed recent; duration;
 *   IMDb-like rating N(6.5, 0.95²) (+0.5 documentaries, -0.6 horror) clipped to [1, 9.8];
 *   cast popularity in (0, 1); budget tier low/medium/high driven by cast popularity and genre;
 *   title "Movie <id>". Hidden: bias b_m ~ N(0, 0.45²) and popularity: movies are ranked by
 *   1.2·cast + 0.4·budgetSign + 0.25·(imdb − 6.5) + N(0, 0.8²) and get weight (rank + 1)^-0.85.
 *
 * Interactions (per row, O(1) with alias tables)
 * - user ~ activity weight; movie: with probability 0.4 from one of the user's favorite genres
 *   (per-genre popularity table), else from the global popularity table (power law);
 * - day uniform in [max(signup, Jan 1 of release year, window start), window end) (window = 2020-2024);
 *   hour = round(habitHour_u + N(0, 2²)) mod 24; timestamp = day·86400 + hour·3600 + U[0, 3600);
 * - device: the user's primary device 70% of the time, else drawn from the device mix.
 *
 * Latent utility (coefficients in synth-model.ts, COEF)
 *   z = b0 + b_u + b_m
 *     + q_u · (imdb_m − 6.5)                                  quality, user-specific sensitivity
 *     + 1.6 · |genres_m ∩ favorites_u| / |genres_m|            genre match (interaction only)
 *     + 1.4 · ageStd_u · mean_{g ∈ genres_m} AGE_GENRE[g]     age × genre (young: action/animation, old: drama/documentary)
 *     + 0.6 · subSign_u · budgetSign_m                         premium likes high budget, basic likes low
 *     + 0.7 · nightness(hour) · (dark_m − family_m)            horror/thriller/mystery/noir at night, family in daytime
 *     + 0.15 · popStd_m                                        small popularity effect
 *     + 1.5 · tasteU_u · traitM_m                              hidden taste (collaborative signal)
 *   with b0 = −0.95, ageStd = (age − 38) / 14, nightness(h) = cos(2π(h − 1)/24), tasteU_u = −1 or +1
 *   (the user's hidden taste group, each with probability 1/2) and traitM_m ~ N(0, 1) (the movie's
 *   affinity to group +1), drawn from a fourth seed stream and shown in no column (TASTE_RANK = 1).
 *   The taste term has mean 0 and sd 1.5; only a model that learns from other users' ratings of the
 *   same movies (matrix factorization, neighbours) can recover it.
 * - Star rating: rating = 1 + #{k : z + ε > t_k}, ε ~ Logistic(0, 1), t = (−2.4, −1.2, 0, 1.5).
 * - liked = rating ≥ 4, so pTrue = P(liked) = sigmoid(z − t_4) exactly (t_4 = 0).
 * The genre-match, subscription×budget, age×genre and time-of-day terms are invisible to any single
 * user or movie column: only features that combine both sides (and the hour) can recover them.
 * The taste term is invisible to every column, single or combined.
 */
import { AliasTable } from './alias.js';
import { MlError } from '../engine/errors.js';
import { popcount } from './genres.js';
import { Rng } from './rng.js';
import type { Categorical, Dataset, Interactions, Movies, Users } from './schema.js';
import { COEF, SYNTH_GENRES, TASTE_RANK, THRESHOLDS, T4, nightness, sigmoid } from './synth-model.js';
import {
  DEVICE_FREQ, DEVICES, type MovieTraits, type UserTraits, WINDOW_END_DAY, WINDOW_START_DAY, makeMovies, makeUsers,
} from './synth-population.js';

export interface SynthOptions {
  users: number;
  movies: number;
  interactions: number;
  seed: number;
}

/** Named sizes for the CLI and tests. */
export const SIZES = {
  full: { users: 5000, movies: 1000, interactions: 50000 },
  quick: { users: 800, movies: 300, interactions: 8000 },
  demo: { users: 200, movies: 100, interactions: 2000 },
} as const;

/** Share of interactions whose movie is drawn from one of the user's favorite genres. */
const FAVORITE_TILT = 0.4;
/** Share of interactions on the user's primary device. */
const PRIMARY_DEVICE = 0.7;

function check(opts: SynthOptions): void {
  const fields = ['users', 'movies', 'interactions', 'seed'] as const;
  for (const k of fields) {
    const v = (opts as unknown as Record<string, unknown>)?.[k];
    const min = k === 'users' || k === 'movies' ? 1 : 0;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
      throw new MlError('INVALID_ARGUMENT', `generateDataset: ${k} must be an integer >= ${min}, got ${String(v)}`);
    }
  }
  if (opts.interactions > 2 ** 31 - 1) throw new MlError('INVALID_ARGUMENT', 'generateDataset: interactions must be < 2^31');
}

/** Generates a full synthetic dataset; the same options (seed included) give byte-identical output. */
export function generateDataset(opts: SynthOptions): Dataset {
  check(opts);
  const seeds = seedStreams(opts.seed);
  const { users, traits: ut } = makeUsers(opts.users, new Rng(seeds[0]));
  const { movies, traits: mt } = makeMovies(opts.movies, new Rng(seeds[1]));
  const taste = hiddenTaste(opts);
  const interactions = makeInteractions(opts.interactions, users, ut, movies, mt, taste, new Rng(seeds[2]));
  return {
    source: 'synthetic',
    genres: SYNTH_GENRES.slice(),
    users,
    movies,
    interactions,
    meta: {
      generator: 'moviepref-synth/1',
      options: { users: opts.users, movies: opts.movies, interactions: opts.interactions },
      seed: opts.seed,
      window: { startDay: WINDOW_START_DAY, endDay: WINDOW_END_DAY },
      coefficients: COEF,
      thresholds: THRESHOLDS,
      taste_rank: TASTE_RANK,
    },
  };
}

/** Seeds of the generator's streams: users, movies, interactions, and a fourth for the hidden taste (the first three are unchanged by it). */
function seedStreams(seed: number): readonly [number, number, number, number] {
  const root = new Rng(seed);
  return [root.nextU32(), root.nextU32(), root.nextU32(), root.nextU32()];
}

/** Per-genre popularity tables: movie rows having genre g, sampled by popularity weight (null: no movie). */
function genreTables(movies: Movies, mt: MovieTraits): ({ rows: Int32Array; table: AliasTable } | null)[] {
  return SYNTH_GENRES.map((_, g) => {
    const rows: number[] = [];
    for (let m = 0; m < movies.n; m++) if (((movies.genres[m] as number) >>> g) & 1) rows.push(m);
    const weights = rows.map((m) => mt.weight[m] as number);
    return rows.length > 0 ? { rows: Int32Array.from(rows), table: new AliasTable(weights) } : null;
  });
}

/** Hidden taste: TASTE_RANK entries per user (each -1 or +1: the taste group), then per movie (N(0, 1) affinities), row-major. */
export interface Taste {
  user: Float64Array;
  movie: Float64Array;
}

/**
 * The hidden taste `generateDataset(opts)` uses (users in row order, then movies), drawn from the fourth
 * seed stream; exported so tests can check it is independent of every column. Validates like generateDataset.
 */
export function hiddenTaste(opts: SynthOptions): Taste {
  check(opts);
  const rng = new Rng(seedStreams(opts.seed)[3]);
  const [nUsers, nMovies] = [opts.users, opts.movies];
  const user = Float64Array.from({ length: nUsers * TASTE_RANK }, () => (rng.float() < 0.5 ? -1 : 1));
  const movie = Float64Array.from({ length: nMovies * TASTE_RANK }, () => rng.normal());
  return { user, movie };
}

/** The taste term of z: COEF.taste · tasteU_u · traitM_m / sqrt(TASTE_RANK) (mean 0, sd COEF.taste). */
export function tasteTerm(t: Taste, u: number, m: number): number {
  let dot = 0;
  for (let k = 0; k < TASTE_RANK; k++) dot += (t.user[u * TASTE_RANK + k] as number) * (t.movie[m * TASTE_RANK + k] as number);
  return (COEF.taste * dot) / Math.sqrt(TASTE_RANK);
}

function makeInteractions(n: number, users: Users, ut: UserTraits, movies: Movies, mt: MovieTraits, taste: Taste, rng: Rng): Interactions {
  const user = new Int32Array(n);
  const movie = new Int32Array(n);
  const rating = new Float32Array(n);
  const liked = new Uint8Array(n);
  const timestamp = new Float64Array(n);
  const device = new Int32Array(n);
  const hour = new Float32Array(n);
  const pTrue = new Float64Array(n);
  if (n === 0) return { n, user, movie, rating, liked, timestamp, device: { codes: device, levels: DEVICES.slice() }, hour, pTrue };
  const userTable = new AliasTable(ut.weight);
  const movieTable = new AliasTable(mt.weight);
  const byGenre = genreTables(movies, mt);
  const deviceTable = new AliasTable(DEVICE_FREQ);
  for (let r = 0; r < n; r++) {
    const u = userTable.sample(rng);
    const fav = users.favoriteGenres[u] as number;
    let m = -1;
    if (rng.float() < FAVORITE_TILT) {
      let bits = fav;
      for (let k = rng.int(popcount(fav)); k > 0; k--) bits &= bits - 1;
      const t = byGenre[31 - Math.clz32(bits & -bits)];
      if (t) m = t.rows[t.table.sample(rng)] as number;
    }
    if (m < 0) m = movieTable.sample(rng);
    const lo = Math.max(users.signupDay[u] as number, mt.releaseDay[m] as number, WINDOW_START_DAY);
    const day = lo + rng.int(WINDOW_END_DAY - lo);
    const h = (((Math.round((ut.habitHour[u] as number) + 2 * rng.normal()) % 24) + 24) % 24);
    user[r] = users.id[u] as number;
    movie[r] = movies.id[m] as number;
    hour[r] = h;
    timestamp[r] = day * 86400 + h * 3600 + rng.int(3600);
    device[r] = rng.float() < PRIMARY_DEVICE ? (ut.primaryDevice[u] as number) : deviceTable.sample(rng);
    const gm = movies.genres[m] as number;
    const z =
      COEF.intercept +
      (ut.bias[u] as number) +
      (mt.bias[m] as number) +
      (ut.quality[u] as number) * ((movies.imdbRating[m] as number) - 6.5) +
      (COEF.genreMatch * popcount(gm & fav)) / popcount(gm) +
      COEF.ageGenre * (ut.ageStd[u] as number) * (mt.ageAffinity[m] as number) +
      COEF.subscriptionBudget * (ut.subSign[u] as number) * (mt.budgetSign[m] as number) +
      COEF.timeOfDay * nightness(h) * (mt.darkMinusFamily[m] as number) +
      COEF.popularity * (mt.popStd[m] as number) +
      tasteTerm(taste, u, m);
    let p = rng.float();
    if (p === 0) p = Number.MIN_VALUE;
    const y = z + Math.log(p / (1 - p));
    let stars = 1;
    for (const t of THRESHOLDS) if (y > t) stars++;
    rating[r] = stars;
    liked[r] = stars >= 4 ? 1 : 0;
    pTrue[r] = sigmoid(z - T4);
  }
  const deviceCat: Categorical = { codes: device, levels: DEVICES.slice() };
  return { n, user, movie, rating, liked, timestamp, device: deviceCat, hour, pTrue };
}
