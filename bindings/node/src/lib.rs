//! Node skin over `mp_api`: typed arrays in and out, specs and reports as JSON strings.
//! Every export converts arguments, calls the facade under a panic guard, and converts the result.
pub mod collab;
mod error;
mod tasks;

use error::{guard, Code};
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
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

/// A JS progress callback receiving one JSON string per report, called without blocking the engine
/// (queued to the JS thread). It must not throw: the TS adapter wraps the caller's function.
pub type Progress = ThreadsafeFunction<String, Unknown<'static>, String, Status, false>;

pub(crate) fn report(progress: &Option<Progress>, json: String) {
    if let Some(f) = progress {
        f.call(json, ThreadsafeFunctionCallMode::NonBlocking);
    }
}

/// Column-major validation rows and their labels, when both are given.
fn validation<'a>(x_valid: &'a Option<Float32Array>, y_valid: &'a Option<Float32Array>) -> Option<mp_api::ValidationSet<'a>> {
    x_valid.as_deref().zip(y_valid.as_deref())
}

/// Fits on the calling thread. `optionsJson`: {"validation": {"fraction", "seed"}}; or validation rows `xValid`/`yValid`.
#[napi]
pub fn fit_sync(
    x: Float32Array,
    n_rows: u32,
    y: Float32Array,
    spec_json: String,
    options_json: Option<String>,
    x_valid: Option<Float32Array>,
    y_valid: Option<Float32Array>,
) -> Result<Model, Code> {
    let valid = validation(&x_valid, &y_valid);
    guard(|| mp_api::fit_with(&x, n_rows as usize, &y, &spec_json, options_json.as_deref(), valid, &mut mp_api::JsonProgress(|_| {})))
        .map(|inner| Model { inner })
}

/// Fits on the libuv thread pool; resolves to a `Model`. `onProgress` gets `{"iteration", "metrics"}` JSON per round/tree.
#[napi(ts_return_type = "Promise<Model>")]
#[allow(clippy::too_many_arguments)]
pub fn fit(
    x: Float32Array,
    n_rows: u32,
    y: Float32Array,
    spec_json: String,
    options_json: Option<String>,
    x_valid: Option<Float32Array>,
    y_valid: Option<Float32Array>,
    #[napi(ts_arg_type = "((json: string) => void) | undefined | null")] on_progress: Option<Progress>,
) -> AsyncTask<Job<mp_api::Model, Model>> {
    Job::new(
        move || {
            let valid = validation(&x_valid, &y_valid);
            let mut observer = mp_api::JsonProgress(|json| report(&on_progress, json));
            mp_api::fit_with(&x, n_rows as usize, &y, &spec_json, options_json.as_deref(), valid, &mut observer)
        },
        |inner| Model { inner },
    )
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
/// `onProgress` gets `{"fits_done", "fits_total"}` JSON after every fit, in order.
#[napi(ts_return_type = "Promise<GridResult>")]
pub fn grid_search(
    x: Float32Array,
    n_rows: u32,
    y: Float32Array,
    grid_json: String,
    options_json: String,
    #[napi(ts_arg_type = "((json: string) => void) | undefined | null")] on_progress: Option<Progress>,
) -> AsyncTask<Job<(String, mp_api::Model), GridResult>> {
    Job::new(
        move || {
            let progress = |p: mp_api::GridProgress| report(&on_progress, serde_json::to_string(&p).unwrap_or_default());
            mp_api::grid_search_observed(&x, n_rows as usize, &y, &grid_json, &options_json, &progress)
        },
        grid_result,
    )
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
