//! L2-regularized logistic regression with intercept on standardized features: parameters, model,
//! fit (Newton's method, newton.rs, over the f32 design matrix of design.rs) and prediction.
use crate::design::{Design, Point};
use crate::newton::{solve, Settings};
use crate::scaler::Standardizer;
use mp_core::math::sigmoid;
use mp_core::params::{float_in, float_in_open_closed, int_in};
use mp_core::{BinaryLabels, ColMajor, Error, ErrorCode, Result};
use serde::{Deserialize, Serialize};

/// Hyper-parameters. `l2` is the penalty `l2/2 * ||w||^2` on the summed log-loss: the same as `1/C` in scikit-learn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct LogisticParams {
    /// In [0, 1e12] (default 1).
    pub l2: f64,
    /// Most Newton steps, in [1, 100000] (default 200; a fit usually converges in 5-10). When reached,
    /// the last iterate is kept.
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
/// Upper bound of `max_iter` (Newton steps).
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

/// Fits from all-zero weights (and a zero intercept).
pub fn fit_logistic(x: ColMajor, y: &[f32], params: &LogisticValidParams) -> Result<LogisticModel> {
    fit_logistic_from(x, y, params, None)
}

/// Fits starting from `start`'s solution (a warm start; `None`: from zero). `start` may come from other
/// rows and another scaler: its function `b + sum_j w_j (x_j - mean_j) / scale_j` is re-expressed in
/// this fit's standardized space. The optimum is the same whatever the start; the returned iterate
/// differs from a cold fit's only within the stopping tolerance.
pub fn fit_logistic_from(x: ColMajor, y: &[f32], params: &LogisticValidParams, start: Option<&LogisticModel>) -> Result<LogisticModel> {
    let (scaler, design) = prepare(x, y, params)?;
    let warm = start.is_some();
    let start = match start {
        Some(m) => m.point_in(&scaler)?,
        None => Point { w: vec![0.0; x.n_features()], b: 0.0 },
    };
    Ok(solve_into(&design, params, scaler, start, warm))
}

/// Checks the inputs, fits the scaler and builds the design matrix.
pub(crate) fn prepare<'a>(x: ColMajor<'a>, y: &[f32], params: &LogisticValidParams) -> Result<(Standardizer, Design<'a>)> {
    BinaryLabels::with_both_classes(y, x.n_rows())?;
    x.require_finite("logistic regression")?;
    let standardize = params.0.standardize;
    let scaler = if standardize { Standardizer::fit(&x) } else { Standardizer::identity(x.n_features()) };
    let design = Design::new(x, y, &scaler, standardize);
    Ok((scaler, design))
}

/// Runs the solver from `start` (at least one Newton step when `warm`) and wraps the solution as a model.
pub(crate) fn solve_into(design: &Design, params: &LogisticValidParams, scaler: Standardizer, start: Point, warm: bool) -> LogisticModel {
    let p = &params.0;
    let settings = Settings { l2: p.l2, max_iter: p.max_iter, tol: p.tol, fit_intercept: p.fit_intercept, min_steps: u64::from(warm) };
    let Point { w, b } = solve(design, &settings, start);
    LogisticModel { scaler, weights: w, intercept: b }
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

    /// This model's function in the standardized space of `scaler` (same rows' margins, any data).
    fn point_in(&self, scaler: &Standardizer) -> Result<Point> {
        let k = scaler.mean.len();
        if self.n_features() != k || self.scaler.mean.len() != k || self.scaler.scale.len() != k {
            return Err(Error::new(
                ErrorCode::ShapeMismatch,
                format!("warm start: the starting model has {} features, the data {k}", self.n_features()),
            ));
        }
        let (from, to) = (&self.scaler, scaler);
        let w: Vec<f64> = (0..k).map(|j| self.weights[j] * to.scale[j] / from.scale[j]).collect();
        let b = self.intercept + (0..k).map(|j| self.weights[j] * (to.mean[j] - from.mean[j]) / from.scale[j]).sum::<f64>();
        Ok(Point { w, b })
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
    fn separable_data_without_penalty_ends_with_finite_weights() {
        // perfectly separable, l2 = 0: no optimum exists; the fit must stop (tolerance, max_iter or a
        // line search that cannot improve) with finite weights that separate the classes
        let x: Vec<f32> = (0..200).map(|i| i as f32).collect();
        let y: Vec<f32> = (0..200).map(|i| f32::from(i >= 100)).collect();
        for max_iter in [3, 200] {
            let p = LogisticParams { l2: 0.0, max_iter, ..Default::default() }.check().unwrap();
            let m = fit_logistic(ColMajor::new(&x, 200).unwrap(), &y, &p).unwrap();
            assert!(m.weights[0].is_finite() && m.intercept.is_finite() && m.weights[0] > 0.0, "{m:?}");
            let pr = m.predict(ColMajor::new(&x, 200).unwrap()).unwrap();
            assert!(pr[0] < 0.5 && pr[199] > 0.5);
        }
    }

    #[test]
    fn constant_columns_and_huge_penalties() {
        let (mut x, y) = dataset(400, 3);
        x[400..800].iter_mut().for_each(|v| *v = 7.0); // feature 1 constant
        for l2 in [0.0, 1.0] {
            let p = LogisticParams { l2, ..Default::default() }.check().unwrap();
            let m = fit_logistic(ColMajor::new(&x, 400).unwrap(), &y, &p).unwrap();
            assert_eq!(m.weights[1], 0.0, "a constant column gets no weight (l2 {l2})");
            assert!(m.weights[0] > 1.0 && m.weights.iter().all(|w| w.is_finite()));
        }
        let p = LogisticParams { l2: L2_MAX, ..Default::default() }.check().unwrap();
        let m = fit_logistic(ColMajor::new(&x, 400).unwrap(), &y, &p).unwrap();
        assert!(m.weights.iter().all(|w| w.abs() < 1e-9), "{:?}", m.weights);
        // the intercept is not penalized: it still matches the base rate
        let rate = y.iter().sum::<f32>() as f64 / 400.0;
        assert!((sigmoid(m.intercept) - rate).abs() < 1e-6, "{} vs {rate}", sigmoid(m.intercept));
    }

    #[test]
    fn converges_below_tol_and_max_iter_keeps_the_last_iterate() {
        let (x, y) = dataset(1000, 4);
        let xm = ColMajor::new(&x, 1000).unwrap();
        let (scaler, design) = prepare(xm, &y, &LogisticParams::default().check().unwrap()).unwrap();
        let grad_norm = |m: &LogisticModel| {
            let at = m.point_in(&scaler).unwrap();
            let mut g = design.eval(&at).grad;
            g.iter_mut().zip(&at.w).for_each(|(g, w)| *g += w); // l2 = 1
            g.iter().map(|v| v * v).sum::<f64>().sqrt() / 1000.0
        };
        let full = fit_logistic(xm, &y, &LogisticParams { tol: 1e-6, ..Default::default() }.check().unwrap()).unwrap();
        assert!(grad_norm(&full) < 1e-6, "{}", grad_norm(&full));
        let one = fit_logistic(xm, &y, &LogisticParams { max_iter: 1, tol: 1e-6, ..Default::default() }.check().unwrap()).unwrap();
        assert!(grad_norm(&one) > 1e-6 && one.weights != full.weights && one.weights.iter().any(|w| *w != 0.0));
    }

    #[test]
    fn warm_starts_reach_the_cold_optimum_in_fewer_steps() {
        let (x, y) = dataset(1500, 5);
        let xm = ColMajor::new(&x, 1500).unwrap();
        let p = |l2, max_iter| LogisticParams { l2, max_iter, tol: 1e-8, ..Default::default() }.check().unwrap();
        let cold = fit_logistic(xm, &y, &p(1.0, 200)).unwrap();
        // a start fitted on other rows (another scaler) for another penalty: re-expressed, then refined
        let (xs, ys) = dataset(700, 6);
        let other = fit_logistic(ColMajor::new(&xs, 700).unwrap(), &ys, &p(3.0, 200)).unwrap();
        let warm = fit_logistic_from(xm, &y, &p(1.0, 200), Some(&other)).unwrap();
        let diff = cold.weights.iter().zip(&warm.weights).map(|(a, b)| (a - b).abs()).fold((cold.intercept - warm.intercept).abs(), f64::max);
        assert!(diff < 1e-6, "{diff:e}");
        // two steps from the warm start get closer than two steps from zero
        let cold2 = fit_logistic(xm, &y, &p(1.0, 2)).unwrap();
        let warm2 = fit_logistic_from(xm, &y, &p(1.0, 2), Some(&other)).unwrap();
        let err = |m: &LogisticModel| m.weights.iter().zip(&cold.weights).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        assert!(err(&warm2) < err(&cold2), "{} vs {}", err(&warm2), err(&cold2));
        // a start with another feature count is a coded error
        let narrow = fit_logistic(ColMajor::new(&x[..3000], 1500).unwrap(), &y, &p(1.0, 200)).unwrap();
        assert_eq!(fit_logistic_from(xm, &y, &p(1.0, 200), Some(&narrow)).unwrap_err().code(), ErrorCode::ShapeMismatch);
    }

    /// Row chunks are summed in a fixed order: one thread or two give the same bits.
    #[cfg(feature = "parallel")]
    #[test]
    fn same_bits_on_one_or_two_threads() {
        let (x, y) = dataset(5000, 7);
        let fit = |threads| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| fit_logistic(ColMajor::new(&x, 5000).unwrap(), &y, &LogisticParams::default().check().unwrap()).unwrap())
        };
        assert_eq!(fit(1), fit(2));
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
