//! Small dense solves in f64: the (k+1)x(k+1) ridge systems of ALS.

/// Solves `a x = b` for symmetric positive definite `a` (n x n, row-major; only the upper triangle
/// is read) by Cholesky A = UᵀU, in place: `b` becomes `x`, `a` is overwritten (U in the upper
/// triangle, 1/U_ii just left of each diagonal entry). A pivot that rounding made smaller than 1e-12
/// of its diagonal entry (a badly scaled system) is raised to that, so the solve stays finite (the
/// ridge keeps exact pivots >= l2 > 0).
///
/// Right-looking, four rows of U at a time: a panel of 4 rows is factored, then subtracted from each
/// row below it in one pass (4 products per entry and one load and store, in contiguous, vectorizable
/// runs). Every entry's subtractions run in the order of the rows of U, one at a time (no FMA), so
/// every target gives the same bits.
pub(crate) fn cholesky_solve(a: &mut [f64], b: &mut [f64], n: usize) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2 (checked just above), the only requirement of `cholesky_avx2`.
        unsafe { cholesky_avx2(a, b, n) };
        return;
    }
    cholesky_portable(a, b, n)
}

/// [`cholesky_portable`] compiled for AVX2: the same operations in the same order (no FMA), the same bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn cholesky_avx2(a: &mut [f64], b: &mut [f64], n: usize) {
    cholesky_portable(a, b, n)
}

/// Rows of U per panel.
const PANEL: usize = 4;

#[inline(always)]
fn cholesky_portable(a: &mut [f64], b: &mut [f64], n: usize) {
    // The diagonal is updated in place; its original values (for the pivot floor) go to the unused
    // entry just left of it (row 0's is used before any update).
    for i in 1..n {
        a[i * n + i - 1] = a[i * n + i];
    }
    let mut j = 0;
    while j < n {
        let w = PANEL.min(n - j);
        for p in j..j + w {
            let diag = if p == 0 { a[0] } else { a[p * n + p - 1] };
            let l = a[p * n + p].max(diag * 1e-12).max(f64::MIN_POSITIVE).sqrt();
            a[p * n + p] = l;
            let inv = 1.0 / l;
            if p > 0 {
                a[p * n + p - 1] = inv; // the original diagonal is used; keep 1/U_pp for the substitutions
            }
            for v in &mut a[p * n + p + 1..(p + 1) * n] {
                *v *= inv;
            }
            let (done, rest) = a.split_at_mut((p + 1) * n);
            let up = &done[p * n..];
            for q in p + 1..j + w {
                sub_scaled(&mut rest[(q - p - 1) * n + q..(q - p) * n], &up[q..], up[q]);
            }
        }
        if w == PANEL {
            let (done, rest) = a.split_at_mut((j + PANEL) * n);
            let rows: [&[f64]; PANEL] = std::array::from_fn(|t| &done[(j + t) * n..(j + t + 1) * n]);
            for i in j + PANEL..n {
                let u: [f64; PANEL] = std::array::from_fn(|t| rows[t][i]);
                let row = &mut rest[(i - j - PANEL) * n + i..(i - j - PANEL + 1) * n];
                sub_panel(row, rows.map(|r| &r[i..]), u);
            }
        }
        j += w;
    }
    // Uᵀ y = b (forward, streaming down the rows of U), then U x = y (backward, row dots), multiplying
    // by the kept reciprocals: a division on these dependent chains would stall every step
    let scale = |a: &[f64], i: usize, v: f64| if i == 0 { v / a[0] } else { v * a[i * n + i - 1] };
    for j in 0..n {
        b[j] = scale(a, j, b[j]);
        let (head, tail) = b.split_at_mut(j + 1);
        sub_scaled(tail, &a[j * n + j + 1..(j + 1) * n], head[j]);
    }
    for i in (0..n).rev() {
        b[i] = scale(a, i, b[i] - dot(&a[i * n + i + 1..(i + 1) * n], &b[i + 1..]));
    }
}

/// v -= u·w, four entries at a time (all loads before the stores, so they vectorize as a whole).
#[inline(always)]
fn sub_scaled(v: &mut [f64], w: &[f64], u: f64) {
    let mut vc = v.chunks_exact_mut(4);
    let mut wc = w.chunks_exact(4);
    for (v4, w4) in (&mut vc).zip(&mut wc) {
        let (x, y): ([f64; 4], [f64; 4]) = (std::array::from_fn(|t| v4[t]), std::array::from_fn(|t| w4[t]));
        v4.copy_from_slice(&std::array::from_fn::<f64, 4, _>(|t| x[t] - u * y[t]));
    }
    for (v, &w) in vc.into_remainder().iter_mut().zip(wc.remainder()) {
        *v -= u * w;
    }
}

/// v -= u₀·w₀, then u₁·w₁, ... (the panel's rows in order), one pass over v.
#[inline(always)]
fn sub_panel(v: &mut [f64], w: [&[f64]; PANEL], u: [f64; PANEL]) {
    let len = v.len();
    let full = len / 4 * 4;
    for c in (0..full).step_by(4) {
        let mut x: [f64; 4] = std::array::from_fn(|t| v[c + t]);
        for p in 0..PANEL {
            let y: [f64; 4] = std::array::from_fn(|t| w[p][c + t]);
            x = std::array::from_fn(|t| x[t] - u[p] * y[t]);
        }
        v[c..c + 4].copy_from_slice(&x);
    }
    for c in full..len {
        let mut x = v[c];
        for p in 0..PANEL {
            x -= u[p] * w[p][c];
        }
        v[c] = x;
    }
}

/// Σ x_m y_m in f64 (f32 inputs widened: their products are exact) in four interleaved partial
/// sums added in a fixed order: independent additions the CPU overlaps and vectorizes (a single
/// running sum waits on each addition), the same bits on every target.
#[inline(always)]
pub(crate) fn dot<X: Copy + Into<f64>, Y: Copy + Into<f64>>(x: &[X], y: &[Y]) -> f64 {
    let mut acc = [0f64; 4];
    let (xc, yc) = (x.chunks_exact(4), y.chunks_exact(4));
    let (xr, yr) = (xc.remainder(), yc.remainder());
    for (p, q) in xc.zip(yc) {
        for t in 0..4 {
            acc[t] += p[t].into() * q[t].into();
        }
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (&p, &q) in xr.iter().zip(yr) {
        s += p.into() * q.into();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_a_textbook_solve_at_every_size() {
        let mut seed = 7u64;
        let mut rnd = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        for n in 1..=21 {
            // A = XᵀX + 0.5 I (X: n+3 rows), x = (1, 2, ..., n), b = A x
            let xs: Vec<f64> = (0..(n + 3) * n).map(|_| rnd()).collect();
            let mut a = vec![0f64; n * n];
            for r in xs.chunks_exact(n) {
                for i in 0..n {
                    for j in 0..n {
                        a[i * n + j] += r[i] * r[j];
                    }
                }
            }
            for i in 0..n {
                a[i * n + i] += 0.5;
            }
            let want: Vec<f64> = (1..=n).map(|v| v as f64).collect();
            let mut b: Vec<f64> = (0..n).map(|i| (0..n).map(|j| a[i * n + j] * want[j]).sum()).collect();
            for i in 0..n {
                for j in 0..i {
                    a[i * n + j] = f64::NAN; // the lower triangle is never read
                }
            }
            cholesky_solve(&mut a, &mut b, n);
            for (x, w) in b.iter().zip(&want) {
                assert!((x - w).abs() < 1e-9 * n as f64, "n {n}: {b:?}");
            }
        }
    }

    #[test]
    fn the_dispatched_solve_gives_the_portable_bits() {
        let n = 13;
        let a0: Vec<f64> = (0..n * n).map(|v| if v % (n + 1) == 0 { 20.0 } else { ((v * 37 % 11) as f64 - 5.0) / 7.0 }).collect();
        let b0: Vec<f64> = (0..n).map(|v| v as f64 - 3.5).collect();
        let (mut a1, mut b1, mut a2, mut b2) = (a0.clone(), b0.clone(), a0, b0);
        cholesky_solve(&mut a1, &mut b1, n);
        cholesky_portable(&mut a2, &mut b2, n);
        assert!(b1.iter().zip(&b2).all(|(x, y)| x.to_bits() == y.to_bits()));
    }

    #[test]
    fn solves_a_small_spd_system() {
        // A = [[4, 2, 0], [2, 5, 1], [0, 1, 3]], x = [1, -1, 2] -> b = [2, -1, 5]
        let mut a = vec![4.0, 2.0, 0.0, f64::NAN, 5.0, 1.0, f64::NAN, f64::NAN, 3.0];
        let mut b = vec![2.0, -1.0, 5.0];
        cholesky_solve(&mut a, &mut b, 3);
        for (x, want) in b.iter().zip([1.0, -1.0, 2.0]) {
            assert!((x - want).abs() < 1e-12, "{b:?}");
        }
    }
}
