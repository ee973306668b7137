/**
 * The collaborative feature group: matrix-factorization (and, when the engine has it, item-kNN) scores
 * of each (user, movie) pair, computed exactly like the out-of-fold aggregates. Training rows of fold k
 * are scored by a model fitted on the OTHER folds' training interactions (the same folds, folds.ts);
 * test rows and serving by a model fitted on all training rows. No training row's collaborative
 * features come from a model that saw its own label. Users or movies a model never saw (cold starts,
 * or a user whose rows all sit in the held-out fold) get the model's explicit fallback (biases / mean),
 * through the same engine call at training and at serving time.
 *
 * Which target MF fits (the star rating or the like label) is chosen by cross-validation on the
 * training rows only: the out-of-fold AUC of each target's MF score against `liked`; the choice and
 * both scores are recorded.
 */
import type { Dataset } from '../data/schema.js';
import { MlError } from '../engine/errors.js';

/** Interactions as the engine takes them: user and item ids, and the target value of each. */
export interface CollabRatings {
  users: Int32Array;
  items: Int32Array;
  values: Float32Array;
}
export type CollabKind = 'mf' | 'item_knn';
export interface CollabSpec {
  kind: CollabKind;
  params: Record<string, unknown>;
}
/** A fitted collaborative model, as the engine returns it (structural, so tests can pass a stand-in). */
export interface CollabModelLike {
  predict(users: Int32Array, items: Int32Array): Float32Array;
  /** Column-major parts (`names.length` columns of `users.length` rows). */
  parts(users: Int32Array, items: Int32Array): { names: string[]; x: Float32Array };
  toBytes(): Uint8Array;
}
export type CollabFit = (r: CollabRatings, spec: CollabSpec) => Promise<CollabModelLike>;

export type CollabTarget = 'rating' | 'liked';

/** The engine parts each kind contributes, and the feature name each becomes. */
export const COLLAB_PARTS: Record<CollabKind, readonly (readonly [part: string, feature: string])[]> = {
  mf: [['score', 'cf_mf_score'], ['user_bias', 'cf_mf_user_bias'], ['item_bias', 'cf_mf_item_bias'], ['dot', 'cf_mf_dot']],
  // support: how many neighbours the score rests on, and their total similarity.
  item_knn: [['score', 'cf_knn_score'], ['neighbours', 'cf_knn_support'], ['similarity_mass', 'cf_knn_similarity_mass']],
};

/** One fitted model of the group: what it is, what it was fitted on, and the model itself. */
export interface FittedCollabModel {
  spec: CollabSpec;
  target: CollabTarget;
  model: CollabModelLike;
}

/** The group as serving needs it: the all-training-rows models, in column order. */
export interface FittedCollab {
  models: FittedCollabModel[];
  names: string[];
}

/** How the target was chosen: out-of-fold AUC (vs liked, training rows only) of each candidate. */
export interface CollabChoice {
  target: CollabTarget;
  cv_auc: Partial<Record<CollabTarget, number>>;
}

export interface CollabOptions {
  fit: CollabFit;
  /** MF (and kNN) specs; MF first. */
  specs: CollabSpec[];
  /** Force a target (tests, or data without star ratings); default: cross-validated. */
  target?: CollabTarget;
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

/** The value of `target` for every row of `rows`; null when a row has no star rating. */
function targetValues(ds: Dataset, rows: ArrayLike<number>, target: CollabTarget): Float32Array | null {
  const it = ds.interactions;
  const v = new Float32Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const x = target === 'rating' ? (it.rating[rows[k] as number] as number) : (it.liked[rows[k] as number] as number);
    if (Number.isNaN(x)) return null;
    v[k] = x;
  }
  return v;
}

const idsOf = (ds: Dataset, rows: ArrayLike<number>) => ({
  users: Int32Array.from(rows as ArrayLike<number>, (r) => ds.interactions.user[r] as number),
  items: Int32Array.from(rows as ArrayLike<number>, (r) => ds.interactions.movie[r] as number),
});

/** The group's columns of `users` x `items` pairs from fitted models, column-major (`names` order). */
export function collabColumns(fitted: FittedCollab, users: Int32Array, items: Int32Array): Float32Array {
  const n = users.length;
  const x = new Float32Array(n * fitted.names.length);
  let j = 0;
  for (const m of fitted.models) {
    const parts = m.model.parts(users, items);
    for (const [part] of COLLAB_PARTS[m.spec.kind]) {
      const c = parts.names.indexOf(part);
      if (c < 0) throw new MlError('INTERNAL', `collaborative model ${m.spec.kind} has no part ${JSON.stringify(part)} (has ${parts.names.join(', ')})`);
      x.set(parts.x.subarray(c * n, (c + 1) * n), j * n);
      j++;
    }
  }
  return x;
}

/** Rank AUC of `score` against 0/1 `y` (ties averaged): the cross-validation score of a target. */
export function rankAuc(score: Float32Array, y: ArrayLike<number>): number {
  const order = Uint32Array.from({ length: score.length }, (_, i) => i).sort((a, b) => (score[a] as number) - (score[b] as number));
  let pos = 0;
  let sumRanks = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && score[order[j + 1] as number] === score[order[i] as number]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (y[order[k] as number]) (pos++, (sumRanks += rank));
    i = j + 1;
  }
  const neg = order.length - pos;
  return pos && neg ? (sumRanks - (pos * (pos + 1)) / 2) / (pos * neg) : 0.5;
}

/** Out-of-fold columns of every spec for `target` (training rows in split order), or null if the target is unavailable. */
async function outOfFold(ds: Dataset, train: Uint32Array, folds: Uint32Array[], o: CollabOptions, target: CollabTarget, names: string[]): Promise<Float32Array | null> {
  const n = train.length;
  const x = new Float32Array(n * names.length);
  const inFold = new Int32Array(n);
  folds.forEach((at, k) => at.forEach((i) => (inFold[i] = k)));
  for (let k = 0; k < folds.length; k++) {
    const rest = Uint32Array.from(train.filter((_, i) => inFold[i] !== k));
    const values = targetValues(ds, rest, target);
    if (!values) return null;
    const models = await fitAll(ds, rest, values, o, target);
    const at = folds[k] as Uint32Array;
    const held = idsOf(ds, Uint32Array.from(at, (i) => train[i] as number));
    const cols = collabColumns({ models, names }, held.users, held.items);
    for (let j = 0; j < names.length; j++) for (let q = 0; q < at.length; q++) x[j * n + (at[q] as number)] = cols[j * at.length + q] as number;
  }
  return x;
}

async function fitAll(ds: Dataset, rows: Uint32Array, values: Float32Array, o: CollabOptions, target: CollabTarget): Promise<FittedCollabModel[]> {
  const { users, items } = idsOf(ds, rows);
  const out: FittedCollabModel[] = [];
  for (const spec of o.specs) out.push({ spec, target, model: await o.fit({ users, items, values }, spec) });
  return out;
}

/**
 * The collaborative group for a split: out-of-fold columns for the training rows (`folds`: positions
 * into `split.train`, the aggregates' folds), all-training-rows columns for the test rows, and the
 * fitted models for serving. The target is the one whose out-of-fold MF score has the higher AUC.
 */
export async function collabFeatures(ds: Dataset, split: { train: Uint32Array; test: Uint32Array }, folds: Uint32Array[], o: CollabOptions): Promise<CollabFeatures> {
  if (!o.specs.length || o.specs[0]?.kind !== 'mf') throw new MlError('INVALID_ARGUMENT', 'collaborative features need an mf spec first');
  const names = o.specs.flatMap((s) => COLLAB_PARTS[s.kind].map(([, f]) => f));
  const y = Uint8Array.from(split.train, (r) => ds.interactions.liked[r] as number);
  const candidates: CollabTarget[] = o.target ? [o.target] : ['rating', 'liked'];
  const cv: Partial<Record<CollabTarget, number>> = {};
  let best: { target: CollabTarget; x: Float32Array } | null = null;
  for (const target of candidates) {
    const x = await outOfFold(ds, split.train, folds, o, target, names);
    if (!x) continue;
    cv[target] = rankAuc(x.subarray(0, split.train.length), y);
    if (!best || (cv[target] as number) > (cv[best.target] as number)) best = { target, x };
  }
  if (!best) throw new MlError('INVALID_DATA', `collaborative features: target ${candidates.join('/')} is missing on some training rows`);
  const values = targetValues(ds, split.train, best.target) as Float32Array;
  const fitted: FittedCollab = { models: await fitAll(ds, split.train, values, o, best.target), names };
  const t = idsOf(ds, split.test);
  return { names, train: best.x, test: collabColumns(fitted, t.users, t.items), fitted, choice: { target: best.target, cv_auc: cv } };
}
