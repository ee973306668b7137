//! Predictions with one input column replaced (permutation importance), bit-identical to predicting
//! the modified matrix at a fraction of the cost.
//!
//! The leaf that each (row, tree) pair reaches on the original rows is computed once. Replacing the
//! column of feature `j` can only move the pairs whose root-to-leaf path reads `j`; only those are
//! walked again (with the new values of `j`), every other pair keeps its leaf. Each row's output is
//! then `init + Σ_t value_t` summed in tree order in f64 and finished as the model's `predict`
//! finishes it: the same leaves, the same order, so the same bits as predicting the modified matrix.
//!
//! The leaf table holds `rows x trees` `u32`; above [`LEAF_CACHE_LIMIT`] pairs it is not kept and
//! every pair is walked again (the same results, the cost of a full prediction).
use crate::par;
use crate::tree::{FlatTree, Predictor};
use mp_core::{ColMajor, Error, Result};

/// Most (row, tree) pairs whose leaves are kept (128 MiB of `u32`).
pub const LEAF_CACHE_LIMIT: usize = 1 << 25;
/// Rows per block of a swapped prediction (the block's sums stay cached while every tree is applied).
const SWAP_BLOCK: usize = 2048;

/// A tree ensemble's predictions of one matrix, ready to be recomputed with any one column replaced.
/// Made by `ForestModel::column_swaps` / `GbtModel::column_swaps`.
pub struct ColumnSwaps<'a> {
    predictor: &'a Predictor,
    x: ColMajor<'a>,
    /// Every row's sum starts here (GBT: the base score; forest: 0).
    init: f64,
    /// The model's sum → output (forest: mean over trees; GBT: the objective's transform).
    finish: Box<dyn Fn(f64) -> f32 + Send + Sync + 'a>,
    /// `x` row by row (`rows[i * n_features + j]`): a walk reads one row's few cache lines.
    rows: Vec<f32>,
    /// `leaves[t][i]`: the leaf of row `i` in tree `t` on the original rows (empty: not kept).
    leaves: Vec<Vec<u32>>,
}

impl<'a> ColumnSwaps<'a> {
    /// `x` must already be checked against the model (feature count, split features).
    pub(crate) fn new(predictor: &'a Predictor, x: ColMajor<'a>, init: f64, finish: Box<dyn Fn(f64) -> f32 + Send + Sync + 'a>) -> Self {
        let trees = predictor.trees();
        let keep = x.n_rows().saturating_mul(trees.len()) <= LEAF_CACHE_LIMIT;
        let f = x.n_features();
        let mut rows = vec![0f32; x.n_rows() * f];
        for j in 0..f {
            for (i, &v) in x.col(j).iter().enumerate() {
                rows[i * f + j] = v;
            }
        }
        let leaves = if keep { par::map_indexed(trees.len(), |t| trees[t].leaves(&rows, f, x.n_rows())) } else { Vec::new() };
        ColumnSwaps { predictor, x, init, finish, rows, leaves }
    }

    /// Whether the original leaves are kept (only the pairs reading a replaced feature are walked again).
    pub fn caches_leaves(&self) -> bool {
        !self.leaves.is_empty() || self.predictor.trees().is_empty()
    }

    /// For each of `columns` (each `n_rows` values): the model's predictions of the matrix with the
    /// column of `feature` replaced by it. Row blocks run in parallel under `parallel`; the results do not
    /// depend on it.
    pub fn predict(&self, feature: usize, columns: &[&[f32]]) -> Result<Vec<Vec<f32>>> {
        let n = self.x.n_rows();
        if feature >= self.x.n_features() {
            return Err(Error::invalid_param("feature", format!("must be in [0, {}), got {feature}", self.x.n_features())));
        }
        if let Some(c) = columns.iter().find(|c| c.len() != n) {
            return Err(Error::shape(format!("a replacement column has {} values for {n} rows", c.len())));
        }
        if n == 0 {
            return Ok(vec![Vec::new(); columns.len()]);
        }
        let trees = self.predictor.trees();
        // Per tree and node: where a walk with `feature` replaced must restart (see `FlatTree::entries`).
        // `None`: the tree never splits on `feature`, every row keeps its leaf.
        let entries: Vec<Option<Vec<Entry>>> = trees.iter().map(|t| t.entries(feature as u32)).collect();
        // One task per (replacement, block of rows): the block's sums, every tree applied in order.
        let blocks = n.div_ceil(SWAP_BLOCK);
        let done = par::map_indexed(columns.len() * blocks, |k| {
            let (col, start) = (columns[k / blocks], (k % blocks) * SWAP_BLOCK);
            let len = SWAP_BLOCK.min(n - start);
            let mut out = vec![self.init; len];
            let mut leaf = vec![0u32; len];
            let mut todo: Vec<(u32, Entry)> = Vec::with_capacity(len);
            for (t, (tree, entries)) in trees.iter().zip(&entries).enumerate() {
                // The pairs that may move (every pair without a leaf table), then their new leaves.
                todo.clear();
                match (self.leaves.get(t), entries) {
                    (Some(l), None) => {
                        for (o, &i) in out.iter_mut().zip(&l[start..start + len]) {
                            *o += tree.value(i) as f64;
                        }
                        continue;
                    }
                    (Some(l), Some(entries)) => {
                        let l = &l[start..start + len];
                        leaf.copy_from_slice(l);
                        // Branch-free: every pair is written, only the ones that may move are kept.
                        todo.resize(len, (0, Entry { node: 0, steps: 0 }));
                        let mut m = 0;
                        for (k, &i) in l.iter().enumerate() {
                            let e = entries[i as usize];
                            todo[m] = (k as u32, e);
                            m += (e.steps > 0) as usize;
                        }
                        todo.truncate(m);
                    }
                    (None, _) => todo.extend((0..len as u32).map(|k| (k, Entry { node: 0, steps: tree.depth() as u32 }))),
                }
                tree.walk_swapped(&self.rows[start * self.x.n_features()..], self.x.n_features(), feature as u32, &col[start..start + len], &todo, &mut leaf);
                for (o, &i) in out.iter_mut().zip(&leaf) {
                    *o += tree.value(i) as f64;
                }
            }
            out.into_iter().map(|s| (self.finish)(s)).collect::<Vec<f32>>()
        });
        Ok(done.chunks(blocks).map(|b| b.concat()).collect())
    }
}

/// Where a walk with one feature replaced restarts for the rows of a leaf: the first node on the leaf's
/// path that splits on the feature (above it, every step reads other features and is unchanged), and
/// the steps left from there to the leaf level (0: the path never reads the feature).
#[derive(Debug, Clone, Copy)]
struct Entry {
    node: u32,
    steps: u32,
}

/// Rows walked together through one tree (memory-level parallelism).
const LOCKSTEP: usize = 8;

impl FlatTree {
    /// The leaf of each of the `n` rows of row-major `rows` (`f` values per row), `LOCKSTEP` rows at a time.
    fn leaves(&self, rows: &[f32], f: usize, n: usize) -> Vec<u32> {
        let mut out = vec![0u32; n];
        for (c, leaf) in out.chunks_mut(LOCKSTEP).enumerate() {
            for _ in 0..self.depth() {
                for (k, i) in leaf.iter_mut().enumerate() {
                    let row = (c * LOCKSTEP + k) * f;
                    *i = self.step_row(*i, &rows[row..row + f]);
                }
            }
        }
        out
    }

    /// [`Entry`] of every node for `feature` (meaningful on leaves; children come after their parents);
    /// `None` when no node splits on `feature`.
    fn entries(&self, feature: u32) -> Option<Vec<Entry>> {
        (0..self.n_nodes()).find_map(|i| self.split(i).filter(|s| s.0 == feature))?;
        let none = Entry { node: 0, steps: 0 };
        let mut e = vec![none; self.n_nodes()];
        let mut depth = vec![0u32; self.n_nodes()];
        for i in 0..self.n_nodes() {
            if let Some((f, l, r)) = self.split(i) {
                let here = if e[i].steps == 0 && f == feature { Entry { node: i as u32, steps: self.depth() as u32 - depth[i] } } else { e[i] };
                for c in [l as usize, r as usize] {
                    e[c] = here;
                    depth[c] = depth[i] + 1;
                }
            }
        }
        Some(e)
    }

    /// `leaf[k] :=` the leaf of row `k` of row-major `rows` (`f` values per row) with `feature` read from
    /// `col[k]`, for each `(k, entry)` of `todo`, walking `entry.steps` steps from `entry.node`, `LOCKSTEP`
    /// rows at a time.
    fn walk_swapped(&self, rows: &[f32], f: usize, feature: u32, col: &[f32], todo: &[(u32, Entry)], leaf: &mut [u32]) {
        for group in todo.chunks(LOCKSTEP) {
            let mut at = [0u32; LOCKSTEP];
            for (a, (_, e)) in at.iter_mut().zip(group) {
                *a = e.node;
            }
            // A lane past its own step count is at its leaf already (leaves loop to themselves).
            let steps = group.iter().map(|(_, e)| e.steps).max().unwrap_or(0);
            for _ in 0..steps {
                for (a, &(k, _)) in at.iter_mut().zip(group) {
                    let k = k as usize;
                    *a = self.step_with(*a, &rows[k * f..(k + 1) * f], feature, col[k]);
                }
            }
            for (g, &(k, _)) in group.iter().enumerate() {
                leaf[k as usize] = at[g];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::tree::{Node, Predictor, Tree, LEAF};
    use mp_core::{ColMajor, Rng};

    /// A random tree over `f` features of depth at most `depth` (thresholds in [0, 1)).
    fn random_tree(rng: &mut Rng, f: usize, depth: usize) -> Tree {
        let mut nodes = vec![Node::leaf(rng.next_f64() as f32, 1.0)];
        let mut open = vec![(0usize, 0usize)];
        while let Some((i, d)) = open.pop() {
            if d >= depth || rng.next_f64() < 0.2 {
                continue;
            }
            let (l, r) = (nodes.len(), nodes.len() + 1);
            let n = &mut nodes[i];
            n.feature = rng.below(f) as u32;
            n.threshold = rng.next_f64() as f32;
            n.default_left = rng.next_f64() < 0.5;
            n.left = l as u32;
            n.right = r as u32;
            nodes.push(Node::leaf(rng.next_f64() as f32 - 0.5, 1.0));
            nodes.push(Node::leaf(rng.next_f64() as f32 - 0.5, 1.0));
            open.push((l, d + 1));
            open.push((r, d + 1));
        }
        assert!(nodes.iter().all(|n| n.left == LEAF || (n.left as usize) < nodes.len()));
        Tree { nodes }
    }

    #[test]
    fn swapped_predictions_equal_predicting_the_modified_matrix() {
        let (n, f) = (5000, 6);
        let mut rng = Rng::new(11);
        let data: Vec<f32> = (0..n * f).map(|_| if rng.next_f64() < 0.1 { f32::NAN } else { rng.next_f64() as f32 }).collect();
        let x = ColMajor::new(&data, n).unwrap();
        let trees: Vec<Tree> = (0..25).map(|_| random_tree(&mut rng, f, 7)).collect();
        let pred = Predictor::new(&trees);
        let finish = |s: f64| (s * 0.37) as f32;
        let swaps = super::ColumnSwaps::new(&pred, x, 0.25, Box::new(finish));
        assert!(swaps.caches_leaves());
        for j in 0..f {
            let cols: Vec<Vec<f32>> = (0..3)
                .map(|r| {
                    let mut c = x.col(j).to_vec();
                    Rng::derive(j as u64, r).shuffle(&mut c);
                    c
                })
                .collect();
            let refs: Vec<&[f32]> = cols.iter().map(Vec::as_slice).collect();
            let got = swaps.predict(j, &refs).unwrap();
            for (c, g) in cols.iter().zip(&got) {
                let mut m = data.clone();
                m[j * n..(j + 1) * n].copy_from_slice(c);
                let mut want = vec![0.25f64; n];
                pred.add(&ColMajor::new(&m, n).unwrap(), &mut want);
                let want: Vec<u32> = want.into_iter().map(|s| finish(s).to_bits()).collect();
                assert_eq!(g.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), want, "feature {j}");
            }
        }
        // Without the leaf table (every pair walked again) the same bits.
        let mut uncached = super::ColumnSwaps::new(&pred, x, 0.25, Box::new(finish));
        uncached.leaves.clear();
        let col = x.col(2).iter().rev().copied().collect::<Vec<_>>();
        assert_eq!(uncached.predict(2, &[&col]).unwrap(), swaps.predict(2, &[&col]).unwrap());
        assert!(swaps.predict(f, &[&col]).unwrap_err().message().contains("feature"));
        assert!(swaps.predict(0, &[&col[1..]]).is_err());
        assert_eq!(swaps.predict(0, &[]).unwrap(), Vec::<Vec<f32>>::new());
    }
}
