//! Per-feature quantile binning: raw `f32` → `u8` bin, identical at train and predict time.
//!
//! Bin 0 is reserved for missing values (NaN). A feature with thresholds `t_0 < … < t_{m-1}` maps a
//! value `v` to bin `1 + #{t : t < v}`, so "bin ≤ b" is exactly "v ≤ t_{b-1}": trees store the raw
//! threshold and prediction never needs the binner.
use crate::par;
use mp_core::{ColMajor, Error, Result, Rng};
use serde::{Deserialize, Serialize};

/// The bin of missing (NaN) values, in every feature.
pub const MISSING_BIN: u8 = 0;
/// Upper bound on `max_bin` (bins per feature including the missing bin).
pub const MAX_BIN_LIMIT: usize = 255;
/// Rows sampled (seeded) for computing quantile cuts on large data.
const CUT_SAMPLE_ROWS: usize = 200_000;

/// Features per tile of the default bin layout.
pub const TILE: usize = 4;

/// Everything besides the data that decides a [`BinnedMatrix`]: bins per feature, the seed of the cut
/// sample and the tile width. Two matrices binned from the same rows with equal specs are equal, so
/// one binning can serve every fit that asks for the same spec (the grid search bins each fold once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BinSpec {
    max_bin: usize,
    /// The cut-sample seed; 0 when every row is used (the seed then changes nothing).
    seed: u64,
    tile: usize,
}

impl BinSpec {
    /// The spec for `n_rows` rows: `seed` only counts when the cuts are computed from a row sample.
    pub fn new(n_rows: usize, max_bin: usize, seed: u64, tile: usize) -> Self {
        BinSpec { max_bin, seed: if n_rows > CUT_SAMPLE_ROWS { seed } else { 0 }, tile: tile.max(1) }
    }
}

/// A matrix of bin indices in feature tiles, plus the per-feature thresholds that produced it.
///
/// Features are grouped in tiles of `tile` consecutive features (the last tile may be narrower);
/// within a tile the bins are stored row by row, so one row's bins of a whole tile share a cache
/// line. Dense scans read a tile as a stream; gathers over sparse nodes fetch one line per tile
/// instead of one per feature, with no second copy of the bins. Width [`TILE`] suits histograms
/// over all features (GBT); width 1 (plain column-major) suits per-node feature sampling (RF),
/// which reads single features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinnedMatrix {
    n_rows: usize,
    n_features: usize,
    /// Features per tile (`>= 1`).
    tile: usize,
    /// Tile `t` starts at `t * tile * n_rows`; the bin of row `i`, feature `j` (tile width `w`) is
    /// at `(j / tile) * tile * n_rows + i * w + j % tile`.
    bins: Vec<u8>,
    /// Sorted, distinct split thresholds per feature (at most `max_bin - 2`).
    cuts: Vec<Vec<f32>>,
    /// Per-feature fingerprint of the binned column (order-free tie-breaking between features).
    fingerprints: Vec<u64>,
    /// What produced these bins from the rows.
    spec: BinSpec,
}

/// The bins of one feature, read with the tile stride.
#[derive(Debug, Clone, Copy)]
pub struct FeatureBins<'a> {
    data: &'a [u8],
    stride: usize,
}

impl FeatureBins<'_> {
    /// Bin of row `i`.
    #[inline(always)]
    pub fn get(&self, i: usize) -> u8 {
        self.data[i * self.stride]
    }
    /// Hints the CPU to load the line holding row `i`'s bin.
    #[inline(always)]
    pub fn prefetch(&self, i: usize) {
        crate::prefetch::prefetch(self.data.get(i * self.stride..).unwrap_or(&[]));
    }
}

impl BinnedMatrix {
    /// Computes cuts (from at most 200k seeded-sampled rows) and bins every value of `x`.
    /// `max_bin` counts the missing bin, so a feature gets at most `max_bin - 1` value bins.
    pub fn from_matrix(x: ColMajor<'_>, max_bin: usize, seed: u64) -> Result<Self> {
        Self::from_matrix_tiled(x, max_bin, seed, TILE)
    }

    /// [`Self::from_matrix`] with `tile` features per tile (clamped to at least 1); the bins and
    /// everything derived from them are the same for any tile width, only the layout differs.
    pub fn from_matrix_tiled(x: ColMajor<'_>, max_bin: usize, seed: u64, tile: usize) -> Result<Self> {
        Self::from_spec(x, BinSpec::new(x.n_rows(), max_bin, seed, tile))
    }

    /// Bins `x` as `spec` says (the spec should be made for `x`'s row count, see [`BinSpec::new`]).
    pub fn from_spec(x: ColMajor<'_>, spec: BinSpec) -> Result<Self> {
        let BinSpec { max_bin, seed, tile } = spec;
        if !(2..=MAX_BIN_LIMIT).contains(&max_bin) {
            return Err(Error::invalid_param("max_bin", format!("must be in [2, {MAX_BIN_LIMIT}], got {max_bin}")));
        }
        if x.n_rows() > u32::MAX as usize {
            return Err(Error::shape(format!("n_rows {} exceeds the supported maximum {}", x.n_rows(), u32::MAX)));
        }
        let sample = sample_rows(x.n_rows(), seed);
        let cuts = par::map_indexed(x.n_features(), |j| feature_cuts(x.col(j), sample.as_deref(), max_bin));
        drop(sample); // transient buffers go before the bins are allocated
        let mut m = Self::with_cuts(x, cuts, tile);
        m.spec = spec;
        Ok(m)
    }

    /// Bins `x` with previously computed `cuts` (one list per feature).
    pub(crate) fn with_cuts(x: ColMajor<'_>, cuts: Vec<Vec<f32>>, tile: usize) -> Self {
        let (n, f) = (x.n_rows(), x.n_features());
        let mut bins = vec![0u8; n * f];
        if n > 0 {
            // One task per tile; each feature of the tile is read as a stream and binned into its
            // strided slots, a block of rows at a time (the block's output stays cached).
            const BLOCK: usize = 1 << 14;
            par::for_each_chunk_mut(&mut bins, tile * n, true, |t, out| {
                let w = out.len() / n;
                for (b, block) in out.chunks_mut(BLOCK * w).enumerate() {
                    for (off, j) in (t * tile..t * tile + w).enumerate() {
                        let (c, col) = (&cuts[j], &x.col(j)[b * BLOCK..]);
                        for (o, &v) in block[off..].iter_mut().step_by(w).zip(col) {
                            *o = bin_of(c, v);
                        }
                    }
                }
            });
        }
        let spec = BinSpec { max_bin: 0, seed: 0, tile };
        let mut m = BinnedMatrix { n_rows: n, n_features: f, tile, bins, cuts, fingerprints: Vec::new(), spec };
        m.fingerprints = (0..f).map(|j| fingerprint(&m.cuts[j], m.feature(j), n)).collect();
        m
    }

    /// The spec these bins were made with (`max_bin` 0 when binned with given cuts).
    pub fn spec(&self) -> BinSpec {
        self.spec
    }
    /// `INTERNAL` unless these bins were made with `spec` from a matrix of `x`'s shape (that they come
    /// from `x`'s very rows is the caller's promise).
    pub(crate) fn check_matches(&self, x: &ColMajor<'_>, spec: BinSpec) -> Result<()> {
        if self.spec != spec || self.n_rows != x.n_rows() || self.n_features != x.n_features() {
            let (n, f, s) = (self.n_rows, self.n_features, self.spec);
            let (xn, xf) = (x.n_rows(), x.n_features());
            return Err(Error::internal(format!("binned matrix ({n} rows x {f} features, {s:?}) does not match the fit ({xn} x {xf}, {spec:?})")));
        }
        Ok(())
    }
    /// Features per tile (the last tile may be narrower).
    pub fn tile_size(&self) -> usize {
        self.tile
    }
    /// Width (features) of tile `t`.
    #[inline]
    pub fn tile_width(&self, t: usize) -> usize {
        self.tile.min(self.n_features - t * self.tile)
    }
    /// Number of feature tiles.
    pub fn n_tiles(&self) -> usize {
        self.n_features.div_ceil(self.tile)
    }
    /// The bins of tile `t`, row by row (`tile_width(t)` bytes per row).
    #[inline]
    pub fn tile(&self, t: usize) -> &[u8] {
        let start = t * self.tile * self.n_rows;
        &self.bins[start..start + self.tile_width(t) * self.n_rows]
    }
    /// Strided view of feature `j`'s bins.
    #[inline]
    pub fn feature(&self, j: usize) -> FeatureBins<'_> {
        let t = j / self.tile;
        FeatureBins { data: &self.tile(t)[j % self.tile..], stride: self.tile_width(t) }
    }
    /// Bin of row `i`, feature `j`.
    #[inline]
    pub fn bin(&self, i: usize, j: usize) -> u8 {
        self.feature(j).get(i)
    }

    pub fn n_rows(&self) -> usize {
        self.n_rows
    }
    pub fn n_features(&self) -> usize {
        self.n_features
    }
    /// Bins of feature `j`, one per row (a copy; hot paths use [`Self::feature`]).
    pub fn col(&self, j: usize) -> Vec<u8> {
        let f = self.feature(j);
        (0..self.n_rows).map(|i| f.get(i)).collect()
    }
    /// A hash of feature `j`'s cuts and bins: equal gains on different features are broken by it,
    /// so the chosen split does not depend on column order.
    pub fn fingerprint(&self, j: usize) -> u64 {
        self.fingerprints[j]
    }
    /// Split thresholds of feature `j`.
    pub fn cuts(&self, j: usize) -> &[f32] {
        &self.cuts[j]
    }
    /// Number of bins of feature `j`, including the missing bin.
    pub fn n_bins(&self, j: usize) -> usize {
        self.cuts[j].len() + 2
    }
    /// Raw threshold of the split "bin ≤ `bin`" on feature `j` (`+inf` for "every value left").
    pub fn threshold(&self, j: usize, bin: u8) -> f32 {
        self.cuts[j].get(bin as usize - 1).copied().unwrap_or(f32::INFINITY)
    }
}

/// FNV-1a over the cut bits and (up to 4096 evenly spaced) bins, finished with a SplitMix step.
fn fingerprint(cuts: &[f32], bins: FeatureBins<'_>, n: usize) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    let mut eat = |b: u64| h = (h ^ b).wrapping_mul(0x0100_0000_01B3);
    cuts.iter().for_each(|c| eat(c.to_bits() as u64));
    let step = (n / 4096).max(1);
    (0..n).step_by(step).for_each(|i| eat(bins.get(i) as u64));
    mp_core::SplitMix64::new(h).next_u64()
}

/// Bin of raw value `v` given sorted thresholds `cuts`.
#[inline]
pub fn bin_of(cuts: &[f32], v: f32) -> u8 {
    if v.is_nan() {
        MISSING_BIN
    } else {
        1 + cuts.partition_point(|&t| t < v) as u8
    }
}

/// Sorted row sample for cut computation, or `None` to use every row.
fn sample_rows(n: usize, seed: u64) -> Option<Vec<u32>> {
    if n <= CUT_SAMPLE_ROWS {
        return None;
    }
    let mut rng = Rng::derive(seed, 0xB15A_3B1E);
    let mut idx: Vec<u32> = (0..n as u32).collect();
    for i in 0..CUT_SAMPLE_ROWS {
        let j = i + rng.below(n - i);
        idx.swap(i, j);
    }
    idx.truncate(CUT_SAMPLE_ROWS);
    idx.sort_unstable();
    Some(idx)
}

/// Thresholds for one feature: midpoints between distinct values when they are few, quantiles otherwise.
fn feature_cuts(col: &[f32], sample: Option<&[u32]>, max_bin: usize) -> Vec<f32> {
    let mut vals: Vec<f32> = match sample {
        Some(rows) => rows.iter().map(|&r| col[r as usize]).filter(|v| !v.is_nan()).collect(),
        None => col.iter().copied().filter(|v| !v.is_nan()).collect(),
    };
    vals.sort_unstable_by(f32::total_cmp);
    let max_value_bins = max_bin - 1;
    // Distinct values (bitwise-equal runs, as `dedup` on the sorted values), without a copy.
    let n_distinct = vals.len().min(1) + vals.windows(2).filter(|w| w[0] != w[1]).count();
    if n_distinct <= max_value_bins {
        vals.dedup();
        return vals.windows(2).map(|w| midpoint(w[0], w[1])).collect();
    }
    let n_thr = max_value_bins - 1;
    let max = *vals.last().unwrap_or(&0.0);
    let mut cuts = Vec::with_capacity(n_thr);
    for k in 1..=n_thr {
        let t = vals[k * vals.len() / (n_thr + 1)];
        if t < max && cuts.last().is_none_or(|&l| t > l) {
            cuts.push(t);
        }
    }
    cuts
}

/// A threshold strictly between `a < b` (or `a` itself when no float lies between them).
fn midpoint(a: f32, b: f32) -> f32 {
    let m = a + (b - a) / 2.0;
    if m.is_finite() && a <= m && m < b {
        m
    } else {
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_distinct_values_get_their_own_bins() {
        let data = [3.0, 1.0, 2.0, f32::NAN, 1.0, 3.0];
        let m = BinnedMatrix::from_matrix(ColMajor::new(&data, 6).unwrap(), 255, 0).unwrap();
        assert_eq!(m.cuts(0), &[1.5, 2.5]);
        assert_eq!(m.col(0), &[3, 1, 2, MISSING_BIN, 1, 3]);
        assert_eq!(m.n_bins(0), 4);
    }

    #[test]
    fn bin_le_b_iff_value_le_threshold() {
        let data: Vec<f32> = (0..5000).map(|i| ((i * 7919) % 1000) as f32 * 0.37 - 50.0).collect();
        let x = ColMajor::new(&data, data.len()).unwrap();
        let m = BinnedMatrix::from_matrix(x, 16, 1).unwrap();
        assert!(m.cuts(0).len() <= 14);
        for b in 1..m.n_bins(0) as u8 {
            let t = m.threshold(0, b);
            for (i, &v) in data.iter().enumerate() {
                assert_eq!(m.col(0)[i] <= b, v <= t, "bin {b} value {v} threshold {t}");
            }
        }
    }

    #[test]
    fn the_spec_decides_the_bins_and_the_seed_counts_only_for_sampled_cuts() {
        assert_eq!(BinSpec::new(1000, 255, 1, 4), BinSpec::new(1000, 255, 2, 4));
        assert_ne!(BinSpec::new(CUT_SAMPLE_ROWS + 1, 255, 1, 4), BinSpec::new(CUT_SAMPLE_ROWS + 1, 255, 2, 4));
        assert_eq!(BinSpec::new(10, 255, 1, 0), BinSpec::new(10, 255, 1, 1));
        let data: Vec<f32> = (0..600).map(|i| ((i * 37) % 101) as f32).collect();
        let x = ColMajor::new(&data, 200).unwrap();
        let m = BinnedMatrix::from_spec(x, BinSpec::new(200, 16, 9, 2)).unwrap();
        assert_eq!(m, BinnedMatrix::from_matrix_tiled(x, 16, 9, 2).unwrap());
        assert_eq!(m.spec(), BinSpec::new(200, 16, 3, 2));
    }

    #[test]
    fn bad_max_bin_is_invalid_param() {
        let x = ColMajor::new(&[1.0, 2.0], 2).unwrap();
        let e = BinnedMatrix::from_matrix(x, 256, 0).unwrap_err();
        assert!(e.message().contains("max_bin") && e.message().contains("256"), "{e}");
    }
}
