//! Training objectives: base score, per-row gradient/hessian, and the output transform.
use mp_core::math::{exp, ln};
use mp_core::metrics::{log_loss, roc_auc};
use mp_core::params::Choice;
use mp_core::{BinaryLabels, Error, ErrorCode, Result};
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

/// Which objective a model was trained with: in parameters (JSON) by xgboost's names through
/// [`Choice`]; in the model body (postcard) by variant index, as the derive below writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ObjectiveKind {
    #[serde(rename = "binary:logistic")]
    Logistic,
    #[serde(rename = "reg:squarederror")]
    SquaredError,
}

impl Choice for ObjectiveKind {
    const PARAM: &'static str = "objective";
    const CHOICES: &'static [(&'static str, Self)] =
        &[("binary:logistic", ObjectiveKind::Logistic), ("reg:squarederror", ObjectiveKind::SquaredError)];
}

impl ObjectiveKind {
    pub fn as_str(self) -> &'static str {
        self.name()
    }
    /// Raw score → output for this objective.
    pub fn transform(self, raw: f64) -> f64 {
        match self {
            ObjectiveKind::Logistic => sigmoid(raw),
            ObjectiveKind::SquaredError => raw,
        }
    }

    /// The training metric of a round from the mean loss `gradients` returned.
    pub fn train_metric(self, mean_loss: f64) -> (String, f64) {
        match self {
            ObjectiveKind::Logistic => ("train_logloss".to_string(), mean_loss),
            ObjectiveKind::SquaredError => ("train_rmse".to_string(), mean_loss.sqrt()),
        }
    }

    /// Metrics of validation raw scores; the first one drives early stopping (lower is better).
    pub fn valid_metrics(self, raw: &[f64], y: &[f32]) -> Vec<(String, f64)> {
        match self {
            ObjectiveKind::Logistic => {
                let p: Vec<f32> = raw.iter().map(|&m| self.transform(m) as f32).collect();
                let labels = BinaryLabels::new(y, y.len()).expect("validated labels");
                let mut m = vec![("valid_logloss".to_string(), log_loss(&labels, &p))];
                if labels.n_pos() > 0 && labels.n_neg() > 0 {
                    m.push(("valid_auc".to_string(), roc_auc(&labels, &p)));
                }
                m
            }
            ObjectiveKind::SquaredError => {
                let sse: f64 = raw.iter().zip(y).map(|(&p, &t)| (p - t as f64).powi(2)).sum();
                vec![("valid_rmse".to_string(), (sse / y.len() as f64).sqrt())]
            }
        }
    }

    /// Labels this objective trains on: 0/1 (with both classes when `need_both`), or finite values.
    pub fn check_labels(self, y: &[f32], n: usize, need_both: bool) -> Result<()> {
        match self {
            ObjectiveKind::Logistic if need_both => BinaryLabels::with_both_classes(y, n).map(|_| ()),
            ObjectiveKind::Logistic => BinaryLabels::new(y, n).map(|_| ()),
            ObjectiveKind::SquaredError => {
                if y.len() != n {
                    return Err(Error::shape(format!("labels have length {} but n_rows is {n}", y.len())));
                }
                match y.iter().position(|v| !v.is_finite()) {
                    Some(i) => Err(Error::new(
                        ErrorCode::InvalidLabel,
                        format!("label at row {i} is {}; regression labels must be finite", y[i]),
                    )),
                    None => Ok(()),
                }
            }
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
