//! The design matrix of a logistic fit and the passes over it that the solver needs.
//!
//! One column-major f32 copy of the training features, standardized with the fit's scaler (or the
//! caller's features as they are when standardization is off), read by every pass; every sum is
//! accumulated in f64. Rows are cut into fixed chunks of [`CHUNK`] rows, each chunk's partial sums are
//! computed on their own (over rayon threads with the `parallel` feature) and added in chunk order, and
//! every dot product uses the same four-lane order: the results are the same bits on 1 or 2 threads,
//! natively and on wasm32 (exp/ln come from `mp_core::math`).
use crate::scaler::Standardizer;
use mp_core::math::{exp, ln};
use mp_core::ColMajor;
use std::borrow::Cow;

/// Rows per partial sum. Fixed, so the order of additions never depends on the thread count.
const CHUNK: usize = 1024;

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
                d.extend(x.col(j).iter().map(|&v| scaler.transform_value(j, v) as f32));
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
        (0..self.n.div_ceil(CHUNK)).map(|c| c * CHUNK..((c + 1) * CHUNK).min(self.n)).collect()
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
        let parts = map_chunks(self.chunks(), |rows| {
            let z = self.margins(at, rows.clone());
            z.iter().zip(&self.y[rows]).map(|(&z, &y)| log1p_exp(z) - y * z).sum::<f64>()
        });
        parts.into_iter().sum()
    }

    /// Loss, gradient and probabilities at `at`.
    pub fn eval(&self, at: &Point) -> Eval {
        let k = self.k;
        let parts = map_chunks(self.chunks(), |rows| {
            let z = self.margins(at, rows.clone());
            let y = &self.y[rows.clone()];
            let loss = z.iter().zip(y).map(|(&z, &y)| log1p_exp(z) - y * z).sum::<f64>();
            let p: Vec<f64> = z.iter().map(|&z| mp_core::math::sigmoid(z)).collect();
            let r: Vec<f64> = p.iter().zip(y).map(|(p, y)| p - y).collect();
            let mut g: Vec<f64> = (0..k).map(|j| dot(&r, self.col(j, rows.clone()))).collect();
            g.push(sum4(&r));
            (loss, g, p)
        });
        let mut out = Eval { loss: 0.0, grad: vec![0.0; k + 1], p: Vec::with_capacity(self.n) };
        for (loss, g, p) in parts {
            out.loss += loss;
            out.grad.iter_mut().zip(&g).for_each(|(a, b)| *a += b);
            out.p.extend(p);
        }
        out
    }

    /// Lower triangle (row-major, `(k+1) x (k+1)`, intercept last) of `X~' D X~` with `D = p(1-p)` and
    /// `X~` the features plus a column of ones.
    pub fn hessian(&self, p: &[f64]) -> Vec<f64> {
        let k1 = self.k + 1;
        let parts = map_chunks(self.chunks(), |rows| {
            let mut h = vec![0.0; k1 * k1];
            let d: Vec<f64> = p[rows.clone()].iter().map(|p| p * (1.0 - p)).collect();
            let mut wa = vec![0.0f32; rows.len()];
            for a in 0..self.k {
                let xa = self.col(a, rows.clone());
                wa.iter_mut().zip(&d).zip(xa).for_each(|((w, d), &v)| *w = (d * v as f64) as f32);
                let row = &mut h[a * k1..a * k1 + a + 1];
                hessian_row(&wa, (0..=a).map(|b| self.col(b, rows.clone())), row);
                h[self.k * k1 + a] = dot(&d, xa);
            }
            h[self.k * k1 + self.k] = sum4(&d);
            h
        });
        let mut h = vec![0.0; k1 * k1];
        for part in parts {
            h.iter_mut().zip(&part).for_each(|(a, b)| *a += b);
        }
        h
    }
}

/// Rows summed in f32 before the sum is added to the f64 total (Hessian only).
const BLOCK: usize = 64;
/// f32 lanes of the Hessian kernel.
const LANES: usize = 4;

/// `row[b] += wa . x_b` for each column `x_b`, four columns at a time (one read of `wa` serves four).
/// Products and sums over [`BLOCK`] rows are f32 (8 lanes, fixed order), each block's sum is added
/// in f64: the Hessian only shapes the Newton step, so its ~1e-6 relative error costs no accuracy
/// (the gradient, which decides where the fit stops, is all f64) and makes the kernel ~4x faster.
fn hessian_row<'c>(wa: &[f32], cols: impl Iterator<Item = &'c [f32]>, row: &mut [f64]) {
    let cols: Vec<&[f32]> = cols.collect();
    let m = wa.len() / BLOCK * BLOCK;
    let mut b = 0;
    while b < cols.len() {
        let take = (cols.len() - b).min(4);
        let c: [&[f32]; 4] = std::array::from_fn(|t| cols[b + t.min(take - 1)]);
        let mut total = [0.0f64; 4];
        for start in (0..m).step_by(BLOCK) {
            let (mut a0, mut a1, mut a2, mut a3) = ([0.0f32; LANES], [0.0f32; LANES], [0.0f32; LANES], [0.0f32; LANES]);
            for i in (start..start + BLOCK).step_by(LANES) {
                let w: &[f32; LANES] = wa[i..i + LANES].try_into().expect("LANES");
                lanes_fma(&mut a0, w, &c[0][i..i + LANES]);
                lanes_fma(&mut a1, w, &c[1][i..i + LANES]);
                lanes_fma(&mut a2, w, &c[2][i..i + LANES]);
                lanes_fma(&mut a3, w, &c[3][i..i + LANES]);
            }
            for (t, a) in [a0, a1, a2, a3].iter().enumerate() {
                total[t] += ((a[0] + a[1]) + (a[2] + a[3])) as f64;
            }
        }
        for t in 0..take {
            let tail: f64 = (m..wa.len()).map(|i| wa[i] as f64 * c[t][i] as f64).sum();
            row[b + t] += total[t] + tail;
        }
        b += take;
    }
}

/// `acc[l] += w[l] * x[l]` lane by lane (separate multiply and add: the same bits on every target).
#[inline(always)]
fn lanes_fma(acc: &mut [f32; LANES], w: &[f32; LANES], x: &[f32]) {
    let x: &[f32; LANES] = x.try_into().expect("LANES");
    for l in 0..LANES {
        acc[l] += w[l] * x[l];
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
