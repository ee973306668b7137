//! The design matrix of a logistic fit and the passes over it that the solver needs.
//!
//! One column-major f32 copy of the training features, standardized with the fit's scaler (or the
//! caller's features as they are when standardization is off), read by every pass; every sum is
//! accumulated in f64. Rows are cut into fixed chunks of [`CHUNK`] rows, each chunk's partial sums are
//! computed on their own (over rayon threads with the `parallel` feature) and added in chunk order, and
//! every dot product uses the same four-lane order: the results are the same bits on 1 or 2 threads,
//! natively and on wasm32 (exp/ln come from `mp_core::math`). The Hessian (hessian.rs) sums f32
//! products in blocks of rows, each block added in f64.
//!
//! Every pass's per-chunk work is a function of its own, never inlined (`#[inline(never)]`): wasm
//! engines run a function's first calls in a baseline compiler and use the optimized code only from a
//! later call on (V8 has no on-stack replacement for wasm), so a hot loop inlined into the solver,
//! which is called once per fit, would run unoptimized from start to end (measured: the wasm fit 3-4x
//! native that way, see bench/README.md). Called once per chunk, the kernels are optimized after a
//! few chunks.
use crate::hessian::Blocks;
use crate::scaler::Standardizer;
use mp_core::math::{exp, ln};
use mp_core::ColMajor;
use std::borrow::Cow;

/// Rows per partial sum. Fixed, so the order of additions never depends on the thread count.
const CHUNK: usize = 1024;
/// Rows per partial Hessian (fixed too): each part is a `(k+1)^2` matrix of its own, so fewer, larger
/// parts allocate and add less.
const HESSIAN_CHUNK: usize = 4 * CHUNK;

/// Standardized features and 0/1 labels of one fit.
pub(crate) struct Design<'a> {
    x: Cow<'a, [f32]>,
    y: Vec<f64>,
    n: usize,
    k: usize,
}

/// Coefficients in the standardized space: `w` per feature, then the intercept `b`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Point {
    pub w: Vec<f64>,
    pub b: f64,
}

/// What one full pass finds at a point: the summed log-loss (without penalty), its gradient
/// (features, then intercept) and each row's probability.
pub(crate) struct Eval {
    pub loss: f64,
    pub grad: Vec<f64>,
    pub p: Vec<f64>,
}

impl<'a> Design<'a> {
    /// `x` standardized by `scaler` (borrowed as it is when `standardize` is off).
    pub fn new(x: ColMajor<'a>, y: &[f32], scaler: &Standardizer, standardize: bool) -> Self {
        let (n, k) = (x.n_rows(), x.n_features());
        let data = if standardize {
            let mut d = Vec::with_capacity(n * k);
            for j in 0..k {
                scaler.transform_column(j, x.col(j), &mut d);
            }
            Cow::Owned(d)
        } else {
            Cow::Borrowed(x.as_slice())
        };
        Design { x: data, y: y.iter().map(|&v| v as f64).collect(), n, k }
    }

    pub fn n_rows(&self) -> usize {
        self.n
    }
    pub fn n_features(&self) -> usize {
        self.k
    }

    fn col(&self, j: usize, rows: std::ops::Range<usize>) -> &[f32] {
        &self.x[j * self.n + rows.start..j * self.n + rows.end]
    }

    fn chunks(&self) -> Vec<std::ops::Range<usize>> {
        self.chunks_of(CHUNK)
    }

    fn chunks_of(&self, size: usize) -> Vec<std::ops::Range<usize>> {
        (0..self.n.div_ceil(size)).map(|c| c * size..((c + 1) * size).min(self.n)).collect()
    }

    /// Margins `b + x_i . w` of `rows`.
    fn margins(&self, at: &Point, rows: std::ops::Range<usize>) -> Vec<f64> {
        let mut z = vec![at.b; rows.len()];
        for (j, &w) in at.w.iter().enumerate() {
            if w != 0.0 {
                for (zi, &v) in z.iter_mut().zip(self.col(j, rows.clone())) {
                    *zi += w * v as f64;
                }
            }
        }
        z
    }

    /// Summed log-loss at `at` (no penalty).
    pub fn loss(&self, at: &Point) -> f64 {
        map_chunks(self.chunks(), |rows| self.chunk_loss(at, rows)).into_iter().sum()
    }

    #[inline(never)]
    fn chunk_loss(&self, at: &Point, rows: std::ops::Range<usize>) -> f64 {
        let z = self.margins(at, rows.clone());
        z.iter().zip(&self.y[rows]).map(|(&z, &y)| log1p_exp(z) - y * z).sum::<f64>()
    }

    /// Loss, gradient and probabilities at `at`.
    pub fn eval(&self, at: &Point) -> Eval {
        let parts = map_chunks(self.chunks(), |rows| self.chunk_eval(at, rows));
        let mut out = Eval { loss: 0.0, grad: vec![0.0; self.k + 1], p: Vec::with_capacity(self.n) };
        for part in parts {
            out.loss += part.loss;
            out.grad.iter_mut().zip(&part.grad).for_each(|(a, b)| *a += b);
            out.p.extend(part.p);
        }
        out
    }

    #[inline(never)]
    fn chunk_eval(&self, at: &Point, rows: std::ops::Range<usize>) -> Eval {
        let z = self.margins(at, rows.clone());
        let y = &self.y[rows.clone()];
        let loss = z.iter().zip(y).map(|(&z, &y)| log1p_exp(z) - y * z).sum::<f64>();
        let p: Vec<f64> = z.iter().map(|&z| mp_core::math::sigmoid(z)).collect();
        let r: Vec<f64> = p.iter().zip(y).map(|(p, y)| p - y).collect();
        let mut grad: Vec<f64> = (0..self.k).map(|j| dot(&r, self.col(j, rows.clone()))).collect();
        grad.push(sum4(&r));
        Eval { loss, grad, p }
    }

    /// Lower triangle (row-major, `(k+1) x (k+1)`, intercept last) of `X~' D X~` with `D = p(1-p)` and
    /// `X~` the features plus a column of ones (hessian.rs).
    pub fn hessian(&self, p: &[f64]) -> Vec<f64> {
        let k1 = self.k + 1;
        let parts = map_chunks(self.chunks_of(HESSIAN_CHUNK), |rows| {
            let mut h = vec![0.0; k1 * k1];
            let d: Vec<f64> = p[rows.clone()].iter().map(|p| p * (1.0 - p)).collect();
            Blocks::new(self.k).add_rows(&mut h, &self.x, self.n, rows.start, &d);
            h
        });
        let mut h = vec![0.0; k1 * k1];
        for part in parts {
            h.iter_mut().zip(&part).for_each(|(a, b)| *a += b);
        }
        h
    }
}

/// `a . b` in four lanes (fixed order).
fn dot(a: &[f64], b: &[f32]) -> f64 {
    let mut acc = [0.0f64; 4];
    let m = a.len() / 4 * 4;
    for (x, y) in a[..m].chunks_exact(4).zip(b[..m].chunks_exact(4)) {
        for l in 0..4 {
            acc[l] += x[l] * y[l] as f64;
        }
    }
    let tail: f64 = a[m..].iter().zip(&b[m..]).map(|(x, &y)| x * y as f64).sum();
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + tail
}

/// Sum in four lanes (fixed order).
fn sum4(a: &[f64]) -> f64 {
    let mut acc = [0.0f64; 4];
    let m = a.len() / 4 * 4;
    for x in a[..m].chunks_exact(4) {
        for l in 0..4 {
            acc[l] += x[l];
        }
    }
    (acc[0] + acc[1]) + (acc[2] + acc[3]) + a[m..].iter().sum::<f64>()
}

/// `ln(1 + e^z)` without overflow.
fn log1p_exp(z: f64) -> f64 {
    if z > 0.0 {
        z + ln(1.0 + exp(-z))
    } else {
        ln(1.0 + exp(z))
    }
}

/// `f` of every chunk, in chunk order (over rayon threads with the `parallel` feature).
fn map_chunks<T: Send>(chunks: Vec<std::ops::Range<usize>>, f: impl Fn(std::ops::Range<usize>) -> T + Sync + Send) -> Vec<T> {
    mp_core::par::map_indexed(chunks.len(), |i| f(chunks[i].clone()))
}
