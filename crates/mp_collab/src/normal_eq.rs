//! The normal equations of one ALS row (a user against the items it rated, or an item against its
//! users): A = Σ_t x_t x_tᵀ and b = Σ_t e_t x_t over the row's ratings t, where x_t = (f_t, 1) is the
//! other side's factors with a 1 for the bias column and e_t the rating's residual. This is most of
//! the time of an MF fit (k²/2 multiply-adds per rating and side).
//!
//! Precision: products and sums run in f32 over blocks of at most [`BLOCK`] ratings, each block's
//! sums then added to A and b in f64. f32 doubles the SIMD lanes (8 on AVX2, 4 on wasm simd128) and
//! halves the bytes moved. It is safe because a block's rounding is bounded and the ridge keeps the
//! system well conditioned:
//! - each entry of A is off by at most γ = (BLOCK+1)·2⁻²⁴ of Σ_t |x_ti x_tj|, so ‖δA‖₂ ≤ ‖δA‖_F ≤
//!   γ·Σ_t ‖x_t‖² = γ·tr(A), and the solution moves by a relative ‖A⁻¹δA‖ ≤ γ·tr(A)/ridge, where
//!   ridge = the smallest penalty added to the diagonal (λ·n with `weighted_lambda`: then the bound is
//!   γ·mean‖x_t‖²/λ whatever the row's count n, about 2e-5 for factor norms near 1 and λ = 0.1);
//! - b's rounding is the exact right-hand side of residuals changed by at most γ ≈ 2e-6 relatively,
//!   far below a rating's own precision.
//!
//! A row whose bound γ·tr(A)/ridge exceeds [`MAX_REL_ERROR`] (a tiny penalty without weighting,
//! factors far from unit scale) is accumulated again in f64, rating by rating, so no parameters can
//! make the fast path inaccurate. Every operation is an IEEE multiply or add in a fixed order per
//! entry (lanes only run different entries side by side, no FMA), so the scalar, AVX2 and wasm builds
//! give the same bits.

/// Ratings per f32 block (bounds the f32 rounding of a sum to BLOCK terms).
pub(crate) const BLOCK: usize = 32;
/// Rows and columns of A per register tile (an R x C tile of f32 sums stays in registers over a
/// block): 8 independent sums of 8 lanes on x86_64 (AVX2 has 16 registers of 8 f32), 8 of 4 lanes on
/// wasm (simd128). The shape never changes the bits: each entry is summed in rating order either way.
#[cfg(not(target_arch = "wasm32"))]
const R: usize = 8;
#[cfg(target_arch = "wasm32")]
const R: usize = 4;
const C: usize = 8;
/// Columns of the bias/right-hand-side tile (two rows: 4 sums of 8 lanes at a time); x_t is padded
/// with zeros to a multiple of it.
const C2: usize = 2 * C;
/// Largest bound on the relative change of a row's solution that f32 blocks may cause (else f64).
pub(crate) const MAX_REL_ERROR: f64 = 1e-3;
/// γ of the module doc: the worst relative rounding of an f32 sum of BLOCK products.
const GAMMA: f64 = (BLOCK as f64 + 1.0) * f32::EPSILON as f64 / 2.0;

/// Scratch for [`NormalEq::accumulate`]: a block of rows x_t padded to a multiple of `C2` with zeros.
pub(crate) struct NormalEq {
    k: usize,
    kp: usize,
    xs: Vec<f32>,
    es: Vec<f32>,
    /// A ((k+1) x (k+1), row-major, upper triangle) and b (k+1), in f64.
    pub a: Vec<f64>,
    pub b: Vec<f64>,
}

impl NormalEq {
    pub fn new(k: usize) -> Self {
        let kp = k.div_ceil(C2) * C2;
        let n = k + 1;
        NormalEq { k, kp, xs: vec![0.0; BLOCK * kp], es: vec![0.0; BLOCK], a: vec![0.0; n * n], b: vec![0.0; n] }
    }

    /// Sets A and b to the sums over `cols` (rows of `other`, k factors each) with residuals
    /// `resid(t)`; returns tr(A). `ridge` (> 0, the smallest diagonal penalty the caller will add)
    /// decides whether the f32 blocks are accurate enough (see the module doc).
    pub fn accumulate(&mut self, cols: &[u32], other: &[f32], resid: impl Fn(usize) -> f64, ridge: f64) {
        let (k, kp, n) = (self.k, self.kp, self.k + 1);
        self.a.fill(0.0);
        self.b.fill(0.0);
        let mut trace = cols.len() as f64;
        for (start, block) in cols.chunks(BLOCK).enumerate().map(|(s, b)| (s * BLOCK, b)) {
            for (t, &c) in block.iter().enumerate() {
                let c = c as usize;
                self.xs[t * kp..t * kp + k].copy_from_slice(&other[c * k..(c + 1) * k]);
                let e = resid(start + t);
                self.es[t] = e as f32;
                self.b[k] += e;
            }
            add_block(&mut self.a, &mut self.b, &self.xs[..block.len() * kp], &self.es[..block.len()], k, kp);
        }
        for i in 0..k {
            trace += self.a[i * n + i];
        }
        self.a[k * n + k] = cols.len() as f64;
        if GAMMA * trace > MAX_REL_ERROR * ridge {
            self.accumulate_f64(cols, other, resid);
        }
    }

    /// The exact path: A and b in f64, one rating at a time (products of f32 values are exact in f64).
    fn accumulate_f64(&mut self, cols: &[u32], other: &[f32], resid: impl Fn(usize) -> f64) {
        let (k, n) = (self.k, self.k + 1);
        self.a.fill(0.0);
        self.b.fill(0.0);
        let mut x = vec![1f64; n];
        for (t, &c) in cols.iter().enumerate() {
            let c = c as usize;
            for (xa, &f) in x.iter_mut().zip(&other[c * k..(c + 1) * k]) {
                *xa = f as f64;
            }
            let e = resid(t);
            for i in 0..n {
                self.b[i] += x[i] * e;
                for (aij, &xj) in self.a[i * n + i..(i + 1) * n].iter_mut().zip(&x[i..]) {
                    *aij += x[i] * xj;
                }
            }
        }
    }
}

/// [`add_block_portable`], compiled for AVX2 when the CPU has it (x86_64): the same operations per
/// entry in the same order, 8 lanes at a time, so the same bits (no FMA).
fn add_block(a: &mut [f64], b: &mut [f64], xs: &[f32], es: &[f32], k: usize, kp: usize) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above), the only requirement of `add_block_avx2`.
        unsafe { add_block_avx2(a, b, xs, es, k, kp) };
        return;
    }
    add_block_portable::<R>(a, b, xs, es, k, kp)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn add_block_avx2(a: &mut [f64], b: &mut [f64], xs: &[f32], es: &[f32], k: usize, kp: usize) {
    add_block_portable::<R>(a, b, xs, es, k, kp)
}

/// One block (rows of `xs`, `kp` values each, zero beyond `k`): the upper triangle of the k x k
/// factor part of A by `RT` x C register tiles (`RT` divides 8), then the bias column (Σ x_t) and b (Σ e_t x_t) as one
/// more 2-row tile; each tile's f32 sums (in rating order) are added to A, b in f64.
#[inline(always)]
fn add_block_portable<const RT: usize>(a: &mut [f64], b: &mut [f64], xs: &[f32], es: &[f32], k: usize, kp: usize) {
    let n = k + 1;
    for i0 in (0..k).step_by(RT) {
        for j0 in (i0 / C * C..kp).step_by(C) {
            let mut acc = [[0f32; C]; RT];
            for x in xs.chunks_exact(kp) {
                let xj: &[f32; C] = x[j0..j0 + C].try_into().expect("C values");
                let xi: &[f32; RT] = x[i0..i0 + RT].try_into().expect("RT values");
                for (row, &xi) in acc.iter_mut().zip(xi) {
                    for (s, &y) in row.iter_mut().zip(xj) {
                        *s += xi * y;
                    }
                }
            }
            for (r, row) in acc.iter().enumerate() {
                let i = i0 + r;
                if i < k && i <= j0 && j0 + C <= k {
                    // the whole tile row is in the upper triangle of the k x k part
                    for (aij, &s) in a[i * n + j0..i * n + j0 + C].iter_mut().zip(row) {
                        *aij += s as f64;
                    }
                    continue;
                }
                for (c, &s) in row.iter().enumerate() {
                    let j = j0 + c;
                    if i < k && j < k && j >= i {
                        a[i * n + j] += s as f64;
                    }
                }
            }
        }
    }
    for j0 in (0..kp).step_by(C2) {
        let (mut ones, mut rhs) = ([0f32; C2], [0f32; C2]);
        for (x, &e) in xs.chunks_exact(kp).zip(es) {
            let xj: &[f32; C2] = x[j0..j0 + C2].try_into().expect("C2 values");
            for c in 0..C2 {
                ones[c] += xj[c];
                rhs[c] += e * xj[c];
            }
        }
        for c in 0..C2.min(k.saturating_sub(j0)) {
            a[(j0 + c) * n + k] += ones[c] as f64;
            b[j0 + c] += rhs[c] as f64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mp_core::Rng;

    fn system(k: usize, m: usize, scale: f64, seed: u64) -> (Vec<u32>, Vec<f32>, Vec<f64>) {
        let mut rng = Rng::new(seed);
        let other: Vec<f32> = (0..(m + 3) * k).map(|_| ((rng.next_f64() * 2.0 - 1.0) * scale) as f32).collect();
        let cols: Vec<u32> = (0..m as u32).map(|t| (t * 7) % (m as u32 + 3)).collect();
        let es: Vec<f64> = (0..m).map(|_| rng.next_f64() * 4.0 - 2.0).collect();
        (cols, other, es)
    }

    #[test]
    fn the_dispatched_block_and_every_tile_height_give_the_portable_bits() {
        // x86_64 runs 8-row tiles, wasm 4-row ones: model files are identical only if the tile
        // height never changes a bit
        for k in [1, 3, 8, 13, 32, 33, 64] {
            let (cols, other, es) = system(k, 45, 1.0, k as u64);
            let kp = k.div_ceil(C2) * C2;
            let mut xs = vec![0f32; cols.len() * kp];
            for (t, &c) in cols.iter().enumerate() {
                xs[t * kp..t * kp + k].copy_from_slice(&other[c as usize * k..(c as usize + 1) * k]);
            }
            let es32: Vec<f32> = es.iter().map(|&e| e as f32).collect();
            let n = k + 1;
            let (mut a1, mut b1) = (vec![0.5; n * n], vec![0.25; n]);
            let (mut a2, mut b2) = (a1.clone(), b1.clone());
            let (mut a3, mut b3) = (a1.clone(), b1.clone());
            add_block(&mut a1, &mut b1, &xs, &es32, k, kp);
            add_block_portable::<4>(&mut a2, &mut b2, &xs, &es32, k, kp);
            add_block_portable::<8>(&mut a3, &mut b3, &xs, &es32, k, kp);
            for (a, b) in [(&a2, &b2), (&a3, &b3)] {
                assert!(a1.iter().zip(a).all(|(x, y)| x.to_bits() == y.to_bits()), "k {k}");
                assert!(b1.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits()), "k {k}");
            }
        }
    }

    #[test]
    fn f32_blocks_stay_within_their_bound_of_the_f64_sums() {
        for (k, m) in [(1, 1), (5, 31), (32, 33), (33, 200), (17, 1000)] {
            let (cols, other, es) = system(k, m, 1.0, 3);
            let mut ne = NormalEq::new(k);
            ne.accumulate(&cols, &other, |t| es[t], 1e9);
            let (a32, b32) = (ne.a.clone(), ne.b.clone());
            ne.accumulate_f64(&cols, &other, |t| es[t]);
            let n = k + 1;
            for i in 0..n {
                for j in i..n {
                    let (x, y) = (a32[i * n + j], ne.a[i * n + j]);
                    assert!((x - y).abs() <= GAMMA * m as f64, "k {k} m {m} A[{i},{j}]: {x} vs {y}");
                }
                assert!((b32[i] - ne.b[i]).abs() <= GAMMA * 2.0 * m as f64, "k {k} m {m} b[{i}]");
            }
            assert!(a32[k * n + k] == m as f64 && b32[k] == ne.b[k]);
        }
    }

    #[test]
    fn a_row_whose_bound_is_too_loose_is_summed_in_f64() {
        // factors ~1e3 and a small ridge: γ·tr(A)/ridge is far above MAX_REL_ERROR
        let (k, m) = (8, 40);
        let (cols, other, es) = system(k, m, 1e3, 5);
        let mut ne = NormalEq::new(k);
        ne.accumulate(&cols, &other, |t| es[t], 1e-3);
        let (a, b) = (ne.a.clone(), ne.b.clone());
        ne.accumulate_f64(&cols, &other, |t| es[t]);
        assert!(a.iter().zip(&ne.a).all(|(x, y)| x.to_bits() == y.to_bits()));
        assert!(b.iter().zip(&ne.b).all(|(x, y)| x.to_bits() == y.to_bits()));
        // ... and with a large ridge the same row takes the f32 blocks (not bit-equal to f64)
        ne.accumulate(&cols, &other, |t| es[t], 1e12);
        assert!(ne.a.iter().zip(&a).any(|(x, y)| x.to_bits() != y.to_bits()));
    }
}
