/**
 * The collaborative group of a split, fitted exactly like the out-of-fold aggregates, each model's
 * hyperparameters chosen by cross-validation on the training rows only.
 *
 * Out of fold: training rows of fold k are scored by a model fitted on the OTHER folds' training
 * interactions (the aggregates' folds, folds.ts); test rows and serving by a model fitted on all
 * training rows. No training row's collaborative features come from a model that saw its own label,
 * and no test row reaches any fit or any score the choice rests on.
 *
 * Search: the MF candidates are the target (star rating, then like label) x the MF grid; each one's
 * out-of-fold MF score is ranked against `liked` on the training rows (rank AUC) and the highest wins;
 * ties go to the earlier candidate (rating before liked, then grid order). Then each further model
 * (item kNN) is searched the same way over its own grid, on the chosen target. The winners' out-of-fold columns are the training features (the very columns the
 * choice was scored on: no extra fit, no extra leakage); the winners refit on all training rows score
 * the test rows and serve. Every candidate's AUC is recorded.
 *
 * Budget: with more training rows than `searchRows`, the candidates are compared on the rows of a seeded
 * sample of users (every training row of each sampled user, on the same folds), so the search's cost
 * stops growing with the data; the winners then get their out-of-fold columns on every training row
 * (one more fit per fold and model). A user sample keeps each sampled user's history whole: the models
 * see the users' density they will see in the refit, only fewer of them.
 *
 * Cost: folds x (targets x |MF grid| + |kNN grid|) fits, plus folds x models when the search ran on a
 * sample, plus one all-training-rows fit per model (`collabFitCount`); `onFit` hears each one finish,
 * `done` 1, 2, ... up to that total.
 */
import { Rng } from '../data/rng.js';
import type { Dataset } from '../data/schema.js';
import { MlError } from '../engine/errors.js';
import {
  COLLAB_PARTS,
  type CollabFit,
  type CollabKind,
  type CollabModelLike,
  type CollabRatings,
  type CollabSpec,
  type CollabTarget,
  collabColumns,
  type FittedCollab,
  idsOf,
  rankAuc,
  targetValues,
} from './collab.js';

/** Values to try per collaborative kind (cartesian product, keys in order, the last varying fastest); a kind without a grid runs as specified. */
export type CollabGrid = Partial<Record<CollabKind, Readonly<Record<string, readonly unknown[]>>>>;

/** One candidate of a model's search: its target, its grid values, and the out-of-fold AUC of its score against `liked`. */
export interface CollabCandidate {
  target: CollabTarget;
  params: Record<string, unknown>;
  cv_auc: number;
}

/** One model's search: every candidate in order, and the index of the chosen one. */
export interface CollabSearch {
  kind: CollabKind;
  candidates: CollabCandidate[];
  best: number;
}

/** The rows the search compared candidates on when it ran on a sample of users (null: on every training row). */
export interface CollabSample {
  users: number;
  rows: number;
}

/** How the group was chosen: MF's target, the best MF out-of-fold AUC per target, each model's search (spec order), and its sample. */
export interface CollabChoice {
  target: CollabTarget;
  cv_auc: Partial<Record<CollabTarget, number>>;
  search: CollabSearch[];
  sample: CollabSample | null;
}

export interface CollabOptions {
  fit: CollabFit;
  /** MF (and kNN) specs, MF first: the fixed parameters of each model (e.g. MF's seed). */
  specs: CollabSpec[];
  /** Values to try per kind (default: none, each spec as is). */
  grid?: CollabGrid;
  /** Force a target (tests, or data without star ratings); default: cross-validated. */
  target?: CollabTarget;
  /** After each collaborative fit: fits done so far and the total (`collabFitCount` for this run's targets). */
  onFit?: (done: number, total: number) => void;
  /** The search's row budget (see the header): compare candidates on a sample of users holding about this many training rows; default: every row. */
  searchRows?: number;
  /** Seed of that user sample (default 0). */
  sampleSeed?: number;
}

export interface CollabFeatures {
  names: string[];
  /** Column-major, training rows in split order (out of fold). */
  train: Float32Array;
  /** Column-major, test rows in split order (all-training-rows models). */
  test: Float32Array;
  fitted: FittedCollab;
  choice: CollabChoice;
}

/** The candidates' grid values: the cartesian product of `grid` ([{}] without one); an empty axis is INVALID_PARAM naming it. */
export function collabCandidates(kind: CollabKind, grid: Readonly<Record<string, readonly unknown[]>> | undefined): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(grid ?? {})) {
    if (!values.length) throw new MlError('INVALID_PARAM', `collaborative grid ${kind}.${key} has no values to try`);
    out = out.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  return out;
}

/**
 * Fits the search makes: per fold, every MF candidate on each of `targets` targets and every candidate of
 * the further models on the chosen target (plus, when it ran on a sample, each winner on every row),
 * then one all-training-rows fit per model.
 */
export function collabFitCount(specs: readonly CollabSpec[], grid: CollabGrid | undefined, folds: number, targets: number, sampled = false): number {
  const per = specs.reduce((a, s, i) => a + collabCandidates(s.kind, grid?.[s.kind]).length * (i === 0 ? targets : 1), 0);
  return folds * (per + (sampled ? specs.length : 0)) + specs.length;
}

/**
 * Positions (ascending) of the rows of a seeded sample of users: users drawn in a seeded order (a shuffle
 * of the distinct ids, ascending first, so the row order does not matter) until their rows reach `max`;
 * null when there are at most `max` rows.
 */
export function userSample(users: Int32Array, max: number, seed: number): Uint32Array | null {
  if (users.length <= max) return null;
  const count = new Map<number, number>();
  for (const u of users) count.set(u, (count.get(u) ?? 0) + 1);
  const order = new Rng(seed).shuffleInPlace(Int32Array.from(count.keys()).sort());
  const taken = new Set<number>();
  let rows = 0;
  for (const u of order) {
    if (rows >= max) break;
    taken.add(u);
    rows += count.get(u) as number;
  }
  return Uint32Array.from({ length: users.length }, (_, i) => i).filter((i) => taken.has(users[i] as number));
}

/** One fit of the search. */
type Fitter = (r: CollabRatings, spec: CollabSpec) => Promise<CollabModelLike>;

/** `fitOne` telling `onFit` the count after each fit. */
function counted(fit: CollabFit, total: number, onFit: CollabOptions['onFit']): Fitter {
  let done = 0;
  return async (r, spec) => {
    const model = await fitOne(fit, r, spec);
    onFit?.(++done, total);
    return model;
  };
}

/** The engine's fit; its error names the model and candidate, keeping the engine's code and message (which names the parameter). */
async function fitOne(fit: CollabFit, r: CollabRatings, spec: CollabSpec): Promise<CollabModelLike> {
  try {
    return await fit(r, spec);
  } catch (err) {
    if (!(err instanceof MlError)) throw err;
    throw new MlError(err.code, `collaborative ${spec.kind} ${JSON.stringify(spec.params)}: ${err.message}`, { cause: err });
  }
}

/** The training rows as the folds see them: ids per row (split order), each row's fold, and one target's values. */
interface TargetFolds {
  target: CollabTarget;
  users: Int32Array;
  items: Int32Array;
  values: Float32Array;
  inFold: Int32Array;
  folds: Uint32Array[];
}

/** The training rows for `target`, or null when a training row has no value for it. Fold ratings are cut per fit (memory stays O(rows)). */
function targetFolds(ds: Dataset, train: Uint32Array, folds: Uint32Array[], target: CollabTarget): TargetFolds | null {
  const values = targetValues(ds, train, target);
  if (!values) return null;
  const inFold = new Int32Array(train.length);
  folds.forEach((at, k) => at.forEach((i) => (inFold[i] = k)));
  return { target, ...idsOf(ds, train), values, inFold, folds };
}

/** `t` on the rows at positions `keep` (ascending), each row in its fold. */
function restrict(t: TargetFolds, keep: Uint32Array): TargetFolds {
  const inFold = Int32Array.from(keep, (i) => t.inFold[i] as number);
  const at = (k: number) => Uint32Array.from({ length: keep.length }, (_, q) => q).filter((q) => inFold[q] === k);
  return { target: t.target, ...ratingsAt(t, keep), inFold, folds: t.folds.map((_, k) => at(k)) };
}

/** The ratings of the training rows at positions `rows`. */
const ratingsAt = (t: TargetFolds, rows: Uint32Array): CollabRatings => ({
  users: Int32Array.from(rows, (i) => t.users[i] as number),
  items: Int32Array.from(rows, (i) => t.items[i] as number),
  values: Float32Array.from(rows, (i) => t.values[i] as number),
});

/** Out-of-fold columns of `spec` (its parts, column-major, training rows in split order): fold k scored by a model fitted on the other folds. */
async function outOfFold(fit: Fitter, spec: CollabSpec, t: TargetFolds): Promise<Float32Array> {
  const n = t.users.length;
  const names = COLLAB_PARTS[spec.kind].map(([, f]) => f);
  const x = new Float32Array(n * names.length);
  for (const [k, at] of t.folds.entries()) {
    const rest = Uint32Array.from({ length: n }, (_, i) => i).filter((i) => t.inFold[i] !== k);
    const model = await fit(ratingsAt(t, rest), spec);
    const held = ratingsAt(t, at);
    const cols = collabColumns({ models: [{ spec, target: t.target, model }], names }, held.users, held.items);
    for (let j = 0; j < names.length; j++) for (let q = 0; q < at.length; q++) x[j * n + (at[q] as number)] = cols[j * at.length + q] as number;
  }
  return x;
}

/** One model's search over `targets` x its grid: the record, the winner's full spec and target, and its out-of-fold columns. */
async function search(fit: Fitter, base: CollabSpec, grid: CollabGrid[CollabKind], targets: TargetFolds[], y: Uint8Array) {
  const n = y.length;
  const candidates: CollabCandidate[] = [];
  let best: { index: number; spec: CollabSpec; target: CollabTarget; x: Float32Array } | null = null;
  for (const t of targets) {
    for (const params of collabCandidates(base.kind, grid)) {
      const spec: CollabSpec = { kind: base.kind, params: { ...base.params, ...params } };
      const x = await outOfFold(fit, spec, t);
      const cv_auc = rankAuc(x.subarray(0, n), y);
      candidates.push({ target: t.target, params, cv_auc });
      if (!best || cv_auc > (candidates[best.index] as CollabCandidate).cv_auc) best = { index: candidates.length - 1, spec, target: t.target, x };
    }
  }
  return { record: { kind: base.kind, candidates, best: best!.index } satisfies CollabSearch, spec: best!.spec, target: best!.target, x: best!.x };
}

/**
 * The collaborative group for a split: out-of-fold columns for the training rows (`folds`: positions
 * into `split.train`, the aggregates' folds) from each model's best candidate, all-training-rows columns
 * for the test rows, and the fitted models for serving (see the header for the search).
 */
export async function collabFeatures(ds: Dataset, split: { train: Uint32Array; test: Uint32Array }, folds: Uint32Array[], o: CollabOptions): Promise<CollabFeatures> {
  if (!o.specs.length || o.specs[0]?.kind !== 'mf') throw new MlError('INVALID_ARGUMENT', 'collaborative features need an mf spec first');
  const names = o.specs.flatMap((s) => COLLAB_PARTS[s.kind].map(([, f]) => f));
  const wanted: CollabTarget[] = o.target ? [o.target] : ['rating', 'liked'];
  const targets = wanted.map((t) => targetFolds(ds, split.train, folds, t)).filter((t): t is TargetFolds => t !== null);
  if (!targets.length) throw new MlError('INVALID_DATA', `collaborative features: target ${wanted.join('/')} is missing on some training rows`);
  const y = Uint8Array.from(split.train, (r) => ds.interactions.liked[r] as number);
  const keep = o.searchRows === undefined ? null : userSample(targets[0]!.users, o.searchRows, o.sampleSeed ?? 0);
  const compared = keep ? targets.map((t) => restrict(t, keep)) : targets;
  const yCompared = keep ? Uint8Array.from(keep, (i) => y[i] as number) : y;
  const fit = counted(o.fit, collabFitCount(o.specs, o.grid, folds.length, targets.length, keep !== null), o.onFit);
  const searches: CollabSearch[] = [];
  const specs: CollabSpec[] = [];
  const xs: Float32Array[] = [];
  let target: CollabTarget = targets[0]!.target;
  for (const [i, base] of o.specs.entries()) {
    const s = await search(fit, base, o.grid?.[base.kind], i === 0 ? compared : compared.filter((t) => t.target === target), yCompared);
    if (i === 0) target = s.target;
    searches.push(s.record);
    specs.push(s.spec);
    xs.push(keep ? await outOfFold(fit, s.spec, targets.find((t) => t.target === s.target)!) : s.x);
  }
  const train = new Float32Array(xs.reduce((a, x) => a + x.length, 0));
  xs.reduce((at, x) => (train.set(x, at), at + x.length), 0);
  const chosen = targets.find((t) => t.target === target)!;
  const r: CollabRatings = { users: chosen.users, items: chosen.items, values: chosen.values };
  const fitted: FittedCollab = { models: [], names };
  for (const spec of specs) fitted.models.push({ spec, target, model: await fit(r, spec) });
  const t = idsOf(ds, split.test);
  const cv_auc: CollabChoice['cv_auc'] = {};
  for (const c of searches[0]!.candidates) cv_auc[c.target] = Math.max(cv_auc[c.target] ?? -Infinity, c.cv_auc);
  const sample = keep && { users: new Set(Int32Array.from(keep, (i) => chosen.users[i] as number)).size, rows: keep.length };
  return { names, train, test: collabColumns(fitted, t.users, t.items), fitted, choice: { target, cv_auc, search: searches, sample } };
}
