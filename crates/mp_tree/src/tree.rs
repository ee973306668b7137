//! Flat binary tree over raw feature values; prediction never needs the binner.
use crate::par;
use mp_core::ColMajor;
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
        let left = if v.is_nan() { self.default_left } else { v <= self.threshold };
        if left {
            self.left
        } else {
            self.right
        }
    }
}

/// A regression tree stored as a flat node array (node 0 is the root).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    pub nodes: Vec<Node>,
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

    /// Number of edges on the longest root-to-leaf path.
    pub fn depth(&self) -> usize {
        fn go(t: &Tree, i: usize) -> usize {
            let n = &t.nodes[i];
            if n.is_leaf() {
                0
            } else {
                1 + go(t, n.left as usize).max(go(t, n.right as usize))
            }
        }
        go(self, 0)
    }

    /// Adds this tree's split gains (or split counts) into `out[feature]`.
    pub(crate) fn accumulate_importance(&self, out: &mut [f64], by_gain: bool) {
        for n in self.nodes.iter().filter(|n| !n.is_leaf()) {
            out[n.feature as usize] += if by_gain { n.gain } else { 1.0 };
        }
    }
}

/// `out[i] += Σ_t trees[t](x_i)` (summed in tree order in f64), blocks of rows in parallel.
pub(crate) fn add_predictions(trees: &[Tree], x: &ColMajor<'_>, out: &mut [f64]) {
    par::for_each_chunk_mut(out, PREDICT_BLOCK, true, |blk, chunk| {
        let start = blk * PREDICT_BLOCK;
        for t in trees {
            for (k, o) in chunk.iter_mut().enumerate() {
                *o += t.predict_row(x, start + k) as f64;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!((t.n_leaves(), t.depth()), (2, 1));
    }
}
