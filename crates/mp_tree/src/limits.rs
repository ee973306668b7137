//! What both ensembles (boosting and forest) check the same way: shared parameter limits and the
//! feature count of a matrix against a model. Below `gbt` and `forest`; neither imports the other.
use mp_core::params::int_in;
use mp_core::{ColMajor, Error, Result};

/// Deepest tree any model accepts.
pub const MAX_DEPTH_LIMIT: u64 = 64;
/// Most boosting rounds / trees any model accepts.
pub const MAX_ESTIMATORS: u64 = 100_000;

/// `n_estimators` in [1, MAX_ESTIMATORS].
pub(crate) fn check_estimators(n: u32) -> Result<()> {
    int_in("n_estimators", n as u64, 1, MAX_ESTIMATORS)
}

/// `max_bin` in [2, 255] (the missing bin included).
pub(crate) fn check_max_bin(max_bin: u32) -> Result<()> {
    int_in("max_bin", max_bin as u64, 2, crate::binning::MAX_BIN_LIMIT as u64)
}

/// `SHAPE_MISMATCH` unless `x` has `n_features` columns; `DESERIALIZE` if a (deserialized) tree
/// splits on a feature the model does not have.
/// The matrix must have the model's feature count, and no tree may split on a feature beyond it
/// (`max_feature`: the largest split feature of the model's trees, if any).
pub(crate) fn check_features(x: &ColMajor<'_>, n_features: usize, max_feature: Option<u32>) -> Result<()> {
    if x.n_features() != n_features {
        return Err(Error::shape(format!("model expects {n_features} features but the matrix has {}", x.n_features())));
    }
    if let Some(f) = max_feature.filter(|&f| f as usize >= n_features) {
        return Err(Error::deserialize(format!("a tree splits on feature {f} but the model has {n_features} features")));
    }
    Ok(())
}

