/**
 * The serving runtime of a loaded pipeline (see pipeline.ts for save/load): ranks candidate movies for
 * a user, scores (user, movie) batches and labeled datasets. Every model is loaded and checked before a
 * Pipeline exists, so a request never opens a file.
 */
import type { Dataset } from '../data/schema.js';
import { type Engine, MlError, type Model } from '../engine/index.js';
import { type FittedFeatures, featuresInContext, servingContext } from '../features/build.js';
import type { Context, Pair } from '../features/context.js';
import { addColdSlot, fillColdSlot, type UserProfile } from './cold.js';
import type { Manifest } from './manifest.js';

/**
 * Bounds of the numbers a request may carry, shared by the API schemas, the CLI flags and this class:
 * ids are 32-bit like the data's; timestamps run from 1970 to the end of year 9999, so the day and hour
 * derived from them stay finite and meaningful.
 */
export const REQUEST_LIMITS = {
  id: { min: -(2 ** 31), max: 2 ** 31 - 1 },
  timestamp: { min: 0, max: 253_402_300_799 },
  hour: { min: 0, max: 23 },
} as const;

/** `v` if it is a (integer, unless `integer` is false) number within `limit`, else INVALID_ARGUMENT naming `field`. */
export function checkRequestNumber(field: string, v: number, limit: { min: number; max: number }, integer = true): number {
  if (!(Number.isFinite(v) && (!integer || Number.isInteger(v)) && v >= limit.min && v <= limit.max)) {
    throw new MlError('INVALID_ARGUMENT', `${field} must be ${integer ? 'an integer' : 'a number'} in ${limit.min}..${limit.max}, got ${v}`);
  }
  return v;
}

export interface PredictRequest {
  userId: number;
  /** Candidate movies; default: every movie. */
  movieIds?: number[];
  /** Moment of the recommendation (default: now). */
  timestamp?: number;
  hour?: number;
  device?: string;
  /** Model name (default: the best model). */
  model?: string;
  threshold?: number;
}

export interface Prediction {
  movieId: number;
  title: string;
  probability: number;
  liked: boolean;
}

export interface Recommendation {
  predictions: Prediction[];
  /** The user was not in the training data: features come from the profile (if any) and the priors. */
  coldStartUser: boolean;
  /** Candidate ids the pipeline does not know (left out of the ranking). */
  unknownMovies: number[];
}

export class Pipeline {
  private readonly movieOf = new Map<number, number>();
  private readonly userOf = new Map<number, number>();
  /** Spare user row for cold-start requests (see cold.ts). */
  private readonly coldSlot: number;
  /** Statistics context built once: serving never rescans the tables. */
  private readonly ctx: Context;

  constructor(
    readonly manifest: Manifest,
    readonly dataset: Dataset,
    readonly fitted: FittedFeatures,
    readonly engine: Engine,
    /** Every model of the manifest, loaded and checked (see loadPipeline). */
    private readonly models: ReadonlyMap<string, Model>,
  ) {
    dataset.users.id.forEach((id, i) => this.userOf.set(id, i));
    dataset.movies.id.forEach((id, i) => this.movieOf.set(id, i));
    const cold = addColdSlot(dataset, fitted.stats.users);
    this.coldSlot = cold.slot;
    this.fitted = { ...fitted, stats: { ...fitted.stats, users: cold.users } };
    this.ctx = servingContext(dataset, this.fitted);
  }

  model(name = this.manifest.best_model): Model {
    const m = this.models.get(name);
    if (!m) throw new MlError('INVALID_ARGUMENT', `no model named ${JSON.stringify(name)} (have ${[...this.models.keys()].join(', ')})`);
    return m;
  }

  private probabilities(pairs: Pair[], modelName?: string): Float32Array {
    const model = this.model(modelName);
    let x = featuresInContext(this.ctx, this.fitted.defs, pairs);
    if (model.info.kind === 'logistic') x = imputeColumns(x, pairs.length, this.fitted.medians);
    return pairs.length ? model.predict({ x, nRows: pairs.length }) : new Float32Array(0);
  }

  /**
   * P(like) for every interaction of `ds` whose user and movie this pipeline knows (others are skipped
   * and counted): scoring a labeled dataset with the saved model, as `evaluate` does.
   */
  scoreInteractions(ds: Dataset, modelName?: string): { p: Float32Array; y: Uint8Array; rows: Uint32Array; skipped: number } {
    const it = ds.interactions;
    const pairs: Pair[] = [];
    const rows: number[] = [];
    for (let r = 0; r < it.n; r++) {
      const u = this.userOf.get(it.user[r] as number);
      const m = this.movieOf.get(it.movie[r] as number);
      if (u === undefined || m === undefined) continue;
      const code = it.device.codes[r] as number;
      const device = code < 0 ? -1 : this.dataset.interactions.device.levels.indexOf(it.device.levels[code] as string);
      pairs.push({ u, m, day: (it.timestamp[r] as number) / 86400, hour: it.hour[r] as number, device });
      rows.push(r);
    }
    const p = this.probabilities(pairs, modelName);
    return { p, y: Uint8Array.from(rows, (r) => it.liked[r] as number), rows: Uint32Array.from(rows), skipped: it.n - rows.length };
  }

  /** Device level code for a name (-1 when absent); an unknown name is refused naming `field`. */
  private deviceCode(name: string | undefined, field: string): number {
    if (name === undefined) return -1;
    const code = this.dataset.interactions.device.levels.indexOf(name);
    if (code < 0) throw new MlError('INVALID_ARGUMENT', `${field} ${JSON.stringify(name)} is not one of ${this.dataset.interactions.device.levels.join(', ')}`);
    return code;
  }

  /** The moment of a request: day (since epoch) and hour, defaulting to now and its UTC hour. */
  private moment(timestamp: number | undefined, hour: number | undefined): { day: number; hour: number } {
    if (timestamp !== undefined) checkRequestNumber('timestamp', timestamp, REQUEST_LIMITS.timestamp, false);
    if (hour !== undefined) checkRequestNumber('hour', hour, REQUEST_LIMITS.hour);
    const ts = timestamp ?? Date.now() / 1000;
    return { day: ts / 86400, hour: hour ?? new Date(ts * 1000).getUTCHours() };
  }

  /** Users known from training (the cold-start slot excluded). */
  get userCount(): number {
    return this.coldSlot;
  }

  hasUser(userId: number): boolean {
    return this.userOf.has(userId);
  }

  /** Ranks candidates for a known user, or a new one (cold start, optionally described by `profile`). */
  recommend(req: PredictRequest & { profile?: UserProfile }): Recommendation {
    let u = this.userOf.get(req.userId);
    const coldStartUser = u === undefined;
    if (u === undefined) {
      fillColdSlot(this.dataset, this.coldSlot, req.profile);
      u = this.coldSlot;
    }
    const { day, hour } = this.moment(req.timestamp, req.hour);
    const device = this.deviceCode(req.device, 'device');
    const ids = req.movieIds ?? Array.from(this.dataset.movies.id);
    const known = ids.filter((id) => this.movieOf.has(id));
    const unknownMovies = ids.filter((id) => !this.movieOf.has(id));
    const pairs = known.map((id) => ({ u: u as number, m: this.movieOf.get(id) as number, day, hour, device }));
    const p = this.probabilities(pairs, req.model);
    const threshold = req.threshold ?? 0.5;
    const predictions = known
      .map((movieId, i) => ({ movieId, title: this.dataset.movies.title[this.movieOf.get(movieId)!] ?? '', probability: p[i] as number, liked: (p[i] as number) >= threshold }))
      .sort((a, b) => b.probability - a.probability || a.movieId - b.movieId);
    return { predictions, coldStartUser, unknownMovies };
  }

  /** One engine call for many (user, movie) items; unknown users are cold starts, unknown movies get null. */
  predictItems(items: { userId: number; movieId: number; hour?: number; device?: string; timestamp?: number }[], modelName?: string) {
    const pairs: Pair[] = [];
    const at: number[] = [];
    let coldFilled = false;
    const out = items.map((it, i) => {
      let u = this.userOf.get(it.userId);
      if (u === undefined) {
        if (!coldFilled) fillColdSlot(this.dataset, this.coldSlot, {});
        coldFilled = true;
        u = this.coldSlot;
      }
      const m = this.movieOf.get(it.movieId);
      const device = this.deviceCode(it.device, `items[${i}].device`);
      if (m !== undefined) {
        pairs.push({ u, m, ...this.moment(it.timestamp, it.hour), device });
        at.push(i);
      }
      return { userId: it.userId, movieId: it.movieId, probability: null as number | null, coldStartUser: u === this.coldSlot, unknownMovie: m === undefined };
    });
    const p = this.probabilities(pairs, modelName);
    at.forEach((i, k) => ((out[i] as { probability: number | null }).probability = p[k] as number));
    return out;
  }

  /** Ranked candidate movies with P(like), highest first; unknown users or movies are errors here. */
  predict(req: PredictRequest): Prediction[] {
    if (!this.userOf.has(req.userId)) throw new MlError('INVALID_ARGUMENT', `unknown user ${req.userId}`);
    const r = this.recommend(req);
    if (r.unknownMovies.length) throw new MlError('INVALID_ARGUMENT', `unknown movie ${r.unknownMovies[0]}`);
    return r.predictions;
  }
}

function imputeColumns(x: Float32Array, n: number, med: Float32Array): Float32Array {
  for (let j = 0; j < med.length; j++) for (let i = j * n; i < (j + 1) * n; i++) if (Number.isNaN(x[i])) x[i] = med[j] as number;
  return x;
}
