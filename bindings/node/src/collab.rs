//! Collaborative models: fitted on (user id, item id, value) triples; predict and parts per (user, item) pair.
use crate::error::{guard, Code};
use crate::tasks::Job;
use crate::{report, Progress};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// A fitted collaborative model handle (mf, item_knn).
#[napi]
pub struct CollabModel {
    inner: mp_api::CollabModel,
}

#[napi]
impl CollabModel {
    /// The score of each (users[k], items[k]) pair; unknown ids are cold starts.
    #[napi]
    pub fn predict(&self, users: Int32Array, items: Int32Array) -> Result<Float32Array, Code> {
        guard(|| self.inner.predict(&users, &items)).map(Float32Array::new)
    }

    /// Column-major parts (names in `infoJson().parts`, score first) of each pair.
    #[napi]
    pub fn parts(&self, users: Int32Array, items: Int32Array) -> Result<Float32Array, Code> {
        guard(|| self.inner.parts(&users, &items)).map(Float32Array::new)
    }

    /// Kind, params, n_users, n_items, global_mean, parts, fit summary and versions as JSON.
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
    pub fn from_bytes(bytes: Uint8Array) -> Result<CollabModel, Code> {
        guard(|| mp_api::CollabModel::from_bytes(&bytes)).map(|inner| CollabModel { inner })
    }
}

/// Fits a collaborative spec (`{"kind": "mf", "params": {...}}`) on the calling thread.
#[napi]
pub fn fit_collab_sync(users: Int32Array, items: Int32Array, values: Float32Array, spec_json: String) -> Result<CollabModel, Code> {
    guard(|| mp_api::fit_collab(&users, &items, &values, &spec_json, &mut mp_api::JsonProgress(|_| {}))).map(|inner| CollabModel { inner })
}

/// Fits on the libuv thread pool; resolves to a `CollabModel`. `onProgress` gets `{"iteration", "metrics"}` JSON per sweep.
#[napi(ts_return_type = "Promise<CollabModel>")]
pub fn fit_collab(
    users: Int32Array,
    items: Int32Array,
    values: Float32Array,
    spec_json: String,
    #[napi(ts_arg_type = "((json: string) => void) | undefined | null")] on_progress: Option<Progress>,
) -> AsyncTask<Job<mp_api::CollabModel, CollabModel>> {
    Job::new(
        move || {
            let mut observer = mp_api::JsonProgress(|json| report(&on_progress, json));
            mp_api::fit_collab(&users, &items, &values, &spec_json, &mut observer)
        },
        |inner| CollabModel { inner },
    )
}
