//! smartcore's RandomForestClassifier, the Rust reference the issue compares our forest against.
//! It has no missing-value support (NaN -> 0 here) and predicts hard classes only (its AUC is on 0/1 votes).
use mp_core::ColMajor;
use smartcore::ensemble::random_forest_classifier::{RandomForestClassifier, RandomForestClassifierParameters};
use smartcore::linalg::basic::matrix::DenseMatrix;

pub type Model = RandomForestClassifier<f32, u32, DenseMatrix<f32>, Vec<u32>>;

fn matrix(x: &[f32], n: usize) -> Result<DenseMatrix<f32>, String> {
    let clean: Vec<f32> = x.iter().map(|v| if v.is_nan() { 0.0 } else { *v }).collect();
    DenseMatrix::new(n, x.len() / n, clean, true).map_err(|e| e.to_string())
}

pub fn fit(x: &[f32], n: usize, y: &[f32], params: &str) -> Result<Model, String> {
    let p: serde_json::Value = serde_json::from_str(params).map_err(|e| e.to_string())?;
    let get = |k: &str, d: u64| p.get(k).and_then(|v| v.as_u64()).unwrap_or(d);
    let k = x.len() / n;
    let params = RandomForestClassifierParameters::default()
        .with_n_trees(get("n_estimators", 100) as u16)
        .with_max_depth(get("max_depth", 10) as u16)
        .with_m((k as f64).sqrt().floor() as usize)
        .with_seed(get("seed", 0));
    let labels: Vec<u32> = y.iter().map(|&v| v as u32).collect();
    RandomForestClassifier::fit(&matrix(x, n)?, &labels, params).map_err(|e| e.to_string())
}

pub fn predict(m: &Model, x: ColMajor) -> mp_core::Result<Vec<f32>> {
    let dm = matrix(x.as_slice(), x.n_rows()).map_err(mp_core::Error::internal)?;
    let p = m.predict(&dm).map_err(|e| mp_core::Error::internal(e.to_string()))?;
    Ok(p.into_iter().map(|c| c as f32).collect())
}
