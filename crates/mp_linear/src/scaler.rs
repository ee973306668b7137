//! Per-feature standardization (z-scores), fitted on training data and stored with the model.
use mp_core::ColMajor;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standardizer {
    pub mean: Vec<f64>,
    /// Population standard deviation; constant features get 1 so they map to 0 instead of NaN.
    pub scale: Vec<f64>,
}

impl Standardizer {
    pub fn fit(x: &ColMajor) -> Self {
        let n = x.n_rows() as f64;
        let (mut mean, mut scale) = (Vec::new(), Vec::new());
        for j in 0..x.n_features() {
            let (m, sd) = mean_sd(x.col(j), n);
            mean.push(m);
            scale.push(if sd > 1e-12 { sd } else { 1.0 });
        }
        Standardizer { mean, scale }
    }

    /// The identity transform for `n_features` columns (when standardization is turned off).
    pub fn identity(n_features: usize) -> Self {
        Standardizer { mean: vec![0.0; n_features], scale: vec![1.0; n_features] }
    }

    pub fn transform_value(&self, feature: usize, v: f32) -> f64 {
        (v as f64 - self.mean[feature]) / self.scale[feature]
    }

    /// Appends `transform_value(feature, v)` rounded to f32 for each `v` of `col`, one column per call
    /// (not inlined: wasm engines optimize a function for its later calls, see the `design` module).
    #[inline(never)]
    pub(crate) fn transform_column(&self, feature: usize, col: &[f32], out: &mut Vec<f32>) {
        out.extend(col.iter().map(|&v| self.transform_value(feature, v) as f32));
    }
}

/// Mean and population standard deviation of one column, one column per call (not inlined: wasm
/// engines optimize a function for its later calls, see the `design` module).
#[inline(never)]
fn mean_sd(col: &[f32], n: f64) -> (f64, f64) {
    let m = col.iter().map(|&v| v as f64).sum::<f64>() / n;
    let var = col.iter().map(|&v| (v as f64 - m).powi(2)).sum::<f64>() / n;
    (m, var.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_mean_unit_variance_and_constant_columns() {
        let data = [1.0, 2.0, 3.0, 5.0, 5.0, 5.0];
        let s = Standardizer::fit(&ColMajor::new(&data, 3).unwrap());
        assert!((s.mean[0] - 2.0).abs() < 1e-12);
        assert!((s.transform_value(0, 3.0) - 1.224_744_871).abs() < 1e-6);
        assert_eq!(s.scale[1], 1.0);
        assert_eq!(s.transform_value(1, 5.0), 0.0);
    }
}
