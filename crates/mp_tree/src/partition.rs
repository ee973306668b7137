//! Row partition: every tree node owns a contiguous range of one shared index array (LightGBM's
//! `DataPartition`). Splitting a node is stable, so each side keeps ascending row order.
use crate::par;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Nodes with at least this many rows are split in parallel chunks (same result as sequential).
const PARALLEL_MIN_ROWS: usize = 1 << 15;
/// Rows per chunk of a parallel split.
const SPLIT_CHUNK: usize = 1 << 13;

/// Row indices grouped by node; `ranges[node] = (begin, len)` into `indices`.
#[derive(Debug, Clone, Default)]
pub struct RowPartition {
    indices: Vec<u32>,
    ranges: Vec<(usize, usize)>,
    scratch: Vec<u32>,
}

impl RowPartition {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a new tree whose root (node 0) holds `rows` (ascending, distinct).
    pub fn reset(&mut self, rows: impl IntoIterator<Item = u32>) {
        self.indices.clear();
        self.indices.extend(rows);
        self.ranges.clear();
        self.ranges.push((0, self.indices.len()));
    }

    /// Rows of `node` in ascending order.
    pub fn rows(&self, node: usize) -> &[u32] {
        let (b, n) = self.ranges[node];
        &self.indices[b..b + n]
    }

    /// Number of rows held by the root.
    pub fn n_root_rows(&self) -> usize {
        self.indices.len()
    }

    /// Moves the rows of `node` into `left` (where `go_left` holds) and `right`, preserving order.
    /// Returns the two row counts.
    pub fn split(
        &mut self,
        node: usize,
        left: usize,
        right: usize,
        go_left: impl Fn(u32) -> bool + Sync,
    ) -> (usize, usize) {
        let (begin, len) = self.ranges[node];
        let slice = &mut self.indices[begin..begin + len];
        let w = if len >= PARALLEL_MIN_ROWS && par::num_threads() > 1 {
            // Each chunk is split stably on its own, then lefts and rights are concatenated in
            // chunk order: exactly the sequential result.
            let lefts: Vec<AtomicUsize> = (0..len.div_ceil(SPLIT_CHUNK)).map(|_| AtomicUsize::new(0)).collect();
            par::for_each_chunk_mut(slice, SPLIT_CHUNK, true, |i, c| {
                let mut scratch = Vec::new();
                lefts[i].store(stable_split(c, &mut scratch, &go_left), Ordering::Relaxed);
            });
            let counts: Vec<usize> = lefts.into_iter().map(AtomicUsize::into_inner).collect();
            self.scratch.clear();
            for (c, &n) in slice.chunks(SPLIT_CHUNK).zip(&counts) {
                self.scratch.extend_from_slice(&c[..n]);
            }
            let w = self.scratch.len();
            for (c, &n) in slice.chunks(SPLIT_CHUNK).zip(&counts) {
                self.scratch.extend_from_slice(&c[n..]);
            }
            slice.copy_from_slice(&self.scratch);
            w
        } else {
            stable_split(slice, &mut self.scratch, &go_left)
        };
        let need = left.max(right) + 1;
        if self.ranges.len() < need {
            self.ranges.resize(need, (0, 0));
        }
        self.ranges[left] = (begin, w);
        self.ranges[right] = (begin + w, len - w);
        (w, len - w)
    }
}

/// Stable in-place split of `slice` (rights staged in `scratch`); returns the number of lefts.
fn stable_split(slice: &mut [u32], scratch: &mut Vec<u32>, go_left: &impl Fn(u32) -> bool) -> usize {
    // Branch-free: every row is written to both sides, only the matching cursor advances.
    scratch.resize(slice.len() + 1, 0);
    let (mut w, mut s) = (0, 0);
    for i in 0..slice.len() {
        let r = slice[i];
        let l = go_left(r) as usize;
        slice[w] = r;
        scratch[s] = r;
        w += l;
        s += 1 - l;
    }
    slice[w..].copy_from_slice(&scratch[..s]);
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_row_set_and_order() {
        let mut p = RowPartition::new();
        p.reset((0..100u32).filter(|r| r % 3 != 0));
        let before: Vec<u32> = p.rows(0).to_vec();
        let (nl, nr) = p.split(0, 1, 2, |r| (r * 7) % 5 < 2);
        assert_eq!(nl + nr, before.len());
        p.split(1, 3, 4, |r| r < 50);
        p.split(2, 5, 6, |r| r % 2 == 0);
        let mut union: Vec<u32> = [3, 4, 5, 6].iter().flat_map(|&n| p.rows(n).to_vec()).collect();
        for n in [3, 4, 5, 6] {
            assert!(p.rows(n).windows(2).all(|w| w[0] < w[1]), "node {n} not ascending");
        }
        union.sort_unstable();
        assert_eq!(union, before);
        // A node large enough for the chunked path gives the same order as the sequential split.
        let mut big = RowPartition::new();
        big.reset((0..100_000u32).filter(|r| r % 5 != 1));
        let want: Vec<u32> = {
            let rows = big.rows(0);
            let (l, r): (Vec<u32>, Vec<u32>) = rows.iter().partition(|&&r| (r / 7) % 3 == 0);
            l.into_iter().chain(r).collect()
        };
        big.split(0, 1, 2, |r| (r / 7) % 3 == 0);
        assert_eq!([big.rows(1), big.rows(2)].concat(), want);
        assert!(p.rows(3).iter().all(|&r| (r * 7) % 5 < 2 && r < 50));
    }
}
