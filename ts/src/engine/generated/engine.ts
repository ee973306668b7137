// Generated from the Rust definitions by `cargo test -p mp_api --features ts ts_export`
// (crates/mp_api/src/ts_export.rs). Do not edit: change the Rust types and regenerate.

/**
 * Hyper-parameters. `l2` is the penalty `l2/2 * ||w||^2` on the summed log-loss: the same as `1/C` in scikit-learn.
 */
export type LogisticParams = { 
/**
 * In [0, 1e12] (default 1).
 */
l2: number, 
/**
 * Most Newton steps, in [1, 100000] (default 200; a fit usually converges in 5-10). When reached,
 * the last iterate is kept.
 */
max_iter: number, 
/**
 * Stop when the gradient norm of the MEAN log-loss falls below this (scikit-learn's `tol`); in (0, 1e3] (default 1e-4).
 */
tol: number, 
/**
 * Fit an intercept (default true).
 */
fit_intercept: boolean, 
/**
 * Standardize features with training mean/std before fitting (stored in the model).
 */
standardize: boolean, };
/**
 * User-facing GBT parameters. Unknown fields are rejected; missing ones take the defaults below.
 */
export type GbtParams = { 
/**
 * Boosting rounds, in [1, 100000] (default 100).
 */
n_estimators: number, 
/**
 * Shrinkage in (0, 1] (default 0.1).
 */
learning_rate: number, 
/**
 * Maximum depth in [0, 64]; 0 = unlimited (lossguide only). Default 6.
 */
max_depth: number, 
/**
 * Maximum leaves per tree: 0 = unlimited, else in [2, 131072]. Default 0.
 */
max_leaves: number, 
/**
 * "depthwise" (default) or "lossguide".
 */
grow_policy: "depthwise" | "lossguide", 
/**
 * Minimum hessian sum per child, in [0, 1e15] (default 1).
 */
min_child_weight: number, 
/**
 * L2 penalty on leaf weights, in [0, 1e15] (default 1).
 */
reg_lambda: number, 
/**
 * Minimum loss reduction to split, in [0, 1e15] (default 0).
 */
gamma: number, 
/**
 * Row fraction sampled per round, in (0, 1] (default 1).
 */
subsample: number, 
/**
 * Feature fraction sampled per tree, in (0, 1] (default 1).
 */
colsample_bytree: number, 
/**
 * Weight of positive rows for `binary:logistic`, in [1e-6, 1e6] (default 1).
 */
scale_pos_weight: number, 
/**
 * Bins per feature including the missing bin, in [2, 255] (default 255).
 */
max_bin: number, 
/**
 * Stop after this many rounds without validation improvement, in [0, 100000]; 0 = off (default).
 */
early_stopping_rounds: number, 
/**
 * "binary:logistic" (default) or "reg:squarederror".
 */
objective: "binary:logistic" | "reg:squarederror", 
/**
 * Seed for row/feature sampling and cut sampling: required in a model spec (no default seed).
 */
seed: number, };
/**
 * User-facing random forest parameters (sklearn names; unknown fields rejected).
 */
export type ForestParams = { 
/**
 * Number of trees, in [1, 100000] (default 100).
 */
n_estimators: number, 
/**
 * Maximum depth, in [1, 64] (default 10).
 */
max_depth: number, 
/**
 * Minimum (bootstrap-weighted) samples per leaf, >= 1 (default 1).
 */
min_samples_leaf: number, 
/**
 * Features tried per node: "sqrt" (default), "log2", "all" or a fraction in (0, 1].
 */
max_features: "sqrt" | "log2" | "all" | number, 
/**
 * Sample rows with replacement per tree (default true); enables the OOB score.
 */
bootstrap: boolean, 
/**
 * Bins per feature including the missing bin, in [2, 255] (default 255).
 */
max_bin: number, 
/**
 * Seed of the per-tree random streams: required in a model spec (no default seed).
 */
seed: number, };
/** A model specification: a kind and its parameters (defaults fill the rest; gbt and forest need `seed`). */
export type ModelSpec =
  | { kind: "logistic"; params?: Partial<LogisticParams> }
  | { kind: "gbt"; params?: Partial<GbtParams> }
  | { kind: "forest"; params?: Partial<ForestParams> };

export type ModelKind = ModelSpec['kind'];

/**
 * Biased MF (r̂ = μ + b_u + b_i + p_u·q_i) fitted by alternating least squares. Unknown fields are
 * rejected; missing ones take the defaults below.
 */
export type MfParams = { 
/**
 * Latent factors per user and item, in [1, 256] (default 32).
 */
factors: number, 
/**
 * ALS sweeps (users then items), in [1, 1000] (default 15).
 */
iterations: number, 
/**
 * L2 penalty on the factors, in [1e-6, 1e6] (default 0.1; times the count with `weighted_lambda`).
 */
l2_factors: number, 
/**
 * L2 penalty on the biases, in [1e-6, 1e6] (default 0.1; times the count with `weighted_lambda`).
 */
l2_bias: number, 
/**
 * Regularize each user/item by λ·n (its rating count; Zhou et al. 2008) instead of λ (default true).
 */
weighted_lambda: boolean, 
/**
 * Initial factors are uniform in [-init_scale, init_scale], in [0, 10] (default 0.1).
 */
init_scale: number, 
/**
 * Seeds the initial factors: required in a model spec (no default seed).
 */
seed: number, };

/**
 * Item kNN on baseline residuals (Koren's KNNBaseline, Surprise's names and defaults where they exist).
 */
export type KnnParams = { 
/**
 * Most neighbours (the user's most similar rated items with positive similarity), in [1, 1000] (default 40).
 */
k: number, 
/**
 * Similarity shrinkage λ in s = n/(n + λ)·ρ, in [0, 1e6] (default 100).
 */
shrinkage: number, 
/**
 * Fewer common raters than this gives similarity 0, in [1, 1e6] (default 1).
 */
min_support: number, 
/**
 * Baseline ALS shrinkage of the user biases, in [0, 1e6] (default 15).
 */
reg_user: number, 
/**
 * Baseline ALS shrinkage of the item biases, in [0, 1e6] (default 10).
 */
reg_item: number, 
/**
 * Baseline ALS sweeps (items then users), in [1, 1000] (default 10).
 */
baseline_iterations: number, };

/**
 * Implicit ALS parameters. Values are strengths in [0, 1e6] (counts, ratings, 0/1).
 */
export type ImplicitParams = { 
/**
 * Latent factors, in [1, 256] (default 32).
 */
factors: number, 
/**
 * ALS sweeps (users then items), in [1, 1000] (default 15).
 */
iterations: number, 
/**
 * L2 penalty, in [1e-6, 1e6] (default 0.01).
 */
l2: number, 
/**
 * Confidence slope α in c = 1 + α·r, in [0, 1e4] (default 1).
 */
alpha: number, 
/**
 * Conjugate-gradient steps per solve, in [1, 100] (default 3).
 */
cg_steps: number, 
/**
 * Initial factors are uniform in [-init_scale, init_scale], in [0, 10] (default 0.01).
 */
init_scale: number, 
/**
 * Seeds the initial factors: required in a model spec.
 */
seed: number, };
/** A collaborative model specification (fitted on user/item/value triples; mf needs `seed`). */
export type CollabSpec =
  | { kind: "mf"; params?: Partial<MfParams> }
  | { kind: "item_knn"; params?: Partial<KnnParams> }
  | { kind: "implicit_als"; params?: Partial<ImplicitParams> };

export type CollabKind = CollabSpec['kind'];

/**
 * What the header of a collaborative model file says.
 */
export type CollabInfo = { kind: CollabKind, 
/**
 * The full parameter set (defaults filled in).
 */
params: Record<string, unknown>, 
/**
 * Distinct users and items seen in training (others are cold starts).
 */
n_users: number, n_items: number, 
/**
 * Mean of the training values (μ).
 */
global_mean: number, 
/**
 * Names of the columns `parts` returns, `score` first.
 */
parts: Array<string>, 
/**
 * What the fit found: `train_rmse` per sweep (mf), ...
 */
fit: Record<string, unknown>, engine_version: string, format_version: number, };

/**
 * What the header of a model file says: readable without decoding the body.
 */
export type ModelInfo = { kind: ModelKind, n_features: number, 
/**
 * The full parameter set (defaults filled in).
 */
params: Record<string, unknown>, 
/**
 * What the fit found: `n_trees`, `best_iteration`, `eval_log` (gbt), `oob` (forest), `intercept` (logistic).
 */
fit: Record<string, unknown>, engine_version: string, format_version: number, };

export type Confusion = { tn: number, fp: number, fn: number, tp: number, };

export type BinaryMetrics = { n: number, threshold: number, accuracy: number, precision: number, recall: number, f1: number, roc_auc: number, log_loss: number, confusion: Confusion, };

/**
 * The engine's name, version, model file format and model kinds.
 */
export type EngineInfo = { engine: string, version: string, model_format: number, models: Array<string>, 
/**
 * Collaborative kinds (fitted on user/item/value triples).
 */
collab_models: Array<string>, 
/**
 * The largest catalogue (distinct items in the training ratings) `item_knn` fits: its dense item x
 * item similarity matrix is capped at 2^28 entries (1 GiB). Larger catalogues get `INVALID_PARAM`.
 */
item_knn_max_items: number, };

/**
 * How configurations are compared, all computed on each held-out fold.
 */
export type Scoring = "roc_auc" | "log_loss" | "accuracy" | "f1";

/**
 * `{"seed": 1, "n_repeats": 5, "scoring": "roc_auc"}`; the seed is required.
 */
export type PermutationOptions = { 
/**
 * Seeds the shuffles. Required.
 */
seed: number, 
/**
 * Shuffles per feature, in [1, 1000] (default 5).
 */
n_repeats?: number, 
/**
 * Score whose drop is measured (default "roc_auc").
 */
scoring?: Scoring, };

export type PermutationImportance = { scoring: Scoring, baseline: number, 
/**
 * Per feature: mean and std over repeats of (baseline - permuted score); log-loss is negated so
 * that larger always means "more important".
 */
mean: Array<number>, std: Array<number>, };

/**
 * A grid: fixed `params` plus `grid` lists of values to try (cartesian product). No `grid` = plain CV.
 * `{"kind": "gbt", "params": {fixed...}, "grid": {"max_depth": [3, 6], ...}}`.
 */
export type GridSpec = { kind: ModelKind, params?: Record<string, unknown>, grid?: Record<string, readonly unknown[]>, };

/**
 * `{"seed": 42, "folds": 5, "scoring": "roc_auc"}`: the seed is required (splits are never random by default).
 * `{"search": "halving", "factor": 3, "min_resources": 1000}` runs successive halving instead of the grid.
 */
export type GridOptions = { 
/**
 * Seeds the stratified fold split. Required: folds are never random by default.
 */
seed: number, 
/**
 * Stratified folds, >= 2 (default 5).
 */
folds?: number, 
/**
 * Metric that ranks configurations (default "roc_auc").
 */
scoring?: Scoring, 
/**
 * Share of each fit's training rows held out (stratified, seeded) as the validation set of
 * configurations with early stopping, in (0, 1) (default 0.1); refused when none early-stops.
 */
validation_fraction?: number, 
/**
 * "grid" (default): every configuration on every fold; "halving": successive halving (scikit-learn's
 * HalvingGridSearchCV): each iteration scores the remaining configurations with more rows per
 * training fold and keeps the best 1/factor, until the last comparison on (nearly) all rows.
 */
search?: "grid" | "halving", 
/**
 * Halving: the rows multiply and the candidates divide by this integer >= 2 per iteration (default 3).
 */
factor?: number, 
/**
 * Halving: what grows per iteration; only "rows" (scikit-learn's n_samples, the default).
 */
resource?: "rows", 
/**
 * Halving: rows of the first iteration (default scikit-learn's 'exhaust': the largest start whose
 * needed iterations still fit in the rows), in [folds x 4 and both classes in every subsampled fold, rows].
 */
min_resources?: number, };

export type MetricSummary = { mean: number, std: number, folds: Array<number>, };

/**
 * What early stopping found for one configuration, in a grid report's config entry.
 */
export type EarlyStopping = { 
/**
 * Per fold, the last kept boosting round (0-based: the fold's model keeps `best + 1` trees).
 */
best_iterations: Array<number>, mean_best_iteration: number, };

/**
 * Where a configuration was last evaluated in a halving search; its scores in the report are from there.
 */
export type LastEvaluated = { 
/**
 * 0-based iteration.
 */
iteration: number, n_resources: number, 
/**
 * Dropped before the last iteration (its scores come from fewer rows than the finalists').
 */
eliminated: boolean, };

export type ConfigEntry = { params: Record<string, unknown>, 
/**
 * Present when the configuration early-stops: its best iteration per fold and their mean.
 */
early_stopping?: EarlyStopping, 
/**
 * Halving only: where the configuration was last evaluated (its scores are from there).
 */
last_evaluated?: LastEvaluated, 
/**
 * Index of the configuration in the grid.
 */
index: number, 
/**
 * Metric name -> summary over folds (e.g. "roc_auc", "log_loss", "fit_seconds").
 */
metrics: { [key in string]: MetricSummary }, 
/**
 * 1 = best by the chosen scoring metric.
 */
rank: number, };

/**
 * How a search's early-stopping fits cut their validation part, in the grid report when any configuration early-stops.
 */
export type SearchEarlyStopping = { 
/**
 * Share of each fit's training rows held out (stratified) as its validation set.
 */
validation_fraction: number, 
/**
 * Seeds every cut (derived from the grid seed); with the fraction it reproduces the refit through fit options.
 */
validation_seed: number, 
/**
 * The best iteration of the refit of the best configuration on all rows, when that configuration early-stops.
 */
refit_best_iteration?: number, };

/**
 * One iteration of a halving search as the report shows it.
 */
export type HalvingIteration = { 
/**
 * Rows of the whole set this iteration stands for (each training fold gets its share of them).
 */
n_resources: number, 
/**
 * Grid indices of the candidates evaluated, ascending.
 */
candidates: Array<number>, 
/**
 * Configurations x folds of this iteration (as progress counts them).
 */
fits: number, 
/**
 * Models actually trained (configurations sharing a fit count once per fold).
 */
trainings: number, };

/**
 * The search that produced a report. `fits` counts as progress does: configurations x folds per
 * evaluation + 1 (the refit); `trainings` counts the models actually trained (a shared fit once).
 */
export type SearchReport = { "kind": "grid", fits: number, trainings: number, } | { "kind": "halving", factor: number, min_resources: number, fits: number, trainings: number, iterations: Array<HalvingIteration>, };

export type GridReport = { scoring: Scoring, folds: number, seed: number, 
/**
 * One entry per configuration, in grid order: its full params and mean/std/per-fold of every metric.
 */
configs: Array<ConfigEntry>, best_index: number, best_params: Record<string, unknown>, 
/**
 * Which search ran and the fits it made.
 */
search: SearchReport, 
/**
 * Present when a configuration early-stops: the validation cut and the refit's best iteration.
 */
early_stopping?: SearchEarlyStopping, };

/**
 * A stratified hold-out of the training rows.
 */
export type ValidationSplit = { 
/**
 * Share of each class held out, in (0, 1); at least one row of each class stays in training.
 */
fraction: number, 
/**
 * Seeds the split. Required.
 */
seed: number, };

/**
 * `{"validation": {"fraction": 0.1, "seed": 7}}`: hold out a stratified, seeded part of the rows
 * as the validation set (gbt: evaluation log and early stopping).
 */
export type FitOptions = { validation?: ValidationSplit, };

/**
 * One fit iteration (boosting round or tree) as the progress callback receives it.
 */
export type FitProgress = { iteration: number, 
/**
 * e.g. `train_logloss`, `valid_logloss`, `valid_auc` (gbt); `n_leaves`, `depth` (forest).
 */
metrics: { [key in string]: number }, };

/**
 * Grid search progress: fits done out of configurations x folds (summed over the iterations of a halving
 * search) + the refit of the best.
 */
export type GridProgress = { fits_done: number, fits_total: number, };
