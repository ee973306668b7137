/**
 * The demo's engine worker: loads the wasm engine, generates the synthetic dataset, builds features,
 * trains LR/RF/GBDT (the same pipeline pieces as `moviepref run`) and answers per-user ranking and
 * model-file requests. The engine is synchronous, so it must run here, never on the page's thread.
 */
import { maskToNames } from '../src/data/genres.js';
import type { Dataset } from '../src/data/schema.js';
import { splitUserOverlap } from '../src/data/split.js';
import { generateDataset, SIZES } from '../src/data/synth.js';
import { loadWasmWeb } from '../src/engine/wasm-web.js';
import type { Engine, Model } from '../src/engine/types.js';
import { buildFeatures, type FittedFeatures, featuresInContext, restrict, servingContext } from '../src/features/build.js';
import type { Context } from '../src/features/context.js';
import { prune, selectColumns } from '../src/features/select.js';
import type { FeatureTable } from '../src/features/table.js';
import { curves } from '../src/pipeline/evaluate.js';
import { trainAll } from '../src/pipeline/train.js';
import type { LoadedModel, ModelResult, Preset, Reply, Request, Results, UserOption } from './protocol.js';

/** A dedicated worker's global scope has Worker's postMessage/onmessage shape. */
const scope = self as unknown as Worker;
const post = (m: Reply): void => scope.postMessage(m);

const TEST_FRACTION = 0.2; // the CLI's default (--test-fraction)
const ROC_POINTS = 120;

interface State {
  ds: Dataset;
  fitted: FittedFeatures;
  ctx: Context;
  test: FeatureTable;
  userOf: Map<number, number>;
  /** Movie rows each user (dense row) interacted with, in train or test. */
  seen: Set<number>[];
  models: Map<string, Model>;
  /** The day the recommendations are made: the last day of the data. */
  today: number;
  preset: Preset;
  seed: number;
}

let engine: Promise<Engine> | null = null;
let state: State | null = null;

function startEngine(): Promise<Engine> {
  const t0 = performance.now();
  const e = loadWasmWeb();
  e.then((eng) => post({ type: 'ready', engine: eng.info(), ms: performance.now() - t0 }), () => {});
  return e;
}

/** NaN -> fitted median, column-major (logistic regression cannot take missing values). */
function impute(x: Float32Array, nRows: number, medians: Float32Array): Float32Array {
  const out = Float32Array.from(x);
  for (let j = 0; j < medians.length; j++) {
    for (let i = j * nRows; i < (j + 1) * nRows; i++) if (Number.isNaN(out[i])) out[i] = medians[j] as number;
  }
  return out;
}

const rocPoints = (curve: { fpr: number; tpr: number }[]): [number, number][] => {
  const step = Math.max(1, Math.ceil(curve.length / ROC_POINTS));
  return curve.filter((_, i) => i % step === 0 || i === curve.length - 1).map((c) => [c.fpr, c.tpr]);
};

const top10 = (names: string[], values: number[]) =>
  names.map((name, i) => ({ name, value: values[i] ?? 0 })).sort((a, b) => Math.abs(b.value) - Math.abs(a.value)).slice(0, 10);

async function train(preset: Preset, seed: number): Promise<Results> {
  const eng = await (engine ??= startEngine());
  const steps = 4 + 2 * 3;
  let step = 0;
  const t0 = performance.now();
  const progress = (message: string) => post({ type: 'progress', message, step: ++step, steps, ms: performance.now() - t0 });

  const ds = generateDataset({ ...SIZES[preset], seed });
  let liked = 0;
  for (let i = 0; i < ds.interactions.n; i++) liked += ds.interactions.liked[i] as number;
  progress(`data: ${ds.users.n} users, ${ds.movies.n} movies, ${ds.interactions.n} interactions (seed ${seed})`);
  const tData = performance.now();

  const split = splitUserOverlap(ds, { testFraction: TEST_FRACTION, seed });
  progress(`split: ${split.train.length} train / ${split.test.length} test (every test user also has training rows)`);
  const built = buildFeatures(ds, split, { seed });
  const keep = prune(built.train).keep;
  const trainT = selectColumns(built.train, keep);
  const test = selectColumns(built.test, keep);
  const fitted = restrict(built.fitted, keep);
  progress(`features: ${keep.length} of ${built.train.nFeatures} kept after correlation pruning`);
  const tFeatures = performance.now();

  const trained = await trainAll(eng, trainT, test, fitted, { mode: preset, seed, onProgress: progress });
  const tTrain = performance.now();

  const bayes = test.pTrue
    ? (() => {
        const p = Float32Array.from(test.pTrue);
        const m = eng.metrics(test.y, p);
        return { auc: m.roc_auc, logLoss: m.log_loss, roc: rocPoints(curves(test.y, p).curve) };
      })()
    : null;
  const models: ModelResult[] = trained.map((m) => {
    const cfg = m.grid.configs[m.grid.best_index];
    return {
      name: m.name,
      kind: m.plan.kind,
      metrics: m.evaluation.metrics,
      cvAuc: cfg?.metrics.roc_auc?.mean ?? null,
      bestParams: m.grid.best_params,
      roc: rocPoints(m.evaluation.curve),
      importance: top10(trainT.names, m.importance),
      seconds: m.searchSeconds,
    };
  });
  const best = [...models].sort((a, b) => b.metrics.roc_auc - a.metrics.roc_auc)[0]!.name;

  const seen = Array.from({ length: ds.users.n }, () => new Set<number>());
  const counts = new Uint32Array(ds.users.n);
  let today = 0;
  for (let r = 0; r < ds.interactions.n; r++) {
    const u = built.index.userRow[r] as number;
    seen[u]!.add(built.index.movieRow[r] as number);
    counts[u]! += 1;
    today = Math.max(today, Math.floor((ds.interactions.timestamp[r] as number) / 86400));
  }
  const users: UserOption[] = Array.from(ds.users.id, (id, u) => ({ id, interactions: counts[u] as number }))
    .filter((o) => o.interactions > 0)
    .sort((a, b) => b.interactions - a.interactions || a.id - b.id);

  state = { ds, fitted, ctx: servingContext(ds, fitted), test, userOf: built.index.userOf, seen, models: new Map(trained.map((m) => [m.name, m.model])), today, preset, seed };
  progress(`done: best test AUC ${models.find((m) => m.name === best)!.metrics.roc_auc.toFixed(4)} (${best})`);
  return {
    preset,
    seed,
    dataset: { users: ds.users.n, movies: ds.movies.n, interactions: ds.interactions.n, likeRate: liked / Math.max(1, ds.interactions.n) },
    split: { train: split.train.length, test: split.test.length },
    features: { catalogue: built.train.nFeatures, kept: keep.length },
    bayes,
    models,
    best,
    users,
    timings: { data: tData - t0, features: tFeatures - tData, training: tTrain - tFeatures, total: performance.now() - t0 },
  };
}

function recommend(userId: number, hour: number, modelName: string): Reply {
  if (!state) throw new Error('train the models first');
  const s = state;
  const u = s.userOf.get(userId);
  if (u === undefined) throw new Error(`unknown user ${userId}`);
  if (!s.models.has(modelName)) throw new Error(`no model named ${modelName}`);
  const candidates: number[] = [];
  for (let m = 0; m < s.ds.movies.n; m++) if (!s.seen[u]!.has(m)) candidates.push(m);
  const pairs = candidates.map((m) => ({ u, m, day: s.today, hour, device: -1 }));
  const x = featuresInContext(s.ctx, s.fitted.defs, pairs);
  const p: Record<string, Float32Array> = {};
  for (const [name, model] of s.models) {
    const xm = model.info.kind === 'logistic' ? impute(x, pairs.length, s.fitted.medians) : x;
    p[name] = pairs.length ? model.predict({ x: xm, nRows: pairs.length }) : new Float32Array(0);
  }
  const ranking = p[modelName]!;
  const order = candidates.map((_, i) => i).sort((a, b) => (ranking[b] as number) - (ranking[a] as number) || (candidates[a] as number) - (candidates[b] as number));
  const { movies, users, genres, interactions } = s.ds;
  const items = order.slice(0, 10).map((i) => {
    const m = candidates[i] as number;
    return {
      movieId: movies.id[m] as number,
      title: movies.title[m] ?? '',
      genres: maskToNames(movies.genres[m] as number, genres),
      year: movies.releaseYear[m] as number,
      imdb: movies.imdbRating[m] as number,
      p: Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v[i] as number])),
    };
  });
  let liked = 0;
  let ratings = 0;
  for (let r = 0; r < interactions.n; r++) {
    if (interactions.user[r] !== userId) continue;
    ratings++;
    liked += interactions.liked[r] as number;
  }
  const cat = (c: { codes: Int32Array; levels: string[] }) => c.levels[c.codes[u] as number] ?? '?';
  const user = {
    id: userId,
    age: users.age[u] as number,
    gender: cat(users.gender),
    subscription: cat(users.subscription),
    favorites: maskToNames(users.favoriteGenres[u] as number, genres),
    seen: s.seen[u]!.size,
    ratings,
    liked,
  };
  return { type: 'recommendations', user, model: modelName, hour, items, candidates: candidates.length };
}

async function loadModel(name: string, bytes: ArrayBuffer): Promise<LoadedModel> {
  const eng = await (engine ??= startEngine());
  const model = eng.modelFromBytes(new Uint8Array(bytes));
  const info = model.info;
  if (!state) return { name, info, test: null, note: 'Train the models to score this one on the current test set.' };
  const t = state.test;
  if (info.n_features !== t.nFeatures) {
    return { name, info, test: null, note: `It takes ${info.n_features} features; the current feature table has ${t.nFeatures}, so it was exported from a different dataset or configuration.` };
  }
  const x = info.kind === 'logistic' ? impute(t.x, t.nRows, state.fitted.medians) : t.x;
  const p = model.predict({ x, nRows: t.nRows });
  const m = eng.metrics(t.y, p);
  return {
    name,
    info,
    test: { auc: m.roc_auc, logLoss: m.log_loss, accuracy: m.accuracy, roc: rocPoints(curves(t.y, p).curve) },
    note: `Scored on the current ${t.nRows} test rows (meaningful when exported by \`moviepref run --mode ${state.preset} --seed ${state.seed}\`).`,
  };
}

scope.onmessage = async (ev: MessageEvent<Request>) => {
  const req = ev.data;
  try {
    if (req.type === 'train') post({ type: 'results', results: await train(req.preset, req.seed) });
    else if (req.type === 'recommend') post(recommend(req.userId, req.hour, req.model));
    else post({ type: 'model-loaded', model: await loadModel(req.name, req.bytes) });
  } catch (err) {
    const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : 'ERROR';
    post({ type: 'error', during: req.type, code, message: err instanceof Error ? err.message : String(err) });
  }
};

engine = startEngine();
engine.catch((err: unknown) => post({ type: 'error', during: 'init', code: 'BACKEND_UNAVAILABLE', message: err instanceof Error ? err.message : String(err) }));
