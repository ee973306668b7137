//! Per-node gradient histograms: `(Σ grad, Σ hess)` in f64 for every (feature, bin).
//!
//! Only the smaller child of a split is built from rows; its sibling is `parent - smaller`
//! (LightGBM/xgboost subtraction trick). Features are independent, so building them on several
//! threads gives bit-identical sums to a sequential build (each feature is summed in row order).
use crate::binning::BinnedMatrix;
use crate::par;
use crate::prefetch::prefetch;
use std::ops::{Add, AddAssign, Sub, SubAssign};

/// Fixed per-feature stride: one slot per possible `u8` bin, so indexing by a bin never goes out of range.
pub const BIN_STRIDE: usize = 256;
/// Below this many (row, feature) updates a build stays on the calling thread.
const PARALLEL_MIN_UPDATES: usize = 1 << 15;
/// Histograms of at least this many features are subtracted on several threads,
/// [`SUBTRACT_FEATURES_PER_TASK`] features a task.
const PARALLEL_MIN_SUBTRACT_FEATURES: usize = 32;
const SUBTRACT_FEATURES_PER_TASK: usize = 16;

/// Gradient and hessian sums.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GradStats {
    pub g: f64,
    pub h: f64,
}

impl GradStats {
    pub fn new(g: f64, h: f64) -> Self {
        GradStats { g, h }
    }
    /// Sums per-row `[grad, hess]` pairs of `rows` (ascending order, f64 accumulation).
    pub fn sum_rows(gh: &[[f32; 2]], rows: &[u32]) -> Self {
        let mut s = GradStats::default();
        for &r in rows {
            let p = gh[r as usize];
            s.g += p[0] as f64;
            s.h += p[1] as f64;
        }
        s
    }
}

impl Add for GradStats {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        GradStats { g: self.g + o.g, h: self.h + o.h }
    }
}
impl Sub for GradStats {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        GradStats { g: self.g - o.g, h: self.h - o.h }
    }
}
impl AddAssign for GradStats {
    fn add_assign(&mut self, o: Self) {
        self.g += o.g;
        self.h += o.h;
    }
}
impl SubAssign for GradStats {
    fn sub_assign(&mut self, o: Self) {
        self.g -= o.g;
        self.h -= o.h;
    }
}

/// One node's histogram over every feature of the matrix (slot = feature). Forests' per-node sampled
/// histograms, which hold only the drawn features, are `sampled_hist.rs`.
#[derive(Debug, Clone)]
pub struct Histogram {
    data: Vec<GradStats>,
}

impl Histogram {
    /// A histogram over `n_features` features.
    pub fn new(n_features: usize) -> Self {
        Histogram { data: vec![GradStats::default(); n_features * BIN_STRIDE] }
    }

    /// Number of features (of the matrix it was made for).
    pub fn n_held(&self) -> usize {
        self.data.len() / BIN_STRIDE
    }

    /// The bins of feature `j` (index = bin).
    pub fn feature(&self, j: usize) -> &[GradStats] {
        &self.data[j * BIN_STRIDE..(j + 1) * BIN_STRIDE]
    }

    /// `(feature, bins)` of every feature selected by `mask` (indexed by feature; `None` = all).
    fn slots_mut<'h>(&'h mut self, mask: Option<&'h [bool]>) -> impl Iterator<Item = (usize, &'h mut [GradStats])> + 'h {
        self.data.chunks_mut(BIN_STRIDE).enumerate().filter(move |(j, _)| mask.is_none_or(|m| m[*j]))
    }

    /// Builds the histogram of `rows` for the features selected by `mask` (`None` = all).
    ///
    /// `gh` holds the rows' `[grad, hess]` in the same order as `rows` ("ordered gradients"); when
    /// `rows` is `None` the node holds every row and `gh` is indexed by row directly. Active features
    /// are grouped by bin tile and the tiles split into groups (one task each); a group walks the rows
    /// in cache-sized blocks and updates all its features per block. Each feature is still summed in
    /// row order by one thread.
    pub fn build(&mut self, m: &BinnedMatrix, rows: Option<&[u32]>, gh: &[[f32; 2]], mask: Option<&[bool]>) {
        self.add_rows(m, rows, gh, mask, true);
    }

    /// Zeroes the features selected by `mask` (`None` = all).
    pub fn clear(&mut self, mask: Option<&[bool]>) {
        for (_, h) in self.slots_mut(mask) {
            h.fill(GradStats::default());
        }
    }

    /// Adds the rows to the selected features without clearing them first: building a node's rows in
    /// consecutive pieces (ascending) gives exactly the sums of one [`Self::build`].
    pub fn accumulate(&mut self, m: &BinnedMatrix, rows: Option<&[u32]>, gh: &[[f32; 2]], mask: Option<&[bool]>) {
        self.add_rows(m, rows, gh, mask, false);
    }

    /// [`Self::accumulate`], zeroing each selected feature first when `clear` (inside the feature's
    /// task, so the clearing is spread over threads with the updates).
    fn add_rows(&mut self, m: &BinnedMatrix, rows: Option<&[u32]>, gh: &[[f32; 2]], mask: Option<&[bool]>, clear: bool) {
        let mut tiles: Vec<TileJob<'_>> = Vec::new();
        let (mut n_active, tile) = (0, m.tile_size());
        for (j, h) in self.slots_mut(mask) {
            let t = j / tile;
            let h: &mut [GradStats; BIN_STRIDE] = h.try_into().expect("chunk has BIN_STRIDE bins");
            match tiles.last_mut() {
                Some(job) if job.tile == t => job.feats.push((j % tile, h)),
                _ => tiles.push(TileJob { tile: t, feats: vec![(j % tile, h)] }),
            }
            n_active += 1;
        }
        if tiles.is_empty() {
            return;
        }
        let parallel = gh.len() * n_active >= PARALLEL_MIN_UPDATES;
        let n_groups = if parallel { 2 * par::num_threads() } else { 1 };
        let group = tiles.len().div_ceil(n_groups);
        par::for_each_chunk_mut(&mut tiles, group, parallel, |_, jobs| {
            if clear {
                jobs.iter_mut().flat_map(|j| j.feats.iter_mut()).for_each(|(_, h)| h.fill(GradStats::default()));
            }
            build_group(jobs, m, rows, gh)
        });
    }

    /// Turns `self` (a parent) into its other child: `self -= child` on the selected features.
    pub fn subtract(&mut self, child: &Histogram, mask: Option<&[bool]>) {
        debug_assert_eq!(self.data.len(), child.data.len(), "subtracting histograms of different widths");
        let chunk = SUBTRACT_FEATURES_PER_TASK * BIN_STRIDE;
        let parallel = self.data.len() >= PARALLEL_MIN_SUBTRACT_FEATURES * BIN_STRIDE;
        // Each bin is one independent subtraction: any split over threads gives the same values.
        par::for_each_chunk_mut(&mut self.data, chunk, parallel, |i, part| {
            let first = i * SUBTRACT_FEATURES_PER_TASK;
            let theirs = &child.data[i * chunk..];
            for (k, (p, c)) in part.chunks_mut(BIN_STRIDE).zip(theirs.chunks(BIN_STRIDE)).enumerate() {
                if mask.is_none_or(|m| m[first + k]) {
                    for (a, &b) in p.iter_mut().zip(c) {
                        *a -= b;
                    }
                }
            }
        });
    }
}

/// The active features of one bin tile: `(offset in the tile, histogram)`.
struct TileJob<'h> {
    tile: usize,
    feats: Vec<(usize, &'h mut [GradStats; BIN_STRIDE])>,
}

/// Rows per block: the block's indices and gradients stay in L1 while every tile of the group is
/// updated from them.
const ROW_BLOCK: usize = 2048;

/// The hot loop: the tiles of one group over the node's rows, block by block, in row order.
fn build_group(jobs: &mut [TileJob<'_>], m: &BinnedMatrix, rows: Option<&[u32]>, gh: &[[f32; 2]]) {
    let prefetched = rows.is_some_and(|r| r.len() * PREFETCH_SPARSITY < m.n_rows());
    for start in (0..gh.len()).step_by(ROW_BLOCK) {
        let end = (start + ROW_BLOCK).min(gh.len());
        let ghb = &gh[start..end];
        let rb = rows.map(|r| &r[start..end]);
        for job in jobs.iter_mut() {
            let (tile, w) = (m.tile(job.tile), m.tile_width(job.tile));
            match (w, &mut job.feats[..]) {
                // A full tile: the row's four bins are one 4-byte load.
                (4, [(0, h0), (1, h1), (2, h2), (3, h3)]) => {
                    let hists = [&mut **h0, &mut **h1, &mut **h2, &mut **h3];
                    match rb {
                        None => accumulate_full(hists, &tile[start * 4..end * 4], ghb),
                        Some(r) if prefetched => gather_full::<true>(hists, tile, r, ghb),
                        Some(r) => gather_full::<false>(hists, tile, r, ghb),
                    }
                }
                (_, feats) => {
                    for (off, h) in feats.iter_mut() {
                        let col = &tile[*off..];
                        match rb {
                            None if w == 1 => accumulate(h, col[start..end].iter().copied(), ghb),
                            None => accumulate(h, (start..end).map(|i| col[i * w]), ghb),
                            Some(r) if prefetched => accumulate_prefetched(h, col, w, r, ghb),
                            Some(r) => accumulate(h, r.iter().map(|&i| col[i as usize * w]), ghb),
                        }
                    }
                }
            }
        }
    }
}

/// Gathers rows this far ahead are prefetched in sparse nodes.
const PREFETCH_DISTANCE: usize = 32;
/// Gathers are prefetched when the node holds fewer than `n_rows / PREFETCH_SPARSITY` rows.
const PREFETCH_SPARSITY: usize = 4;

/// One feature over gathered rows; `col[i * w]` is row `i`'s bin.
#[inline(always)]
fn accumulate_prefetched(hist: &mut [GradStats; BIN_STRIDE], col: &[u8], w: usize, rows: &[u32], gh: &[[f32; 2]]) {
    for (k, (&r, p)) in rows.iter().zip(gh).enumerate() {
        if let Some(&ahead) = rows.get(k + PREFETCH_DISTANCE) {
            prefetch(&col[ahead as usize * w..]);
        }
        let e = &mut hist[col[r as usize * w] as usize];
        e.g += p[0] as f64;
        e.h += p[1] as f64;
    }
}

/// A full tile over contiguous rows: each gradient pair is loaded and widened once.
#[inline(always)]
fn accumulate_full(h: [&mut [GradStats; BIN_STRIDE]; 4], tile: &[u8], gh: &[[f32; 2]]) {
    let [h0, h1, h2, h3] = h;
    for (b, p) in tile.chunks_exact(4).zip(gh) {
        let (g, hh) = (p[0] as f64, p[1] as f64);
        add(&mut h0[b[0] as usize], g, hh);
        add(&mut h1[b[1] as usize], g, hh);
        add(&mut h2[b[2] as usize], g, hh);
        add(&mut h3[b[3] as usize], g, hh);
    }
}

/// A full tile over gathered rows (row index, gradient and the row's four bins loaded once); `PF`
/// prefetches the bins of rows ahead (sparse nodes).
#[inline(always)]
fn gather_full<const PF: bool>(h: [&mut [GradStats; BIN_STRIDE]; 4], tile: &[u8], rows: &[u32], gh: &[[f32; 2]]) {
    let [h0, h1, h2, h3] = h;
    for (k, (&r, p)) in rows.iter().zip(gh).enumerate() {
        if PF {
            if let Some(&ahead) = rows.get(k + PREFETCH_DISTANCE) {
                prefetch(&tile[ahead as usize * 4..]);
            }
        }
        let i = r as usize * 4;
        let b: [u8; 4] = tile[i..i + 4].try_into().expect("4 bins");
        let (g, hh) = (p[0] as f64, p[1] as f64);
        add(&mut h0[b[0] as usize], g, hh);
        add(&mut h1[b[1] as usize], g, hh);
        add(&mut h2[b[2] as usize], g, hh);
        add(&mut h3[b[3] as usize], g, hh);
    }
}

#[inline(always)]
fn add(e: &mut GradStats, g: f64, h: f64) {
    e.g += g;
    e.h += h;
}

#[inline(always)]
fn accumulate(hist: &mut [GradStats; BIN_STRIDE], bins: impl Iterator<Item = u8>, gh: &[[f32; 2]]) {
    for (b, p) in bins.zip(gh) {
        let e = &mut hist[b as usize];
        e.g += p[0] as f64;
        e.h += p[1] as f64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mp_core::{ColMajor, Rng};

    #[test]
    fn subtracted_sibling_equals_direct_build() {
        let (n, f) = (3000, 4);
        let mut rng = Rng::new(5);
        let data: Vec<f32> =
            (0..n * f).map(|i| if i % 37 == 0 { f32::NAN } else { rng.next_f64() as f32 * 10.0 }).collect();
        let m = BinnedMatrix::from_matrix(ColMajor::new(&data, n).unwrap(), 64, 0).unwrap();
        let gh: Vec<[f32; 2]> = (0..n).map(|_| [rng.next_f64() as f32 - 0.5, rng.next_f64() as f32]).collect();
        let mask = vec![true; f];
        let all: Vec<u32> = (0..n as u32).collect();
        let (left, right): (Vec<u32>, Vec<u32>) = all.iter().partition(|&&r| m.bin(r as usize, 1) <= 20);
        let ordered = |rows: &[u32]| rows.iter().map(|&r| gh[r as usize]).collect::<Vec<_>>();

        let mut parent = Histogram::new(f);
        parent.build(&m, None, &gh, Some(&mask));
        let mut l = Histogram::new(f);
        l.build(&m, Some(&left), &ordered(&left), Some(&mask));
        let mut r_direct = Histogram::new(f);
        r_direct.build(&m, Some(&right), &ordered(&right), Some(&mask));
        parent.subtract(&l, Some(&mask));
        for j in 0..f {
            for (a, b) in parent.feature(j).iter().zip(r_direct.feature(j)) {
                assert!((a.g - b.g).abs() < 1e-9 && (a.h - b.h).abs() < 1e-9, "{a:?} vs {b:?}");
            }
        }
    }

    /// The naive reference: every selected feature summed row by row in the node's row order.
    fn naive(m: &BinnedMatrix, rows: &[u32], gh: &[[f32; 2]], mask: &[bool]) -> Vec<Vec<GradStats>> {
        (0..m.n_features())
            .map(|j| {
                let mut bins = vec![GradStats::default(); BIN_STRIDE];
                if mask[j] {
                    for &r in rows {
                        let (p, b) = (gh[r as usize], m.bin(r as usize, j) as usize);
                        bins[b].g += p[0] as f64;
                        bins[b].h += p[1] as f64;
                    }
                }
                bins
            })
            .collect()
    }

    #[test]
    fn builds_equal_the_naive_reference_bit_for_bit() {
        // 11 features: two full tiles of 4 and a narrower last tile; enough rows for the parallel
        // path, several row blocks, and both sparse (prefetched) and dense gathers.
        let (n, f) = (20_000, 11);
        let mut rng = Rng::new(17);
        let data: Vec<f32> = (0..n * f)
            .map(|i| if i % 29 == 0 { f32::NAN } else { (rng.next_f64() * 300.0).floor() as f32 })
            .collect();
        let gh: Vec<[f32; 2]> = (0..n).map(|_| [rng.next_f64() as f32 - 0.5, rng.next_f64() as f32]).collect();
        let all: Vec<u32> = (0..n as u32).collect();
        let dense: Vec<u32> = all.iter().copied().filter(|r| r % 3 != 0).collect();
        let sparse: Vec<u32> = all.iter().copied().filter(|r| r % 11 == 4).collect();
        let masks = [vec![true; f], (0..f).map(|j| j % 3 != 1).collect::<Vec<_>>()];
        for tile in [4, 1] {
            let m = BinnedMatrix::from_matrix_tiled(ColMajor::new(&data, n).unwrap(), 255, 0, tile).unwrap();
            for mask in &masks {
                for rows in [&all, &dense, &sparse] {
                    let want = naive(&m, rows, &gh, mask);
                    let ordered: Vec<[f32; 2]> = rows.iter().map(|&r| gh[r as usize]).collect();
                    let mut h = Histogram::new(f);
                    // A dirty pooled histogram: build must clear the selected features first.
                    h.data.iter_mut().for_each(|s| *s = GradStats::new(1.0, 1.0));
                    let node = (rows.len() < n).then_some(&rows[..]);
                    h.build(&m, node, if node.is_some() { &ordered } else { &gh }, Some(mask));
                    // The same rows in two pieces (first built, then accumulated): the same sums.
                    let mut pieces = Histogram::new(f);
                    let cut = rows.len() / 3;
                    pieces.build(&m, Some(&rows[..cut]), &ordered[..cut], Some(mask));
                    pieces.accumulate(&m, Some(&rows[cut..]), &ordered[cut..], Some(mask));
                    for j in (0..f).filter(|&j| mask[j]) {
                        assert_eq!(h.feature(j), &want[j][..], "tile {tile}, feature {j}, {} rows", rows.len());
                        assert_eq!(pieces.feature(j), &want[j][..], "pieces: tile {tile}, feature {j}");
                    }
                }
            }
        }
    }

    #[test]
    fn parallel_subtraction_equals_binwise_difference() {
        let f = 70;
        let mut rng = Rng::new(3);
        let mut parent = Histogram::new(f);
        let mut child = Histogram::new(f);
        for (p, c) in parent.data.iter_mut().zip(child.data.iter_mut()) {
            *p = GradStats::new(rng.next_f64() - 0.5, rng.next_f64());
            *c = GradStats::new(rng.next_f64() - 0.5, rng.next_f64());
        }
        let mask: Vec<bool> = (0..f).map(|j| j % 5 != 2).collect();
        let before = parent.clone();
        parent.subtract(&child, Some(&mask));
        for (j, &on) in mask.iter().enumerate() {
            for ((a, b), c) in parent.feature(j).iter().zip(before.feature(j)).zip(child.feature(j)) {
                assert_eq!(*a, if on { *b - *c } else { *b });
            }
        }
    }

    #[test]
    fn masked_features_are_untouched() {
        let data = [1.0f32, 2.0, 3.0, 4.0];
        let m = BinnedMatrix::from_matrix(ColMajor::new(&data, 2).unwrap(), 255, 0).unwrap();
        let mut h = Histogram::new(2);
        h.build(&m, None, &[[1.0, 1.0], [2.0, 1.0]], Some(&[false, true]));
        assert!(h.feature(0).iter().all(|s| *s == GradStats::default()));
        assert_eq!(h.feature(1).iter().map(|s| s.g).sum::<f64>(), 3.0);
    }
}
