//! The benchmark dataset: seeded, written once, read by our driver and by the Python peers alike.
//!
//! File layout (little endian): magic "MPDATA01", u64 n_train, u64 n_test, u64 n_features, then
//! x_train (f32, column-major), y_train (f32), x_test (f32, column-major), y_test (f32), p_test (f32,
//! the true probability of each test row, for the Bayes-optimal AUC).
use mp_core::Rng;
use std::io::{BufWriter, Read, Write};

pub const MAGIC: &[u8; 8] = b"MPDATA01";

pub struct Dataset {
    pub n_features: usize,
    pub x_train: Vec<f32>,
    pub y_train: Vec<f32>,
    pub x_test: Vec<f32>,
    pub y_test: Vec<f32>,
    pub p_test: Vec<f32>,
}

impl Dataset {
    pub fn n_train(&self) -> usize {
        self.y_train.len()
    }
    /// Keeps the first `rows` training rows (column-major, so each column is cut).
    pub fn truncate_train(&mut self, rows: usize) {
        let n = self.n_train();
        self.x_train = (0..self.n_features).flat_map(|j| self.x_train[j * n..j * n + rows].to_vec()).collect();
        self.y_train.truncate(rows);
    }
    pub fn n_test(&self) -> usize {
        self.y_test.len()
    }
}

/// Column layout: 0-9 normal, 10-19 uniform, 20-24 small-integer categories, 25-29 noise
/// (25-27 with 5% missing). The label depends nonlinearly on about a third of the columns.
pub fn generate(rows: usize, n_features: usize, seed: u64) -> Dataset {
    let mut rng = Rng::new(seed);
    let normal = move |rng: &mut Rng| {
        let (u, v) = (rng.next_f64().max(1e-300), rng.next_f64());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    };
    let mut cols = vec![vec![0f32; rows]; n_features];
    let mut y = vec![0f32; rows];
    let mut p = vec![0f32; rows];
    for i in 0..rows {
        for (j, col) in cols.iter_mut().enumerate() {
            col[i] = match j % 30 {
                0..=9 => normal(&mut rng) as f32,
                10..=19 => rng.next_f64() as f32,
                20..=24 => rng.below(2 + j % 7) as f32,
                25..=27 if rng.next_f64() < 0.05 => f32::NAN,
                _ => normal(&mut rng) as f32,
            };
        }
        let f = |j: usize| cols[j % n_features][i] as f64;
        let missing = if f(25).is_nan() { 0.4 } else { 0.0 };
        let z = -0.4 + 1.1 * f(0) - 0.8 * f(1) * f(2) + (2.0 * f(3)).sin() + 0.5 * f(4).powi(2) - 0.5
            + if f(10) > 0.6 { 0.9 } else { -0.2 }
            + 1.5 * (f(11) - 0.5) * f(5)
            + [0.0, 0.6, -0.5, 0.2, -0.3, 0.4, 0.1][f(20) as usize % 7]
            + 0.3 * f(21)
            + missing;
        let pi = 1.0 / (1.0 + (-z).exp());
        p[i] = pi as f32;
        y[i] = (rng.next_f64() < pi) as u8 as f32;
    }
    let n_train = rows * 4 / 5;
    let split = |cols: &[Vec<f32>], lo: usize, hi: usize| cols.iter().flat_map(|c| c[lo..hi].iter().copied()).collect();
    Dataset {
        n_features,
        x_train: split(&cols, 0, n_train),
        x_test: split(&cols, n_train, rows),
        y_train: y[..n_train].to_vec(),
        y_test: y[n_train..].to_vec(),
        p_test: p[n_train..].to_vec(),
    }
}

/// Replaces missing values (NaN) by the training column's median, in train and test alike: what a
/// logistic regression needs (the trees take NaN as is). Returns the number of values filled.
pub fn impute_medians(d: &mut Dataset) -> usize {
    let (n, m, mut filled) = (d.n_train(), d.n_test(), 0);
    for j in 0..d.n_features {
        let train = &mut d.x_train[j * n..(j + 1) * n];
        let mut seen: Vec<f32> = train.iter().copied().filter(|v| !v.is_nan()).collect();
        let median = if seen.is_empty() {
            0.0
        } else {
            let mid = seen.len() / 2;
            *seen.select_nth_unstable_by(mid, f32::total_cmp).1
        };
        for v in train.iter_mut().chain(d.x_test[j * m..(j + 1) * m].iter_mut()).filter(|v| v.is_nan()) {
            *v = median;
            filled += 1;
        }
    }
    filled
}

pub fn write(d: &Dataset, path: &str) -> std::io::Result<()> {
    let tmp = format!("{path}.tmp");
    let mut w = BufWriter::new(std::fs::File::create(&tmp)?);
    w.write_all(MAGIC)?;
    for v in [d.n_train(), d.n_test(), d.n_features] {
        w.write_all(&(v as u64).to_le_bytes())?;
    }
    for part in [&d.x_train, &d.y_train, &d.x_test, &d.y_test, &d.p_test] {
        for v in part.iter() {
            w.write_all(&v.to_le_bytes())?;
        }
    }
    w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::rename(tmp, path)
}

pub fn read(path: &str) -> Result<Dataset, String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes)).map_err(|e| format!("{path}: {e}"))?;
    if bytes.len() < 32 || &bytes[..8] != MAGIC {
        return Err(format!("{path}: not an MPDATA01 benchmark file"));
    }
    let u = |k: usize| u64::from_le_bytes(bytes[8 + 8 * k..16 + 8 * k].try_into().expect("8 bytes")) as usize;
    let (n_train, n_test, n_features) = (u(0), u(1), u(2));
    let need = 32 + 4 * (n_train * (n_features + 1) + n_test * (n_features + 2));
    if bytes.len() != need {
        return Err(format!("{path}: expected {need} bytes for {n_train}+{n_test} rows x {n_features}, found {}", bytes.len()));
    }
    let mut at = 32;
    let mut take = |n: usize| {
        let v: Vec<f32> = bytes[at..at + 4 * n].chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes"))).collect();
        at += 4 * n;
        v
    };
    Ok(Dataset {
        n_features,
        x_train: take(n_train * n_features),
        y_train: take(n_train),
        x_test: take(n_test * n_features),
        y_test: take(n_test),
        p_test: take(n_test),
    })
}
