/**
 * The latent like-model of the synthetic generator (documented in full in synth.ts and DATA.md).
 * Everything here is a pure function of user/movie traits plus the interaction's hour.
 */

/** The 18 MovieLens genres (without 'unknown'), the synthetic vocabulary. */
export const SYNTH_GENRES = [
  'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy',
  'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
] as const;

const G = (name: (typeof SYNTH_GENRES)[number]) => SYNTH_GENRES.indexOf(name);
const maskOf = (...names: (typeof SYNTH_GENRES)[number][]) => names.reduce((m, n) => m | (1 << G(n)), 0);

/** How common each genre is among movies (and, tilted by age, among declared favorites). */
export const GENRE_FREQ = [0.12, 0.07, 0.03, 0.04, 0.2, 0.05, 0.025, 0.25, 0.025, 0.01, 0.05, 0.02, 0.03, 0.08, 0.05, 0.1, 0.02, 0.015];

/** Age x genre taste: positive = older users like the genre more, negative = younger users do. */
export const AGE_GENRE = [-0.5, -0.2, -0.6, -0.3, -0.1, 0.1, 0.6, 0.5, -0.3, 0.4, -0.5, 0.2, 0.2, 0.1, -0.4, -0.1, 0.4, 0.4];

/** Night genres (liked more late at night) and family genres (liked more in daytime). */
export const DARK_GENRES = maskOf('Horror', 'Thriller', 'Mystery', 'Film-Noir');
export const FAMILY_GENRES = maskOf('Animation', "Children's", 'Musical');
/** Genres that push a movie's budget tier up / down. */
export const BIG_BUDGET_GENRES = maskOf('Action', 'Adventure', 'Sci-Fi', 'Fantasy', 'Animation');
export const SMALL_BUDGET_GENRES = maskOf('Documentary', 'Film-Noir');

/** Coefficients of the latent utility z (see the model in synth.ts). */
export const COEF = {
  intercept: -0.95,
  userBiasSd: 0.75,
  movieBiasSd: 0.45,
  /** Per-user sensitivity to IMDb rating: N(mean, sd), floored at 0, times (imdb - 6.5). */
  qualityMean: 0.55,
  qualitySd: 0.25,
  /** Times the share of the movie's genres that are among the user's favorites. */
  genreMatch: 1.6,
  /** Times ageStd x mean AGE_GENRE over the movie's genres. */
  ageGenre: 1.4,
  /** Times subscription sign (basic -1, standard 0, premium +1) x budget sign (low -1, medium 0, high +1). */
  subscriptionBudget: 0.6,
  /** Times nightness(hour) x (dark - family) of the movie. */
  timeOfDay: 0.7,
  /** Times the standardized log popularity of the movie. */
  popularity: 0.15,
  /** Times the hidden taste match tasteU_u · traitM_m (the sd of the term; see TASTE_RANK). */
  taste: 1.5,
} as const;

/**
 * Rank of the hidden taste: every user belongs to one of two hidden taste groups (tasteU_u = -1 or +1,
 * equally likely) and every movie has an affinity traitM_m ~ N(0, 1) (how much group +1 prefers it over
 * group -1), visible in no column. Their product is a rank-1 user x movie effect only collaborative
 * filtering (or features built from other users' ratings) can recover; a user's group is learnable from
 * a few ratings, which a continuous taste vector is not (see DATA.md, "Hidden taste").
 */
export const TASTE_RANK = 1;

/** Ordinal thresholds: rating = 1 + #{k : z + noise > THRESHOLDS[k]}; liked = rating >= 4 = (z + noise > t4). */
export const THRESHOLDS = [-2.4, -1.2, 0, 1.5] as const;
export const T4 = THRESHOLDS[2];

/** Users' age, standardized as it enters the model. */
export const ageStd = (age: number) => (age - 38) / 14;

/** +1 at 01:00, -1 at 13:00, smooth in between. */
export const nightness = (hour: number) => Math.cos((2 * Math.PI * (hour - 1)) / 24);

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
