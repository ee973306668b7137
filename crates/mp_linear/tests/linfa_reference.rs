//! Our Newton solver against linfa-logistic's L-BFGS (the solver this crate used before, kept as the
//! reference): on well-conditioned data, both run to a tight tolerance must find the same optimum.
//! Stated tolerance: every weight and the intercept within 1e-6 absolute (measured: 1.6e-9 at l2 = 1) (the optimum's weights are
//! O(1); the two differ by the solvers' stopping points and our f32 copy of the standardized features).
use linfa::prelude::*;
use linfa_logistic::LogisticRegression;
use mp_core::{ColMajor, Rng};
use mp_linear::{fit_logistic, LogisticParams, Standardizer};
use ndarray::{Array1, Array2, ShapeBuilder};

/// `n` rows of `k` correlated features on mixed scales, labels from a logistic model with noise.
fn data(n: usize, k: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
    let mut rng = Rng::new(seed);
    let mut x = vec![0f32; n * k];
    let mut y = vec![0f32; n];
    for i in 0..n {
        let common = rng.next_f64() - 0.5;
        let mut z = -0.3;
        for j in 0..k {
            let v = (rng.next_f64() - 0.5) + 0.5 * common;
            z += (j as f64 - 1.5) * v;
            x[j * n + i] = (v * 10f64.powi(j as i32 % 3) + j as f64) as f32;
        }
        y[i] = f32::from(rng.next_f64() < 1.0 / (1.0 + (-z).exp()));
    }
    (x, y)
}

/// linfa on the same standardized features: (weights, intercept) scoring label 1.
fn linfa_fit(x: &[f32], n: usize, y: &[f32], l2: f64, intercept: bool) -> (Vec<f64>, f64) {
    let xm = ColMajor::new(x, n).unwrap();
    let s = Standardizer::fit(&xm);
    let k = xm.n_features();
    let data: Vec<f64> = (0..k).flat_map(|j| xm.col(j).iter().map(move |&v| (j, v))).map(|(j, v)| s.transform_value(j, v)).collect();
    let records = Array2::from_shape_vec((n, k).f(), data).unwrap();
    let targets: Array1<usize> = y.iter().map(|&v| v as usize).collect();
    let fitted = LogisticRegression::default()
        .alpha(l2)
        .with_intercept(intercept)
        .max_iterations(10_000)
        .gradient_tolerance(1e-9 * n as f64)
        .fit(&Dataset::new(records, targets))
        .unwrap();
    // linfa scores its more frequent class as positive
    let sign = if fitted.labels().pos.class == 1 { 1.0 } else { -1.0 };
    (fitted.params().iter().map(|w| sign * w).collect(), sign * fitted.intercept())
}

#[test]
fn same_optimum_as_linfa() {
    let (n, k) = (3000, 6);
    let (x, y) = data(n, k, 5);
    for (l2, intercept) in [(1.0, true), (0.01, true), (100.0, true), (10.0, false)] {
        let p = LogisticParams { l2, tol: 1e-10, fit_intercept: intercept, ..Default::default() }.check().unwrap();
        let ours = fit_logistic(ColMajor::new(&x, n).unwrap(), &y, &p).unwrap();
        let (w, b) = linfa_fit(&x, n, &y, l2, intercept);
        let worst = ours.weights.iter().zip(&w).map(|(a, b)| (a - b).abs()).fold((ours.intercept - b).abs(), f64::max);
        assert!(worst < 1e-6, "l2 {l2} intercept {intercept}: max difference {worst:e}\nours {:?} {}\nlinfa {w:?} {b}", ours.weights, ours.intercept);
        assert!(ours.weights.iter().any(|w| w.abs() > 0.1), "a non-trivial optimum");
    }
}
