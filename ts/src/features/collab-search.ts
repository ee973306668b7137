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
 * Cost: folds x (targets x |MF grid| + |kNN grid|) fits, plus one all-training-rows fit per model
 * (`collabFitCount`); `onFit` hears each one finish, `done` 1, 2, ... up to that total.
 */
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

/** How the group was chosen: MF's target, the best MF out-of-fold AUC per target, and each model's search (spec order). */
export interface CollabChoice {
  target: CollabTarget;
  cv_auc: Partial<Record<CollabTarget, number>>;
  search: CollabSearch[];
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
 * the further models on the chosen target, then one all-training-rows fit per model.
 */
export function collabFitCount(specs: readonly CollabSpec[], grid: CollabGrid | undefined, folds: number, targets: number): number {
  const per = specs.reduce((a, s, i) => a + collabCandidates(s.kind, grid?.[s.kind]).length * (i === 0 ? targets : 1), 0);
  return folds * per + specs.length;
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
  const fit = counted(o.fit, collabFitCount(o.specs, o.grid, folds.length, targets.length), o.onFit);
  const searches: CollabSearch[] = [];
  const specs: CollabSpec[] = [];
  const xs: Float32Array[] = [];
  let target: CollabTarget = targets[0]!.target;
  for (const [i, base] of o.specs.entries()) {
    const s = await search(fit, base, o.grid?.[base.kind], i === 0 ? targets : targets.filter((t) => t.target === target), y);
    if (i === 0) target = s.target;
    searches.push(s.record);
    specs.push(s.spec);
    xs.push(s.x);
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
  return { names, train, test: collabColumns(fitted, t.users, t.items), fitted, choice: { target, cv_auc, search: searches } };
}
