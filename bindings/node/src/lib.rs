//! Node skin over `mp_api`: typed arrays in and out, specs and reports as JSON strings.
//! Every export converts arguments, calls the facade under a panic guard, and converts the result.
mod error;
mod tasks;

use error::{guard, Code};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use tasks::Job;

/// A fitted model handle.
#[napi]
pub struct Model {
    pub(crate) inner: mp_api::Model,
}

#[napi]
impl Model {
    /// P(like) per row of column-major `x` with `nRows` rows.
    #[napi]
    pub fn predict(&self, x: Float32Array, n_rows: u32) -> Result<Float32Array, Code> {
        guard(|| self.inner.predict(&x, n_rows as usize)).map(Float32Array::new)
    }

    /// Importance per feature ("gain", "split", "coefficient" depending on the model kind).
    #[napi]
    pub fn feature_importance(&self, kind: String) -> Result<Float64Array, Code> {
        guard(|| self.inner.feature_importance(&kind)).map(Float64Array::new)
    }

    /// Mean/std score drop per shuffled feature on (x, y), as JSON. `optionsJson`: {"seed", "n_repeats", "scoring"}.
    #[napi]
    pub fn permutation_importance_json(&self, x: Float32Array, n_rows: u32, y: Float32Array, options_json: String) -> Result<String, Code> {
        guard(|| mp_api::permutation_importance_json(&self.inner, &x, n_rows as usize, &y, &options_json))
    }

    /// Model metadata (kind, nFeatures, params, versions) as a JSON string.
    #[napi]
    pub fn info_json(&self) -> String {
        self.inner.info_json()
    }

    /// The versioned, checksummed model file.
    #[napi]
    pub fn to_bytes(&self) -> Result<Uint8Array, Code> {
        guard(|| self.inner.to_bytes()).map(Uint8Array::new)
    }

    #[napi(factory)]
    pub fn from_bytes(bytes: Uint8Array) -> Result<Model, Code> {
        guard(|| mp_api::Model::from_bytes(&bytes)).map(|inner| Model { inner })
    }
}

/// Fits on the calling thread.
#[napi]
pub fn fit_sync(x: Float32Array, n_rows: u32, y: Float32Array, spec_json: String) -> Result<Model, Code> {
    guard(|| mp_api::fit(&x, n_rows as usize, &y, &spec_json)).map(|inner| Model { inner })
}

/// Fits on the libuv thread pool; resolves to a `Model`.
#[napi(ts_return_type = "Promise<Model>")]
pub fn fit(x: Float32Array, n_rows: u32, y: Float32Array, spec_json: String) -> AsyncTask<Job<mp_api::Model, Model>> {
    Job::new(move || mp_api::fit(&x, n_rows as usize, &y, &spec_json), |inner| Model { inner })
}

/// The outcome of a grid search: the report (JSON) and the best configuration refit on all rows.
#[napi]
pub struct GridResult {
    report_json: String,
    best: mp_api::Model,
}

#[napi]
impl GridResult {
    #[napi]
    pub fn report_json(&self) -> String {
        self.report_json.clone()
    }

    #[napi]
    pub fn best_model(&self) -> Model {
        Model { inner: self.best.clone() }
    }
}

fn grid_result((report_json, best): (String, mp_api::Model)) -> GridResult {
    GridResult { report_json, best }
}

/// Grid search with stratified k-fold CV on the calling thread. `optionsJson`: {"seed", "folds", "scoring"}.
#[napi]
pub fn grid_search_sync(x: Float32Array, n_rows: u32, y: Float32Array, grid_json: String, options_json: String) -> Result<GridResult, Code> {
    guard(|| mp_api::grid_search_json(&x, n_rows as usize, &y, &grid_json, &options_json)).map(grid_result)
}

/// Grid search on the libuv thread pool (fits spread over rayon threads); resolves to a `GridResult`.
#[napi(ts_return_type = "Promise<GridResult>")]
pub fn grid_search(x: Float32Array, n_rows: u32, y: Float32Array, grid_json: String, options_json: String) -> AsyncTask<Job<(String, mp_api::Model), GridResult>> {
    Job::new(move || mp_api::grid_search_json(&x, n_rows as usize, &y, &grid_json, &options_json), grid_result)
}

/// Binary metrics of probabilities `p` against 0/1 labels `y`, as a JSON string.
#[napi]
pub fn metrics_json(y: Float32Array, p: Float32Array, threshold: f64) -> Result<String, Code> {
    guard(|| mp_api::metrics_json(&y, &p, threshold))
}

#[napi]
pub fn engine_info_json() -> String {
    mp_api::engine_info_json()
}

/// Deliberately panics inside the engine: lets the contract tests prove a panic never crashes the host.
#[napi]
pub fn debug_panic() -> Result<(), Code> {
    guard(mp_api::debug_panic)
}
