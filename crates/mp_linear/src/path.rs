//! The L2 regularization path: several penalties on the same rows, each fit warm-started from the
//! previous one's solution, from the largest `l2` (the simplest model, nearest zero) to the smallest.
//! The rows are checked, standardized and copied once for the whole path.
//!
//! Not bit-identical to fitting each penalty from zero: both stop when the mean gradient norm is
//! below `tol`, from different starts, so they agree within that tolerance (Newton's method usually
//! ends far below it; `tests::path_matches_cold_fits` bounds the difference).
use crate::design::Point;
use crate::logistic::{prepare, solve_into, LogisticModel, LogisticValidParams};
use mp_core::{ColMajor, Error, Result};

/// One model per entry of `params` (in that order), which must differ in `l2` only.
pub fn fit_logistic_path(x: ColMajor, y: &[f32], params: &[LogisticValidParams]) -> Result<Vec<LogisticModel>> {
    let first = params.first().ok_or_else(|| Error::invalid_param("path", "has no penalties"))?;
    let same = |p: &LogisticValidParams| {
        let (a, b) = (p.params(), first.params());
        (a.max_iter, a.tol, a.fit_intercept, a.standardize) == (b.max_iter, b.tol, b.fit_intercept, b.standardize)
    };
    if !params.iter().all(same) {
        return Err(Error::invalid_param("path", "configurations must differ in l2 only"));
    }
    let (scaler, design) = prepare(x, y, first)?;
    let mut order: Vec<usize> = (0..params.len()).collect();
    // largest penalty first; ties keep their order (stable sort)
    order.sort_by(|&a, &b| params[b].params().l2.total_cmp(&params[a].params().l2));
    let mut out: Vec<Option<LogisticModel>> = vec![None; params.len()];
    let mut start = Point { w: vec![0.0; x.n_features()], b: 0.0 };
    for (n, i) in order.into_iter().enumerate() {
        // every penalty after the first takes at least one Newton step from its warm start: a start that
        // already meets `tol` (penalties close together) would otherwise be kept as it is
        let m = solve_into(&design, &params[i], scaler.clone(), start, n > 0);
        start = Point { w: m.weights.clone(), b: m.intercept };
        out[i] = Some(m);
    }
    out.into_iter().map(|m| m.ok_or_else(|| Error::internal("path: a penalty was not fitted"))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{fit_logistic, LogisticParams};
    use mp_core::Rng;

    fn data(n: usize, k: usize) -> (Vec<f32>, Vec<f32>) {
        let mut rng = Rng::new(21);
        let x: Vec<f32> = (0..n * k).map(|_| (rng.next_f64() * 4.0 - 2.0) as f32).collect();
        let y = (0..n).map(|i| f32::from(rng.next_f64() < 1.0 / (1.0 + (-(x[i] as f64 - 0.5 * x[n + i] as f64 + 0.2)).exp()))).collect();
        (x, y)
    }

    /// Stated tolerance: each path model's weights and intercept within 1e-3 of the cold fit's at the
    /// default `tol` (1e-4 on the mean gradient norm: a gradient that small still allows a weight
    /// error of about tol / (smallest eigenvalue of the mean Hessian), ~0.1 here), within 1e-7 at `tol` 1e-8.
    #[test]
    fn path_matches_cold_fits() {
        let (n, k) = (2000, 5);
        let (x, y) = data(n, k);
        let xm = ColMajor::new(&x, n).unwrap();
        for (tol, bound) in [(1e-4, 1e-3), (1e-8, 1e-7)] {
            let params: Vec<_> = [1.0, 100.0, 0.01, 10.0, 0.1].iter().map(|&l2| LogisticParams { l2, tol, ..Default::default() }.check().unwrap()).collect();
            let path = fit_logistic_path(xm, &y, &params).unwrap();
            assert_eq!(path.len(), 5);
            for (p, m) in params.iter().zip(&path) {
                let cold = fit_logistic(xm, &y, p).unwrap();
                let d = cold.weights.iter().zip(&m.weights).map(|(a, b)| (a - b).abs()).fold((cold.intercept - m.intercept).abs(), f64::max);
                assert!(d < bound, "tol {tol} l2 {}: {d:e}", p.params().l2);
                assert_eq!(cold.scaler, m.scaler);
            }
        }
    }

    /// Penalties so close that the previous solution already meets `tol` still get their own model
    /// (at least one Newton step, which from so near lands within 1e-6 of the optimum).
    #[test]
    fn close_penalties_are_not_left_at_the_start() {
        let (x, y) = data(2000, 5);
        let xm = ColMajor::new(&x, 2000).unwrap();
        let params: Vec<_> = [1.0, 0.99].iter().map(|&l2| LogisticParams { l2, ..Default::default() }.check().unwrap()).collect();
        let path = fit_logistic_path(xm, &y, &params).unwrap();
        assert_ne!(path[0].weights, path[1].weights);
        let optimum = fit_logistic(xm, &y, &LogisticParams { l2: 0.99, tol: 1e-12, ..Default::default() }.check().unwrap()).unwrap();
        let d = optimum.weights.iter().zip(&path[1].weights).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        assert!(d < 1e-6, "{d:e}");
    }

    #[test]
    fn paths_need_one_shared_configuration() {
        let (x, y) = data(100, 2);
        let xm = ColMajor::new(&x, 100).unwrap();
        assert_eq!(fit_logistic_path(xm, &y, &[]).unwrap_err().code(), mp_core::ErrorCode::InvalidParam);
        let mixed = [LogisticParams::default().check().unwrap(), LogisticParams { tol: 1e-6, ..Default::default() }.check().unwrap()];
        let e = fit_logistic_path(xm, &y, &mixed).unwrap_err();
        assert!(e.message().contains("l2 only"), "{e}");
    }
}
