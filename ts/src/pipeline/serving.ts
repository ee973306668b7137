/**
 * A fitted pipeline and its serving runtime: fitted features + models (each with its own preprocessing)
 * + the users/movies tables. fitPipeline (fit.ts) returns one; loadPipeline (artifacts/pipeline.ts)
 * rebuilds the same class from a saved folder, so save -> load -> recommend runs this one code path.
 * It ranks candidate movies for a user, scores (user, movie) batches and labeled datasets. Every model
 * is in memory and checked before a FittedPipeline exists, so a request never opens a file.
 */
import type { Dataset } from '../data/schema.js';
import { MlError } from '../engine/errors.js';
import type { Engine, Model, ModelKind } from '../engine/types.js';
import { type FittedFeatures, featuresOf, servingContext } from '../features/build.js';
import type { Context, Pair } from '../features/context.js';
import { addColdSlot, fillColdSlot, type UserProfile } from './cold.js';
import { applyPreprocessing, type FittedStep } from './preprocess.js';

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

/** One model of a pipeline: the engine model, the preprocessing fitted with it, and what the manifest says of it. */
export interface PipelineModel {
  name: string;
  kind: ModelKind;
  params: Record<string, unknown>;
  test_metrics: Record<string, unknown>;
  model: Model;
  preprocessing: FittedStep[];
}

/** Everything a FittedPipeline is made of (what the artifacts folder stores). */
export interface PipelineParts {
  /** Users and movies tables, genres and device levels; interactions only when fitted in this process. */
  dataset: Dataset;
  fitted: FittedFeatures;
  engine: Engine;
  models: PipelineModel[];
  bestModel: string;
  /** Run configuration (mode, seed, source, split, test fraction). */
  config: Record<string, unknown>;
  /** ISO time of the fit, and the engine version it was fitted with. */
  created: string;
  engineVersion: string;
}

export class FittedPipeline {
  readonly dataset: Dataset;
  readonly fitted: FittedFeatures;
  readonly engine: Engine;
  readonly models: readonly PipelineModel[];
  readonly bestModel: string;
  readonly config: Record<string, unknown>;
  readonly created: string;
  readonly engineVersion: string;
  private readonly byName = new Map<string, PipelineModel>();
  private readonly movieOf = new Map<number, number>();
  private readonly userOf = new Map<number, number>();
  /** The dataset as serving sees it: the users table grown by the spare cold-start row (see cold.ts). */
  private readonly served: Dataset;
  private readonly coldSlot: number;
  /** Statistics context built once: serving never rescans the tables. */
  private readonly ctx: Context;

  constructor(parts: PipelineParts) {
    this.dataset = parts.dataset;
    this.fitted = parts.fitted;
    this.engine = parts.engine;
    this.models = parts.models;
    this.bestModel = parts.bestModel;
    this.config = parts.config;
    this.created = parts.created;
    this.engineVersion = parts.engineVersion;
    for (const m of parts.models) this.byName.set(m.name, m);
    if (!this.byName.has(parts.bestModel)) throw new MlError('INVALID_ARGUMENT', `best model ${JSON.stringify(parts.bestModel)} is not one of the models`);
    this.dataset.users.id.forEach((id, i) => this.userOf.set(id, i));
    this.dataset.movies.id.forEach((id, i) => this.movieOf.set(id, i));
    // A shallow copy: the cold-start slot grows the served users table, never the caller's dataset.
    this.served = { ...parts.dataset };
    const cold = addColdSlot(this.served, parts.fitted.stats.users);
    this.coldSlot = cold.slot;
    this.ctx = servingContext(this.served, { ...parts.fitted, stats: { ...parts.fitted.stats, users: cold.users } });
  }

  private entry(name = this.bestModel): PipelineModel {
    const m = this.byName.get(name);
    if (!m) throw new MlError('INVALID_ARGUMENT', `no model named ${JSON.stringify(name)} (have ${[...this.byName.keys()].join(', ')})`);
    return m;
  }

  model(name?: string): Model {
    return this.entry(name).model;
  }

  /** The model's input: column-major `x` (nRows rows, the pipeline's features) after that model's own preprocessing. */
  modelInput(name: string | undefined, x: Float32Array, nRows: number): Float32Array {
    return applyPreprocessing(this.entry(name).preprocessing, x, nRows);
  }

  private probabilities(pairs: Pair[], modelName?: string): Float32Array {
    const model = this.model(modelName);
    if (!pairs.length) return new Float32Array(0);
    const x = this.modelInput(modelName, featuresOf(this.ctx, this.fitted, pairs), pairs.length);
    return model.predict({ x, nRows: pairs.length });
  }

  /**
   * P(like) for every interaction of `ds` whose user and movie this pipeline knows (others are skipped
   * and counted): scoring a labeled dataset with a fitted model, as `evaluate` does.
   */
  score(ds: Dataset, modelName?: string): { p: Float32Array; y: Uint8Array; rows: Uint32Array; skipped: number } {
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

  /**
   * Movie ids the user has no interaction with in this pipeline's data (the demo's candidates). A loaded
   * pipeline holds no interactions (artifacts keep none), so there every movie is unseen.
   */
  unseenMovies(userId: number): number[] {
    const it = this.dataset.interactions;
    const seen = new Set<number>();
    for (let r = 0; r < it.n; r++) if (it.user[r] === userId) seen.add(it.movie[r] as number);
    return Array.from(this.dataset.movies.id).filter((m) => !seen.has(m));
  }

  /** Ranks candidates for a known user, or a new one (cold start, optionally described by `profile`). */
  recommend(req: PredictRequest & { profile?: UserProfile }): Recommendation {
    let u = this.userOf.get(req.userId);
    const coldStartUser = u === undefined;
    if (u === undefined) {
      fillColdSlot(this.served, this.coldSlot, req.profile);
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
        if (!coldFilled) fillColdSlot(this.served, this.coldSlot, {});
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
