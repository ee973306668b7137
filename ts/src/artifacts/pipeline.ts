/**
 * The saved pipeline: models + fitted features + the users/movies tables they need, in one directory
 * written atomically. `loadPipeline(dir).predict(...)` ranks candidate movies for a user from any Node app.
 *
 *   manifest.json          schema, versions, feature names, models and their test metrics, best model
 *   models/<name>.mpm      engine model files (versioned, checksummed)
 *   features/stats.bin     fitted statistics (float64, offsets in manifest.features.stats)
 *   data/users.arrow, data/movies.arrow   Arrow IPC tables (+ levels in the manifest)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset, Movies, Users } from '../data/schema.js';
import { type Engine, loadEngine, MlError, type Model } from '../engine/index.js';
import type { Cross, Sums, SumsPair } from '../features/aggregates.js';
import { type FittedFeatures, featuresInContext, servingContext } from '../features/build.js';
import type { Context, Pair } from '../features/context.js';
import { addColdSlot, fillColdSlot, type UserProfile } from './cold.js';
import { featureCatalogue } from '../features/columns.js';
import { type ColumnsMeta, decodeColumns, encodeColumns } from './columns.js';
import { type Files, writeDirAtomic } from './atomic.js';

export const ARTIFACTS_SCHEMA = 'moviepref.artifacts/1';

export interface SavedModel {
  name: string;
  kind: string;
  file: string;
  params: Record<string, unknown>;
  test_metrics: Record<string, unknown>;
}

export interface Manifest {
  schema: string;
  created: string;
  engine_version: string;
  config: Record<string, unknown>;
  dataset: { source: string; genres: string[]; device_levels: string[]; meta: Record<string, unknown> };
  features: { names: string[]; medians: number[]; recentFrom: number; windowDays: number; stats: Record<string, [number, number]> };
  tables: { users: ColumnsMeta; movies: ColumnsMeta };
  models: SavedModel[];
  best_model: string;
}

function packStats(s: SumsPair): { bin: Uint8Array; index: Record<string, [number, number]> } {
  const parts: [string, Float64Array][] = [];
  for (const [table, obj] of Object.entries(s) as [string, Record<string, Float64Array>][]) {
    for (const [k, v] of Object.entries(obj)) parts.push([`${table}.${k}`, v]);
  }
  const total = parts.reduce((n, [, v]) => n + v.length, 0);
  const all = new Float64Array(total);
  const index: Record<string, [number, number]> = {};
  let at = 0;
  for (const [k, v] of parts) {
    all.set(v, at);
    index[k] = [at, v.length];
    at += v.length;
  }
  return { bin: new Uint8Array(all.buffer), index };
}

function unpackStats(bin: Uint8Array, index: Record<string, [number, number]>): SumsPair {
  if (bin.byteLength % 8 !== 0) throw new MlError('DESERIALIZE', 'features/stats.bin has a truncated float64');
  const all = new Float64Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const out: Record<string, Record<string, Float64Array>> = { users: {}, movies: {}, cross: {} };
  for (const [key, [at, len]] of Object.entries(index)) {
    const [table, field] = key.split('.') as [string, string];
    if (!out[table] || at + len > all.length) throw new MlError('DESERIALIZE', `features/stats.bin: bad entry ${key}`);
    out[table]![field] = all.subarray(at, at + len);
  }
  return { users: out.users as unknown as Sums, movies: out.movies as unknown as Sums, cross: out.cross as unknown as Cross };
}

export interface SaveInput {
  dir: string;
  engine: Engine;
  dataset: Dataset;
  fitted: FittedFeatures;
  models: { name: string; model: Model; test_metrics: Record<string, unknown> }[];
  bestModel: string;
  config: Record<string, unknown>;
  /** Extra files (reports), relative path -> content. */
  extra?: Files;
}

export function savePipeline(s: SaveInput): Manifest {
  const files: Files = new Map(s.extra ?? []);
  const stats = packStats(s.fitted.stats);
  const users = encodeColumns(s.dataset.users as unknown as Record<string, unknown>);
  const movies = encodeColumns(s.dataset.movies as unknown as Record<string, unknown>);
  files.set('features/stats.bin', stats.bin);
  files.set('data/users.arrow', users.ipc);
  files.set('data/movies.arrow', movies.ipc);
  const saved: SavedModel[] = s.models.map(({ name, model, test_metrics }) => {
    const file = `models/${name}.mpm`;
    files.set(file, model.toBytes());
    return { name, kind: model.info.kind, file, params: model.info.params, test_metrics };
  });
  const manifest: Manifest = {
    schema: ARTIFACTS_SCHEMA,
    created: new Date().toISOString(),
    engine_version: s.engine.info().version,
    config: s.config,
    dataset: { source: s.dataset.source, genres: s.dataset.genres, device_levels: s.dataset.interactions.device.levels, meta: s.dataset.meta },
    features: { names: s.fitted.names, medians: Array.from(s.fitted.medians), recentFrom: s.fitted.recentFrom, windowDays: s.fitted.windowDays, stats: stats.index },
    tables: { users: users.meta, movies: movies.meta },
    models: saved,
    best_model: s.bestModel,
  };
  files.set('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  writeDirAtomic(s.dir, files);
  return manifest;
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
  private readonly models = new Map<string, Model>();
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
    private readonly dir: string,
  ) {
    dataset.users.id.forEach((id, i) => this.userOf.set(id, i));
    dataset.movies.id.forEach((id, i) => this.movieOf.set(id, i));
    const cold = addColdSlot(dataset, fitted.stats.users);
    this.coldSlot = cold.slot;
    this.fitted = { ...fitted, stats: { ...fitted.stats, users: cold.users } };
    this.ctx = servingContext(dataset, this.fitted);
  }

  model(name = this.manifest.best_model): Model {
    let m = this.models.get(name);
    if (!m) {
      const entry = this.manifest.models.find((e) => e.name === name);
      if (!entry) throw new MlError('INVALID_ARGUMENT', `no model named ${JSON.stringify(name)} (have ${this.manifest.models.map((e) => e.name).join(', ')})`);
      m = this.engine.modelFromBytes(readFileSync(join(this.dir, entry.file)));
      this.models.set(name, m);
    }
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

export function loadPipeline(dir: string, opts: { backend?: string } = {}): Pipeline {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) throw new MlError('IO', `${dir} is not a moviepref artifacts directory (no manifest.json)`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (err) {
    throw new MlError('DESERIALIZE', `${path}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (manifest.schema !== ARTIFACTS_SCHEMA) throw new MlError('DESERIALIZE', `${path}: schema ${JSON.stringify(manifest.schema)} is not ${ARTIFACTS_SCHEMA}`);
  const read = (rel: string) => {
    try {
      return readFileSync(join(dir, rel));
    } catch (err) {
      throw new MlError('IO', `${join(dir, rel)}: ${(err as Error).message}`, { cause: err });
    }
  };
  const users = decodeColumns(read('data/users.arrow'), manifest.tables.users, 'data/users.arrow') as unknown as Users;
  const movies = decodeColumns(read('data/movies.arrow'), manifest.tables.movies, 'data/movies.arrow') as unknown as Movies;
  const empty = new Float64Array(0);
  const dataset: Dataset = {
    source: manifest.dataset.source as Dataset['source'],
    genres: manifest.dataset.genres,
    users,
    movies,
    interactions: {
      n: 0, user: new Int32Array(0), movie: new Int32Array(0), rating: new Float32Array(0), liked: new Uint8Array(0), timestamp: empty,
      device: { codes: new Int32Array(0), levels: manifest.dataset.device_levels }, hour: new Float32Array(0), pTrue: null,
    },
    meta: manifest.dataset.meta,
  };
  const catalogue = new Map(featureCatalogue(dataset).map((d) => [d.name, d]));
  const names = manifest.features.names;
  const unknown = names.filter((n) => !catalogue.has(n));
  if (unknown.length) throw new MlError('DESERIALIZE', `${path}: features unknown to this version: ${unknown.join(', ')}`);
  const defs = names.map((n) => catalogue.get(n)!);
  const fitted: FittedFeatures = {
    names,
    defs,
    stats: unpackStats(read('features/stats.bin'), manifest.features.stats),
    recentFrom: manifest.features.recentFrom,
    windowDays: manifest.features.windowDays,
    medians: Float32Array.from(manifest.features.medians),
  };
  return new Pipeline(manifest, dataset, fitted, loadEngine(opts.backend), dir);
}
