//! Parameters of the item neighbourhood model (KNNBaseline) and their ranges.
use mp_core::params::{float_in, int_in};
use mp_core::Result;
use serde::{Deserialize, Serialize};

/// Item kNN on baseline residuals (Koren's KNNBaseline, Surprise's names and defaults where they exist).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct KnnParams {
    /// Most neighbours (the user's most similar rated items with positive similarity), in [1, 1000] (default 40).
    pub k: u32,
    /// Similarity shrinkage λ in s = n/(n + λ)·ρ, in [0, 1e6] (default 100).
    pub shrinkage: f64,
    /// Fewer common raters than this gives similarity 0, in [1, 1e6] (default 1).
    pub min_support: u32,
    /// Baseline ALS shrinkage of the user biases, in [0, 1e6] (default 15).
    pub reg_user: f64,
    /// Baseline ALS shrinkage of the item biases, in [0, 1e6] (default 10).
    pub reg_item: f64,
    /// Baseline ALS sweeps (items then users), in [1, 1000] (default 10).
    pub baseline_iterations: u32,
}

impl Default for KnnParams {
    fn default() -> Self {
        KnnParams { k: 40, shrinkage: 100.0, min_support: 1, reg_user: 15.0, reg_item: 10.0, baseline_iterations: 10 }
    }
}

impl KnnParams {
    /// `INVALID_PARAM` naming the parameter, its range and the value given.
    pub fn check(&self) -> Result<()> {
        int_in("k", self.k as u64, 1, 1000)?;
        float_in("shrinkage", self.shrinkage, 0.0, 1e6)?;
        int_in("min_support", self.min_support as u64, 1, 1_000_000)?;
        float_in("reg_user", self.reg_user, 0.0, 1e6)?;
        float_in("reg_item", self.reg_item, 0.0, 1e6)?;
        int_in("baseline_iterations", self.baseline_iterations as u64, 1, 1000)
    }
}
