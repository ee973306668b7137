/**
 * Artifacts I/O of a FittedPipeline (pipeline/serving.ts): models + fitted features + the users/movies
 * tables they need, in one directory written atomically; loading rebuilds the same FittedPipeline class
 * fitPipeline returns. `loadPipeline(dir).predict(...)` ranks candidate movies for a user from any Node app.
 *
 *   manifest.json          schema, versions, feature names, models (kind, parameters, fitted preprocessing,
 *                          test metrics), best model, and a sha256 of every other file (manifest.ts)
 *   models/<name>.mpm      engine model files (versioned, checksummed)
 *   features/stats.bin     fitted statistics (float64, offsets in manifest.features.stats)
 *   collab/<kind>.mpc      collaborative models (all training rows) behind the collaborative columns
 *   data/users.arrow, data/movies.arrow   Arrow IPC tables (+ levels in the manifest)
 *
 * Loading trusts nothing: the manifest is validated, every file's checksum verified, every model loaded
 * and checked against the manifest (kind, feature count, parameters) before a Pipeline is returned.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset, Movies, Users } from '../data/schema.js';
import { type Engine, loadEngine, MlError, type Model } from '../engine/index.js';
import { accumulate, buildIndex, type Cross, type Sums, type SumsPair } from '../features/aggregates.js';
import type { FittedFeatures } from '../features/build.js';
import type { CollabModelLike, FittedCollab } from '../features/collab.js';
import { featureCatalogue } from '../features/columns.js';
import { kindEntry } from '../pipeline/kinds.js';
import { FittedPipeline } from '../pipeline/serving.js';
import { type Files, writeDirAtomic } from './atomic.js';
import { decodeColumns, encodeColumns } from './columns.js';
import { ARTIFACTS_SCHEMA, DATA_FILES, type Manifest, parseManifest, type SavedModel } from './manifest.js';
import { resolveInside } from './target.js';

export { ARTIFACTS_SCHEMA, type Manifest, type SavedModel } from './manifest.js';

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

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

/** The statistics of stats.bin, each checked against the shape `expected` has for the loaded tables. */
function unpackStats(bin: Uint8Array, index: Record<string, readonly [number, number]>, expected: SumsPair): SumsPair {
  const what = DATA_FILES.stats;
  if (bin.byteLength % 8 !== 0) throw new MlError('DESERIALIZE', `${what} has a truncated float64`);
  const all = new Float64Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const out: Record<string, Record<string, Float64Array>> = { users: {}, movies: {}, cross: {} };
  for (const [key, [at, len]] of Object.entries(index)) {
    const [table, field] = key.split('.') as [keyof SumsPair, string];
    const want = (expected[table] as Record<string, Float64Array> | undefined)?.[field];
    if (!want) throw new MlError('DESERIALIZE', `${what}: unknown statistic ${key}`);
    if (len !== want.length) throw new MlError('DESERIALIZE', `${what}: ${key} has ${len} values, the tables need ${want.length}`);
    if (at + len > all.length) throw new MlError('DESERIALIZE', `${what}: ${key} runs past the end of the file`);
    out[table]![field] = all.subarray(at, at + len);
  }
  for (const [table, fields] of Object.entries(expected)) {
    for (const field of Object.keys(fields)) if (!out[table]![field]) throw new MlError('DESERIALIZE', `${what}: statistic ${table}.${field} is missing`);
  }
  return { users: out.users as unknown as Sums, movies: out.movies as unknown as Sums, cross: out.cross as unknown as Cross };
}

export interface SaveOptions {
  dir: string;
  /** Extra files (reports), relative path -> content. */
  extra?: Files;
  /** Folders the run read from: the artifacts folder may not be one of them nor contain one. */
  inputs?: readonly string[];
}

/** Writes `p` into `o.dir` atomically; returns the manifest written. */
export function savePipeline(p: FittedPipeline, o: SaveOptions): Manifest {
  const files: Files = new Map(o.extra ?? []);
  const ds = p.dataset;
  const stats = packStats(p.fitted.stats);
  const users = encodeColumns(ds.users as unknown as Record<string, unknown>);
  const movies = encodeColumns(ds.movies as unknown as Record<string, unknown>);
  files.set(DATA_FILES.stats, stats.bin);
  files.set(DATA_FILES.users, users.ipc);
  files.set(DATA_FILES.movies, movies.ipc);
  const saved: SavedModel[] = p.models.map(({ name, model, test_metrics, preprocessing }) => {
    const file = `models/${name}.mpm`;
    files.set(file, model.toBytes());
    return { name, kind: model.info.kind, file, params: model.info.params, test_metrics, preprocessing: preprocessing.map((s) => ({ step: s.step, medians: Array.from(s.medians) })) };
  });
  const collab = p.fitted.collab
    ? {
        names: p.fitted.collab.fitted.names,
        keep: p.fitted.collab.keep,
        models: p.fitted.collab.fitted.models.map((m) => {
          const file = `collab/${m.spec.kind}.mpc`;
          files.set(file, m.model.toBytes());
          return { kind: m.spec.kind, target: m.target, file, params: m.spec.params };
        }),
      }
    : null;
  const manifest: Manifest = {
    schema: ARTIFACTS_SCHEMA,
    created: p.created,
    engine_version: p.engineVersion,
    config: p.config,
    dataset: { source: ds.source, genres: ds.genres, device_levels: ds.interactions.device.levels, meta: ds.meta },
    features: { names: p.fitted.names, recentFrom: p.fitted.recentFrom, windowDays: p.fitted.windowDays, stats: stats.index, collab },
    tables: { users: users.meta, movies: movies.meta },
    models: saved,
    best_model: p.bestModel,
    files: Object.fromEntries([...files].map(([rel, data]) => [rel, sha256(data)])),
  };
  files.set('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  writeDirAtomic(o.dir, files, { inputs: o.inputs });
  return manifest;
}

/** JSON with sorted keys: parameters compare equal whatever their key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** Loads one model file and checks it is the model the manifest describes. */
function loadModel(engine: Engine, entry: SavedModel, bytes: Uint8Array, nFeatures: number, path: string): Model {
  let model: Model;
  try {
    model = engine.modelFromBytes(bytes);
  } catch (err) {
    const e = err instanceof MlError ? err : new MlError('DESERIALIZE', String(err));
    throw new MlError(e.code, `${path}: ${e.message}`, { cause: err });
  }
  const info = model.info;
  const problem =
    info.kind !== entry.kind ? `is a ${info.kind} model but the manifest says ${entry.name} is ${entry.kind}`
    : info.n_features !== nFeatures ? `expects ${info.n_features} features but the manifest lists ${nFeatures}`
    : canonical(info.params) !== canonical(entry.params) ? `has parameters ${canonical(info.params)}, the manifest says ${canonical(entry.params)}`
    : '';
  if (problem) throw new MlError('DESERIALIZE', `${path} ${problem}`);
  return model;
}

/** The collaborative models of the manifest, each loaded from its (checksummed) file and checked against its entry. */
function loadCollab(engine: Engine, c: NonNullable<Manifest['features']['collab']>, bytes: Map<string, Uint8Array>, dir: string): FittedCollab {
  const fromBytes = (engine as unknown as { collabModelFromBytes?: (b: Uint8Array) => CollabModelLike & { info?: { kind?: string } } }).collabModelFromBytes;
  if (typeof fromBytes !== 'function') throw new MlError('BACKEND_UNAVAILABLE', `${dir}: the ${engine.backend} engine has no collaborative models, which this folder needs`);
  const models = c.models.map((e) => {
    const path = join(dir, e.file);
    let model: CollabModelLike & { info?: { kind?: string } };
    try {
      model = fromBytes.call(engine, bytes.get(e.file)!);
    } catch (err) {
      const x = err instanceof MlError ? err : new MlError('DESERIALIZE', String(err));
      throw new MlError(x.code, `${path}: ${x.message}`, { cause: err });
    }
    if (model.info?.kind !== undefined && model.info.kind !== e.kind) throw new MlError('DESERIALIZE', `${path} is a ${model.info.kind} model but the manifest says ${e.kind}`);
    return { spec: { kind: e.kind, params: e.params }, target: e.target, model };
  });
  return { models, names: c.names };
}

export type LoadedPipeline = FittedPipeline & { readonly manifest: Manifest };

/** Reads the artifacts folder `dir`, trusting nothing in it (see the header). */
export function loadPipeline(dir: string, opts: { backend?: string } = {}): LoadedPipeline {
  const path = join(dir, 'manifest.json');
  if (!existsSync(path)) throw new MlError('IO', `${dir} is not a moviepref artifacts directory (no manifest.json)`);
  const readRaw = (file: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new MlError('IO', `${file}: ${(err as Error).message}`, { cause: err });
    }
  };
  const manifest = parseManifest(readRaw(path).toString('utf8'), path);
  // Every listed file, checksum verified: a tampered or mixed folder is refused before anything is used.
  const bytes = new Map<string, Uint8Array>();
  for (const [rel, hash] of Object.entries(manifest.files)) {
    const file = resolveInside(dir, rel, 'DESERIALIZE');
    const data = readRaw(file);
    if (sha256(data) !== hash) throw new MlError('DESERIALIZE', `${file}: checksum mismatch (the file was modified, or comes from another run)`);
    bytes.set(rel, data);
  }
  const users = decodeColumns(bytes.get(DATA_FILES.users)!, manifest.tables.users, DATA_FILES.users) as unknown as Users;
  const movies = decodeColumns(bytes.get(DATA_FILES.movies)!, manifest.tables.movies, DATA_FILES.movies) as unknown as Movies;
  const empty = new Float64Array(0);
  const dataset: Dataset = {
    source: manifest.dataset.source,
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
  const c = manifest.features.collab;
  const contentNames = names.slice(0, names.length - (c ? c.keep.length : 0));
  const unknown = contentNames.filter((n) => !catalogue.has(n));
  if (unknown.length) throw new MlError('DESERIALIZE', `${path}: features unknown to this version: ${unknown.join(', ')}`);
  const shapes = accumulate(dataset, buildIndex(dataset), [], manifest.features.recentFrom);
  const engine = loadEngine(opts.backend);
  const collab = c ? { fitted: loadCollab(engine, c, bytes, dir), keep: c.keep } : undefined;
  const fitted: FittedFeatures = {
    names,
    defs: contentNames.map((n) => catalogue.get(n)!),
    ...(collab ? { collab } : {}),
    stats: unpackStats(bytes.get(DATA_FILES.stats)!, manifest.features.stats, shapes),
    recentFrom: manifest.features.recentFrom,
    windowDays: manifest.features.windowDays,
  };
  const models = manifest.models.map((e) => ({
    name: e.name,
    kind: kindEntry(e.kind).kind,
    params: e.params,
    test_metrics: e.test_metrics,
    model: loadModel(engine, e, bytes.get(e.file)!, names.length, join(dir, e.file)),
    preprocessing: e.preprocessing.map((s) => ({ step: s.step, medians: Float32Array.from(s.medians) })),
  }));
  const pipeline = new FittedPipeline({ dataset, fitted, engine, models, bestModel: manifest.best_model, config: manifest.config, created: manifest.created, engineVersion: manifest.engine_version });
  return Object.assign(pipeline, { manifest });
}
