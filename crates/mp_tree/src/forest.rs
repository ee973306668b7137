//! Random forest on the shared grower: bootstrap counts as row weights, per-node feature sampling,
//! leaves holding the (weighted) class-1 fraction, probabilities averaged over trees, OOB score.
use crate::binning::{BinSpec, BinnedMatrix};
use crate::forest_params::ForestValidParams;
use crate::grower::{GrowParams, GrowPolicy, Grower};
use crate::importance::{importance, ImportanceKind};
use crate::limits::check_features;
use crate::par;
use crate::split::SplitParams;
use crate::stats::{FitStats, Stopwatch};
use crate::swap::ColumnSwaps;
use crate::tree::{FlatTree, Predictor, Tree};
use std::sync::OnceLock;
use mp_core::metrics::roc_auc;
use mp_core::{BinaryLabels, ColMajor, Control, Observer, Result, Rng};
use serde::{Deserialize, Serialize};

/// Trees grown concurrently between observer calls (results do not depend on it).
const TREE_BATCH: usize = 8;
/// Rows per chunk of the out-of-bag pass.
const OOB_CHUNK: usize = 4096;

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
    /// [`Self::predict`] of the first `m` trees each cut at depth `d`, for each `(m, d)` of `cuts`
    /// (`m` in `1..=trees`), in one pass over the trees per depth. Bit-identical to a forest fitted with
    /// `n_estimators = m`, `max_depth = d` (<= this model's) and otherwise the same parameters: tree `t`
    /// is grown from its own stream `Rng::derive(seed, t)` whatever the tree count, and level by level,
    /// every split at depth < d decided (and every node's features drawn) before any node deeper.
    pub fn predict_prefixes(&self, x: ColMajor<'_>, cuts: &[(usize, usize)]) -> Result<Vec<Vec<f32>>> {
        let p = self.predictor.get_or_init(|| Predictor::new(&self.trees));
        check_features(&x, self.n_features, p.max_feature())?;
        p.prefix_sums(&x, 0.0, cuts, |s, m| (s / m as f64) as f32)
    }
    /// [`Self::predict`] of `x` with one column at a time replaced (permutation importance), see
    /// [`ColumnSwaps`]: bit-identical to predicting the modified matrix.
    pub fn column_swaps<'a>(&'a self, x: ColMajor<'a>) -> Result<ColumnSwaps<'a>> {
        let p = self.predictor.get_or_init(|| Predictor::new(&self.trees));
        check_features(&x, self.n_features, p.max_feature())?;
        let k = self.trees.len() as f64;
        Ok(ColumnSwaps::new(p, x, 0.0, Box::new(move |s| (s / k) as f32)))
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
    // Tree by tree over a chunk of rows (each tree stays cached while it walks the chunk's out-of-bag
    // rows); every row still sums its trees in tree order.
    par::for_each_chunk_mut(&mut acc, OOB_CHUNK, true, |blk, chunk| {
        let start = blk * OOB_CHUNK;
        let mut oob = Vec::with_capacity(chunk.len());
        for (g, t) in grown.iter().zip(&flat) {
            oob.clear();
            oob.extend((start as u32..(start + chunk.len()) as u32).filter(|&r| g.in_bag[r as usize / 64] & (1 << (r % 64)) == 0));
            t.each_value(x, &oob, |k, v| {
                let a = &mut chunk[oob[k] as usize - start];
                a.0 += v as f64;
                a.1 += 1;
            });
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
    let labels = BinaryLabels::with_both_classes(y, x.n_rows())?;
    let data = BinnedMatrix::from_spec(x, forest_bin_spec(x.n_rows(), x.n_features(), params))?;
    grow_forest(&data, x, &labels, params, observer, watch)
}

/// How [`fit_forest`] bins `n_rows` x `n_features` training rows with `params`.
pub fn forest_bin_spec(n_rows: usize, n_features: usize, params: &ForestValidParams) -> BinSpec {
    let p = params.params();
    // Per-node sampling reads single features: plain columns keep those scans dense.
    let tile = if p.max_features.count(n_features) < n_features { 1 } else { crate::binning::TILE };
    BinSpec::new(n_rows, p.max_bin as usize, p.seed, tile)
}

/// [`fit_forest`] on `x` already binned as [`forest_bin_spec`] says; the same model as `fit_forest(x, ..)`.
/// A matrix binned otherwise, or from other rows, is `INTERNAL`.
pub fn fit_forest_binned(data: &BinnedMatrix, x: ColMajor<'_>, y: &[f32], params: &ForestValidParams, observer: &mut dyn Observer) -> Result<ForestModel> {
    let watch = Stopwatch::start();
    let labels = BinaryLabels::with_both_classes(y, x.n_rows())?;
    data.check_matches(&x, forest_bin_spec(x.n_rows(), x.n_features(), params))?;
    grow_forest(data, x, &labels, params, observer, watch)
}

fn grow_forest(
    data: &BinnedMatrix,
    x: ColMajor<'_>,
    labels: &BinaryLabels<'_>,
    params: &ForestValidParams,
    observer: &mut dyn Observer,
    watch: Stopwatch,
) -> Result<ForestModel> {
    let p = params.params();
    let y = labels.as_slice();
    let n_features = x.n_features();
    let k = p.max_features.count(n_features);
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
            grow_tree(data, &features, y, gp, p.bootstrap, p.seed, start + i)
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
    let oob = if p.bootstrap { oob_score(&x, labels, &grown) } else { None };
    let mut stats = FitStats::default();
    for g in &grown {
        stats += g.stats;
    }
    stats.fit_nanos = watch.nanos();
    Ok(ForestModel { n_features, trees: grown.into_iter().map(|g| g.tree).collect(), oob, stats, predictor: OnceLock::new() })
}
