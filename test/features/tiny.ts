/** A small hand-built Dataset for feature tests (independent of the synthetic generator). */
import { Rng } from '../../ts/src/data/rng.js';
import type { Categorical, Dataset } from '../../ts/src/data/schema.js';

const cat = (codes: number[], levels: string[]): Categorical => ({ codes: Int32Array.from(codes), levels });

/**
 * `labels`: 'random' = coin flips independent of everything (no feature can predict them);
 * 'genre' = a user likes a movie iff it has the user's favorite genre (a signal only interaction features see).
 */
export function tinyDataset(nUsers: number, nMovies: number, nInteractions: number, seed: number, labels: 'random' | 'genre') {
  const rng = new Rng(seed);
  const genres = ['Action', 'Comedy', 'Drama', 'Horror'];
  const fav = Array.from({ length: nUsers }, () => 1 << rng.int(genres.length));
  const movieGenres = Array.from({ length: nMovies }, () => (1 << rng.int(genres.length)) | (rng.bernoulli(0.3) ? 1 << rng.int(genres.length) : 0));
  const user = new Int32Array(nInteractions);
  const movie = new Int32Array(nInteractions);
  const liked = new Uint8Array(nInteractions);
  const rating = new Float32Array(nInteractions);
  const timestamp = new Float64Array(nInteractions);
  const hour = new Float32Array(nInteractions);
  for (let r = 0; r < nInteractions; r++) {
    const u = rng.int(nUsers);
    const m = rng.int(nMovies);
    user[r] = 100 + u;
    movie[r] = 500 + m;
    const like = labels === 'random' ? rng.bernoulli(0.5) : ((movieGenres[m] as number) & (fav[u] as number)) !== 0;
    liked[r] = like ? 1 : 0;
    rating[r] = like ? 4 + rng.int(2) : 1 + rng.int(3);
    timestamp[r] = 1_600_000_000 + rng.int(365 * 86400);
    hour[r] = rng.int(24);
  }
  const ds: Dataset = {
    source: 'synthetic',
    genres,
    users: {
      n: nUsers,
      id: Int32Array.from({ length: nUsers }, (_, i) => 100 + i),
      age: Float32Array.from({ length: nUsers }, () => 18 + rng.int(50)),
      gender: cat(Array.from({ length: nUsers }, () => rng.int(2)), ['F', 'M']),
      region: cat(Array.from({ length: nUsers }, () => rng.int(3)), ['north', 'south', 'west']),
      subscription: cat(Array.from({ length: nUsers }, () => rng.int(3)), ['basic', 'standard', 'premium']),
      signupDay: Float32Array.from({ length: nUsers }, () => 18_000 + rng.int(200)),
      favoriteGenres: Uint32Array.from(fav),
      activity: Float32Array.from({ length: nUsers }, () => rng.float()),
      occupation: cat(new Array(nUsers).fill(-1), []),
    },
    movies: {
      n: nMovies,
      id: Int32Array.from({ length: nMovies }, (_, i) => 500 + i),
      title: Array.from({ length: nMovies }, (_, i) => `Movie ${i}`),
      genres: Uint32Array.from(movieGenres),
      releaseYear: Float32Array.from({ length: nMovies }, () => 1980 + rng.int(40)),
      durationMin: Float32Array.from({ length: nMovies }, () => 80 + rng.int(80)),
      imdbRating: Float32Array.from({ length: nMovies }, () => 4 + rng.float() * 5),
      castPopularity: Float32Array.from({ length: nMovies }, () => rng.float()),
      budget: cat(Array.from({ length: nMovies }, () => rng.int(3)), ['low', 'medium', 'high']),
    },
    interactions: {
      n: nInteractions,
      user,
      movie,
      rating,
      liked,
      timestamp,
      device: cat(Array.from({ length: nInteractions }, () => rng.int(2)), ['mobile', 'tv']),
      hour,
      pTrue: null,
    },
    meta: { builder: 'tinyDataset', seed, labels },
  };
  return ds;
}
