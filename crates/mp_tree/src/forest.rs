//! Random forest on the shared grower: bootstrap counts as row weights, per-node feature sampling,
//! leaves holding the (weighted) class-1 fraction, probabilities averaged over trees, OOB score.
use crate::binning::BinnedMatrix;
use crate::gbt::check_features;
use crate::gbt_params::{MAX_DEPTH_LIMIT, MAX_ESTIMATORS};
use mp_core::params::{float_in_open_closed, int_in};
use crate::grower::{GrowParams, GrowPolicy, Grower};
use crate::importance::{importance, ImportanceKind};
use crate::par;
use crate::split::SplitParams;
use crate::stats::{FitStats, Stopwatch};
use crate::tree::{FlatTree, Predictor, Tree};
use std::sync::OnceLock;
use mp_core::metrics::roc_auc;
use mp_core::{BinaryLabels, ColMajor, Control, Error, Observer, Result, Rng};
use serde::{Deserialize, Serialize};

/// Trees grown concurrently between observer calls (results do not depend on it).
const TREE_BATCH: usize = 8;
/// Rows per chunk of the out-of-bag pass.
const OOB_CHUNK: usize = 4096;

/// Features tried at each node: a name (`"sqrt"`, `"log2"`, `"all"`) or a fraction in (0, 1] of
/// the features. In JSON either a string or a number (`"max_features": "sqrt"` / `0.3`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MaxFeatures {
    Name(String),
    Fraction(f64),
}

/// User-facing random forest parameters (sklearn names; unknown fields rejected).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ForestParams {
    /// Number of trees, in [1, 100000] (default 100).
    pub n_estimators: u32,
    /// Maximum depth, in [1, 64] (default 10).
    pub max_depth: u32,
    /// Minimum (bootstrap-weighted) samples per leaf, >= 1 (default 1).
    pub min_samples_leaf: u32,
    /// Features tried per node (default `"sqrt"`).
    pub max_features: MaxFeatures,
    /// Sample rows with replacement per tree (default true); enables the OOB score.
    pub bootstrap: bool,
    /// Bins per feature including the missing bin, in [2, 255] (default 255).
    pub max_bin: u32,
    /// Seed of the per-tree random streams (default 0).
    pub seed: u64,
}

impl Default for ForestParams {
    fn default() -> Self {
        ForestParams {
            n_estimators: 100,
            max_depth: 10,
            min_samples_leaf: 1,
            max_features: MaxFeatures::Name("sqrt".into()),
            bootstrap: true,
            max_bin: 255,
            seed: 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum FeatureRule {
    Sqrt,
    Log2,
    All,
    Fraction(f64),
}

impl FeatureRule {
    /// Features per node for `n` features (sklearn: `max(1, floor(..))`).
    fn count(self, n: usize) -> usize {
        let k = match self {
            FeatureRule::Sqrt => (n as f64).sqrt().floor() as usize,
            FeatureRule::Log2 => (n as f64).log2().floor() as usize,
            FeatureRule::All => n,
            FeatureRule::Fraction(f) => (f * n as f64).floor() as usize,
        };
        k.clamp(1, n)
    }
}

/// Parameters that passed [`ForestParams::check`].
#[derive(Debug, Clone, PartialEq)]
pub struct ForestValidParams {
    params: ForestParams,
    rule: FeatureRule,
}

impl ForestValidParams {
    pub fn params(&self) -> &ForestParams {
        &self.params
    }
}

impl ForestParams {
    /// Validates every field; errors are `INVALID_PARAM` naming the parameter and the bad value.
    pub fn check(&self) -> Result<ForestValidParams> {
        int_in("n_estimators", self.n_estimators as u64, 1, MAX_ESTIMATORS)?;
        int_in("max_depth", self.max_depth as u64, 1, MAX_DEPTH_LIMIT)?;
        int_in("min_samples_leaf", self.min_samples_leaf as u64, 1, u32::MAX as u64)?;
        int_in("max_bin", self.max_bin as u64, 2, 255)?;
        let rule = match &self.max_features {
            MaxFeatures::Name(s) => match s.as_str() {
                "sqrt" => FeatureRule::Sqrt,
                "log2" => FeatureRule::Log2,
                "all" => FeatureRule::All,
                other => {
                    return Err(Error::invalid_param(
                        "max_features",
                        format!("must be \"sqrt\", \"log2\", \"all\" or a fraction in (0, 1], got {other:?}"),
                    ))
                }
            },
            MaxFeatures::Fraction(f) => {
                float_in_open_closed("max_features", *f, 0.0, 1.0)?;
                FeatureRule::Fraction(*f)
            }
        };
        Ok(ForestValidParams { params: self.clone(), rule })
    }
}

/// Out-of-bag quality estimate over rows left out of at least one tree's bootstrap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OobScore {
    /// ROC AUC of the OOB probabilities (`None` if the scored rows hold one class only).
    pub auc: Option<f64>,
    /// Accuracy of `p > 0.5`.
    pub accuracy: f64,
    /// Rows with at least one OOB tree.
    pub n_scored: u64,
}

/// A fitted random forest: class-1 probability = mean of tree leaf values.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ForestModel {
    n_features: usize,
    trees: Vec<Tree>,
    oob: Option<OobScore>,
    #[serde(skip)]
    stats: FitStats,
    #[serde(skip)]
    predictor: OnceLock<Predictor>,
}

impl ForestModel {
    /// Probability of class 1 for every row of `x`.
    pub fn predict(&self, x: ColMajor<'_>) -> Result<Vec<f32>> {
        let p = self.predictor.get_or_init(|| Predictor::new(&self.trees));
        check_features(&x, self.n_features, p.max_feature())?;
        let mut out = vec![0.0f64; x.n_rows()];
        p.add(&x, &mut out);
        let k = self.trees.len() as f64;
        Ok(out.into_iter().map(|s| (s / k) as f32).collect())
    }
    /// Per-feature totals of split gain (weighted impurity decrease) or split count.
    pub fn feature_importance(&self, kind: ImportanceKind) -> Vec<f64> {
        importance(&self.trees, self.n_features, kind)
    }
    /// OOB estimate (`None` without bootstrap).
    pub fn oob_score(&self) -> Option<&OobScore> {
        self.oob.as_ref()
    }
    pub fn trees(&self) -> &[Tree] {
        &self.trees
    }
    pub fn n_features(&self) -> usize {
        self.n_features
    }
    /// Fit diagnostics (histogram time is summed over concurrently grown trees; not serialized).
    pub fn stats(&self) -> FitStats {
        self.stats
    }
}

/// One grown tree with its in-bag row bitset.
struct Grown {
    tree: Tree,
    in_bag: Vec<u64>,
    stats: FitStats,
}

fn grow_tree(data: &BinnedMatrix, features: &[u32], y: &[f32], gp: GrowParams, bootstrap: bool, seed: u64, t: usize) -> Grown {
    let n = y.len();
    let mut rng = Rng::derive(seed, t as u64);
    let mut counts = vec![u32::from(!bootstrap); n];
    if bootstrap {
        for _ in 0..n {
            counts[rng.below(n)] += 1;
        }
    }
    // Squared error toward y from 0 with weight c: leaf = Σ c·y / Σ c (lambda = 0).
    let gh: Vec<[f32; 2]> = counts.iter().zip(y).map(|(&c, &t)| [-(c as f32) * t, c as f32]).collect();
    let mut in_bag = vec![0u64; n.div_ceil(64)];
    for (r, &c) in counts.iter().enumerate() {
        if c > 0 {
            in_bag[r / 64] |= 1 << (r % 64);
        }
    }
    let rows = counts.iter().enumerate().filter(|(_, &c)| c > 0).map(|(r, _)| r as u32);
    let mut grower = Grower::new(data, gp);
    let tree = grower.grow(&gh, rows, features, &mut rng);
    Grown { tree, in_bag, stats: grower.stats() }
}

fn oob_score(x: &ColMajor<'_>, labels: &BinaryLabels<'_>, grown: &[Grown]) -> Option<OobScore> {
    let n = x.n_rows();
    let flat: Vec<FlatTree> = grown.iter().map(|g| FlatTree::new(&g.tree)).collect();
    let mut acc = vec![(0.0f64, 0u32); n];
    par::for_each_chunk_mut(&mut acc, OOB_CHUNK, true, |blk, chunk| {
        for (k, a) in chunk.iter_mut().enumerate() {
            let r = blk * OOB_CHUNK + k;
            for (g, t) in grown.iter().zip(&flat) {
                if g.in_bag[r / 64] & (1 << (r % 64)) == 0 {
                    a.0 += t.predict_row(x, r) as f64;
                    a.1 += 1;
                }
            }
        }
    });
    let (mut ys, mut ps) = (Vec::new(), Vec::new());
    for (r, &(s, c)) in acc.iter().enumerate() {
        if c > 0 {
            ys.push(labels.as_slice()[r]);
            ps.push((s / c as f64) as f32);
        }
    }
    if ys.is_empty() {
        return None;
    }
    let correct = ys.iter().zip(&ps).filter(|(&y, &p)| (p > 0.5) == (y == 1.0)).count();
    let sub = BinaryLabels::new(&ys, ys.len()).ok()?;
    let auc = (sub.n_pos() > 0 && sub.n_neg() > 0).then(|| roc_auc(&sub, &ps));
    Some(OobScore { auc, accuracy: correct as f64 / ys.len() as f64, n_scored: ys.len() as u64 })
}

/// Fits a random forest; trees are grown in parallel under `parallel` with per-tree random streams
/// (`Rng::derive(seed, tree)`), so any thread count gives the same model. The observer is called once
/// per tree, in order, with `n_leaves` and `depth`; `Stop` keeps the trees up to that one.
pub fn fit_forest(
    x: ColMajor<'_>,
    y: &[f32],
    params: &ForestValidParams,
    observer: &mut dyn Observer,
) -> Result<ForestModel> {
    let watch = Stopwatch::start();
    let p = &params.params;
    let labels = BinaryLabels::with_both_classes(y, x.n_rows())?;
    let n_features = x.n_features();
    let k = params.rule.count(n_features);
    // Per-node sampling reads single features: plain columns keep those scans dense.
    let tile = if k < n_features { 1 } else { crate::binning::TILE };
    let data = BinnedMatrix::from_matrix_tiled(x, p.max_bin as usize, p.seed, tile)?;
    let gp = GrowParams {
        policy: GrowPolicy::Depthwise,
        max_depth: p.max_depth,
        max_leaves: 0,
        split: SplitParams { reg_lambda: 0.0, gamma: 0.0, min_child_weight: p.min_samples_leaf as f64 },
        leaf_scale: 1.0,
        node_features: (k < n_features).then_some(k),
    };
    let features: Vec<u32> = (0..n_features as u32).collect();
    let total = p.n_estimators as usize;
    let mut grown: Vec<Grown> = Vec::with_capacity(total);
    'outer: while grown.len() < total {
        let start = grown.len();
        let batch = par::map_indexed(TREE_BATCH.min(total - start), |i| {
            grow_tree(&data, &features, y, gp, p.bootstrap, p.seed, start + i)
        });
        for g in batch {
            let it = grown.len() as u32;
            let metrics = [("n_leaves", g.tree.n_leaves() as f64), ("depth", g.tree.depth() as f64)];
            grown.push(g);
            if observer.on_iter(it, &metrics) == Control::Stop {
                break 'outer;
            }
        }
    }
    let oob = if p.bootstrap { oob_score(&x, &labels, &grown) } else { None };
    let mut stats = FitStats::default();
    for g in &grown {
        stats += g.stats;
    }
    stats.fit_nanos = watch.nanos();
    Ok(ForestModel { n_features, trees: grown.into_iter().map(|g| g.tree).collect(), oob, stats, predictor: OnceLock::new() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mp_core::ErrorCode;

    #[test]
    fn params_validate_and_parse() {
        assert!(ForestParams::default().check().is_ok());
        let p: ForestParams = serde_json::from_str(r#"{"max_features": 0.5}"#).unwrap();
        assert_eq!(p.check().unwrap().rule, FeatureRule::Fraction(0.5));
        let p: ForestParams = serde_json::from_str(r#"{"max_features": "log2"}"#).unwrap();
        assert_eq!(p.check().unwrap().rule.count(30), 4);
        let bad = ForestParams { max_features: MaxFeatures::Name("half".into()), ..ForestParams::default() };
        let e = bad.check().unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidParam);
        assert!(e.message().contains("max_features") && e.message().contains("half"));
        let e = ForestParams { max_depth: 0, ..ForestParams::default() }.check().unwrap_err();
        assert!(e.message().contains("max_depth") && e.message().contains("got 0"));
        let e = ForestParams { max_features: MaxFeatures::Fraction(1.5), ..ForestParams::default() };
        assert!(e.check().unwrap_err().message().contains("1.5"));
        assert!(serde_json::from_str::<ForestParams>(r#"{"criterion": "gini"}"#).is_err());
        assert_eq!(FeatureRule::Sqrt.count(30), 5);
    }
}
