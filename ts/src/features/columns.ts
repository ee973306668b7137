/**
 * The feature catalogue: every column the models see, with its group and meaning. Statistics come
 * from the training rows only (out-of-fold for training rows), see aggregates.ts.
 */
import type { Categorical, Dataset } from '../data/schema.js';
import { ageBucket, type Context, HOUR_BUCKETS, hourBucket, meanGenreLift, meanGenreShare, type Pair, popcount, rate } from './context.js';

export type FeatureGroup = 'user' | 'movie' | 'interaction' | 'demographic' | 'context';

export interface FeatureDef {
  name: string;
  group: FeatureGroup;
  doc: string;
  /** The value for one pair (every feature has it: serving evaluates pair by pair). */
  value: (c: Context, p: Pair) => number;
  /**
   * Set when the value depends on the user's (or the movie's) dense row alone, not on the pair: a table
   * step evaluates it once per distinct user (movie) and gathers, the same numbers as `value` per pair.
   */
  per?: { key: 'u' | 'm'; of: (c: Context, id: number) => number };
}

const NaN_ = Number.NaN;
const div = (a: number, b: number) => (b > 0 ? a / b : NaN_);
const f = (name: string, group: FeatureGroup, doc: string, value: FeatureDef['value']): FeatureDef => ({ name, group, doc, value });
/** A feature of the user alone. */
const fu = (name: string, group: FeatureGroup, doc: string, of: (c: Context, u: number) => number): FeatureDef => ({ name, group, doc, value: (c, p) => of(c, p.u), per: { key: 'u', of } });
/** A feature of the movie alone. */
const fm = (name: string, group: FeatureGroup, doc: string, of: (c: Context, m: number) => number): FeatureDef => ({ name, group, doc, value: (c, p) => of(c, p.m), per: { key: 'm', of } });

const userLike = (c: Context, u: number) => rate(c.users.likes[u]!, c.users.count[u]!, c.priorLike);
const userRating = (c: Context, u: number) => rate(c.users.rating[u]!, c.users.rated[u]!, c.priorRating);
const movieRating = (c: Context, m: number) => rate(c.movies.rating[m]!, c.movies.rated[m]!, c.priorRating);
const std = (s: number, s2: number, n: number) => (n >= 2 ? Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2)) : NaN_);
const qualityPref = (c: Context, u: number) => div(c.users.imdb[u]!, c.users.imdbCount[u]!);
const USER: FeatureDef[] = [
  fu('user_engagement', 'user', 'log(1 + interactions of the user)', (c, u) => Math.log1p(c.users.count[u]!)),
  fu('user_like_rate', 'user', "smoothed share of the user's interactions that were liked", (c, u) => userLike(c, u)),
  fu('user_avg_rating', 'user', 'smoothed mean star rating given by the user', (c, u) => userRating(c, u)),
  fu('user_rating_std', 'user', 'rating variability of the user', (c, u) => std(c.users.rating[u]!, c.users.rating2[u]!, c.users.rated[u]!)),
  fu('user_quality_pref', 'user', 'mean IMDb rating of the movies the user watched', (c, u) => qualityPref(c, u)),
  fu('user_night_share', 'user', 'share of the user’s viewing at night (0-5h)', (c, u) => div(c.users.hours[u * HOUR_BUCKETS]!, c.users.count[u]!)),
  fu('user_evening_share', 'user', 'share of the user’s viewing in the evening (18-23h)', (c, u) => div(c.users.hours[u * HOUR_BUCKETS + 3]!, c.users.count[u]!)),
  fu('user_recent_share', 'user', 'share of the user’s interactions in the last 30 days of the window', (c, u) => div(c.users.recent[u]!, c.users.count[u]!)),
  fu('user_genre_diversity', 'user', 'normalized entropy of the genres the user watched', (c, u) => {
    let total = 0;
    for (let g = 0; g < c.G; g++) total += c.users.genreCount[u * c.G + g]!;
    if (total === 0 || c.G < 2) return NaN_;
    let h = 0;
    for (let g = 0; g < c.G; g++) {
      const q = c.users.genreCount[u * c.G + g]! / total;
      if (q > 0) h -= q * Math.log(q);
    }
    return h / Math.log(c.G);
  }),
  fu('user_top_genre_share', 'user', 'share of the user’s watches in their favorite (most watched) genre', (c, u) => {
    const g = c.topGenre[u]!;
    return g < 0 ? NaN_ : div(c.users.genreCount[u * c.G + g]!, c.users.count[u]!);
  }),
];

const MOVIE: FeatureDef[] = [
  fm('movie_popularity', 'movie', 'log(1 + interactions of the movie)', (c, m) => Math.log1p(c.movies.count[m]!)),
  fm('movie_like_rate', 'movie', 'smoothed share of the movie’s interactions that were liked', (c, m) => rate(c.movies.likes[m]!, c.movies.count[m]!, c.priorLike)),
  fm('movie_avg_rating', 'movie', 'smoothed mean star rating of the movie', (c, m) => movieRating(c, m)),
  fm('movie_polarization', 'movie', 'standard deviation of the movie’s star ratings', (c, m) => std(c.movies.rating[m]!, c.movies.rating2[m]!, c.movies.rated[m]!)),
  fm('movie_user_penetration', 'movie', 'share of active users who interacted with the movie', (c, m) => c.movies.count[m]! / c.activeUsers),
  fm('movie_trending', 'movie', 'smoothed share of the movie’s interactions in the last 30 days', (c, m) => rate(c.movies.recent[m]!, c.movies.count[m]!, 30 / c.windowDays)),
  fm('movie_viral_coefficient', 'movie', 'last-30-day volume over the movie’s average 30-day volume', (c, m) => (c.movies.recent[m]! + 1) / ((c.movies.count[m]! * 30) / c.windowDays + 1)),
  fm('movie_hit_potential', 'movie', 'smoothed like rate x log popularity: expected likes', (c, m) => rate(c.movies.likes[m]!, c.movies.count[m]!, c.priorLike) * Math.log1p(c.movies.count[m]!)),
  fm('movie_release_year', 'movie', 'release year', (c, m) => c.ds.movies.releaseYear[m]!),
  fm('movie_duration_min', 'movie', 'duration in minutes', (c, m) => c.ds.movies.durationMin[m]!),
  fm('movie_imdb_rating', 'movie', 'IMDb-like rating (0-10)', (c, m) => c.ds.movies.imdbRating[m]!),
  fm('movie_cast_popularity', 'movie', 'cast popularity (0-1)', (c, m) => c.ds.movies.castPopularity[m]!),
  fm('movie_n_genres', 'movie', 'number of genres of the movie', (c, m) => popcount(c.ds.movies.genres[m]!)),
];

const DEMOGRAPHIC: FeatureDef[] = [
  fu('user_age', 'demographic', 'age in years', (c, u) => c.ds.users.age[u]!),
  fu('user_activity', 'demographic', 'declared activity level (0-1)', (c, u) => c.ds.users.activity[u]!),
  f('user_tenure_days', 'demographic', 'days since signup at the time of the interaction', (c, p) => p.day - c.ds.users.signupDay[p.u]!),
];

const INTERACTION: FeatureDef[] = [
  f('genre_match_declared', 'interaction', 'share of the movie’s genres among the user’s declared favorites', (c, p) => {
    const fav = c.ds.users.favoriteGenres[p.u]!;
    const mask = c.ds.movies.genres[p.m]!;
    return fav === 0 ? NaN_ : div(popcount(fav & mask), popcount(mask));
  }),
  f('genre_affinity', 'interaction', 'user’s smoothed like rate on the movie’s genres minus their overall like rate', (c, p) => {
    return meanGenreLift(c.ds.movies.genres[p.m]!, c.G, c.users.genreLikes, c.users.genreCount, p.u * c.G, userLike(c, p.u));
  }),
  f('genre_watch_share', 'interaction', 'share of the user’s watches in the movie’s genres', (c, p) =>
    meanGenreShare(c.ds.movies.genres[p.m]!, c.G, c.users.genreCount, p.u * c.G, c.users.count[p.u]!),
  ),
  f('top_genre_match', 'interaction', '1 if the movie has the user’s most watched genre', (c, p) => {
    const g = c.topGenre[p.u]!;
    return g < 0 ? NaN_ : (c.ds.movies.genres[p.m]! >>> g) & 1;
  }),
  f('age_genre_affinity', 'interaction', 'like rate of the user’s age band on the movie’s genres, minus the global rate', (c, p) => {
    const ab = ageBucket(c.ds.users.age[p.u]!);
    if (ab < 0) return NaN_;
    return meanGenreLift(c.ds.movies.genres[p.m]!, c.G, c.cross.ageGenreLikes, c.cross.ageGenreCount, ab * c.G, c.priorLike);
  }),
  f('subscription_content_match', 'interaction', 'like rate of the user’s subscription tier on the movie’s budget tier, minus the global rate', (c, p) => {
    const s = c.ds.users.subscription.codes[p.u]!;
    const b = c.ds.movies.budget.codes[p.m]!;
    const B = Math.max(1, c.ds.movies.budget.levels.length);
    if (s < 0 || b < 0) return NaN_;
    return rate(c.cross.subBudgetLikes[s * B + b]!, c.cross.subBudgetCount[s * B + b]!, c.priorLike) - c.priorLike;
  }),
  f('time_genre_affinity', 'interaction', 'like rate of the movie’s genres at this time of day, minus the global rate', (c, p) => {
    const hb = hourBucket(p.hour);
    if (hb < 0) return NaN_;
    return meanGenreLift(c.ds.movies.genres[p.m]!, c.G, c.cross.hourGenreLikes, c.cross.hourGenreCount, hb * c.G, c.priorLike);
  }),
  f('time_pref_alignment', 'interaction', 'share of the user’s viewing in this time-of-day band', (c, p) => {
    const hb = hourBucket(p.hour);
    return hb < 0 ? NaN_ : div(c.users.hours[p.u * HOUR_BUCKETS + hb]!, c.users.count[p.u]!);
  }),
  f('quality_expectation_gap', 'interaction', 'movie IMDb rating minus the mean IMDb rating the user watches', (c, p) => c.ds.movies.imdbRating[p.m]! - qualityPref(c, p.u)),
  f('rating_expectation_gap', 'interaction', 'movie mean star rating minus the user’s mean star rating', (c, p) => movieRating(c, p.m) - userRating(c, p.u)),
  f('movie_age_at_watch', 'interaction', 'years between release and the interaction', (c, p) => 1970 + p.day / 365.25 - c.ds.movies.releaseYear[p.m]!),
];

const CONTEXT: FeatureDef[] = [
  f('hour', 'context', 'hour of day of the interaction', (_c, p) => p.hour),
  // Day 0 (1970-01-01) was a Thursday, so day % 7 is 2 on Saturdays and 3 on Sundays.
  f('weekend', 'context', '1 if the interaction is on a Saturday or Sunday', (_c, p) => (Number.isNaN(p.day) ? NaN_ : Math.floor(p.day) % 7 >= 2 && Math.floor(p.day) % 7 <= 3 ? 1 : 0)),
];

/** The code of a user's (`u`) or movie's (`m`) categorical column, or of the pair's (`pair`), read from the context's dataset. */
type Code = { key: 'u' | 'm'; code: (c: Context, id: number) => number } | { key: 'pair'; code: (c: Context, p: Pair) => number };

/** One 0/1 column per level (at most `maxLevels`; a categorical with more levels is left out). */
function oneHot(prefix: string, group: FeatureGroup, cat: Categorical, by: Code, maxLevels = 32): FeatureDef[] {
  if (cat.levels.length === 0 || cat.levels.length > maxLevels) return [];
  const is = (v: number, k: number) => (v < 0 ? NaN_ : v === k ? 1 : 0);
  return cat.levels.map((level, k) => {
    const name = `${prefix}=${level}`;
    const doc = `1 if ${prefix} is ${level}`;
    if (by.key === 'pair') return f(name, group, doc, (c, p) => is(by.code(c, p), k));
    return (by.key === 'u' ? fu : fm)(name, group, doc, (c, id) => is(by.code(c, id), k));
  });
}

/** The full, ordered feature list for a dataset (one-hot columns depend on its category levels). */
export function featureCatalogue(ds: Dataset): FeatureDef[] {
  return [
    ...USER,
    ...MOVIE,
    ...DEMOGRAPHIC,
    ...oneHot('gender', 'demographic', ds.users.gender, { key: 'u', code: (c, u) => c.ds.users.gender.codes[u]! }),
    ...oneHot('region', 'demographic', ds.users.region, { key: 'u', code: (c, u) => c.ds.users.region.codes[u]! }),
    ...oneHot('subscription', 'demographic', ds.users.subscription, { key: 'u', code: (c, u) => c.ds.users.subscription.codes[u]! }),
    ...oneHot('occupation', 'demographic', ds.users.occupation, { key: 'u', code: (c, u) => c.ds.users.occupation.codes[u]! }),
    ...oneHot('budget', 'movie', ds.movies.budget, { key: 'm', code: (c, m) => c.ds.movies.budget.codes[m]! }),
    ...ds.genres.map((name, g) => fm(`genre=${name}`, 'movie', `1 if the movie is ${name}`, (c, m) => (c.ds.movies.genres[m]! >>> g) & 1)),
    ...INTERACTION,
    ...CONTEXT,
    ...oneHot('device', 'context', ds.interactions.device, { key: 'pair', code: (_c, p) => p.device }),
  ];
}
