//! Seeded synthetic data shared by the integration tests.
#![allow(dead_code)]
use mp_core::metrics::roc_auc;
use mp_core::{BinaryLabels, ColMajor, Rng};

/// Column-major features plus 0/1 labels.
pub struct Data {
    pub x: Vec<f32>,
    pub y: Vec<f32>,
    pub n: usize,
    pub f: usize,
}

impl Data {
    pub fn view(&self) -> ColMajor<'_> {
        ColMajor::new(&self.x, self.n).unwrap()
    }
    /// Rows `rows` as a new data set.
    pub fn take(&self, rows: &[usize]) -> Data {
        let mut x = Vec::with_capacity(rows.len() * self.f);
        for j in 0..self.f {
            x.extend(rows.iter().map(|&i| self.x[j * self.n + i]));
        }
        Data { x, y: rows.iter().map(|&i| self.y[i]).collect(), n: rows.len(), f: self.f }
    }
    /// First `n_train` rows / the rest.
    pub fn split(&self, n_train: usize) -> (Data, Data) {
        let a: Vec<usize> = (0..n_train).collect();
        let b: Vec<usize> = (n_train..self.n).collect();
        (self.take(&a), self.take(&b))
    }
    /// Columns in the order `perm` (new column k = old column perm[k]).
    pub fn permute_columns(&self, perm: &[usize]) -> Data {
        let mut x = Vec::with_capacity(self.x.len());
        for &j in perm {
            x.extend_from_slice(&self.x[j * self.n..(j + 1) * self.n]);
        }
        Data { x, y: self.y.clone(), n: self.n, f: self.f }
    }
    /// Row-major copy as f64 (for smartcore).
    pub fn rows_f64(&self) -> Vec<Vec<f64>> {
        (0..self.n).map(|i| (0..self.f).map(|j| self.x[j * self.n + i] as f64).collect()).collect()
    }
}

/// Nonlinear signal in the first 5 features, the rest noise; labels drawn from a logistic link.
pub fn nonlinear(n: usize, f: usize, seed: u64) -> Data {
    assert!(f >= 5);
    let mut rng = Rng::new(seed);
    let x: Vec<f32> = (0..n * f).map(|_| (rng.next_f64() * 2.0 - 1.0) as f32).collect();
    let y = (0..n)
        .map(|i| {
            let g = |j: usize| x[j * n + i] as f64;
            let z = 2.0 * g(0) + (3.0 * g(1)).sin() * 1.5 + 3.0 * g(2) * g(3) - 1.5 * g(4).abs() + 0.5;
            f32::from(rng.next_f64() < 1.0 / (1.0 + (-2.5 * z).exp()))
        })
        .collect();
    Data { x, y, n, f }
}

pub fn auc(y: &[f32], p: &[f32]) -> f64 {
    roc_auc(&BinaryLabels::with_both_classes(y, y.len()).unwrap(), p)
}

pub fn accuracy(y: &[f32], p: &[f32]) -> f64 {
    y.iter().zip(p).filter(|(&t, &q)| (q > 0.5) == (t == 1.0)).count() as f64 / y.len() as f64
}
