//! Small dense solves in f64: the (k+1)x(k+1) ridge systems of ALS.

/// Solves `a x = b` for symmetric positive definite `a` (n x n, row-major; only the upper triangle
/// is read) by Cholesky, in place: `b` becomes `x`, `a` is overwritten. A pivot that rounding made
/// smaller than 1e-12 of its diagonal entry (a badly scaled system) is raised to that, so the solve
/// stays finite (the ridge keeps exact pivots >= l2 > 0).
pub(crate) fn cholesky_solve(a: &mut [f64], b: &mut [f64], n: usize) {
    // L (lower) overwrites the lower triangle; a[i*n+j] for j <= i.
    for j in 0..n {
        let diag = a[j * n + j];
        let mut d = diag;
        for m in 0..j {
            d -= a[j * n + m] * a[j * n + m];
        }
        let l = d.max(diag * 1e-12).max(f64::MIN_POSITIVE).sqrt();
        a[j * n + j] = l;
        for i in j + 1..n {
            let mut s = a[j * n + i]; // upper-triangle entry (j, i) = (i, j)
            for m in 0..j {
                s -= a[i * n + m] * a[j * n + m];
            }
            a[i * n + j] = s / l;
        }
    }
    for i in 0..n {
        let mut s = b[i];
        for m in 0..i {
            s -= a[i * n + m] * b[m];
        }
        b[i] = s / a[i * n + i];
    }
    for i in (0..n).rev() {
        let mut s = b[i];
        for m in i + 1..n {
            s -= a[m * n + i] * b[m];
        }
        b[i] = s / a[i * n + i];
    }
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
