//! Column-major f32 feature matrix view over a borrowed buffer (the FFI buffer, zero-copy).
use crate::error::{Error, ErrorCode, Result};

/// Most features a matrix (and so a model) may have: per-feature results (importances, scalers) stay
/// below 128 MiB, and a model file cannot make a reader allocate more by claiming a larger count.
pub const MAX_FEATURES: usize = 1 << 24;

#[derive(Debug, Clone, Copy)]
pub struct ColMajor<'a> {
    data: &'a [f32],
    n_rows: usize,
    n_features: usize,
}

impl<'a> ColMajor<'a> {
    /// Wraps `data` laid out column by column: feature `j` occupies `data[j*n_rows..(j+1)*n_rows]`.
    pub fn new(data: &'a [f32], n_rows: usize) -> Result<Self> {
        if n_rows == 0 {
            return Err(Error::new(ErrorCode::EmptyData, "n_rows is 0: at least one row is required"));
        }
        if data.is_empty() {
            return Err(Error::new(ErrorCode::EmptyData, "feature buffer is empty: at least one feature is required"));
        }
        if !data.len().is_multiple_of(n_rows) {
            return Err(Error::shape(format!(
                "feature buffer length {} is not a multiple of n_rows {} (expected n_rows * n_features)",
                data.len(),
                n_rows
            )));
        }
        let n_features = data.len() / n_rows;
        if n_features > MAX_FEATURES {
            return Err(Error::shape(format!("{n_features} features exceed the supported maximum {MAX_FEATURES}")));
        }
        Ok(ColMajor { data, n_rows, n_features })
    }

    /// Like [`ColMajor::new`] but also requires an exact feature count (predicting with a fitted model).
    pub fn with_features(data: &'a [f32], n_rows: usize, n_features: usize) -> Result<Self> {
        let m = Self::new(data, n_rows)?;
        if m.n_features != n_features {
            return Err(Error::shape(format!(
                "model expects {n_features} features but the buffer holds {} (length {} / n_rows {})",
                m.n_features,
                data.len(),
                n_rows
            )));
        }
        Ok(m)
    }

    pub fn n_rows(&self) -> usize {
        self.n_rows
    }
    pub fn n_features(&self) -> usize {
        self.n_features
    }
    pub fn col(&self, j: usize) -> &'a [f32] {
        &self.data[j * self.n_rows..(j + 1) * self.n_rows]
    }
    pub fn get(&self, row: usize, feature: usize) -> f32 {
        self.data[feature * self.n_rows + row]
    }
    pub fn as_slice(&self) -> &'a [f32] {
        self.data
    }

    /// The given rows (in the given order) as a new column-major buffer.
    pub fn take_rows(&self, rows: &[u32]) -> Vec<f32> {
        let mut out = Vec::with_capacity(rows.len() * self.n_features);
        for j in 0..self.n_features {
            let col = self.col(j);
            out.extend(rows.iter().map(|&i| col[i as usize]));
        }
        out
    }

    /// Fails with `NON_FINITE` naming the first offending row and feature (for models that cannot take NaN).
    pub fn require_finite(&self, model: &str) -> Result<()> {
        for j in 0..self.n_features {
            if let Some(i) = first_non_finite(self.col(j)) {
                return Err(Error::new(
                    ErrorCode::NonFinite,
                    format!(
                        "{model} cannot take missing or infinite values: row {i}, feature {j} is {}; impute first",
                        self.get(i, j)
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Index of the first NaN or infinite value. One column per call, not inlined: wasm engines run a
/// function's first calls unoptimized (no on-stack replacement), so a scan inlined into a once-called
/// function would stay unoptimized for the whole matrix.
#[inline(never)]
fn first_non_finite(col: &[f32]) -> Option<usize> {
    col.iter().position(|v| !v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_contiguous() {
        let data = [1.0, 2.0, 3.0, 10.0, 20.0, 30.0];
        let m = ColMajor::new(&data, 3).unwrap();
        assert_eq!(m.n_features(), 2);
        assert_eq!(m.col(1), &[10.0, 20.0, 30.0]);
        assert_eq!(m.get(2, 0), 3.0);
    }

    #[test]
    fn take_rows_gathers_per_column() {
        let data = [1.0, 2.0, 3.0, 10.0, 20.0, 30.0];
        assert_eq!(ColMajor::new(&data, 3).unwrap().take_rows(&[2, 0]), vec![3.0, 1.0, 30.0, 10.0]);
    }

    #[test]
    fn bad_shapes_are_coded() {
        assert_eq!(ColMajor::new(&[1.0; 5], 2).unwrap_err().code(), ErrorCode::ShapeMismatch);
        assert_eq!(ColMajor::new(&[], 2).unwrap_err().code(), ErrorCode::EmptyData);
        assert_eq!(ColMajor::new(&[1.0], 0).unwrap_err().code(), ErrorCode::EmptyData);
        assert_eq!(ColMajor::with_features(&[1.0; 6], 3, 3).unwrap_err().code(), ErrorCode::ShapeMismatch);
        let wide = vec![0.0f32; MAX_FEATURES + 1];
        assert!(ColMajor::new(&wide, 1).unwrap_err().message().contains("supported maximum"));
        assert_eq!(ColMajor::new(&wide[1..], 1).unwrap().n_features(), MAX_FEATURES);
    }

    #[test]
    fn non_finite_names_row_and_feature() {
        let data = [1.0, 2.0, 3.0, f32::NAN];
        let e = ColMajor::new(&data, 2).unwrap().require_finite("LR").unwrap_err();
        assert_eq!(e.code(), ErrorCode::NonFinite);
        assert!(e.message().contains("row 1, feature 1"), "{e}");
    }
}
