/**
 * The raw dataset model every source produces (synthetic generator, CSV files, MovieLens 100K):
 * columnar tables, typed arrays for numbers (NaN = missing), categoricals as codes + levels.
 * Features (ts/src/features) are computed from these; the engine never sees them directly.
 */

/** A categorical column: `codes[i]` indexes `levels`, -1 = missing. */
export interface Categorical {
  codes: Int32Array;
  levels: string[];
}

/** Genres are a fixed per-dataset vocabulary; a row's genres are a bitmask over it (up to 32 genres). */
export type GenreMask = Uint32Array;

export interface Users {
  n: number;
  /** Unique, as given by the source. */
  id: Int32Array;
  age: Float32Array;
  gender: Categorical;
  /** Synthetic: region; MovieLens: zip-code area (first digit); CSV: optional. */
  region: Categorical;
  /** basic | standard | premium (synthetic); MovieLens has none (all missing). */
  subscription: Categorical;
  /** Days since 1970-01-01; NaN = unknown. */
  signupDay: Float32Array;
  /** Declared favorite genres (bitmask; 0 = none declared). */
  favoriteGenres: GenreMask;
  /** Activity level in [0, 1] as declared by the source; NaN = unknown. */
  activity: Float32Array;
  /** MovieLens occupation; other sources may leave it all missing. */
  occupation: Categorical;
}

export interface Movies {
  n: number;
  id: Int32Array;
  title: string[];
  genres: GenreMask;
  releaseYear: Float32Array;
  durationMin: Float32Array;
  /** IMDb-like rating on 0-10; NaN = unknown. */
  imdbRating: Float32Array;
  /** Cast popularity in [0, 1]; NaN = unknown. */
  castPopularity: Float32Array;
  /** low | medium | high. */
  budget: Categorical;
}

export interface Interactions {
  n: number;
  /** User id (matches Users.id), movie id (matches Movies.id). */
  user: Int32Array;
  movie: Int32Array;
  /** Star rating 1-5 (NaN when the source only gives a like label). */
  rating: Float32Array;
  /** The target: 1 = liked (rating >= 4, or the source's own label). */
  liked: Uint8Array;
  /** Seconds since 1970-01-01 (UTC). */
  timestamp: Float64Array;
  /** mobile | tv | desktop | tablet; missing allowed. */
  device: Categorical;
  /** Hour of day 0-23 (local to the user); NaN = unknown. */
  hour: Float32Array;
  /** Synthetic data only: the TRUE probability that this interaction is liked (Bayes-optimal reference). */
  pTrue: Float64Array | null;
}

export type Source = 'synthetic' | 'movielens-100k' | 'csv';

export interface Dataset {
  source: Source;
  genres: string[];
  users: Users;
  movies: Movies;
  interactions: Interactions;
  /** Free-form provenance: generator options and seed, file paths, row counts. */
  meta: Record<string, unknown>;
}

/** Row indices (into Interactions) of a train/test split. */
export interface Split {
  kind: 'random' | 'user-overlap' | 'temporal';
  train: Uint32Array;
  test: Uint32Array;
}
