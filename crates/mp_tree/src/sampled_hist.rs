//! The histogram of one node's sampled features (RF per-node feature sampling), which remembers the
//! bins its rows touched: deep trees are mostly small nodes, whose rows touch a few of the 256 bins
//! per feature, so clearing and split-scanning only those keeps a node's cost near its row count.
//!
//! Each bin holds the same sums, added in the same (row) order, as a dense [`Histogram`]
//! (crate::histogram::Histogram) build, and the split scan skips only empty bins, which changes no
//! choice (see [`best_split_of`]): the trees are bit-identical to dense builds.
use crate::binning::{BinnedMatrix, FeatureBins};
use crate::histogram::{GradStats, BIN_STRIDE};
use crate::par;
use crate::split::{best_split_of, SplitInfo, SplitParams};

/// From this many rows in one piece, a feature's every bin is marked touched instead of tracking
/// each row's bin (the dense scan of 256 bins then costs little next to the rows).
const DENSE_MIN_ROWS: usize = 1024;
/// Below this many (row, feature) updates a build stays on the calling thread.
const PARALLEL_MIN_UPDATES: usize = 1 << 15;
/// Gathers are prefetched when the piece holds fewer than `n_rows / PREFETCH_SPARSITY` rows...
const PREFETCH_SPARSITY: usize = 4;
/// ...this many rows ahead.
const PREFETCH_DISTANCE: usize = 32;

/// One feature's bins and the set of bins written since the last clear (one bit per bin).
#[derive(Debug, Clone)]
struct Slot {
    bins: [GradStats; BIN_STRIDE],
    touched: [u64; BIN_STRIDE / 64],
}

impl Default for Slot {
    fn default() -> Self {
        Slot { bins: [GradStats::default(); BIN_STRIDE], touched: [0; BIN_STRIDE / 64] }
    }
}

impl Slot {
    /// Zeroes the touched bins (every other bin is already zero).
    fn clear(&mut self) {
        if self.touched.iter().all(|&w| w == u64::MAX) {
            self.bins.fill(GradStats::default());
        } else {
            for b in touched_bins(self.touched) {
                self.bins[b] = GradStats::default();
            }
        }
        self.touched = [0; BIN_STRIDE / 64];
    }

    /// Adds `rows` (with ordered gradients `gh`) in row order.
    fn add(&mut self, col: FeatureBins<'_>, rows: &[u32], gh: &[[f32; 2]], prefetched: bool) {
        if rows.len() >= DENSE_MIN_ROWS {
            self.touched = [u64::MAX; BIN_STRIDE / 64];
            if prefetched {
                add_rows::<false, true>(&mut self.bins, &mut self.touched, col, rows, gh);
            } else {
                add_rows::<false, false>(&mut self.bins, &mut self.touched, col, rows, gh);
            }
        } else if prefetched {
            add_rows::<true, true>(&mut self.bins, &mut self.touched, col, rows, gh);
        } else {
            add_rows::<true, false>(&mut self.bins, &mut self.touched, col, rows, gh);
        }
    }

    /// The first value bin (bin 1, even empty) and every later non-empty one, `(bin, sums)` in
    /// ascending order: what [`best_split_of`] needs (bin 0, the missing bin, is not a value bin).
    fn values(&self) -> impl Iterator<Item = (usize, GradStats)> + '_ {
        let mut later = self.touched;
        later[0] &= !3;
        let later = touched_bins(later).map(|b| (b, self.bins[b])).filter(|(_, s)| *s != GradStats::default());
        std::iter::once((1, self.bins[1])).chain(later)
    }
}

/// The set bits of `words` in ascending order.
fn touched_bins(words: [u64; BIN_STRIDE / 64]) -> impl Iterator<Item = usize> {
    words.into_iter().enumerate().flat_map(|(i, mut w)| {
        std::iter::from_fn(move || {
            (w != 0).then(|| {
                let b = w.trailing_zeros() as usize;
                w &= w - 1;
                i * 64 + b
            })
        })
    })
}

/// The hot loop: `TRACK` records each row's bin in `touched`; `PF` prefetches the bins of rows ahead.
#[inline(always)]
fn add_rows<const TRACK: bool, const PF: bool>(
    bins: &mut [GradStats; BIN_STRIDE],
    touched: &mut [u64; BIN_STRIDE / 64],
    col: FeatureBins<'_>,
    rows: &[u32],
    gh: &[[f32; 2]],
) {
    for (k, (&r, p)) in rows.iter().zip(gh).enumerate() {
        if PF {
            if let Some(&ahead) = rows.get(k + PREFETCH_DISTANCE) {
                col.prefetch(ahead as usize);
            }
        }
        let b = col.get(r as usize) as usize;
        let e = &mut bins[b];
        e.g += p[0] as f64;
        e.h += p[1] as f64;
        if TRACK {
            touched[b >> 6] |= 1 << (b & 63);
        }
    }
}

/// A node's histogram over its sampled features (ascending), reused from node to node.
#[derive(Debug, Clone, Default)]
pub(crate) struct SampledHistogram {
    features: Vec<u32>,
    slots: Vec<Slot>,
}

impl SampledHistogram {
    /// Holds `features` (ascending, distinct), every bin zero.
    pub(crate) fn hold(&mut self, features: &[u32]) {
        debug_assert!(features.windows(2).all(|w| w[0] < w[1]), "features must be ascending and distinct");
        for s in &mut self.slots {
            s.clear();
        }
        self.slots.resize_with(features.len(), Slot::default);
        self.features.clear();
        self.features.extend_from_slice(features);
    }

    /// Number of features held.
    pub(crate) fn n_held(&self) -> usize {
        self.features.len()
    }

    /// Adds `rows` (ascending; `gh` their ordered gradients) to every held feature. Adding a node's
    /// rows in consecutive pieces gives the sums of one pass.
    pub(crate) fn accumulate(&mut self, m: &BinnedMatrix, rows: &[u32], gh: &[[f32; 2]]) {
        let prefetched = rows.len() * PREFETCH_SPARSITY < m.n_rows();
        let parallel = rows.len() * self.slots.len() >= PARALLEL_MIN_UPDATES;
        let features = &self.features;
        par::for_each_chunk_mut(&mut self.slots, 1, parallel, |i, s| {
            s[0].add(m.feature(features[i] as usize), rows, gh, prefetched);
        });
    }

    /// The best split of the node whose sums are `total` (see [`crate::split::best_split`]).
    pub(crate) fn best_split(&self, m: &BinnedMatrix, total: GradStats, p: &SplitParams) -> Option<SplitInfo> {
        best_split_of(m, &self.features, total, p, |i, _| {
            let s = &self.slots[i];
            (s.bins[crate::binning::MISSING_BIN as usize], s.values())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::histogram::Histogram;
    use crate::split::best_split;
    use mp_core::{ColMajor, Rng};

    /// Nodes of every size (a few rows to dense pieces), coarse values and missing ones: the same best
    /// split as the dense histogram, and a reused histogram starts from zero.
    #[test]
    fn same_split_as_the_dense_histogram() {
        let (n, f) = (6000, 6);
        let mut rng = Rng::new(9);
        let data: Vec<f32> = (0..n * f)
            .map(|i| match i / n {
                0 if i % 5 == 0 => f32::NAN,
                1 => (rng.next_f64() * 6.0).floor() as f32,
                _ => rng.next_f64() as f32,
            })
            .collect();
        let m = BinnedMatrix::from_matrix_tiled(ColMajor::new(&data, n).unwrap(), 255, 0, 1).unwrap();
        let gh: Vec<[f32; 2]> = (0..n).map(|i| [-((i % 3 == 0) as u8 as f32) * (1 + i % 2) as f32, (1 + i % 2) as f32]).collect();
        let p = SplitParams { reg_lambda: 0.0, gamma: 0.0, min_child_weight: 1.0 };
        let mut sampled = SampledHistogram::default();
        for (len, feats) in [(3usize, vec![0u32, 1, 4]), (40, vec![0, 2]), (700, vec![1, 3, 5]), (5000, vec![0, 1, 2, 3, 4, 5]), (9, vec![1, 5])] {
            let rows: Vec<u32> = (0..n as u32).filter(|r| (r * 7919) % 6000 < len as u32).collect();
            let ordered: Vec<[f32; 2]> = rows.iter().map(|&r| gh[r as usize]).collect();
            let total = GradStats::sum_rows(&gh, &rows);
            let mut dense = Histogram::new(f);
            dense.build(&m, Some(&rows), &ordered, None);
            sampled.hold(&feats);
            for (piece, g) in rows.chunks(1500).zip(ordered.chunks(1500)) {
                sampled.accumulate(&m, piece, g);
            }
            assert_eq!(sampled.n_held(), feats.len());
            assert_eq!(sampled.best_split(&m, total, &p), best_split(&dense, &m, &feats, total, &p), "{len} rows");
            for (s, &j) in sampled.slots.iter().zip(&feats) {
                assert_eq!(&s.bins[..], dense.feature(j as usize), "feature {j}, {len} rows");
            }
        }
    }
}
