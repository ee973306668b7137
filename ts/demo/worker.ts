/**
 * The demo's engine worker: loads the wasm engine, generates the synthetic dataset and fits it with the
 * pipeline core (fitPipeline: the same split, features, kinds and seeds as `moviepref run`), then
 * answers per-user ranking (FittedPipeline.recommend) and model-file requests. The engine is
 * synchronous, so it must run here, never on the page's thread.
 */
import { maskToNames } from '../src/data/genres.js';
import { generateDataset, SIZES } from '../src/data/synth.js';
import { loadWasmWeb } from '../src/engine/wasm-web.js';
import type { Engine } from '../src/engine/types.js';
import { curves } from '../src/pipeline/evaluate.js';
import { type FitResult, fitPipeline } from '../src/pipeline/fit.js';
import { KINDS } from '../src/pipeline/kinds.js';
import type { LoadedModel, ModelResult, Preset, Reply, Request, Results, UserOption } from './protocol.js';

/** A dedicated worker's global scope has Worker's postMessage/onmessage shape. */
const scope = self as unknown as Worker;
const post = (m: Reply): void => scope.postMessage(m);

const TEST_FRACTION = 0.2; // the CLI's default (--test-fraction)
const ROC_POINTS = 120;

interface State {
  pipeline: FitResult;
  /** The moment the recommendations are made: the last day of the data, unix seconds. */
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

const rocPoints = (curve: { fpr: number; tpr: number }[]): [number, number][] => {
  const step = Math.max(1, Math.ceil(curve.length / ROC_POINTS));
  return curve.filter((_, i) => i % step === 0 || i === curve.length - 1).map((c) => [c.fpr, c.tpr]);
};

const top10 = (names: string[], values: number[]) =>
  names.map((name, i) => ({ name, value: values[i] ?? 0 })).sort((a, b) => Math.abs(b.value) - Math.abs(a.value)).slice(0, 10);

async function train(preset: Preset, seed: number): Promise<Results> {
  const eng = await (engine ??= startEngine());
  // Progress lines: data, split, out-of-fold features, collaborative search, its 2 choices, selection, features
  // kept, per kind (grid search, test evaluation, best), the refit without the collaborative columns (start, result), done.
  const steps = 11 + 3 * KINDS.length;
  let step = 0;
  const t0 = performance.now();
  const progress = (message: string) => post({ type: 'progress', message, step: ++step, steps, ms: performance.now() - t0 });

  const ds = generateDataset({ ...SIZES[preset], seed });
  progress(`data: ${ds.users.n} users, ${ds.movies.n} movies, ${ds.interactions.n} interactions (seed ${seed})`);
  const tData = performance.now();
  const pipeline = await fitPipeline(ds, { mode: preset, seed, split: 'user-overlap', testFraction: TEST_FRACTION, engine: eng, onProgress: progress });
  const { report, trained, test } = pipeline.training;

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
      kind: m.entry.kind,
      metrics: m.evaluation.metrics,
      cvAuc: cfg?.metrics.roc_auc?.mean ?? null,
      bestParams: m.grid.best_params,
      roc: rocPoints(m.evaluation.curve),
      importance: top10(test.names, m.importance),
      seconds: m.searchSeconds,
    };
  });
  const best = [...models].sort((a, b) => b.metrics.roc_auc - a.metrics.roc_auc)[0]!.name;

  const counts = new Map<number, number>();
  let today = 0;
  for (let r = 0; r < ds.interactions.n; r++) {
    const id = ds.interactions.user[r] as number;
    counts.set(id, (counts.get(id) ?? 0) + 1);
    today = Math.max(today, Math.floor((ds.interactions.timestamp[r] as number) / 86400));
  }
  const users: UserOption[] = [...counts].map(([id, interactions]) => ({ id, interactions })).sort((a, b) => b.interactions - a.interactions || a.id - b.id);

  state = { pipeline, today: today * 86400, preset, seed };
  progress(`done: best test AUC ${models.find((m) => m.name === best)!.metrics.roc_auc.toFixed(4)} (${best})`);
  const t = report.timings;
  const ms = (k: string) => (t[k] ?? 0) * 1000;
  return {
    preset,
    seed,
    dataset: { users: ds.users.n, movies: ds.movies.n, interactions: ds.interactions.n, likeRate: report.dataset.like_rate },
    split: { train: report.split.train, test: report.split.test },
    features: { catalogue: report.features.catalogue, kept: report.features.kept },
    bayes,
    models,
    best,
    users,
    timings: { data: tData - t0, features: ms('split') + ms('features') + ms('selection'), training: ms('training'), total: performance.now() - t0 },
  };
}

function recommend(userId: number, hour: number, modelName: string): Reply {
  if (!state) throw new Error('train the models first');
  const { pipeline, today } = state;
  if (!pipeline.hasUser(userId)) throw new Error(`unknown user ${userId}`);
  const candidates = pipeline.unseenMovies(userId);
  const ask = (model: string) => pipeline.recommend({ userId, movieIds: candidates, timestamp: today, hour, model }).predictions;
  const ranking = ask(modelName);
  const p = new Map(pipeline.models.map((m) => [m.name, new Map(ask(m.name).map((x) => [x.movieId, x.probability]))]));
  const ds = pipeline.dataset;
  const { movies, users, genres, interactions } = ds;
  const row = new Map(Array.from(movies.id, (id, i) => [id, i]));
  const items = ranking.slice(0, 10).map((r) => {
    const m = row.get(r.movieId)!;
    return {
      movieId: r.movieId,
      title: r.title,
      genres: maskToNames(movies.genres[m] as number, genres),
      year: movies.releaseYear[m] as number,
      imdb: movies.imdbRating[m] as number,
      p: Object.fromEntries([...p].map(([name, byMovie]) => [name, byMovie.get(r.movieId) as number])),
    };
  });
  let liked = 0;
  let ratings = 0;
  for (let r = 0; r < interactions.n; r++) {
    if (interactions.user[r] !== userId) continue;
    ratings++;
    liked += interactions.liked[r] as number;
  }
  const u = users.id.indexOf(userId);
  const cat = (c: { codes: Int32Array; levels: string[] }) => c.levels[c.codes[u] as number] ?? '?';
  const user = {
    id: userId,
    age: users.age[u] as number,
    gender: cat(users.gender),
    subscription: cat(users.subscription),
    favorites: maskToNames(users.favoriteGenres[u] as number, genres),
    seen: movies.n - candidates.length,
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
  const t = state.pipeline.training.test;
  if (info.n_features !== t.nFeatures) {
    return { name, info, test: null, note: `It takes ${info.n_features} features; the current feature table has ${t.nFeatures}, so it was exported from a different dataset or configuration.` };
  }
  // The uploaded model gets the preprocessing fitted for the model of its kind in this run.
  const same = state.pipeline.models.find((m) => m.kind === info.kind);
  const x = same ? state.pipeline.modelInput(same.name, t.x, t.nRows) : t.x;
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
