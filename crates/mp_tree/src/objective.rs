//! Training objectives: base score, per-row gradient/hessian, and the output transform.
use mp_core::math::{exp, ln};
use serde::{Deserialize, Serialize};

/// A twice-differentiable loss over raw scores (margins).
pub trait Objective: Sync {
    /// Optimal constant raw score for labels `y`.
    fn init_score(&self, y: &[f32]) -> f64;
    /// Writes `[grad, hess]` of each row at raw score `pred` into `gh` and returns the summed
    /// (unweighted) loss at `pred`, all in one pass.
    fn gradients(&self, pred: &[f64], y: &[f32], gh: &mut [[f32; 2]]) -> f64;
    /// Raw score → model output (probability for logistic).
    fn transform(&self, raw: f64) -> f64;
}

/// Which objective a model was trained with (serialized as xgboost's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ObjectiveKind {
    #[serde(rename = "binary:logistic")]
    Logistic,
    #[serde(rename = "reg:squarederror")]
    SquaredError,
}

impl ObjectiveKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectiveKind::Logistic => "binary:logistic",
            ObjectiveKind::SquaredError => "reg:squarederror",
        }
    }
    /// Raw score → output for this objective.
    pub fn transform(self, raw: f64) -> f64 {
        match self {
            ObjectiveKind::Logistic => sigmoid(raw),
            ObjectiveKind::SquaredError => raw,
        }
    }
}

pub use mp_core::math::sigmoid;

/// Binary log-loss on 0/1 labels; positives' gradients are scaled by `scale_pos_weight`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Logistic {
    pub scale_pos_weight: f64,
}

/// Smallest hessian (keeps leaf weights finite for saturated rows).
const MIN_HESS: f64 = 1e-16;

impl Objective for Logistic {
    fn init_score(&self, y: &[f32]) -> f64 {
        let pos: f64 = y.iter().map(|&v| v as f64).sum::<f64>() * self.scale_pos_weight;
        let neg = y.len() as f64 - pos / self.scale_pos_weight;
        let p = (pos / (pos + neg)).clamp(1e-7, 1.0 - 1e-7);
        ln(p / (1.0 - p))
    }

    fn gradients(&self, pred: &[f64], y: &[f32], gh: &mut [[f32; 2]]) -> f64 {
        let w = self.scale_pos_weight;
        let mut loss = 0.0;
        // Σ ln(1 + e_i) is taken as ln of running products (each factor is in (1, 2], so 512 of
        // them stay far below f64's range): one logarithm per 512 rows instead of one per row.
        let (mut prod, mut k) = (1.0f64, 0u32);
        for ((o, &m), &t) in gh.iter_mut().zip(pred).zip(y) {
            let e = exp(-m.abs());
            let d = 1.0 + e;
            let p = if m >= 0.0 { 1.0 / d } else { e / d };
            let t = t as f64;
            // log(1 + exp(m)) - t*m = max(m, 0) - t*m + ln(1 + exp(-|m|))
            loss += m.max(0.0) - t * m;
            prod *= d;
            k += 1;
            if k == 512 {
                loss += ln(prod);
                (prod, k) = (1.0, 0);
            }
            let wt = if t > 0.5 { w } else { 1.0 };
            *o = [((p - t) * wt) as f32, ((p * (1.0 - p)).max(MIN_HESS) * wt) as f32];
        }
        loss + ln(prod)
    }

    fn transform(&self, raw: f64) -> f64 {
        sigmoid(raw)
    }
}

/// Half squared error; the summed loss returned by `gradients` is the sum of squared residuals.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SquaredError;

impl Objective for SquaredError {
    fn init_score(&self, y: &[f32]) -> f64 {
        y.iter().map(|&v| v as f64).sum::<f64>() / y.len().max(1) as f64
    }

    fn gradients(&self, pred: &[f64], y: &[f32], gh: &mut [[f32; 2]]) -> f64 {
        let mut loss = 0.0;
        for ((o, &m), &t) in gh.iter_mut().zip(pred).zip(y) {
            let r = m - t as f64;
            loss += r * r;
            *o = [r as f32, 1.0];
        }
        loss
    }

    fn transform(&self, raw: f64) -> f64 {
        raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logistic_gradients_and_loss() {
        let obj = Logistic { scale_pos_weight: 1.0 };
        let mut gh = [[0.0f32; 2]; 2];
        let loss = obj.gradients(&[0.0, 0.0], &[1.0, 0.0], &mut gh);
        assert_eq!(gh, [[-0.5, 0.25], [0.5, 0.25]]);
        assert!((loss - 2.0 * 2f64.ln()).abs() < 1e-12);
        assert!((obj.init_score(&[1.0, 0.0, 0.0, 0.0]) - (1.0f64 / 3.0).ln()).abs() < 1e-12);
        let weighted = Logistic { scale_pos_weight: 3.0 };
        assert!(weighted.init_score(&[1.0, 0.0, 0.0, 0.0]).abs() < 1e-12);
    }

    #[test]
    fn blocked_log_loss_matches_per_row_sum() {
        let obj = Logistic { scale_pos_weight: 1.0 };
        let pred: Vec<f64> = (0..2000).map(|i| (i as f64 * 0.37).sin() * 8.0).collect();
        let y: Vec<f32> = (0..2000).map(|i| (i % 3 == 0) as u8 as f32).collect();
        let mut gh = vec![[0.0f32; 2]; 2000];
        let got = obj.gradients(&pred, &y, &mut gh);
        let want: f64 = pred.iter().zip(&y).map(|(&m, &t)| (1.0 + m.exp()).ln() - t as f64 * m).sum();
        assert!((got - want).abs() < 1e-9 * want, "{got} vs {want}");
    }

    #[test]
    fn squared_error_gradients() {
        let mut gh = [[0.0f32; 2]; 1];
        let loss = SquaredError.gradients(&[2.0], &[0.5], &mut gh);
        assert_eq!(gh, [[1.5, 1.0]]);
        assert!((loss - 2.25).abs() < 1e-12);
        assert_eq!(SquaredError.init_score(&[1.0, 2.0, 3.0]), 2.0);
    }
}
