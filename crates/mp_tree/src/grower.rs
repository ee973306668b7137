//! The tree grower shared by GBT and RF (xgboost's `UpdateTree` driver): sees only per-row
//! `[grad, hess]`, never labels.
//!
//! Expansion order comes from one priority queue: depth-wise growth pops nodes in creation order
//! (level by level), loss-guided growth pops the highest-gain leaf first. Without per-node feature
//! sampling each node keeps its histogram so that only the smaller child is built from rows and the
//! larger one is derived by subtraction; with per-node sampling (RF) each node builds its sampled
//! features directly.
use crate::binning::BinnedMatrix;
use crate::histogram::{GradStats, Histogram};
use crate::prefetch::prefetch;
use crate::par;
use crate::partition::RowPartition;
use crate::sampled_hist::SampledHistogram;
use crate::split::{best_split, SplitInfo, SplitParams};
use crate::stats::{FitStats, Stopwatch};
use crate::tree::{Node, Tree};
use mp_core::Rng;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Rows of ordered gradients gathered at a time (bounds that buffer to 512 KiB).
const ORDERED_CHUNK: usize = 1 << 16;

/// Rows per task of the ordered-gradient gather (nodes of two chunks or more gather in parallel).
const GATHER_CHUNK: usize = 1 << 12;

/// Distance (rows) of the prefetch hints of the ordered-gradient gather.
const GATHER_PREFETCH: usize = 32;

/// Order in which leaves are expanded (`grow_policy`: "depthwise" or "lossguide").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrowPolicy {
    /// Level by level, up to `max_depth`.
    Depthwise,
    /// Best-gain leaf first, up to `max_leaves` (and `max_depth` when non-zero).
    Lossguide,
}

impl mp_core::params::Choice for GrowPolicy {
    const PARAM: &'static str = "grow_policy";
    const CHOICES: &'static [(&'static str, Self)] = &[("depthwise", GrowPolicy::Depthwise), ("lossguide", GrowPolicy::Lossguide)];
}

/// Everything the grower needs besides the data.
#[derive(Debug, Clone, Copy)]
pub struct GrowParams {
    pub policy: GrowPolicy,
    /// Maximum depth (0 = unlimited).
    pub max_depth: u32,
    /// Maximum number of leaves (0 = unlimited).
    pub max_leaves: u32,
    pub split: SplitParams,
    /// Multiplier on leaf weights (the learning rate; 1 for RF).
    pub leaf_scale: f64,
    /// Features sampled per node (RF `max_features`); `None` = every tree feature at every node.
    pub node_features: Option<usize>,
}

/// A leaf waiting to be split, with its best split and (subtraction mode) its histogram.
struct Candidate {
    node: u32,
    depth: u32,
    priority: f64,
    split: SplitInfo,
    hist: Option<Histogram>,
}

impl PartialEq for Candidate {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Candidate {
    /// Max-heap: higher priority first, then the older (smaller) node id.
    fn cmp(&self, o: &Self) -> Ordering {
        self.priority.total_cmp(&o.priority).then_with(|| o.node.cmp(&self.node))
    }
}

/// Reusable grower state (partition, histogram pool, gradient scratch) for one training run.
pub struct Grower<'a> {
    data: &'a BinnedMatrix,
    params: GrowParams,
    partition: RowPartition,
    pool: Vec<Histogram>,
    ordered: Vec<[f32; 2]>,
    tree_mask: Vec<bool>,
    /// Per-node sampling: the tree's features, permuted in place by each draw and restored after it.
    perm: Vec<u32>,
    /// Per-node sampling: the swaps of the current draw, the node's drawn features (ascending) and
    /// their histogram.
    swaps: Vec<usize>,
    node_feats: Vec<u32>,
    node_hist: SampledHistogram,
    stats: FitStats,
}

impl<'a> Grower<'a> {
    pub fn new(data: &'a BinnedMatrix, params: GrowParams) -> Self {
        let f = data.n_features();
        Grower {
            data,
            params,
            partition: RowPartition::new(),
            pool: Vec::new(),
            ordered: Vec::new(),
            tree_mask: vec![false; f],
            perm: Vec::new(),
            swaps: Vec::new(),
            node_feats: Vec::new(),
            node_hist: SampledHistogram::default(),
            stats: FitStats::default(),
        }
    }

    /// Histogram work done so far.
    pub fn stats(&self) -> FitStats {
        self.stats
    }

    /// Rows (ascending) that ended in leaf `node` of the last grown tree.
    pub fn leaf_rows(&self, node: usize) -> &[u32] {
        self.partition.rows(node)
    }

    /// Grows one tree on `rows` (ascending, distinct) with per-row `gh = [grad, hess]`, using only
    /// `tree_features` (ascending). `rng` drives per-node feature sampling.
    pub fn grow(&mut self, gh: &[[f32; 2]], rows: impl IntoIterator<Item = u32>, tree_features: &[u32], rng: &mut Rng) -> Tree {
        self.partition.reset(rows);
        self.tree_mask.fill(false);
        for &f in tree_features {
            self.tree_mask[f as usize] = true;
        }
        if self.params.node_features.is_some() {
            self.perm.clear();
            self.perm.extend_from_slice(tree_features);
        }
        let root_sum = GradStats::sum_rows(gh, self.partition.rows(0));
        let mut nodes = vec![self.leaf_node(root_sum)];
        let mut heap = BinaryHeap::new();
        let n_root = self.partition.n_root_rows();
        if self.splittable(0, root_sum, n_root) {
            let hist = if self.params.node_features.is_none() {
                let mut h = self.acquire();
                let mask = std::mem::take(&mut self.tree_mask);
                self.build(&mut h, 0, gh, Some(&mask));
                self.tree_mask = mask;
                Some(h)
            } else {
                None
            };
            self.evaluate(0, 0, root_sum, hist, gh, tree_features, rng, &mut heap);
        }
        let mut n_leaves = 1u32;
        while let Some(c) = heap.pop() {
            if self.params.max_leaves > 0 && n_leaves >= self.params.max_leaves {
                if let Some(h) = c.hist {
                    self.pool.push(h);
                }
                continue;
            }
            self.expand(c, &mut nodes, gh, tree_features, rng, &mut heap);
            n_leaves += 1;
        }
        Tree { nodes }
    }

    fn leaf_node(&self, s: GradStats) -> Node {
        let v = self.params.split.leaf_weight(s) * self.params.leaf_scale;
        Node::leaf(v as f32, s.h)
    }

    fn splittable(&self, depth: u32, s: GradStats, n_rows: usize) -> bool {
        (self.params.max_depth == 0 || depth < self.params.max_depth) && self.params.split.can_split(s, n_rows)
    }

    fn acquire(&mut self) -> Histogram {
        self.pool.pop().unwrap_or_else(|| Histogram::new(self.data.n_features()))
    }

    /// Builds `node`'s histogram for `mask` (`None`: every feature `hist` holds) from its rows.
    fn build(&mut self, hist: &mut Histogram, node: usize, gh: &[[f32; 2]], mask: Option<&[bool]>) {
        let watch = Stopwatch::start();
        let rows = self.partition.rows(node);
        if rows.len() == self.data.n_rows() {
            hist.build(self.data, None, gh, mask);
        } else {
            if rows.is_empty() {
                hist.clear(mask);
            }
            // The first piece builds (zeroing each feature inside its build task), the rest add to it.
            gather_pieces(rows, gh, &mut self.ordered, |k, piece, ordered| {
                if k == 0 {
                    hist.build(self.data, Some(piece), ordered, mask);
                } else {
                    hist.accumulate(self.data, Some(piece), ordered, mask);
                }
            });
        }
        let n_active = mask.map_or(hist.n_held(), |m| m.iter().filter(|&&a| a).count()) as u64;
        self.count_build(rows.len() as u64 * n_active, watch);
    }

    /// Builds `node`'s histogram of the drawn features (`node_hist`, holding `node_feats`) from its rows.
    fn build_sampled(&mut self, node: usize, gh: &[[f32; 2]]) {
        let watch = Stopwatch::start();
        let rows = self.partition.rows(node);
        let hist = &mut self.node_hist;
        hist.hold(&self.node_feats);
        gather_pieces(rows, gh, &mut self.ordered, |_, piece, ordered| hist.accumulate(self.data, piece, ordered));
        let updates = rows.len() as u64 * hist.n_held() as u64;
        self.count_build(updates, watch);
    }

    fn count_build(&mut self, updates: u64, watch: Stopwatch) {
        self.stats.hist_updates += updates;
        self.stats.hist_builds += 1;
        self.stats.hist_nanos += watch.nanos();
    }

    /// Finds the best split of a splittable node and queues it, or returns its histogram to the pool.
    #[allow(clippy::too_many_arguments)]
    fn evaluate(
        &mut self,
        node: u32,
        depth: u32,
        sum: GradStats,
        hist: Option<Histogram>,
        gh: &[[f32; 2]],
        tree_features: &[u32],
        rng: &mut Rng,
        heap: &mut BinaryHeap<Candidate>,
    ) {
        let (hist, split) = match hist {
            Some(h) => {
                let s = best_split(&h, self.data, tree_features, sum, &self.params.split);
                match s {
                    Some(s) if self.params.max_depth > 0 && depth + 1 >= self.params.max_depth => {
                        // The children can never be split, so no sibling will be derived from
                        // this histogram: give it back now instead of holding it in the queue.
                        self.pool.push(h);
                        let priority = self.priority(&s);
                        heap.push(Candidate { node, depth, priority, split: s, hist: None });
                        return;
                    }
                    s => (h, s),
                }
            }
            None => {
                let k = self.params.node_features.unwrap_or(tree_features.len());
                self.sample_node_features(k, rng);
                // A histogram of just the drawn features: memory follows k, not the matrix width.
                self.build_sampled(node as usize, gh);
                if let Some(s) = self.node_hist.best_split(self.data, sum, &self.params.split) {
                    let priority = self.priority(&s);
                    heap.push(Candidate { node, depth, priority, split: s, hist: None });
                }
                return;
            }
        };
        match split {
            Some(s) => {
                let priority = self.priority(&s);
                heap.push(Candidate { node, depth, priority, split: s, hist: Some(hist) });
            }
            None => self.pool.push(hist),
        }
    }

    fn priority(&self, s: &SplitInfo) -> f64 {
        match self.params.policy {
            GrowPolicy::Depthwise => 0.0,
            GrowPolicy::Lossguide => s.gain,
        }
    }

    /// Draws `k` of the tree's features without replacement into `node_feats` (ascending): a partial
    /// Fisher-Yates shuffle of `perm` (the tree's features in order), undone afterwards, so each draw
    /// costs O(k) and sees the same sequence as a shuffle of a fresh copy.
    fn sample_node_features(&mut self, k: usize, rng: &mut Rng) {
        let n = self.perm.len();
        let k = k.clamp(1, n);
        self.node_feats.clear();
        self.swaps.clear();
        for i in 0..k {
            let j = i + rng.below(n - i);
            self.perm.swap(i, j);
            self.swaps.push(j);
        }
        self.node_feats.extend_from_slice(&self.perm[..k]);
        for (i, &j) in self.swaps.iter().enumerate().rev() {
            self.perm.swap(i, j);
        }
        self.node_feats.sort_unstable();
    }

    /// Applies a candidate's split: new children, row partition, child histograms and their splits.
    fn expand(
        &mut self,
        c: Candidate,
        nodes: &mut Vec<Node>,
        gh: &[[f32; 2]],
        tree_features: &[u32],
        rng: &mut Rng,
        heap: &mut BinaryHeap<Candidate>,
    ) {
        let s = c.split;
        let (l, r) = (nodes.len(), nodes.len() + 1);
        {
            let n = &mut nodes[c.node as usize];
            n.feature = s.feature;
            n.threshold = self.data.threshold(s.feature as usize, s.bin);
            n.default_left = s.default_left;
            n.left = l as u32;
            n.right = r as u32;
            n.gain = s.gain;
        }
        nodes.push(self.leaf_node(s.left));
        nodes.push(self.leaf_node(s.right));
        let col = self.data.feature(s.feature as usize);
        let (nl, nr) = self.partition.split_on(c.node as usize, l, r, col, |bin| s.goes_left(bin));
        let depth = c.depth + 1;
        let ok_l = self.splittable(depth, s.left, nl);
        let ok_r = self.splittable(depth, s.right, nr);
        let Some(mut parent) = c.hist else {
            // Per-node sampling: every child builds its own sampled features directly (without
            // per-node sampling a missing histogram means neither child is splittable).
            if ok_l {
                self.evaluate(l as u32, depth, s.left, None, gh, tree_features, rng, heap);
            }
            if ok_r {
                self.evaluate(r as u32, depth, s.right, None, gh, tree_features, rng, heap);
            }
            return;
        };
        if !ok_l && !ok_r {
            self.pool.push(parent);
            return;
        }
        let ((small, s_sum, s_ok), (large, l_sum, l_ok)) =
            if nl <= nr { ((l, s.left, ok_l), (r, s.right, ok_r)) } else { ((r, s.right, ok_r), (l, s.left, ok_l)) };
        let mask = std::mem::take(&mut self.tree_mask);
        let mut small_hist = self.acquire();
        self.build(&mut small_hist, small, gh, Some(&mask));
        if l_ok {
            parent.subtract(&small_hist, Some(&mask));
            self.stats.hist_subtractions += 1;
        }
        self.tree_mask = mask;
        // Evaluate in node order so queue insertion (and thus tie-breaking) is independent of sizes.
        let mut children = [(small, s_sum, s_ok, Some(small_hist)), (large, l_sum, l_ok, Some(parent))];
        children.sort_by_key(|c| c.0);
        for (node, sum, ok, hist) in children {
            let hist = hist.expect("child histogram");
            if ok {
                self.evaluate(node as u32, depth, sum, Some(hist), gh, tree_features, rng, heap);
            } else {
                self.pool.push(hist);
            }
        }
    }
}

/// Calls `f(k, piece, ordered)` for consecutive pieces of `rows` (piece `k`, at most `ORDERED_CHUNK`
/// rows), with `ordered` the piece's `[grad, hess]` pairs laid out in row order (ordered gradients,
/// gathered into `buf`, on several threads from `2 * GATHER_CHUNK` rows): accumulating the pieces in
/// turn gives the same sums as one pass.
fn gather_pieces(rows: &[u32], gh: &[[f32; 2]], buf: &mut Vec<[f32; 2]>, mut f: impl FnMut(usize, &[u32], &[[f32; 2]])) {
    for (k, piece) in rows.chunks(ORDERED_CHUNK).enumerate() {
        buf.resize(piece.len(), [0.0; 2]);
        let parallel = piece.len() >= 2 * GATHER_CHUNK;
        par::for_each_chunk_mut(buf, GATHER_CHUNK, parallel, |i, out| {
            let rows = &piece[i * GATHER_CHUNK..];
            for (k, (o, &r)) in out.iter_mut().zip(rows).enumerate() {
                if let Some(&a) = rows.get(k + GATHER_PREFETCH) {
                    prefetch(&gh[a as usize..]);
                }
                *o = gh[r as usize];
            }
        });
        f(k, piece, buf);
    }
}
