//! L2-regularized logistic regression with intercept, fitted by linfa-logistic (L-BFGS) on standardized features.
use crate::scaler::Standardizer;
use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use mp_core::math::sigmoid;
use mp_core::params::{float_in, float_in_open_closed, int_in};
use mp_core::{BinaryLabels, ColMajor, Error, ErrorCode, Result};
use ndarray::{Array1, Array2, ShapeBuilder};
use serde::{Deserialize, Serialize};

/// Hyper-parameters. `l2` is the penalty `l2/2 * ||w||^2` on the summed log-loss: the same as `1/C` in scikit-learn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct LogisticParams {
    /// In [0, 1e12] (default 1).
    pub l2: f64,
    /// In [1, 100000] (default 200).
    pub max_iter: u64,
    /// Stop when the gradient norm of the MEAN log-loss falls below this (scikit-learn's `tol`); in (0, 1e3] (default 1e-4).
    pub tol: f64,
    /// Fit an intercept (default true).
    pub fit_intercept: bool,
    /// Standardize features with training mean/std before fitting (stored in the model).
    pub standardize: bool,
}

impl Default for LogisticParams {
    fn default() -> Self {
        LogisticParams { l2: 1.0, max_iter: 200, tol: 1e-4, fit_intercept: true, standardize: true }
    }
}

/// Upper bound of `l2`: the summed log-loss is at most rows x ln 2 (rows < 2^32), so beyond ~1e12
/// the penalty alone decides (every weight 0) whatever the data; the fit stays finite up to here.
pub const L2_MAX: f64 = 1e12;
/// Upper bound of `max_iter` (L-BFGS iterations).
pub const MAX_ITER_LIMIT: u64 = 100_000;
/// Upper bound of `tol`: the mean-loss gradient norm on standardized features is below
/// 0.5 x sqrt(features), so larger values only stop before the first step; `tol x rows` stays finite.
pub const TOL_MAX: f64 = 1e3;

/// Parameters that passed [`LogisticParams::check`]; the only kind the fit accepts.
#[derive(Debug, Clone, PartialEq)]
pub struct LogisticValidParams(LogisticParams);

impl LogisticValidParams {
    pub fn params(&self) -> &LogisticParams {
        &self.0
    }
}

impl LogisticParams {
    pub fn check(&self) -> Result<LogisticValidParams> {
        float_in("l2", self.l2, 0.0, L2_MAX)?;
        int_in("max_iter", self.max_iter, 1, MAX_ITER_LIMIT)?;
        float_in_open_closed("tol", self.tol, 0.0, TOL_MAX)?;
        Ok(LogisticValidParams(self.clone()))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogisticModel {
    pub scaler: Standardizer,
    /// Weights on the standardized features.
    pub weights: Vec<f64>,
    pub intercept: f64,
}

pub fn fit_logistic(x: ColMajor, y: &[f32], params: &LogisticValidParams) -> Result<LogisticModel> {
    let p = &params.0;
    let labels = BinaryLabels::with_both_classes(y, x.n_rows())?;
    x.require_finite("logistic regression")?;
    let scaler = if p.standardize { Standardizer::fit(&x) } else { Standardizer::identity(x.n_features()) };
    let (n, k) = (x.n_rows(), x.n_features());
    let mut data = Vec::with_capacity(n * k);
    for j in 0..k {
        data.extend(x.col(j).iter().map(|&v| scaler.transform_value(j, v)));
    }
    let records = Array2::from_shape_vec((n, k).f(), data).map_err(|e| Error::internal(e.to_string()))?;
    let targets: Array1<usize> = labels.as_slice().iter().map(|&v| v as usize).collect();
    let fitted = LogisticRegression::default()
        .alpha(p.l2)
        .with_intercept(p.fit_intercept)
        .max_iterations(p.max_iter)
        // linfa minimizes the SUMMED loss, whose gradient grows with n: scale so `tol` means the same at any size.
        .gradient_tolerance(p.tol * n as f64)
        .fit(&Dataset::new(records, targets))
        .map_err(|e| Error::new(ErrorCode::InvalidParam, format!("logistic regression fit failed: {e}")))?;
    // linfa scores its *more frequent* class as positive; flip to score label 1 (sigma(-z) = 1 - sigma(z)).
    let sign = if fitted.labels().pos.class == 1 { 1.0 } else { -1.0 };
    let weights = fitted.params().iter().map(|w| sign * w).collect();
    Ok(LogisticModel { scaler, weights, intercept: sign * fitted.intercept() })
}

impl LogisticModel {
    pub fn n_features(&self) -> usize {
        self.weights.len()
    }

    /// P(y = 1) per row. NaN features are rejected (impute upstream).
    pub fn predict(&self, x: ColMajor) -> Result<Vec<f32>> {
        let x = ColMajor::with_features(x.as_slice(), x.n_rows(), self.n_features())?;
        x.require_finite("logistic regression")?;
        let mut z = vec![self.intercept; x.n_rows()];
        for (j, &w) in self.weights.iter().enumerate() {
            for (zi, &v) in z.iter_mut().zip(x.col(j)) {
                *zi += w * self.scaler.transform_value(j, v);
            }
        }
        Ok(z.into_iter().map(|zi| sigmoid(zi) as f32).collect())
    }

    /// Absolute standardized coefficients: the usual importance of a linear model.
    pub fn feature_importance(&self) -> Vec<f64> {
        self.weights.iter().map(|w| w.abs()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mp_core::metrics::roc_auc;

    /// Two informative features on very different scales plus one noise feature, seeded.
    fn dataset(n: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
        let mut rng = mp_core::Rng::new(seed);
        let mut cols: Vec<Vec<f32>> = (0..3).map(|_| Vec::with_capacity(n)).collect();
        let mut y = Vec::with_capacity(n);
        for _ in 0..n {
            let a = rng.next_f64() * 2.0 - 1.0;
            let b = (rng.next_f64() * 2.0 - 1.0) * 1000.0;
            let noise = rng.next_f64();
            let z = 3.0 * a + 0.002 * b + (rng.next_f64() - 0.5);
            cols[0].push(a as f32);
            cols[1].push(b as f32);
            cols[2].push(noise as f32);
            y.push(if z > 0.0 { 1.0 } else { 0.0 });
        }
        (cols.concat(), y)
    }

    #[test]
    fn learns_signal_and_ignores_noise() {
        let (x, y) = dataset(2000, 1);
        let m = fit_logistic(ColMajor::new(&x, 2000).unwrap(), &y, &LogisticParams::default().check().unwrap()).unwrap();
        let p = m.predict(ColMajor::new(&x, 2000).unwrap()).unwrap();
        let auc = roc_auc(&BinaryLabels::new(&y, 2000).unwrap(), &p);
        assert!(auc > 0.95, "auc {auc}");
        assert!(m.weights[0] > 0.0 && m.weights[1] > 0.0);
        assert!(m.weights[2].abs() < 0.3 * m.weights[0], "{:?}", m.weights);
    }

    #[test]
    fn scores_label_one_whichever_class_is_majority() {
        // Mostly-positive and mostly-negative versions of one problem must both rank label 1 high.
        for flip in [false, true] {
            let x: Vec<f32> = (0..100).map(|i| i as f32).collect();
            let y: Vec<f32> = (0..100).map(|i| ((i >= 20) != flip) as u8 as f32).collect();
            let m = fit_logistic(ColMajor::new(&x, 100).unwrap(), &y, &LogisticParams::default().check().unwrap()).unwrap();
            let p = m.predict(ColMajor::new(&x, 100).unwrap()).unwrap();
            assert!(roc_auc(&BinaryLabels::new(&y, 100).unwrap(), &p) > 0.99, "flip={flip}");
        }
    }

    #[test]
    fn stronger_l2_shrinks_weights() {
        let (x, y) = dataset(500, 2);
        let fit = |l2| {
            let p = LogisticParams { l2, ..Default::default() }.check().unwrap();
            fit_logistic(ColMajor::new(&x, 500).unwrap(), &y, &p).unwrap()
        };
        let norm = |m: &LogisticModel| m.weights.iter().map(|w| w * w).sum::<f64>();
        assert!(norm(&fit(100.0)) < norm(&fit(0.01)));
    }

    #[test]
    fn bad_inputs_are_coded() {
        assert_eq!(LogisticParams { l2: -1.0, ..Default::default() }.check().unwrap_err().code(), ErrorCode::InvalidParam);
        assert_eq!(LogisticParams { max_iter: 0, ..Default::default() }.check().unwrap_err().code(), ErrorCode::InvalidParam);
        let v = LogisticParams::default().check().unwrap();
        let x = [1.0, f32::NAN, 2.0, 3.0];
        let e = fit_logistic(ColMajor::new(&x, 2).unwrap(), &[0.0, 1.0], &v).unwrap_err();
        assert_eq!(e.code(), ErrorCode::NonFinite);
        let x = [1.0, 2.0];
        assert_eq!(fit_logistic(ColMajor::new(&x, 2).unwrap(), &[1.0, 1.0], &v).unwrap_err().code(), ErrorCode::EmptyClass);
    }
}
