//! moviepref histogram tree engine: gradient-boosted trees (xgboost `hist`-style) and random
//! forests sharing one grower over `u8`-binned features. Pure Rust, never prints; multi-threaded
//! only with the `parallel` feature, with results identical for any thread count.
pub mod binning;
pub mod forest;
pub mod forest_params;
pub mod gbt;
pub mod gbt_params;
pub mod grower;
pub mod histogram;
pub mod importance;
pub mod limits;
pub mod objective;
mod par;
pub mod partition;
mod prefetch;
mod sampled_hist;
pub mod split;
pub mod stats;
pub mod swap;
pub mod tree;

pub use binning::{BinSpec, BinnedMatrix};
pub use forest::{fit_forest, fit_forest_binned, forest_bin_spec, ForestModel, OobScore};
pub use forest_params::{ForestParams, ForestValidParams, MaxFeatures};
pub use grower::GrowPolicy;
pub use gbt::{fit_gbt, fit_gbt_binned, gbt_bin_spec, EvalRecord, GbtModel};
pub use gbt_params::{GbtParams, GbtValidParams};
pub use importance::ImportanceKind;
pub use objective::{Logistic, Objective, ObjectiveKind, SquaredError};
pub use stats::FitStats;
pub use swap::ColumnSwaps;
pub use tree::{Node, Tree};
