/**
 * manifest.json of an artifacts folder: its one schema definition (every field typed and ranged; the
 * `Manifest` type is inferred from it) and the cross-field rules checked when a folder is loaded.
 * Anything off is a DESERIALIZE error naming the manifest and the field.
 */
import type { Movies, Users } from '../data/schema.js';
import { MlError } from '../engine/errors.js';
import { KINDS, PREPROCESS_STEPS } from '../pipeline/kinds.js';
import { type ColumnKind, type ColumnsMeta, columnsMeta, type TypedName } from './columns.js';
import { arr, type Infer, json, nullable, num, obj, oneOf, record, str, tuple } from './shape.js';

/**
 * Version 2 added `files` (a sha256 per file); version 3 moved the imputation medians from the features
 * to the model that needs them (`models[].preprocessing`); version 4 added the collaborative models
 * (`features.collab`, files `collab/<kind>.mpc`). Older folders must be re-created.
 */
export const ARTIFACTS_SCHEMA = 'moviepref.artifacts/4';

const name = str({ max: 64, pattern: /^[A-Za-z0-9_-]+$/ });
/** A relative path inside the folder: plain segments, no `.`/`..`, no leading slash. */
const REL_PATH = /^(?!.*(?:^|\/)\.{1,2}(?:\/|$))[A-Za-z0-9_.-]{1,100}(?:\/[A-Za-z0-9_.-]{1,100}){0,4}$/;
const relPath = str({ max: 200, pattern: REL_PATH });
const count = num({ min: 0, max: 2 ** 32, integer: true });

export const savedModel = obj({
  name,
  kind: oneOf(...KINDS.map((k) => k.kind)),
  file: relPath,
  params: record(json),
  test_metrics: record(json),
  /** The model's fitted preprocessing, applied before it predicts (pipeline/preprocess.ts). */
  preprocessing: arr(obj({ step: oneOf(...PREPROCESS_STEPS), medians: arr(num(), { max: 10_000 }) }), { max: 8 }),
});
export type SavedModel = Infer<typeof savedModel>;

const manifestShape = obj({
  schema: oneOf(ARTIFACTS_SCHEMA),
  created: str({ max: 40 }),
  engine_version: str({ max: 40 }),
  config: record(json),
  dataset: obj({
    source: oneOf('synthetic', 'movielens-100k', 'csv'),
    genres: arr(str({ max: 100 }), { max: 32 }),
    device_levels: arr(str({ max: 100 }), { max: 1000 }),
    meta: record(json),
  }),
  features: obj({
    names: arr(str({ max: 100 }), { min: 1, max: 10_000 }),
    recentFrom: num(),
    windowDays: num({ min: 0 }),
    /** `table.field` -> [offset, length] in features/stats.bin (float64 units). */
    stats: record(tuple(count, count), /^(users|movies|cross)\.[A-Za-z0-9]+$/),
    /** The collaborative group: its columns (all; `keep` = those selection kept, in order) and its all-training-rows models. */
    collab: nullable(obj({
      names: arr(str({ max: 100 }), { min: 1, max: 100 }),
      keep: arr(num({ min: 0, max: 99, integer: true }), { max: 100 }),
      models: arr(obj({ kind: oneOf('mf', 'item_knn'), target: oneOf('rating', 'liked'), file: relPath, params: record(json) }), { min: 1, max: 8 }),
    })),
  }),
  tables: obj({ users: columnsMeta, movies: columnsMeta }),
  models: arr(savedModel, { min: 1, max: 100 }),
  best_model: name,
  /** Every file of the folder but manifest.json -> its sha256 (hex). */
  files: record(str({ pattern: /^[0-9a-f]{64}$/ }), REL_PATH),
});
export type Manifest = Infer<typeof manifestShape>;

/** The files the loader reads besides the models. */
export const DATA_FILES = { stats: 'features/stats.bin', users: 'data/users.arrow', movies: 'data/movies.arrow' } as const;

type Layout<T> = Record<keyof T, TypedName | 'strings' | 'categorical' | 'scalar'>;
const USERS: Layout<Users> = {
  n: 'scalar', id: 'Int32Array', age: 'Float32Array', gender: 'categorical', region: 'categorical', subscription: 'categorical',
  signupDay: 'Float32Array', favoriteGenres: 'Uint32Array', activity: 'Float32Array', occupation: 'categorical',
};
const MOVIES: Layout<Movies> = {
  n: 'scalar', id: 'Int32Array', title: 'strings', genres: 'Uint32Array', releaseYear: 'Float32Array', durationMin: 'Float32Array',
  imdbRating: 'Float32Array', castPopularity: 'Float32Array', budget: 'categorical',
};

const kindName = (k: ColumnKind) => ('typed' in k ? k.typed : 'strings' in k ? 'strings' : 'categorical' in k ? 'categorical' : 'scalar');

function checkLayout(meta: ColumnsMeta, layout: Record<string, string>, at: string, bad: (at: string, problem: string) => never): void {
  for (const [col, want] of Object.entries(layout)) {
    const kind = meta.kinds[col];
    if (!kind) bad(`${at}.kinds.${col}`, 'is missing');
    if (kindName(kind) !== want) bad(`${at}.kinds.${col}`, `must be ${want}, got ${kindName(kind)}`);
  }
  const extra = Object.keys(meta.kinds).filter((c) => !Object.hasOwn(layout, c));
  if (extra.length) bad(`${at}.kinds.${extra[0]}`, 'is not a known column');
}

function duplicate(values: string[]): string | undefined {
  const seen = new Set<string>();
  return values.find((v) => (seen.has(v) ? true : (seen.add(v), false)));
}

/** Parses and validates manifest.json text; `path` names the file in every message. */
export function parseManifest(text: string, path: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new MlError('DESERIALIZE', `${path}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const schema = (raw as { schema?: unknown } | null)?.schema;
  if (schema !== ARTIFACTS_SCHEMA) {
    const hint = typeof schema === 'string' && schema.startsWith('moviepref.artifacts/') ? '; re-create it with this version (run/train)' : '';
    throw new MlError('DESERIALIZE', `${path}: schema ${JSON.stringify(schema)} is not ${ARTIFACTS_SCHEMA}${hint}`);
  }
  const bad = (at: string, problem: string): never => {
    throw new MlError('DESERIALIZE', `${path}: ${at} ${problem}`);
  };
  let m: Manifest;
  try {
    m = manifestShape(raw, 'manifest');
  } catch (err) {
    throw new MlError('DESERIALIZE', `${path}: ${(err as Error).message}`, { cause: err });
  }
  const f = m.features;
  const dupFeature = duplicate(f.names);
  if (dupFeature !== undefined) bad('manifest.features.names', `lists ${JSON.stringify(dupFeature)} twice`);
  m.models.forEach((x, i) =>
    x.preprocessing.forEach((s, k) => {
      if (s.medians.length !== f.names.length) bad(`manifest.models[${i}].preprocessing[${k}].medians`, `has ${s.medians.length} values for ${f.names.length} features`);
    }),
  );
  checkLayout(m.tables.users, USERS, 'manifest.tables.users', bad);
  checkLayout(m.tables.movies, MOVIES, 'manifest.tables.movies', bad);
  const dupModel = duplicate(m.models.map((x) => x.name));
  if (dupModel !== undefined) bad('manifest.models', `lists the model ${JSON.stringify(dupModel)} twice`);
  const dupFile = duplicate(m.models.map((x) => x.file));
  if (dupFile !== undefined) bad('manifest.models', `lists the file ${JSON.stringify(dupFile)} twice`);
  if (!m.models.some((x) => x.name === m.best_model)) bad('manifest.best_model', `${JSON.stringify(m.best_model)} is not one of the models`);
  const c = f.collab;
  if (c) {
    c.keep.forEach((j, k) => {
      if (j >= c.names.length) bad(`manifest.features.collab.keep[${k}]`, `is ${j}, past the ${c.names.length} collaborative columns`);
      const at = f.names.length - c.keep.length + k;
      if (f.names[at] !== c.names[j]) bad(`manifest.features.collab.keep[${k}]`, `names ${JSON.stringify(c.names[j])}, but feature ${at} is ${JSON.stringify(f.names[at])}`);
    });
  }
  const needed = [...Object.values(DATA_FILES), ...m.models.map((x) => x.file), ...(c ? c.models.map((x) => x.file) : [])];
  for (const file of needed) if (!Object.hasOwn(m.files, file)) bad('manifest.files', `has no checksum for ${file}`);
  return m;
}
