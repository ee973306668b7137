//! Binary classification metrics over predicted probabilities (sklearn conventions).
use crate::error::{Error, ErrorCode, Result};
use crate::labels::BinaryLabels;
use serde::{Deserialize, Serialize};

/// Probability clip used by log-loss, as in scikit-learn's float64 path.
pub const LOGLOSS_EPS: f64 = 1e-15;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Confusion {
    pub tn: u64,
    pub fp: u64,
    #[serde(rename = "fn")]
    pub fn_: u64,
    pub tp: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BinaryMetrics {
    pub n: u64,
    pub threshold: f64,
    pub accuracy: f64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub roc_auc: f64,
    pub log_loss: f64,
    pub confusion: Confusion,
}

impl BinaryMetrics {
    /// All metrics at once. `threshold` turns probabilities into classes (`p >= threshold` is positive).
    /// Precision/recall/F1 with an empty denominator are 0 (sklearn's `zero_division=0`).
    pub fn compute(y: &[f32], p: &[f32], threshold: f64) -> Result<Self> {
        if !(0.0..=1.0).contains(&threshold) {
            return Err(Error::invalid_param("threshold", format!("must be in [0, 1], got {threshold}")));
        }
        if y.len() != p.len() {
            return Err(Error::shape(format!("{} labels but {} predictions", y.len(), p.len())));
        }
        let labels = BinaryLabels::with_both_classes(y, y.len())?;
        check_probabilities(p)?;
        let confusion = confusion(&labels, p, threshold);
        let Confusion { tn, fp, fn_, tp } = confusion;
        let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let precision = ratio(tp, tp + fp);
        let recall = ratio(tp, tp + fn_);
        let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
        Ok(BinaryMetrics {
            n: y.len() as u64,
            threshold,
            accuracy: ratio(tp + tn, y.len() as u64),
            precision,
            recall,
            f1,
            roc_auc: roc_auc(&labels, p),
            log_loss: log_loss(&labels, p),
            confusion,
        })
    }
}

fn check_probabilities(p: &[f32]) -> Result<()> {
    match p.iter().position(|v| !(0.0..=1.0).contains(v)) {
        Some(i) => Err(Error::new(
            ErrorCode::NonFinite,
            format!("prediction at row {i} is {}; probabilities must be in [0, 1]", p[i]),
        )),
        None => Ok(()),
    }
}

fn confusion(y: &BinaryLabels, p: &[f32], threshold: f64) -> Confusion {
    let mut c = Confusion { tn: 0, fp: 0, fn_: 0, tp: 0 };
    for (i, &pi) in p.iter().enumerate() {
        match (y.is_pos(i), pi as f64 >= threshold) {
            (true, true) => c.tp += 1,
            (true, false) => c.fn_ += 1,
            (false, true) => c.fp += 1,
            (false, false) => c.tn += 1,
        }
    }
    c
}

/// Area under the ROC curve via the rank-sum (Mann-Whitney U) statistic; tied scores get average ranks.
pub fn roc_auc(y: &BinaryLabels, p: &[f32]) -> f64 {
    let mut order: Vec<u32> = (0..p.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| p[a as usize].total_cmp(&p[b as usize]));
    let mut pos_rank_sum = 0.0f64;
    let mut i = 0;
    while i < order.len() {
        let mut j = i + 1;
        while j < order.len() && p[order[j] as usize] == p[order[i] as usize] {
            j += 1;
        }
        let avg_rank = (i + j + 1) as f64 / 2.0; // ranks are 1-based: (i+1 + j) / 2
        let n_pos_tied = order[i..j].iter().filter(|&&k| y.is_pos(k as usize)).count();
        pos_rank_sum += avg_rank * n_pos_tied as f64;
        i = j;
    }
    let (np, nn) = (y.n_pos() as f64, y.n_neg() as f64);
    (pos_rank_sum - np * (np + 1.0) / 2.0) / (np * nn)
}

/// Mean negative log-likelihood with probabilities clipped to [eps, 1-eps].
pub fn log_loss(y: &BinaryLabels, p: &[f32]) -> f64 {
    let total: f64 = p
        .iter()
        .enumerate()
        .map(|(i, &pi)| {
            let q = (pi as f64).clamp(LOGLOSS_EPS, 1.0 - LOGLOSS_EPS);
            if y.is_pos(i) { -crate::math::ln(q) } else { -crate::math::ln(1.0 - q) }
        })
        .sum();
    total / p.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(y: &[f32]) -> BinaryLabels<'_> {
        BinaryLabels::new(y, y.len()).unwrap()
    }

    #[test]
    fn auc_matches_hand_computed_with_ties() {
        // sklearn.metrics.roc_auc_score([0,0,1,1],[0.1,0.4,0.35,0.8]) == 0.75
        assert!((roc_auc(&labels(&[0.0, 0.0, 1.0, 1.0]), &[0.1, 0.4, 0.35, 0.8]) - 0.75).abs() < 1e-12);
        // a tie between one positive and one negative counts half
        assert!((roc_auc(&labels(&[0.0, 1.0]), &[0.5, 0.5]) - 0.5).abs() < 1e-12);
        assert_eq!(roc_auc(&labels(&[0.0, 1.0, 0.0, 1.0]), &[0.1, 0.9, 0.2, 0.8]), 1.0);
    }

    #[test]
    fn confusion_precision_recall() {
        let y = [1.0, 1.0, 0.0, 0.0, 1.0];
        let p = [0.9, 0.2, 0.7, 0.1, 0.6];
        let m = BinaryMetrics::compute(&y, &p, 0.5).unwrap();
        assert_eq!(m.confusion, Confusion { tn: 1, fp: 1, fn_: 1, tp: 2 });
        assert!((m.precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.recall - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.f1 - 2.0 / 3.0).abs() < 1e-12);
        assert!((m.accuracy - 0.6).abs() < 1e-12);
    }

    #[test]
    fn log_loss_reference() {
        // sklearn.metrics.log_loss([1,0],[0.8,0.3]) == 0.2899092476264711
        let l = log_loss(&labels(&[1.0, 0.0]), &[0.8, 0.3]);
        assert!((l - 0.289_909_247_626_471_1).abs() < 1e-6, "{l}");
    }

    #[test]
    fn bad_inputs_are_coded() {
        assert_eq!(BinaryMetrics::compute(&[1.0, 0.0], &[0.5], 0.5).unwrap_err().code(), ErrorCode::ShapeMismatch);
        assert_eq!(BinaryMetrics::compute(&[1.0, 1.0], &[0.5, 0.2], 0.5).unwrap_err().code(), ErrorCode::EmptyClass);
        assert_eq!(BinaryMetrics::compute(&[1.0, 0.0], &[f32::NAN, 0.2], 0.5).unwrap_err().code(), ErrorCode::NonFinite);
        assert_eq!(BinaryMetrics::compute(&[1.0, 0.0], &[0.5, 0.2], 1.5).unwrap_err().code(), ErrorCode::InvalidParam);
    }
}
