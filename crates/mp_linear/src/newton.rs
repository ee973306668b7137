//! Newton's method for L2 logistic regression on a [`Design`]: the exact `(k+1) x (k+1)` Hessian
//! (k features plus the intercept; k is small for this engine's feature sets, so forming it costs
//! about `n k^2 / 2` multiply-adds and the Cholesky solve is negligible), a Cholesky solve for the
//! step and a backtracking (Armijo) line search on the penalized loss.
//!
//! Objective: `sum_i logloss_i + l2/2 ||w||^2` (intercept unpenalized). Stops when the gradient norm
//! of the MEAN objective falls below `tol`, or after `max_iter` Newton steps (keeping the last
//! iterate), or when the line search can no longer decrease the objective in floating point (the
//! iterate is then as converged as f64 allows). Newton converges quadratically near the optimum, so
//! a run usually ends far below `tol` in 5-10 steps; from a warm start (a nearby solution) in 1-4.
//! Singular Hessians (constant columns or separable data without penalty, where the probabilities
//! saturate) get a growing ridge until the factorization succeeds; the ridge changes only the step,
//! never the objective.
use crate::design::{Design, Point};

/// Armijo sufficient-decrease constant.
const ARMIJO: f64 = 1e-4;
/// Most step halvings in one line search.
const MAX_HALVINGS: usize = 40;

/// Solver settings (already checked).
pub(crate) struct Settings {
    pub l2: f64,
    pub max_iter: u64,
    pub tol: f64,
    pub fit_intercept: bool,
    /// Newton steps taken before the tolerance may stop the run: 1 from a warm start, so a start that
    /// already meets `tol` (a neighbouring penalty's solution) is still moved to this penalty's optimum.
    pub min_steps: u64,
}

/// Minimizes the objective from `start` and returns the last iterate.
pub(crate) fn solve(d: &Design, s: &Settings, start: Point) -> Point {
    let (n, k) = (d.n_rows() as f64, d.n_features());
    let mut at = start;
    if !s.fit_intercept {
        at.b = 0.0;
    }
    let penalty = |p: &Point| 0.5 * s.l2 * p.w.iter().map(|w| w * w).sum::<f64>();
    for it in 0..s.max_iter {
        let e = d.eval(&at);
        let f = e.loss + penalty(&at);
        let mut g = e.grad;
        g.iter_mut().zip(&at.w).for_each(|(g, w)| *g += s.l2 * w);
        if !s.fit_intercept {
            g[k] = 0.0;
        }
        if it >= s.min_steps && (g.iter().map(|v| v * v).sum::<f64>()).sqrt() / n < s.tol {
            break;
        }
        let mut h = d.hessian(&e.p);
        let k1 = k + 1;
        for a in 0..k {
            h[a * k1 + a] += s.l2;
        }
        let dim = if s.fit_intercept { k1 } else { k };
        // row-major lower triangle of the leading `dim x dim` block
        let h: Vec<f64> = (0..dim).flat_map(|a| (0..dim).map(move |b| (a, b))).map(|(a, b)| if b <= a { h[a * k1 + b] } else { h[b * k1 + a] }).collect();
        let step = newton_step(&h, &g[..dim], dim);
        let slope: f64 = step.iter().zip(&g).map(|(s, g)| s * g).sum();
        // not a descent direction (or NaN): nothing left to gain in floating point
        if slope.is_nan() || -slope <= 1e-16 * f.abs() {
            break;
        }
        let mut alpha = 1.0;
        let mut next = None;
        for _ in 0..MAX_HALVINGS {
            let cand = Point {
                w: at.w.iter().zip(&step).map(|(w, s)| w + alpha * s).collect(),
                b: if s.fit_intercept { at.b + alpha * step[k] } else { 0.0 },
            };
            let fc = d.loss(&cand) + penalty(&cand);
            if fc <= f + ARMIJO * alpha * slope {
                next = Some(cand);
                break;
            }
            alpha *= 0.5;
        }
        match next {
            Some(p) => at = p,
            None => break,
        }
    }
    at
}

/// `-H^{-1} g` for the symmetric positive semi-definite `h` (`dim x dim`, row-major): Cholesky,
/// with a growing ridge while the factorization fails.
fn newton_step(h: &[f64], g: &[f64], dim: usize) -> Vec<f64> {
    let scale = (0..dim).map(|a| h[a * dim + a].abs()).fold(0.0, f64::max).max(1e-300);
    let mut ridge = 0.0;
    loop {
        if let Some(l) = cholesky(h, dim, ridge) {
            return solve_cholesky(&l, g, dim).into_iter().map(|v| -v).collect();
        }
        ridge = if ridge == 0.0 { scale * 1e-12 } else { ridge * 100.0 };
        if !ridge.is_finite() {
            // cannot happen for a finite h; a zero step ends the fit
            return vec![0.0; dim];
        }
    }
}

/// Lower Cholesky factor of `h + ridge I`, or `None` when a pivot is not safely positive.
fn cholesky(h: &[f64], dim: usize, ridge: f64) -> Option<Vec<f64>> {
    let mut l = vec![0.0; dim * dim];
    let max_diag = (0..dim).map(|a| h[a * dim + a]).fold(0.0, f64::max);
    for a in 0..dim {
        for b in 0..=a {
            let mut s = h[a * dim + b] + if a == b { ridge } else { 0.0 };
            for c in 0..b {
                s -= l[a * dim + c] * l[b * dim + c];
            }
            if a == b {
                if s.is_nan() || s <= 1e-13 * max_diag.max(ridge) || !s.is_finite() {
                    return None;
                }
                l[a * dim + a] = s.sqrt();
            } else {
                l[a * dim + b] = s / l[b * dim + b];
            }
        }
    }
    Some(l)
}

/// Solves `L L' x = g`.
fn solve_cholesky(l: &[f64], g: &[f64], dim: usize) -> Vec<f64> {
    let mut y = vec![0.0; dim];
    for a in 0..dim {
        let s: f64 = (0..a).map(|c| l[a * dim + c] * y[c]).sum();
        y[a] = (g[a] - s) / l[a * dim + a];
    }
    let mut x = vec![0.0; dim];
    for a in (0..dim).rev() {
        let s: f64 = (a + 1..dim).map(|c| l[c * dim + a] * x[c]).sum();
        x[a] = (y[a] - s) / l[a * dim + a];
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_solves_and_ridges_singular_systems() {
        // [[4, 2], [2, 3]] x = [2, 1] -> x = [0.5, 0]
        let step = newton_step(&[4.0, 2.0, 2.0, 3.0], &[2.0, 1.0], 2);
        assert!((step[0] + 0.5).abs() < 1e-12 && step[1].abs() < 1e-12, "{step:?}");
        // a zero row/column (constant feature without penalty): the step there is 0, the rest is solved
        let step = newton_step(&[2.0, 0.0, 0.0, 0.0], &[4.0, 0.0], 2);
        assert!((step[0] + 2.0).abs() < 1e-9 && step[1] == 0.0, "{step:?}");
    }
}
