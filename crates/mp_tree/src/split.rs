//! Split evaluation over histogram bins (xgboost's exact gain formula), both missing directions.
use crate::binning::{BinnedMatrix, MISSING_BIN};
use crate::histogram::{GradStats, Histogram};
use crate::par;

/// Minimum loss change for a split to count (xgboost's `kRtEps`).
const MIN_GAIN: f64 = 1e-6;
/// A side with a hessian sum at or below this is treated as empty.
const MIN_SIDE_HESS: f64 = 1e-12;
/// Nodes evaluating at least this many features spread them over threads, [`FEATURES_PER_TASK`] a task.
const PARALLEL_MIN_FEATURES: usize = 16;
const FEATURES_PER_TASK: usize = 8;

/// Regularisation and stopping constraints shared by GBT and RF.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SplitParams {
    /// L2 penalty on leaf weights.
    pub reg_lambda: f64,
    /// Minimum gain (loss reduction) to split.
    pub gamma: f64,
    /// Minimum hessian sum per child. For RF (unit hessians times bootstrap counts) this is the
    /// minimum (bootstrap-weighted) number of samples per leaf, i.e. `min_samples_leaf`.
    pub min_child_weight: f64,
}

impl SplitParams {
    /// Optimal leaf weight `-G / (H + lambda)` (0 for an empty node).
    pub fn leaf_weight(&self, s: GradStats) -> f64 {
        let d = s.h + self.reg_lambda;
        if d > 0.0 {
            -s.g / d
        } else {
            0.0
        }
    }

    fn score(&self, s: GradStats) -> f64 {
        let d = s.h + self.reg_lambda;
        if d > 0.0 {
            s.g * s.g / d
        } else {
            0.0
        }
    }

    fn side_ok(&self, s: GradStats) -> bool {
        s.h >= self.min_child_weight && s.h > MIN_SIDE_HESS
    }

    /// Whether a node with these sums could have two children satisfying `min_child_weight`.
    pub fn can_split(&self, s: GradStats, n_rows: usize) -> bool {
        n_rows >= 2 && s.h >= 2.0 * self.min_child_weight
    }
}

/// The best split of a node: rows with `bin ≤ bin` go left, missing goes left iff `default_left`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SplitInfo {
    pub feature: u32,
    pub bin: u8,
    pub default_left: bool,
    pub gain: f64,
    pub left: GradStats,
    pub right: GradStats,
}

impl SplitInfo {
    /// Routing of one binned value.
    #[inline]
    pub fn goes_left(&self, bin: u8) -> bool {
        // bin - 1 wraps the missing bin (0) to 255, above every split bin.
        (bin.wrapping_sub(1) < self.bin) | ((bin == MISSING_BIN) & self.default_left)
    }
}

/// Best split over `features`. Within a feature ties keep the lower bin; equal gains on different
/// features are broken by the features' data fingerprints, so column order never changes the choice.
/// Empty value bins after bin 1 are skipped (see [`best_for_feature`]); nodes with many features
/// evaluate them on several threads.
pub fn best_split(
    hist: &Histogram,
    m: &BinnedMatrix,
    features: &[u32],
    total: GradStats,
    p: &SplitParams,
) -> Option<SplitInfo> {
    let parent = p.score(total);
    let eval = |f: u32| {
        let bins = hist.feature(f as usize);
        let n = m.n_bins(f as usize);
        let values = bins.iter().copied().enumerate().take(n).skip(1).filter(|&(b, s)| b == 1 || s.g != 0.0 || s.h != 0.0);
        best_for_feature(bins[MISSING_BIN as usize], values, n, f, total, parent, p)
    };
    // Each feature's best is independent of the others; the choice between them is one fold in
    // feature order either way, so the parallel evaluation picks exactly the sequential split.
    let per_feature: Vec<Option<SplitInfo>> = if features.len() >= PARALLEL_MIN_FEATURES {
        let chunks: Vec<&[u32]> = features.chunks(FEATURES_PER_TASK).collect();
        par::map_indexed(chunks.len(), |c| chunks[c].iter().map(|&f| eval(f)).collect::<Vec<_>>()).concat()
    } else {
        features.iter().map(|&f| eval(f)).collect()
    };
    pick(per_feature, m, p)
}

/// [`best_split`] with feature `features[i]`'s bins given by `bins(i, feature)`: its missing bin and
/// its value bins `(bin, sums)` in ascending bin order. A value bin after bin 1 may be left out when
/// its sums are zero (such a bin moves no split, so the choice is the same bit for bit).
pub(crate) fn best_split_of<I: Iterator<Item = (usize, GradStats)>>(
    m: &BinnedMatrix,
    features: &[u32],
    total: GradStats,
    p: &SplitParams,
    bins: impl Fn(usize, u32) -> (GradStats, I),
) -> Option<SplitInfo> {
    let parent = p.score(total);
    let per_feature = features.iter().enumerate().map(|(i, &f)| {
        let (missing, values) = bins(i, f);
        best_for_feature(missing, values, m.n_bins(f as usize), f, total, parent, p)
    });
    pick(per_feature, m, p)
}

/// The best of the features' bests, in feature order (ties: the features' data fingerprints), if it
/// gains enough.
fn pick(per_feature: impl IntoIterator<Item = Option<SplitInfo>>, m: &BinnedMatrix, p: &SplitParams) -> Option<SplitInfo> {
    let mut best: Option<SplitInfo> = None;
    let key = |s: &SplitInfo| (s.gain, m.fingerprint(s.feature as usize));
    for s in per_feature.into_iter().flatten() {
        if best.is_none_or(|b| key(&s) > key(&b)) {
            best = Some(s);
        }
    }
    best.filter(|b| b.gain > p.gamma && b.gain > MIN_GAIN)
}

/// `values`: the feature's value bins `(bin, sums)`, ascending, empty ones after bin 1 possibly left
/// out. Skipping such a bin is exact: it leaves `acc` unchanged (sums are never -0.0, so adding a
/// zero is the identity), so every split it would offer repeats one the previous bin offered with the
/// same gain, which a tie never replaces; the last bin's pure "is missing" split likewise repeats the
/// previous bin's "missing right". Bin 1 stays even empty: its "only missing left" split
/// (`acc = 0`) repeats nothing before it.
fn best_for_feature(
    missing: GradStats,
    values: impl Iterator<Item = (usize, GradStats)>,
    n_bins: usize,
    feature: u32,
    total: GradStats,
    parent: f64,
    p: &SplitParams,
) -> Option<SplitInfo> {
    let has_missing = missing.h > MIN_SIDE_HESS;
    let last = n_bins - 1;
    let mut best: Option<SplitInfo> = None;
    let mut consider = |left: GradStats, bin: usize, default_left: bool| {
        let right = total - left;
        if !p.side_ok(left) || !p.side_ok(right) {
            return;
        }
        let gain = p.score(left) + p.score(right) - parent;
        if best.is_none_or(|b| gain > b.gain) {
            best = Some(SplitInfo { feature, bin: bin as u8, default_left, gain, left, right });
        }
    };
    let mut acc = GradStats::default();
    for (b, s) in values {
        acc += s;
        if b < last {
            // Missing goes right; with no missing values seen, send them to the heavier child.
            let default_left = !has_missing && acc.h >= (total - acc).h;
            consider(acc, b, default_left);
            if has_missing {
                consider(acc + missing, b, true);
            }
        } else if has_missing {
            // Every value left, missing right: a pure "is missing" split.
            consider(acc, b, false);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use mp_core::ColMajor;

    fn params() -> SplitParams {
        SplitParams { reg_lambda: 0.0, gamma: 0.0, min_child_weight: 1.0 }
    }

    #[test]
    fn finds_the_separating_threshold() {
        let x = [1.0f32, 2.0, 3.0, 4.0];
        let m = BinnedMatrix::from_matrix(ColMajor::new(&x, 4).unwrap(), 255, 0).unwrap();
        let gh = [[1.0f32, 1.0], [1.0, 1.0], [-1.0, 1.0], [-1.0, 1.0]];
        let mut h = Histogram::new(1);
        h.build(&m, None, &gh, None);
        let s = best_split(&h, &m, &[0], GradStats::new(0.0, 4.0), &params()).unwrap();
        assert_eq!(m.threshold(0, s.bin), 2.5);
        assert!((s.gain - 4.0).abs() < 1e-12);
    }

    #[test]
    fn learns_missing_direction() {
        let x = [1.0f32, 2.0, f32::NAN, f32::NAN, 3.0, 4.0];
        let m = BinnedMatrix::from_matrix(ColMajor::new(&x, 6).unwrap(), 255, 0).unwrap();
        // missing rows behave like the high values
        let gh = [[1.0f32, 1.0], [1.0, 1.0], [-1.0, 1.0], [-1.0, 1.0], [-1.0, 1.0], [-1.0, 1.0]];
        let mut h = Histogram::new(1);
        h.build(&m, None, &gh, None);
        let s = best_split(&h, &m, &[0], GradStats::new(-2.0, 6.0), &params()).unwrap();
        assert!(!s.default_left);
        assert_eq!(m.threshold(0, s.bin), 2.5);
    }

    /// The reference scan: every bin of every feature in order, no skipping, one thread.
    fn reference(h: &Histogram, m: &BinnedMatrix, features: &[u32], total: GradStats, p: &SplitParams) -> Option<SplitInfo> {
        let parent = p.score(total);
        let mut best: Option<SplitInfo> = None;
        for &f in features {
            let bins = h.feature(f as usize);
            let (missing, last) = (bins[MISSING_BIN as usize], m.n_bins(f as usize) - 1);
            let has_missing = missing.h > MIN_SIDE_HESS;
            let mut acc = GradStats::default();
            for (b, &s) in bins.iter().enumerate().take(last + 1).skip(1) {
                acc += s;
                let mut cands = Vec::new();
                if b < last {
                    cands.push((acc, !has_missing && acc.h >= (total - acc).h));
                    if has_missing {
                        cands.push((acc + missing, true));
                    }
                } else if has_missing {
                    cands.push((acc, false));
                }
                for (left, default_left) in cands {
                    let right = total - left;
                    if !p.side_ok(left) || !p.side_ok(right) {
                        continue;
                    }
                    let gain = p.score(left) + p.score(right) - parent;
                    let s = SplitInfo { feature: f, bin: b as u8, default_left, gain, left, right };
                    let key = |s: &SplitInfo| (s.gain, m.fingerprint(s.feature as usize));
                    if best.is_none_or(|o| if o.feature == f { gain > o.gain } else { key(&s) > key(&o) }) {
                        best = Some(s);
                    }
                }
            }
        }
        best.filter(|b| b.gain > p.gamma && b.gain > MIN_GAIN)
    }

    #[test]
    fn equals_the_reference_scan_on_sparse_nodes() {
        use mp_core::Rng;
        // Many features (the parallel path), few rows per node (mostly empty bins), some missing
        // values, and coarse values so that gains tie between bins and features.
        let (n, f) = (4000, 37);
        let mut rng = Rng::new(23);
        let x: Vec<f32> = (0..n * f)
            .map(|i| if i % 17 == 0 { f32::NAN } else { (rng.next_f64() * if i % 2 == 0 { 400.0 } else { 6.0 }).floor() as f32 })
            .collect();
        let m = BinnedMatrix::from_matrix(ColMajor::new(&x, n).unwrap(), 255, 0).unwrap();
        let gh: Vec<[f32; 2]> = (0..n).map(|_| [(rng.next_f64() * 4.0).floor() as f32 - 1.5, 1.0]).collect();
        let features: Vec<u32> = (0..f as u32).filter(|j| j % 7 != 3).collect();
        for (step, p) in [(1, params()), (9, params()), (61, SplitParams { reg_lambda: 1.0, gamma: 0.0, min_child_weight: 0.0 })] {
            let rows: Vec<u32> = (0..n as u32).step_by(step).collect();
            let ordered: Vec<[f32; 2]> = rows.iter().map(|&r| gh[r as usize]).collect();
            let mut h = Histogram::new(f);
            h.build(&m, Some(&rows), &ordered, None);
            let total = GradStats::sum_rows(&gh, &rows);
            let got = best_split(&h, &m, &features, total, &p);
            assert!(got.is_some(), "step {step}: no split");
            assert_eq!(got, reference(&h, &m, &features, total, &p), "step {step}");
        }
    }

    #[test]
    fn respects_min_child_weight_and_gamma() {
        let x = [1.0f32, 2.0, 3.0, 4.0];
        let m = BinnedMatrix::from_matrix(ColMajor::new(&x, 4).unwrap(), 255, 0).unwrap();
        let gh = [[1.0f32, 1.0], [1.0, 1.0], [-1.0, 1.0], [-1.0, 1.0]];
        let mut h = Histogram::new(1);
        h.build(&m, None, &gh, None);
        let tot = GradStats::new(0.0, 4.0);
        assert!(best_split(&h, &m, &[0], tot, &SplitParams { min_child_weight: 3.0, ..params() }).is_none());
        assert!(best_split(&h, &m, &[0], tot, &SplitParams { gamma: 4.5, ..params() }).is_none());
    }
}
