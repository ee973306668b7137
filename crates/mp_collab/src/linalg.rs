//! Small dense solves in f64: the (k+1)x(k+1) ridge systems of ALS.

/// Solves `a x = b` for symmetric positive definite `a` (n x n, row-major; only the upper triangle
/// is read) by Cholesky, in place: `b` becomes `x`, `a` is overwritten. A pivot that rounding made
/// smaller than 1e-12 of its diagonal entry (a badly scaled system) is raised to that, so the solve
/// stays finite (the ridge keeps exact pivots >= l2 > 0).
pub(crate) fn cholesky_solve(a: &mut [f64], b: &mut [f64], n: usize) {
    // L (lower) overwrites the lower triangle; a[i*n+j] for j <= i.
    for j in 0..n {
        let diag = a[j * n + j];
        let lj = &a[j * n..j * n + j];
        let d = diag - dot(lj, lj);
        let l = d.max(diag * 1e-12).max(f64::MIN_POSITIVE).sqrt();
        a[j * n + j] = l;
        for i in j + 1..n {
            // upper-triangle entry (j, i) = (i, j), minus row i of L times row j of L
            let s = a[j * n + i] - dot(&a[i * n..i * n + j], &a[j * n..j * n + j]);
            a[i * n + j] = s / l;
        }
    }
    for i in 0..n {
        b[i] = (b[i] - dot(&a[i * n..i * n + i], &b[..i])) / a[i * n + i];
    }
    for i in (0..n).rev() {
        let mut s = b[i];
        for m in i + 1..n {
            s -= a[m * n + i] * b[m];
        }
        b[i] = s / a[i * n + i];
    }
}

/// Σ x_m y_m in four interleaved partial sums, added in a fixed order: independent additions the CPU
/// overlaps (a single running sum waits on each addition), the same bits on every target.
#[inline]
fn dot(x: &[f64], y: &[f64]) -> f64 {
    let mut acc = [0f64; 4];
    let (xc, yc) = (x.chunks_exact(4), y.chunks_exact(4));
    let (xr, yr) = (xc.remainder(), yc.remainder());
    for (p, q) in xc.zip(yc) {
        for t in 0..4 {
            acc[t] += p[t] * q[t];
        }
    }
    let mut s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (p, q) in xr.iter().zip(yr) {
        s += p * q;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

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
