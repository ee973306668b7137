//! Collaborative models: fitted on (user id, item id, value) triples; predict and parts per (user, item) pair.
use crate::error::to_js;
use crate::{JsResult, Progress};
use wasm_bindgen::prelude::*;

/// A fitted collaborative model handle (mf, item_knn).
#[wasm_bindgen]
pub struct CollabModel {
    inner: mp_api::CollabModel,
}

#[wasm_bindgen]
impl CollabModel {
    pub fn predict(&self, users: &[i32], items: &[i32]) -> JsResult<Vec<f32>> {
        self.inner.predict(users, items).map_err(to_js)
    }

    pub fn parts(&self, users: &[i32], items: &[i32]) -> JsResult<Vec<f32>> {
        self.inner.parts(users, items).map_err(to_js)
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
    pub fn from_bytes(bytes: &[u8]) -> JsResult<CollabModel> {
        mp_api::CollabModel::from_bytes(bytes).map(|inner| CollabModel { inner }).map_err(to_js)
    }
}

/// Fits a collaborative spec synchronously; `onProgress` gets `{"iteration", "metrics"}` JSON per sweep.
#[wasm_bindgen(js_name = fitCollabSync)]
pub fn fit_collab_sync(users: &[i32], items: &[i32], values: &[f32], spec_json: &str, on_progress: Option<js_sys::Function>) -> JsResult<CollabModel> {
    let progress = Progress(on_progress);
    let mut observer = mp_api::JsonProgress(|json| progress.report(json));
    mp_api::fit_collab(users, items, values, spec_json, &mut observer).map(|inner| CollabModel { inner }).map_err(to_js)
}
