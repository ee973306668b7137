/**
 * The collaborative feature group, what it is: matrix-factorization and item-kNN scores of each (user,
 * movie) pair from engine models fitted on (user, item, value) triples. The kinds, the parts each one
 * contributes as features, the fitted group as serving needs it, and its columns for any pairs. Users
 * or movies a model never saw (cold starts) get the model's explicit fallback (biases / mean), through
 * the same engine call at training and at serving time. How the group is fitted on a split (out of
 * fold, each model's hyperparameters chosen by cross-validation) is collab-search.ts.
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

/** The value of `target` for every row of `rows`; null when a row has no star rating. */
export function targetValues(ds: Dataset, rows: ArrayLike<number>, target: CollabTarget): Float32Array | null {
  const it = ds.interactions;
  const v = new Float32Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const x = target === 'rating' ? (it.rating[rows[k] as number] as number) : (it.liked[rows[k] as number] as number);
    if (Number.isNaN(x)) return null;
    v[k] = x;
  }
  return v;
}

export const idsOf = (ds: Dataset, rows: ArrayLike<number>) => ({
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
