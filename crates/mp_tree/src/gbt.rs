//! Gradient-boosted trees (xgboost `hist`-style): fit loop, evaluation log, early stopping, model.
use crate::binning::{BinSpec, BinnedMatrix};
use crate::gbt_params::GbtValidParams;
use crate::grower::{GrowParams, Grower};
use crate::importance::{importance, ImportanceKind};
use crate::limits::check_features;
use crate::par;
use crate::objective::{Logistic, Objective, ObjectiveKind, SquaredError};
use crate::split::SplitParams;
use crate::stats::{FitStats, Stopwatch};
use crate::swap::ColumnSwaps;
use crate::tree::{add_predictions, Predictor, Tree};
use std::sync::OnceLock;
use mp_core::{ColMajor, Control, Observer, Result, Rng};
use serde::{Deserialize, Serialize};

/// Rows per chunk of the fused gradient + loss pass (fixed, so sums do not depend on threads).
const GRAD_CHUNK: usize = 1 << 16;

/// Metrics of one boosting round, e.g. `[("train_logloss", ..), ("valid_logloss", ..), ("valid_auc", ..)]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalRecord {
    pub iteration: u32,
    pub metrics: Vec<(String, f64)>,
}

/// A fitted boosted ensemble. Prediction works on raw floats (NaN = missing).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GbtModel {
    objective: ObjectiveKind,
    base_score: f64,
    n_features: usize,
    trees: Vec<Tree>,
    best_iteration: u32,
    eval_log: Vec<EvalRecord>,
    #[serde(skip)]
    stats: FitStats,
    #[serde(skip)]
    predictor: OnceLock<Predictor>,
}

impl GbtModel {
    /// Raw scores (margins for logistic) of every row of `x`.
    pub fn predict_raw(&self, x: ColMajor<'_>) -> Result<Vec<f32>> {
        Ok(self.raw_f64(x)?.into_iter().map(|v| v as f32).collect())
    }

    /// Probabilities of class 1 for `binary:logistic`, raw predictions for `reg:squarederror`.
    pub fn predict(&self, x: ColMajor<'_>) -> Result<Vec<f32>> {
        Ok(self.raw_f64(x)?.into_iter().map(|v| self.objective.transform(v) as f32).collect())
    }

    fn raw_f64(&self, x: ColMajor<'_>) -> Result<Vec<f64>> {
        let p = self.predictor.get_or_init(|| Predictor::new(&self.trees));
        check_features(&x, self.n_features, p.max_feature())?;
        let mut out = vec![self.base_score; x.n_rows()];
        p.add(&x, &mut out);
        Ok(out)
    }

    /// [`Self::predict`] of `x` with one column at a time replaced (permutation importance), see
    /// [`ColumnSwaps`]: bit-identical to predicting the modified matrix.
    pub fn column_swaps<'a>(&'a self, x: ColMajor<'a>) -> Result<ColumnSwaps<'a>> {
        let p = self.predictor.get_or_init(|| Predictor::new(&self.trees));
        check_features(&x, self.n_features, p.max_feature())?;
        let objective = self.objective;
        Ok(ColumnSwaps::new(p, x, self.base_score, Box::new(move |s| objective.transform(s) as f32)))
    }

    /// [`Self::predict`] of the first `m` trees, for each `m` of `lens` (each in `1..=trees`), in one
    /// pass over the trees. Bit-identical to a fit with `n_estimators = m` (rounds do not depend on
    /// the rounds after them) when early stopping did not cut this model.
    pub fn predict_prefixes(&self, x: ColMajor<'_>, lens: &[usize]) -> Result<Vec<Vec<f32>>> {
        let p = self.predictor.get_or_init(|| Predictor::new(&self.trees));
        check_features(&x, self.n_features, p.max_feature())?;
        let cuts: Vec<(usize, usize)> = lens.iter().map(|&m| (m, usize::MAX)).collect();
        p.prefix_sums(&x, self.base_score, &cuts, |s, _| self.objective.transform(s) as f32)
    }

    /// The model a fit with `n_estimators = m` returns (same trees, log and bytes), for a model whose
    /// `m` first rounds were kept (early stopping off). `m` is clamped to `1..=trees`.
    pub fn prefix(&self, m: usize) -> GbtModel {
        let m = m.clamp(1, self.trees.len());
        GbtModel {
            objective: self.objective,
            base_score: self.base_score,
            n_features: self.n_features,
            trees: self.trees[..m].to_vec(),
            best_iteration: m as u32 - 1,
            eval_log: self.eval_log[..m.min(self.eval_log.len())].to_vec(),
            stats: self.stats,
            predictor: OnceLock::new(),
        }
    }

    /// Per-feature totals of split gain or split count over all trees.
    pub fn feature_importance(&self, kind: ImportanceKind) -> Vec<f64> {
        importance(&self.trees, self.n_features, kind)
    }

    pub fn trees(&self) -> &[Tree] {
        &self.trees
    }
    pub fn n_features(&self) -> usize {
        self.n_features
    }
    pub fn base_score(&self) -> f64 {
        self.base_score
    }
    pub fn objective(&self) -> ObjectiveKind {
        self.objective
    }
    /// Index of the last kept round (the best validation round when early stopping triggered).
    pub fn best_iteration(&self) -> u32 {
        self.best_iteration
    }
    /// One record per round that was run (including rounds after the best one).
    pub fn eval_log(&self) -> &[EvalRecord] {
        &self.eval_log
    }
    /// Fit diagnostics (not serialized; zero after deserialization).
    pub fn stats(&self) -> FitStats {
        self.stats
    }
}

/// Fused gradient + loss pass over fixed row chunks (parallel under `parallel`, same sums either way).
fn gradients(obj: &dyn Objective, pred: &[f64], y: &[f32], gh: &mut [[f32; 2]]) -> f64 {
    #[cfg(feature = "parallel")]
    let losses: Vec<f64> = {
        use rayon::prelude::*;
        gh.par_chunks_mut(GRAD_CHUNK)
            .zip(pred.par_chunks(GRAD_CHUNK))
            .zip(y.par_chunks(GRAD_CHUNK))
            .map(|((g, p), t)| obj.gradients(p, t, g))
            .collect()
    };
    #[cfg(not(feature = "parallel"))]
    let losses: Vec<f64> = gh
        .chunks_mut(GRAD_CHUNK)
        .zip(pred.chunks(GRAD_CHUNK))
        .zip(y.chunks(GRAD_CHUNK))
        .map(|((g, p), t)| obj.gradients(p, t, g))
        .collect();
    losses.iter().sum()
}

/// `k` of `0..n` (ascending), drawn without replacement.
pub(crate) fn sample_features(n: usize, k: usize, rng: &mut Rng) -> Vec<u32> {
    let mut all: Vec<u32> = (0..n as u32).collect();
    if k < n {
        for i in 0..k {
            let j = i + rng.below(n - i);
            all.swap(i, j);
        }
        all.truncate(k);
        all.sort_unstable();
    }
    all
}

/// Fits a boosted ensemble. `valid` enables validation metrics and early stopping; the observer
/// sees each round's metrics and may stop the fit (the trees so far are kept).
pub fn fit_gbt(
    x: ColMajor<'_>,
    y: &[f32],
    params: &GbtValidParams,
    valid: Option<(ColMajor<'_>, &[f32])>,
    observer: &mut dyn Observer,
) -> Result<GbtModel> {
    let watch = Stopwatch::start();
    check_inputs(&x, y, params, valid)?;
    let data = BinnedMatrix::from_spec(x, gbt_bin_spec(x.n_rows(), params))?;
    boost(&data, x, y, params, valid, observer, watch)
}

/// How [`fit_gbt`] bins `n_rows` training rows with `params`.
pub fn gbt_bin_spec(n_rows: usize, params: &GbtValidParams) -> BinSpec {
    let p = params.params();
    BinSpec::new(n_rows, p.max_bin as usize, p.seed, crate::binning::TILE)
}

/// [`fit_gbt`] on `x` already binned as [`gbt_bin_spec`] says (one binning can serve many fits); the
/// same model as `fit_gbt(x, ..)`. A matrix binned otherwise, or from other rows, is `INTERNAL`.
pub fn fit_gbt_binned(
    data: &BinnedMatrix,
    x: ColMajor<'_>,
    y: &[f32],
    params: &GbtValidParams,
    valid: Option<(ColMajor<'_>, &[f32])>,
    observer: &mut dyn Observer,
) -> Result<GbtModel> {
    let watch = Stopwatch::start();
    check_inputs(&x, y, params, valid)?;
    data.check_matches(&x, gbt_bin_spec(x.n_rows(), params))?;
    boost(data, x, y, params, valid, observer, watch)
}

fn check_inputs(x: &ColMajor<'_>, y: &[f32], params: &GbtValidParams, valid: Option<(ColMajor<'_>, &[f32])>) -> Result<()> {
    params.objective.check_labels(y, x.n_rows(), true)?;
    if let Some((vx, vy)) = valid {
        check_features(&vx, x.n_features(), None)?;
        params.objective.check_labels(vy, vx.n_rows(), false)?;
    }
    Ok(())
}

/// The boosting loop over binned training rows.
fn boost(
    data: &BinnedMatrix,
    x: ColMajor<'_>,
    y: &[f32],
    params: &GbtValidParams,
    valid: Option<(ColMajor<'_>, &[f32])>,
    observer: &mut dyn Observer,
    watch: Stopwatch,
) -> Result<GbtModel> {
    let p = params.params();
    let (n, n_features) = (x.n_rows(), x.n_features());
    let logistic = Logistic { scale_pos_weight: p.scale_pos_weight };
    let obj: &dyn Objective = match params.objective {
        ObjectiveKind::Logistic => &logistic,
        ObjectiveKind::SquaredError => &SquaredError,
    };
    let base_score = obj.init_score(y);
    let mut pred = vec![base_score; n];
    let mut gh = vec![[0.0f32; 2]; n];
    gradients(obj, &pred, y, &mut gh);
    let mut vpred = valid.map(|(vx, _)| vec![base_score; vx.n_rows()]);

    let split = SplitParams { reg_lambda: p.reg_lambda, gamma: p.gamma, min_child_weight: p.min_child_weight };
    let grow = GrowParams {
        policy: params.policy,
        max_depth: p.max_depth,
        max_leaves: p.max_leaves,
        split,
        leaf_scale: p.learning_rate,
        node_features: None,
    };
    let mut grower = Grower::new(data, grow);
    let n_tree_features = ((p.colsample_bytree * n_features as f64).round() as usize).clamp(1, n_features);
    let mut trees = Vec::with_capacity(p.n_estimators as usize);
    let mut eval_log = Vec::new();
    let mut best: Option<(u32, f64)> = None;
    let mut sampled = Vec::new();

    for it in 0..p.n_estimators {
        let mut rng = Rng::derive(p.seed, it as u64);
        let features = sample_features(n_features, n_tree_features, &mut rng);
        let subsampled = p.subsample < 1.0 && {
            sampled.clear();
            sampled.extend((0..n as u32).filter(|_| rng.next_f64() < p.subsample));
            !sampled.is_empty()
        };
        // Grown on a pool worker: the tree's many small parallel sections join inside the pool.
        let tree = par::on_pool(|| {
            if subsampled {
                grower.grow(&gh, sampled.iter().copied(), &features, &mut rng)
            } else {
                grower.grow(&gh, 0..n as u32, &features, &mut rng)
            }
        });
        // Training predictions from leaf membership; rows outside the sample walk the tree.
        for (i, node) in tree.nodes.iter().enumerate().filter(|(_, nd)| nd.is_leaf()) {
            for &r in grower.leaf_rows(i) {
                pred[r as usize] += node.value as f64;
            }
        }
        if subsampled {
            let mut next = sampled.iter().copied().peekable();
            for r in 0..n as u32 {
                if next.peek() == Some(&r) {
                    next.next();
                } else {
                    pred[r as usize] += tree.predict_row(&x, r as usize) as f64;
                }
            }
        }
        let loss = gradients(obj, &pred, y, &mut gh) / n as f64;
        let mut metrics = vec![params.objective.train_metric(loss)];
        if let (Some((vx, vy)), Some(vp)) = (valid, vpred.as_mut()) {
            add_predictions(std::slice::from_ref(&tree), &vx, vp);
            let vm = params.objective.valid_metrics(vp, vy);
            let score = vm[0].1;
            if best.is_none_or(|(_, b)| score < b) {
                best = Some((it, score));
            }
            metrics.extend(vm);
        }
        trees.push(tree);
        let view: Vec<(&str, f64)> = metrics.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let control = observer.on_iter(it, &view);
        eval_log.push(EvalRecord { iteration: it, metrics });
        if control == Control::Stop {
            break;
        }
        if let Some((b, _)) = best {
            if p.early_stopping_rounds > 0 && it - b >= p.early_stopping_rounds {
                break;
            }
        }
    }
    let best_iteration = match best {
        Some((b, _)) if p.early_stopping_rounds > 0 => {
            trees.truncate(b as usize + 1);
            b
        }
        _ => trees.len() as u32 - 1,
    };
    let mut stats = grower.stats();
    stats.fit_nanos = watch.nanos();
    Ok(GbtModel {
        objective: params.objective,
        base_score,
        n_features,
        trees,
        best_iteration,
        eval_log,
        stats,
        predictor: OnceLock::new(),
    })
}
