//! Flat binary tree over raw feature values; prediction never needs the binner.
use crate::par;
use mp_core::{ColMajor, Error};
use serde::{Deserialize, Serialize};

/// Child index marking a leaf.
pub const LEAF: u32 = u32::MAX;
/// Rows per prediction block (trees are walked block by block for cache reuse).
const PREDICT_BLOCK: usize = 4096;

/// One node. Internal nodes send `x[feature] <= threshold` left and NaN to `default_left`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub feature: u32,
    pub threshold: f32,
    pub default_left: bool,
    /// Left child index, or [`LEAF`].
    pub left: u32,
    /// Right child index, or [`LEAF`].
    pub right: u32,
    /// Leaf output (already scaled by the learning rate for GBT); also kept on internal nodes.
    pub value: f32,
    /// Loss reduction of the split (0 on leaves).
    pub gain: f64,
    /// Hessian sum of the training rows reaching the node.
    pub cover: f64,
}

impl Node {
    pub fn leaf(value: f32, cover: f64) -> Self {
        Node { feature: 0, threshold: 0.0, default_left: true, left: LEAF, right: LEAF, value, gain: 0.0, cover }
    }
    pub fn is_leaf(&self) -> bool {
        self.left == LEAF
    }
    /// The child a raw value goes to.
    #[inline]
    pub fn next(&self, v: f32) -> u32 {
        // Branch-free: `v <= t` is false for NaN; the select compiles to a conditional move.
        let left = (v <= self.threshold) | (v.is_nan() & self.default_left);
        [self.right, self.left][left as usize]
    }
}

/// A regression tree stored as a flat node array (node 0 is the root; children always come after
/// their parent, which deserialization checks so that corrupt bytes cannot cause loops or panics).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawTree")]
pub struct Tree {
    pub nodes: Vec<Node>,
}

/// Unchecked serialized form of a [`Tree`].
#[derive(Deserialize)]
struct RawTree {
    nodes: Vec<Node>,
}

impl TryFrom<RawTree> for Tree {
    type Error = String;
    fn try_from(raw: RawTree) -> Result<Self, String> {
        if raw.nodes.is_empty() {
            return Err("tree has no nodes".into());
        }
        let n = raw.nodes.len() as u64;
        for (i, node) in raw.nodes.iter().enumerate() {
            let leaf = node.left == LEAF && node.right == LEAF;
            let ok = |c: u32| (c as u64) > i as u64 && (c as u64) < n;
            let valid = leaf || (ok(node.left) && ok(node.right));
            if !valid {
                return Err(format!("node {i} has invalid children {} / {}", node.left, node.right));
            }
        }
        Ok(Tree { nodes: raw.nodes })
    }
}

impl Tree {
    /// Index of the leaf reached by row `row` of `x`.
    #[inline]
    pub fn leaf_index(&self, x: &ColMajor<'_>, row: usize) -> usize {
        let mut i = 0usize;
        loop {
            let n = &self.nodes[i];
            if n.is_leaf() {
                return i;
            }
            i = n.next(x.get(row, n.feature as usize)) as usize;
        }
    }

    /// Output of the tree for row `row` of `x`.
    #[inline]
    pub fn predict_row(&self, x: &ColMajor<'_>, row: usize) -> f32 {
        self.nodes[self.leaf_index(x, row)].value
    }

    /// Outputs for every row of `x`.
    pub fn predict(&self, x: &ColMajor<'_>) -> Vec<f32> {
        (0..x.n_rows()).map(|r| self.predict_row(x, r)).collect()
    }

    pub fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| n.is_leaf()).count()
    }

    /// Number of edges on the longest root-to-leaf path (children follow parents, so one pass).
    pub fn depth(&self) -> usize {
        let mut d = vec![0usize; self.nodes.len()];
        for (i, n) in self.nodes.iter().enumerate().filter(|(_, n)| !n.is_leaf()) {
            d[n.left as usize] = d[i] + 1;
            d[n.right as usize] = d[i] + 1;
        }
        d.into_iter().max().unwrap_or(0)
    }

    /// Largest feature index used by a split (`None` for a single leaf).
    pub fn max_feature(&self) -> Option<u32> {
        self.nodes.iter().filter(|n| !n.is_leaf()).map(|n| n.feature).max()
    }

    /// Adds this tree's split gains (or split counts) into `out[feature]`.
    pub(crate) fn accumulate_importance(&self, out: &mut [f64], by_gain: bool) {
        for n in self.nodes.iter().filter(|n| !n.is_leaf()) {
            out[n.feature as usize] += if by_gain { n.gain } else { 1.0 };
        }
    }
}

/// Prediction layout of a [`Tree`]: leaves loop to themselves, so every row takes exactly `depth`
/// branch-free steps and several rows can be walked in lockstep (memory-level parallelism).
#[derive(Debug, Clone)]
pub(crate) struct FlatTree {
    nodes: Vec<FlatNode>,
    values: Vec<f32>,
    depth: usize,
}

#[derive(Debug, Clone, Copy)]
struct FlatNode {
    threshold: f32,
    feature: u32,
    left: u32,
    right: u32,
    default_left: bool,
}

/// Rows walked together through one tree.
const LOCKSTEP: usize = 8;

impl FlatTree {
    pub(crate) fn new(t: &Tree) -> Self {
        let nodes = t
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                if n.is_leaf() {
                    FlatNode { threshold: 0.0, feature: 0, left: i as u32, right: i as u32, default_left: true }
                } else {
                    FlatNode { threshold: n.threshold, feature: n.feature, left: n.left, right: n.right, default_left: n.default_left }
                }
            })
            .collect();
        FlatTree { nodes, values: t.nodes.iter().map(|n| n.value).collect(), depth: t.depth() }
    }

    #[inline(always)]
    fn step(&self, i: u32, x: &ColMajor<'_>, row: usize) -> u32 {
        let n = &self.nodes[i as usize];
        let v = x.get(row, n.feature as usize);
        let left = (v <= n.threshold) | (v.is_nan() & n.default_left);
        if left {
            n.left
        } else {
            n.right
        }
    }

    /// Calls `f(k, value)` with the output of row `rows[k]` of `x`, for every `k` in order, walking
    /// `LOCKSTEP` rows through the tree together (the tree stays cached over all of them).
    pub(crate) fn each_value(&self, x: &ColMajor<'_>, rows: &[u32], mut f: impl FnMut(usize, f32)) {
        for (c, chunk) in rows.chunks(LOCKSTEP).enumerate() {
            let mut idx = [0u32; LOCKSTEP];
            for _ in 0..self.depth {
                for (i, &r) in idx.iter_mut().zip(chunk) {
                    *i = self.step(*i, x, r as usize);
                }
            }
            for (k, &i) in idx.iter().enumerate().take(chunk.len()) {
                f(c * LOCKSTEP + k, self.values[i as usize]);
            }
        }
    }

    /// One step from node `i` for `row` (the row's values, feature by feature) with its value of `feature`
    /// replaced by `v`.
    #[inline(always)]
    pub(crate) fn step_with(&self, i: u32, row: &[f32], feature: u32, v: f32) -> u32 {
        let n = &self.nodes[i as usize];
        let v = if n.feature == feature { v } else { row[n.feature as usize] };
        let left = (v <= n.threshold) | (v.is_nan() & n.default_left);
        if left {
            n.left
        } else {
            n.right
        }
    }

    /// One step from node `i` for `row` (the row's values, feature by feature).
    #[inline(always)]
    pub(crate) fn step_row(&self, i: u32, row: &[f32]) -> u32 {
        let n = &self.nodes[i as usize];
        let v = row[n.feature as usize];
        let left = (v <= n.threshold) | (v.is_nan() & n.default_left);
        if left {
            n.left
        } else {
            n.right
        }
    }

    /// Steps every row takes to its leaf (the longest root-to-leaf path).
    pub(crate) fn depth(&self) -> usize {
        self.depth
    }

    /// Output of leaf (or node) `i`.
    #[inline]
    pub(crate) fn value(&self, i: u32) -> f32 {
        self.values[i as usize]
    }

    pub(crate) fn n_nodes(&self) -> usize {
        self.nodes.len()
    }

    /// `(feature, left, right)` of internal node `i`, `None` for a leaf.
    pub(crate) fn split(&self, i: usize) -> Option<(u32, u32, u32)> {
        let n = &self.nodes[i];
        (n.left != i as u32).then_some((n.feature, n.left, n.right))
    }

    /// `out[k] += tree(x_{start + k})`, `LOCKSTEP` rows at a time, the tree cut at depth `max_depth`
    /// (a row stops at the node it reaches after `max_depth` splits and takes its value).
    fn add_block(&self, x: &ColMajor<'_>, start: usize, out: &mut [f64], max_depth: usize) {
        for (c, chunk) in out.chunks_mut(LOCKSTEP).enumerate() {
            let row0 = start + c * LOCKSTEP;
            let mut idx = [0u32; LOCKSTEP];
            for _ in 0..self.depth.min(max_depth) {
                for (k, i) in idx.iter_mut().enumerate().take(chunk.len()) {
                    *i = self.step(*i, x, row0 + k);
                }
            }
            for (o, &i) in chunk.iter_mut().zip(&idx) {
                *o += self.values[i as usize] as f64;
            }
        }
    }
}

/// A model's trees in prediction layout, built once (models cache it; it is never serialized), with the
/// largest split feature so a deserialized model is checked against its inputs once, not per call.
#[derive(Debug, Clone, Default)]
pub(crate) struct Predictor {
    flat: Vec<FlatTree>,
    max_feature: Option<u32>,
}

impl Predictor {
    pub(crate) fn new(trees: &[Tree]) -> Self {
        Predictor { flat: trees.iter().map(FlatTree::new).collect(), max_feature: trees.iter().filter_map(Tree::max_feature).max() }
    }

    pub(crate) fn max_feature(&self) -> Option<u32> {
        self.max_feature
    }

    pub(crate) fn trees(&self) -> &[FlatTree] {
        &self.flat
    }

    /// `out[i] += Σ_t trees[t](x_i)` (summed in tree order in f64), blocks of rows in parallel.
    pub(crate) fn add(&self, x: &ColMajor<'_>, out: &mut [f64]) {
        self.add_range(x, out, 0..self.flat.len(), usize::MAX);
    }

    /// [`Self::add`] for the trees of `range` only, each cut at `max_depth`: adding `0..a` then `a..b`
    /// gives the same bits as `0..b`.
    fn add_range(&self, x: &ColMajor<'_>, out: &mut [f64], range: std::ops::Range<usize>, max_depth: usize) {
        par::for_each_chunk_mut(out, PREDICT_BLOCK, true, |blk, chunk| {
            for t in &self.flat[range.clone()] {
                t.add_block(x, blk * PREDICT_BLOCK, chunk, max_depth);
            }
        });
    }

    /// For each `(m, d)` of `cuts` (any order; `m` in `1..=trees`): `finish(init_i + Σ_{t<m} trees[t](x_i), m)`
    /// per row with every tree cut at depth `d` (`usize::MAX`: whole trees), the sums built once per
    /// depth in tree order (so each equals [`Self::add`] over the first `m` trees).
    pub(crate) fn prefix_sums(&self, x: &ColMajor<'_>, init: f64, cuts: &[(usize, usize)], finish: impl Fn(f64, usize) -> f32) -> mp_core::Result<Vec<Vec<f32>>> {
        if let Some(&(m, _)) = cuts.iter().find(|&&(m, _)| m == 0 || m > self.flat.len()) {
            return Err(Error::invalid_param("n_estimators", format!("prefix of {m} trees asked of a model with {}", self.flat.len())));
        }
        let mut order: Vec<usize> = (0..cuts.len()).collect();
        order.sort_by_key(|&i| (cuts[i].1, cuts[i].0));
        let mut res = vec![Vec::new(); cuts.len()];
        let (mut out, mut at) = (Vec::new(), None);
        for i in order {
            let (m, d) = cuts[i];
            let done = match at {
                Some((dd, done)) if dd == d => done,
                _ => {
                    out = vec![init; x.n_rows()];
                    0
                }
            };
            self.add_range(x, &mut out, done..m, d);
            at = Some((d, m));
            res[i] = out.iter().map(|&s| finish(s, m)).collect();
        }
        Ok(res)
    }
}

/// `out[i] += Σ_t trees[t](x_i)` for trees without a cached [`Predictor`] (e.g. the tree just grown).
pub(crate) fn add_predictions(trees: &[Tree], x: &ColMajor<'_>, out: &mut [f64]) {
    Predictor::new(trees).add(x, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_trees_are_rejected() {
        let cyclic = r#"{"nodes":[{"feature":0,"threshold":0.5,"default_left":true,"left":0,"right":1,"value":0.0,"gain":0.0,"cover":1.0},
            {"feature":0,"threshold":0.0,"default_left":true,"left":4294967295,"right":4294967295,"value":1.0,"gain":0.0,"cover":1.0}]}"#;
        assert!(serde_json::from_str::<Tree>(cyclic).unwrap_err().to_string().contains("invalid children"));
        assert!(serde_json::from_str::<Tree>(r#"{"nodes":[]}"#).is_err());
    }

    #[test]
    fn routes_values_and_missing() {
        let mut root = Node::leaf(0.0, 2.0);
        root.left = 1;
        root.right = 2;
        root.threshold = 0.5;
        root.default_left = false;
        let t = Tree { nodes: vec![root, Node::leaf(-1.0, 1.0), Node::leaf(1.0, 1.0)] };
        let data = [0.2f32, 0.5, 0.7, f32::NAN];
        let x = ColMajor::new(&data, 4).unwrap();
        assert_eq!(t.predict(&x), vec![-1.0, -1.0, 1.0, 1.0]);
        let mut out = vec![0.5f64; 4];
        add_predictions(&[t.clone(), t.clone()], &x, &mut out);
        assert_eq!(out, vec![-1.5, -1.5, 2.5, 2.5]);
        let flat = FlatTree::new(&t);
        let mut walked = Vec::new();
        flat.each_value(&x, &[3, 0, 2, 1], |k, v| walked.push((k, v)));
        assert_eq!(walked, vec![(0, 1.0), (1, -1.0), (2, 1.0), (3, -1.0)]);
        assert_eq!((t.n_leaves(), t.depth()), (2, 1));
    }
}
