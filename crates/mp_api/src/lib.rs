//! The moviepref facade: the ONLY surface the napi and wasm bindings call.
//! Numbers come in as column-major `&[f32]` + `n_rows`; specs and reports travel as JSON strings.
pub mod codec;
mod collab;
mod fit;
mod kinds;
mod model;
mod permutation;
mod select;
mod spec;
#[cfg(feature = "ts")]
mod ts_export;
#[cfg(feature = "ts")]
pub use ts_export::render as typescript_types;

pub use collab::model::{fit_collab, fit_collab_quiet, CollabInfo, CollabModel, CollabSpec};
pub use model::{Model, ModelInfo, FORMAT_VERSION};
pub use permutation::{permutation_importance_json, PermutationImportance, PermutationOptions};
pub use mp_core::{Error, ErrorCode, Result};
pub use fit::{fit_with, FitOptions, FitProgress, GridProgress, JsonProgress, ValidationSet, ValidationSplit};
pub use select::{
    expand_grid, grid_search, grid_search_json, grid_search_observed, ConfigEntry, EarlyStopping, GridOptions, GridReport, GridSpec, HalvingIteration, LastEvaluated,
    Scoring, Search, SearchEarlyStopping, SearchReport, DEFAULT_VALIDATION_FRACTION,
};
pub use spec::ModelSpec;

use mp_core::metrics::BinaryMetrics;
use mp_core::ColMajor;

/// Fits the model described by `spec_json` (see [`ModelSpec`]) on `x` (column-major, `n_rows` rows) and 0/1 labels `y`.
pub fn fit(x: &[f32], n_rows: usize, y: &[f32], spec_json: &str) -> Result<Model> {
    let spec = ModelSpec::from_json(spec_json)?;
    Model::fit(ColMajor::new(x, n_rows)?, y, &spec)
}

/// Accuracy, precision, recall, F1, ROC-AUC, log-loss and the confusion matrix, as a JSON object.
pub fn metrics_json(y: &[f32], p: &[f32], threshold: f64) -> Result<String> {
    let m = BinaryMetrics::compute(y, p, threshold)?;
    serde_json::to_string(&m).map_err(|e| Error::internal(e.to_string()))
}

/// The engine's name, version, model file format and model kinds.
#[derive(Debug, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EngineInfo {
    pub engine: &'static str,
    pub version: &'static str,
    pub model_format: u32,
    pub models: Vec<&'static str>,
    /// Collaborative kinds (fitted on user/item/value triples).
    pub collab_models: Vec<&'static str>,
    /// The largest catalogue (distinct items in the training ratings) `item_knn` fits: its dense item x
    /// item similarity matrix is capped at 2^28 entries (1 GiB). Larger catalogues get `INVALID_PARAM`.
    pub item_knn_max_items: u64,
}

/// The engine's version and format, for diagnostics (`moviepref info`).
pub fn engine_info_json() -> String {
    let info = EngineInfo { engine: "moviepref", version: env!("CARGO_PKG_VERSION"), model_format: FORMAT_VERSION, models: ModelSpec::kinds(), collab_models: CollabSpec::kinds(), item_knn_max_items: mp_collab::MAX_ITEMS };
    serde_json::to_string(&info).unwrap_or_default()
}

/// Panics on purpose. Exists so binding tests can prove a panic in the engine never crashes the host.
pub fn debug_panic() -> Result<()> {
    panic!("debug_panic called: deliberate panic for binding tests")
}
