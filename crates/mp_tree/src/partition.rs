//! Row partition: every tree node owns a contiguous range of one shared index array (LightGBM's
//! `DataPartition`). Splitting a node is stable, so each side keeps ascending row order.
use crate::binning::FeatureBins;
use crate::par;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Nodes with at least this many rows are split in parallel chunks (same result as sequential).
const PARALLEL_MIN_ROWS: usize = 2 * SPLIT_CHUNK;
/// Distance (rows) of the split's prefetch hints.
const SPLIT_PREFETCH: usize = 32;
/// Rows per chunk of a parallel split.
const SPLIT_CHUNK: usize = 1 << 12;

std::thread_local! {
    /// Per-thread staging buffer of the piece splits (at most `SPLIT_CHUNK + 1` rows).
    static CHUNK_SCRATCH: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Row indices grouped by node; `ranges[node] = (begin, len)` into `indices`. `scratch` holds at
/// most half of a node (plus one piece), never a second copy of the whole index array.
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
    ///
    /// Each `SPLIT_CHUNK` piece is split stably in place first (in parallel for large nodes), then
    /// the pieces are joined: the smaller side is staged in `scratch` while the larger one is
    /// compacted in place, so the scratch never exceeds half the node.
    pub fn split(
        &mut self,
        node: usize,
        left: usize,
        right: usize,
        go_left: impl Fn(u32) -> bool + Sync,
    ) -> (usize, usize) {
        self.split_prefetched(node, left, right, go_left, |_| {})
    }

    /// [`Self::split`] on feature bins: row `r` goes left when `go_left(bins[r])`; the bins of rows
    /// ahead are prefetched (deep nodes gather them from all over the matrix).
    pub fn split_on(
        &mut self,
        node: usize,
        left: usize,
        right: usize,
        bins: FeatureBins<'_>,
        go_left: impl Fn(u8) -> bool + Sync,
    ) -> (usize, usize) {
        self.split_prefetched(node, left, right, |r| go_left(bins.get(r as usize)), |r| bins.prefetch(r as usize))
    }

    fn split_prefetched(
        &mut self,
        node: usize,
        left: usize,
        right: usize,
        go_left: impl Fn(u32) -> bool + Sync,
        ahead: impl Fn(u32) + Sync,
    ) -> (usize, usize) {
        let go_left = (go_left, ahead);
        let (begin, len) = self.ranges[node];
        let slice = &mut self.indices[begin..begin + len];
        let n_chunks = len.div_ceil(SPLIT_CHUNK);
        let w = if n_chunks <= 1 {
            stable_split(slice, &mut self.scratch, &go_left)
        } else if len >= PARALLEL_MIN_ROWS && par::num_threads() > 1 {
            let lefts: Vec<AtomicUsize> = (0..n_chunks).map(|_| AtomicUsize::new(0)).collect();
            par::for_each_chunk_mut(slice, SPLIT_CHUNK, true, |i, c| {
                let n = CHUNK_SCRATCH.with_borrow_mut(|scratch| stable_split(c, scratch, &go_left));
                lefts[i].store(n, Ordering::Relaxed);
            });
            let counts: Vec<usize> = lefts.into_iter().map(AtomicUsize::into_inner).collect();
            join_chunks(slice, &counts, &mut self.scratch)
        } else {
            let counts: Vec<usize> =
                slice.chunks_mut(SPLIT_CHUNK).map(|c| stable_split(c, &mut self.scratch, &go_left)).collect();
            join_chunks(slice, &counts, &mut self.scratch)
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

/// `slice` holds `SPLIT_CHUNK` pieces, each already split (`counts[i]` lefts, then rights); moves
/// all lefts (in piece order) before all rights (in piece order). Returns the number of lefts.
fn join_chunks(slice: &mut [u32], counts: &[usize], scratch: &mut Vec<u32>) -> usize {
    let len = slice.len();
    let w: usize = counts.iter().sum();
    let pieces = || (0..counts.len()).map(|i| (i * SPLIT_CHUNK, ((i + 1) * SPLIT_CHUNK).min(len), counts[i]));
    scratch.clear();
    if len - w <= w {
        // Stage the rights, compact the lefts forward, append the rights.
        for (b, e, n) in pieces() {
            scratch.extend_from_slice(&slice[b + n..e]);
        }
        let mut dst = 0;
        for (b, _, n) in pieces() {
            slice.copy_within(b..b + n, dst);
            dst += n;
        }
        slice[w..].copy_from_slice(scratch);
    } else {
        // Stage the lefts, compact the rights backward (last piece first), prepend the lefts.
        for (b, _, n) in pieces() {
            scratch.extend_from_slice(&slice[b..b + n]);
        }
        let mut dst = len;
        for (b, e, n) in pieces().rev() {
            dst -= e - b - n;
            slice.copy_within(b + n..e, dst);
        }
        slice[..w].copy_from_slice(scratch);
    }
    w
}

/// Stable in-place split of `slice` (rights staged in `scratch`); returns the number of lefts.
/// `go_left.1` is called on the row `SPLIT_PREFETCH` positions ahead (a cache hint).
fn stable_split(slice: &mut [u32], scratch: &mut Vec<u32>, go_left: &(impl Fn(u32) -> bool, impl Fn(u32))) -> usize {
    // Branch-free: every row is written to both sides, only the matching cursor advances.
    scratch.resize(slice.len() + 1, 0);
    let (mut w, mut s) = (0, 0);
    for i in 0..slice.len() {
        // Rows at and after `i` are not overwritten yet (`w <= i`).
        if let Some(&a) = slice.get(i + SPLIT_PREFETCH) {
            (go_left.1)(a);
        }
        let r = slice[i];
        let l = (go_left.0)(r) as usize;
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
        // Mostly lefts or mostly rights: either side staged in the join gives the stable order.
        for n in [30_000u32, 100_000] {
            for pred in [|r: u32| !(r / 7).is_multiple_of(3), |r: u32| (r / 7).is_multiple_of(3)] {
                let mut p2 = RowPartition::new();
                p2.reset((0..n).filter(|r| r % 5 != 1));
                let (l, r): (Vec<u32>, Vec<u32>) = p2.rows(0).iter().partition(|&&r| pred(r));
                let (nl, _) = p2.split(0, 1, 2, pred);
                assert_eq!(nl, l.len());
                assert_eq!([p2.rows(1), p2.rows(2)].concat(), [l, r].concat());
            }
        }
        assert!(p.rows(3).iter().all(|&r| (r * 7) % 5 < 2 && r < 50));
    }
}
