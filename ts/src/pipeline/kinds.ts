/**
 * Model kinds as data: one entry per kind the pipeline trains. The entry names the engine kind, its
 * parameter grid per run mode, the fixed parameters, the preprocessing its features need (applied in
 * training, saved with the model and applied again when serving), and how its importance is labeled.
 * Every "which kind needs what" question (train, serve, report, demo, bench) reads this table.
 * Adding a kind = an engine module (Rust) + one entry here + tests.
 */
import type { GridSpec, ModelKind } from '../engine/types.js';
import { MlError } from '../engine/errors.js';
import type { CollabGrid } from '../features/collab-search.js';

export type Mode = 'full' | 'quick' | 'demo';

/** Cross-validation folds of the grid search per mode. */
export const FOLDS: Record<Mode, number> = { full: 5, quick: 3, demo: 3 };

/**
 * The collaborative models' grids per mode (features/collab-search.ts): MF also tries both targets
 * (star rating, like label), item kNN runs on the chosen one; ties go to the earlier candidate. Values
 * are the literature's defaults bracketed, never read off a test set: the engine's MF default λ 0.1
 * (ALS-WR's weighted λ, best near 0.065 in Zhou et al. 2008) x/÷ 3 and few vs the default 32 factors;
 * KNNBaseline's k 40 (Surprise's default) halved and doubled, shrinkage 100 (Surprise, Koren 2010) or 25. Fits per run
 * (the 5 feature folds x (2 targets x |MF| + |kNN|) + 2, collabFitCount): full 5 x (2 x 6 + 6) + 2 = 92,
 * quick 5 x (2 x 2 + 2) + 2 = 32, demo 5 x (2 + 1) + 2 = 17 (engine defaults, target only).
 */
export const COLLAB_GRIDS: Record<Mode, CollabGrid> = {
  full: { mf: { factors: [8, 32], l2_factors: [0.03, 0.1, 0.3] }, item_knn: { k: [20, 40, 80], shrinkage: [25, 100] } },
  quick: { mf: { factors: [8, 32] }, item_knn: { k: [20, 40] } },
  demo: {},
};

/** Feature preprocessing steps a kind may need (see preprocess.ts). */
export const PREPROCESS_STEPS = ['impute-median'] as const;
export type PreprocessStep = (typeof PREPROCESS_STEPS)[number];

export interface KindEntry {
  /** Model name in reports, artifacts and the API. */
  name: string;
  /** Engine model kind (ModelSpec.kind). */
  kind: ModelKind;
  /** Human name, for progress lines and charts. */
  label: string;
  /** Values to try per run mode (cartesian product). */
  grids: Record<Mode, Record<string, readonly unknown[]>>;
  /** Fixed parameters besides the grid. */
  params: Record<string, unknown>;
  /** The model takes a `seed` parameter (set from the run's derived `model:<name>` seed, never defaulted). */
  seeded: boolean;
  /** Steps applied to the feature matrix before fit and predict, in order. */
  preprocessing: readonly PreprocessStep[];
  /** Native importance: the engine's importance kind and what the number means. */
  importance: { kind: 'gain' | 'split' | 'coefficient'; label: string };
}

export const KINDS: readonly KindEntry[] = [
  {
    name: 'logistic_regression',
    kind: 'logistic',
    label: 'logistic regression',
    grids: { full: { l2: [0.01, 0.1, 1, 10, 100] }, quick: { l2: [0.1, 1, 10] }, demo: { l2: [1] } },
    params: {},
    seeded: false,
    // Logistic regression cannot take NaN (missing): it gets training medians.
    preprocessing: ['impute-median'],
    importance: { kind: 'coefficient', label: '|standardized coefficient|' },
  },
  {
    name: 'random_forest',
    kind: 'forest',
    label: 'random forest',
    grids: {
      full: { n_estimators: [200], max_depth: [10, 16], min_samples_leaf: [1, 5] },
      quick: { n_estimators: [60], max_depth: [8, 12] },
      demo: { n_estimators: [30], max_depth: [8] },
    },
    params: {},
    seeded: true,
    preprocessing: [],
    importance: { kind: 'gain', label: 'gain' },
  },
  {
    name: 'gradient_boosting',
    kind: 'gbt',
    label: 'gradient boosting',
    grids: {
      full: { n_estimators: [200, 400], max_depth: [4, 6], learning_rate: [0.05, 0.1] },
      quick: { n_estimators: [150], max_depth: [3, 5], learning_rate: [0.1] },
      demo: { n_estimators: [60], max_depth: [4], learning_rate: [0.1] },
    },
    params: { subsample: 0.9, colsample_bytree: 0.9 },
    seeded: true,
    preprocessing: [],
    importance: { kind: 'gain', label: 'gain' },
  },
];

/** The entry of an engine kind; an unknown kind is INVALID_ARGUMENT naming it. */
export function kindEntry(kind: string): KindEntry {
  const e = KINDS.find((k) => k.kind === kind);
  if (!e) throw new MlError('INVALID_ARGUMENT', `unknown model kind ${JSON.stringify(kind)} (have ${KINDS.map((k) => k.kind).join(', ')})`);
  return e;
}

/** The grid search of `entry` in `mode`; `seed` is the model's own seed (required for seeded kinds). */
export function gridSpec(entry: KindEntry, mode: Mode, seed: number): GridSpec {
  return { kind: entry.kind, params: { ...entry.params, ...(entry.seeded ? { seed } : {}) }, grid: entry.grids[mode] };
}

/** Configurations in `entry`'s grid for `mode`. */
export const gridSize = (entry: KindEntry, mode: Mode): number => Object.values(entry.grids[mode]).reduce((n, v) => n * v.length, 1);
