/**
 * Cold start: a user the model has never seen. The loaded pipeline keeps one spare user row with zero
 * history statistics; a request for an unknown user fills it from an optional profile (or leaves every
 * field missing), so features fall back to the training priors plus whatever the profile tells.
 */
import type { Categorical, Dataset, Users } from '../data/schema.js';
import { MlError } from '../engine/errors.js';
import type { Sums } from '../features/aggregates.js';

/** What a client may say about a new user (all optional; names match the CSV schema). */
export interface UserProfile {
  age?: number;
  gender?: string;
  region?: string;
  subscription?: string;
  occupation?: string;
  favorite_genres?: string[];
  activity_level?: number;
  /** ISO date. */
  signup_date?: string;
}

function grow<T extends Float32Array | Float64Array | Int32Array | Uint32Array>(a: T, by: number, fill: number): T {
  const out = new (a.constructor as new (n: number) => T)(a.length + by);
  out.set(a);
  out.fill(fill, a.length);
  return out;
}

const growCat = (c: Categorical): Categorical => ({ codes: grow(c.codes, 1, -1), levels: c.levels });

/**
 * An id no user has: the spare row is looked up by id where models key on ids (the collaborative
 * models), so it must never alias a real user (a fixed -1 would, for a dataset with a user -1).
 */
export function unusedId(ids: Int32Array): number {
  if (ids.length === 0) return -1;
  let lo = ids[0] as number;
  let hi = lo;
  for (const v of ids) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (hi < 2 ** 31 - 1) return hi + 1;
  if (lo > -(2 ** 31)) return lo - 1;
  const sorted = Int32Array.from(ids).sort();
  for (let i = 1; i < sorted.length; i++) if ((sorted[i] as number) > (sorted[i - 1] as number) + 1) return (sorted[i - 1] as number) + 1;
  throw new MlError('INVALID_ARGUMENT', 'every 32-bit user id is taken: no id left for the cold-start user');
}

/** Appends the spare row to the users table and zero statistics to every per-user sum. Returns its index. */
export function addColdSlot(ds: Dataset, users: Sums): { slot: number; users: Sums } {
  const u = ds.users;
  const n = u.n;
  ds.users = {
    n: n + 1, id: grow(u.id, 1, unusedId(u.id)), age: grow(u.age, 1, NaN), gender: growCat(u.gender), region: growCat(u.region),
    subscription: growCat(u.subscription), signupDay: grow(u.signupDay, 1, NaN), favoriteGenres: grow(u.favoriteGenres, 1, 0),
    activity: grow(u.activity, 1, NaN), occupation: growCat(u.occupation),
  } satisfies Users;
  const grown = Object.fromEntries(Object.entries(users).map(([k, v]) => [k, grow(v, n > 0 ? v.length / n : 0, 0)])) as Sums;
  return { slot: n, users: grown };
}

function code(field: string, c: Categorical, v: string | undefined): number {
  if (v === undefined) return -1;
  const k = c.levels.indexOf(v);
  if (k < 0) throw new MlError('INVALID_ARGUMENT', `profile.${field} ${JSON.stringify(v)} is not one of ${JSON.stringify(c.levels)}`);
  return k;
}

/** Writes `profile` into the spare row (validated; unknown category names are refused, naming the field). */
export function fillColdSlot(ds: Dataset, slot: number, profile: UserProfile = {}): void {
  const u = ds.users;
  u.age[slot] = profile.age ?? NaN;
  u.activity[slot] = profile.activity_level ?? NaN;
  u.gender.codes[slot] = code('gender', u.gender, profile.gender);
  u.region.codes[slot] = code('region', u.region, profile.region);
  u.subscription.codes[slot] = code('subscription', u.subscription, profile.subscription);
  u.occupation.codes[slot] = code('occupation', u.occupation, profile.occupation);
  let mask = 0;
  for (const g of profile.favorite_genres ?? []) {
    const k = ds.genres.indexOf(g);
    if (k < 0) throw new MlError('INVALID_ARGUMENT', `profile.favorite_genres: ${JSON.stringify(g)} is not one of ${JSON.stringify(ds.genres)}`);
    mask |= 1 << k;
  }
  u.favoriteGenres[slot] = mask >>> 0;
  const day = profile.signup_date === undefined ? NaN : Date.parse(profile.signup_date) / 86_400_000;
  if (profile.signup_date !== undefined && Number.isNaN(day)) throw new MlError('INVALID_ARGUMENT', `profile.signup_date ${JSON.stringify(profile.signup_date)} is not a date`);
  u.signupDay[slot] = day;
}
