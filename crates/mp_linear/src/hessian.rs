//! The Hessian of the summed log-loss, `X~' D X~` (`X~`: the features plus a column of ones,
//! `D = p(1-p)` per row): about `n (k+1)^2 / 2` multiply-adds per Newton step, most of a fit's time.
//!
//! Rows are taken [`BLOCK`] at a time and copied row-major (each row `x~_t` padded with zeros to a
//! multiple of [`C`] values, next to its weighted copy `d_t x~_t` in f32); the upper triangle
//! of `sum_t (d_t x~_t) x~_t'` is then summed by `R x C` register tiles, each entry in row order in
//! f32, and each block's sums are added to the f64 result. Lanes only ever hold different entries,
//! never parts of one sum, so the vector width (SSE on x86-64, simd128 on wasm32, scalar elsewhere)
//! cannot change a bit, and there is no FMA: native and wasm give the same bits. The plain loops over
//! fixed-size arrays are what LLVM turns into 4-lane f32 vector multiplies and adds on both targets.
//!
//! f32 products summed over at most 64 rows err by ~1e-6 relatively; the Hessian only shapes the
//! Newton step (the gradient, all f64, decides where the fit stops), so it costs no accuracy.

/// Rows summed in f32 before the sums are added in f64.
const BLOCK: usize = 64;
/// Rows of a register tile (entries `i0..i0+R` of the weighted row).
const R: usize = 4;
/// Columns of a register tile (entries `j0..j0+C` of the row): two 4-lane vectors.
const C: usize = 8;

/// Scratch rows of one block, reused across blocks.
pub(crate) struct Blocks {
    k1: usize,
    kp: usize,
    xs: Vec<f32>,
    ws: Vec<f32>,
}

impl Blocks {
    /// For `k` features (plus the intercept's column of ones).
    pub fn new(k: usize) -> Self {
        let k1 = k + 1;
        let kp = k1.div_ceil(C) * C;
        Blocks { k1, kp, xs: vec![0.0; BLOCK * kp], ws: vec![0.0; BLOCK * kp] }
    }

    /// Adds to `h` (`(k+1) x (k+1)` row-major, lower triangle filled, intercept last) the rows
    /// `start..start + d.len()` of the column-major `cols` (`n` rows per column) weighted by `d`.
    /// Not inlined, like [`add_block`]: see [`crate::design`] on wasm engines' tiers.
    #[inline(never)]
    pub fn add_rows(&mut self, h: &mut [f64], cols: &[f32], n: usize, start: usize, d: &[f64]) {
        let (k1, kp) = (self.k1, self.kp);
        for (b, d) in d.chunks(BLOCK).enumerate() {
            let (m, first) = (d.len(), start + b * BLOCK);
            for j in 0..k1 - 1 {
                for (x, &v) in self.xs.chunks_exact_mut(kp).zip(&cols[j * n + first..j * n + first + m]) {
                    x[j] = v;
                }
            }
            for ((x, w), &dt) in self.xs.chunks_exact_mut(kp).zip(self.ws.chunks_exact_mut(kp)).zip(d) {
                x[k1 - 1] = 1.0;
                let dt = dt as f32;
                for (w, &x) in w.iter_mut().zip(x.iter()) {
                    *w = dt * x;
                }
            }
            add_block(h, &self.xs[..m * kp], &self.ws[..m * kp], k1, kp);
        }
    }
}

/// `h[j][i] += sum_t ws[t][i] * xs[t][j]` for `i <= j < k1` over the block's rows (`kp` values each,
/// zero beyond `k1`), by `R x C` tiles on and above the diagonal.
#[inline(never)]
fn add_block(h: &mut [f64], xs: &[f32], ws: &[f32], k1: usize, kp: usize) {
    for i0 in (0..k1).step_by(R) {
        for j0 in (i0 / C * C..kp).step_by(C) {
            let mut acc = [[0f32; C]; R];
            for (x, w) in xs.chunks_exact(kp).zip(ws.chunks_exact(kp)) {
                let xj: &[f32; C] = x[j0..j0 + C].try_into().expect("C values");
                let wi: &[f32; R] = w[i0..i0 + R].try_into().expect("R values");
                for (row, &wi) in acc.iter_mut().zip(wi) {
                    for (s, &xj) in row.iter_mut().zip(xj) {
                        *s += wi * xj;
                    }
                }
            }
            for (r, row) in acc.iter().enumerate() {
                let i = i0 + r;
                for (c, &s) in row.iter().enumerate() {
                    let j = j0 + c;
                    if i <= j && j < k1 {
                        h[j * k1 + i] += s as f64;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mp_core::Rng;

    /// The kernel against a plain f64 sum, for feature counts around the tile sizes and row counts
    /// around the block size (partial blocks), starting mid-column.
    #[test]
    fn matches_the_f64_sum() {
        let mut rng = Rng::new(3);
        for (k, n) in [(1, 5), (3, 64), (7, 65), (8, 130), (12, 200), (80, 129)] {
            let cols: Vec<f32> = (0..n * k).map(|_| (rng.next_f64() * 4.0 - 2.0) as f32).collect();
            let (start, m) = (n / 3, n - n / 3);
            let d: Vec<f64> = (0..m).map(|_| rng.next_f64() * 0.25).collect();
            let k1 = k + 1;
            let mut h = vec![0.0; k1 * k1];
            Blocks::new(k).add_rows(&mut h, &cols, n, start, &d);
            let x = |t: usize, j: usize| if j == k { 1.0 } else { cols[j * n + start + t] as f64 };
            for a in 0..k1 {
                for b in 0..k1 {
                    let got = h[a * k1 + b];
                    if b > a {
                        assert_eq!(got, 0.0, "upper triangle untouched");
                        continue;
                    }
                    let want: f64 = (0..m).map(|t| d[t] * x(t, a) * x(t, b)).sum();
                    let scale: f64 = (0..m).map(|t| (d[t] * x(t, a) * x(t, b)).abs()).sum();
                    assert!((got - want).abs() <= 1e-6 * scale.max(1e-30), "k {k} n {n} ({a},{b}): {got} vs {want}");
                }
            }
        }
    }
}
