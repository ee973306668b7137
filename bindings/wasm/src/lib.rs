//! Browser/Node wasm skin over `mp_api`, mirroring the napi exports name for name (camelCase in JS).
pub mod collab;
mod error;

use error::to_js;
use wasm_bindgen::prelude::*;

pub(crate) type JsResult<T> = Result<T, JsValue>;

#[wasm_bindgen(start)]
pub fn start() {
    error::install_panic_hook();
}

/// A fitted model handle.
#[wasm_bindgen]
pub struct Model {
    inner: mp_api::Model,
}

#[wasm_bindgen]
impl Model {
    pub fn predict(&self, x: &[f32], #[wasm_bindgen(js_name = nRows)] n_rows: u32) -> JsResult<Vec<f32>> {
        self.inner.predict(x, n_rows as usize).map_err(to_js)
    }

    #[wasm_bindgen(js_name = featureImportance)]
    pub fn feature_importance(&self, kind: &str) -> JsResult<Vec<f64>> {
        self.inner.feature_importance(kind).map_err(to_js)
    }

    #[wasm_bindgen(js_name = permutationImportanceJson)]
    pub fn permutation_importance_json(&self, x: &[f32], #[wasm_bindgen(js_name = nRows)] n_rows: u32, y: &[f32], options_json: &str) -> JsResult<String> {
        mp_api::permutation_importance_json(&self.inner, x, n_rows as usize, y, options_json).map_err(to_js)
    }

    #[wasm_bindgen(js_name = infoJson)]
    pub fn info_json(&self) -> String {
        self.inner.info_json()
    }

    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> JsResult<Vec<u8>> {
        self.inner.to_bytes().map_err(to_js)
    }

    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8]) -> JsResult<Model> {
        mp_api::Model::from_bytes(bytes).map(|inner| Model { inner }).map_err(to_js)
    }
}

/// A JS progress function called directly (wasm is single-threaded) with one JSON string per report.
/// What it throws is ignored here: the TS adapter wraps the caller's function and reports its error.
pub(crate) struct Progress(pub(crate) Option<js_sys::Function>);

// SAFETY: this crate is built for wasm32 without threads (no atomics, no rayon): the function is only
// ever called on the one thread that created it. `Sync` is needed by the grid search's progress bound.
unsafe impl Sync for Progress {}

impl Progress {
    pub(crate) fn report(&self, json: String) {
        if let Some(f) = &self.0 {
            let _ = f.call1(&JsValue::NULL, &JsValue::from_str(&json));
        }
    }
}

/// Fits synchronously. `optionsJson`: {"validation": {"fraction", "seed"}}, or validation rows
/// `xValid`/`yValid`; `onProgress` gets `{"iteration", "metrics"}` JSON per round/tree.
#[wasm_bindgen(js_name = fitSync)]
#[allow(clippy::too_many_arguments)]
pub fn fit_sync(
    x: &[f32],
    #[wasm_bindgen(js_name = nRows)] n_rows: u32,
    y: &[f32],
    spec_json: &str,
    options_json: Option<String>,
    x_valid: Option<Vec<f32>>,
    y_valid: Option<Vec<f32>>,
    on_progress: Option<js_sys::Function>,
) -> JsResult<Model> {
    let valid = x_valid.as_deref().zip(y_valid.as_deref());
    let progress = Progress(on_progress);
    let mut observer = mp_api::JsonProgress(|json| progress.report(json));
    mp_api::fit_with(x, n_rows as usize, y, spec_json, options_json.as_deref(), valid, &mut observer)
        .map(|inner| Model { inner })
        .map_err(to_js)
}

/// The outcome of a grid search: the report (JSON) and the best configuration refit on all rows.
#[wasm_bindgen]
pub struct GridResult {
    report_json: String,
    best: mp_api::Model,
}

#[wasm_bindgen]
impl GridResult {
    #[wasm_bindgen(js_name = reportJson)]
    pub fn report_json(&self) -> String {
        self.report_json.clone()
    }

    #[wasm_bindgen(js_name = bestModel)]
    pub fn best_model(&self) -> Model {
        Model { inner: self.best.clone() }
    }
}

/// Grid search with stratified k-fold CV (sequential on wasm). `options_json`: {"seed", "folds", "scoring"};
/// `onProgress` gets `{"fits_done", "fits_total"}` JSON after every fit.
#[wasm_bindgen(js_name = gridSearchSync)]
pub fn grid_search_sync(
    x: &[f32],
    #[wasm_bindgen(js_name = nRows)] n_rows: u32,
    y: &[f32],
    grid_json: &str,
    options_json: &str,
    on_progress: Option<js_sys::Function>,
) -> JsResult<GridResult> {
    let progress = Progress(on_progress);
    let report = |p: mp_api::GridProgress| progress.report(serde_json::to_string(&p).unwrap_or_default());
    mp_api::grid_search_observed(x, n_rows as usize, y, grid_json, options_json, &report)
        .map(|(report_json, best)| GridResult { report_json, best })
        .map_err(to_js)
}

#[wasm_bindgen(js_name = metricsJson)]
pub fn metrics_json(y: &[f32], p: &[f32], threshold: f64) -> JsResult<String> {
    mp_api::metrics_json(y, p, threshold).map_err(to_js)
}

#[wasm_bindgen(js_name = engineInfoJson)]
pub fn engine_info_json() -> String {
    mp_api::engine_info_json()
}

/// The message of the last panic (a bug), if the previous call trapped. Read by the JS adapter.
#[wasm_bindgen(js_name = takeLastPanic)]
pub fn take_last_panic() -> Option<String> {
    error::take_last_panic()
}

/// Deliberately panics inside the engine: lets the contract tests prove a panic never crashes the host.
#[wasm_bindgen(js_name = debugPanic)]
pub fn debug_panic() -> JsResult<()> {
    mp_api::debug_panic().map_err(to_js)
}
