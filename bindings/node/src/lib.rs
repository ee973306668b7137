//! Node skin over `mp_api`: typed arrays in and out, specs and reports as JSON strings.
//! Every export converts arguments, calls the facade under a panic guard, and converts the result.
mod error;
mod tasks;

use error::{guard, Code};
use napi::bindgen_prelude::*;
use napi_derive::napi;

pub use tasks::FitTask;

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
pub fn fit(x: Float32Array, n_rows: u32, y: Float32Array, spec_json: String) -> AsyncTask<FitTask> {
    AsyncTask::new(FitTask::new(x, n_rows, y, spec_json))
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
