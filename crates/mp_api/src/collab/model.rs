//! A fitted collaborative model of any kind: info, predict, parts, and the model file (the same
//! MOVPREF envelope and format version as feature models; the header is [`CollabInfo`]).
use super::{decode_body, parse_spec, CollabFittedOps, CollabSpecOps};
use crate::codec;
use crate::model::FORMAT_VERSION;
use crate::spec::{spec_value, split_spec};
use mp_collab::Ratings;
use mp_core::{Error, ErrorCode, NoopObserver, Observer, Result};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// What the header of a collaborative model file says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CollabInfo {
    #[cfg_attr(feature = "ts", ts(type = "CollabKind"))]
    pub kind: String,
    /// The full parameter set (defaults filled in).
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub params: serde_json::Value,
    /// Distinct users and items seen in training (others are cold starts).
    pub n_users: usize,
    pub n_items: usize,
    /// Mean of the training values (μ).
    pub global_mean: f64,
    /// Names of the columns `parts` returns, `score` first.
    pub parts: Vec<String>,
    /// What the fit found: `train_rmse` per sweep (mf), ...
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub fit: serde_json::Value,
    pub engine_version: String,
    pub format_version: u32,
}

/// A validated collaborative spec: `{"kind": "mf", "params": {...}}`.
#[derive(Debug, Clone)]
pub struct CollabSpec(Arc<dyn CollabSpecOps>);

impl CollabSpec {
    pub fn kinds() -> Vec<&'static str> {
        super::kind_names()
    }
    pub fn from_json(json: &str) -> Result<Self> {
        let (kind, params) = split_spec(spec_value(json, "collaborative spec")?, "collaborative spec")?;
        parse_spec(&kind, params).map(CollabSpec)
    }
    pub fn kind(&self) -> &'static str {
        self.0.kind()
    }
    pub fn params_json(&self) -> serde_json::Value {
        self.0.params_json()
    }
}

#[derive(Debug)]
pub struct CollabModel {
    info: CollabInfo,
    inner: Box<dyn CollabFittedOps>,
}

impl Clone for CollabModel {
    fn clone(&self) -> Self {
        CollabModel { info: self.info.clone(), inner: self.inner.clone_box() }
    }
}

/// Fits `spec_json` on the triples (`users[k]`, `items[k]`, `values[k]`), reporting each iteration to `observer`.
pub fn fit_collab(users: &[i32], items: &[i32], values: &[f32], spec_json: &str, observer: &mut dyn Observer) -> Result<CollabModel> {
    let spec = CollabSpec::from_json(spec_json)?;
    CollabModel::fit(users, items, values, &spec, observer)
}

impl CollabModel {
    pub fn fit(users: &[i32], items: &[i32], values: &[f32], spec: &CollabSpec, observer: &mut dyn Observer) -> Result<Self> {
        let r = Ratings::new(users, items, values)?;
        let inner = spec.0.fit(&r, observer)?;
        Ok(Self::with_info(inner, spec.params_json()))
    }

    fn with_info(inner: Box<dyn CollabFittedOps>, params: serde_json::Value) -> Self {
        let (n_users, n_items, global_mean) = inner.sizes();
        let info = CollabInfo {
            kind: inner.kind().to_string(),
            params,
            n_users,
            n_items,
            global_mean,
            parts: inner.part_names().iter().map(|s| s.to_string()).collect(),
            fit: inner.summary(),
            engine_version: env!("CARGO_PKG_VERSION").to_string(),
            format_version: FORMAT_VERSION,
        };
        CollabModel { info, inner }
    }

    pub fn info(&self) -> &CollabInfo {
        &self.info
    }

    pub fn info_json(&self) -> String {
        serde_json::to_string(&self.info).unwrap_or_default()
    }

    /// The score of each (user, item) pair.
    pub fn predict(&self, users: &[i32], items: &[i32]) -> Result<Vec<f32>> {
        let mut p = self.inner.parts(users, items)?;
        p.truncate(users.len());
        Ok(p)
    }

    /// `info.parts.len()` column-major columns (score, biases, flags, ...) for each pair.
    pub fn parts(&self, users: &[i32], items: &[i32]) -> Result<Vec<f32>> {
        self.inner.parts(users, items)
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let header = serde_json::to_vec(&self.info).map_err(|e| Error::internal(e.to_string()))?;
        Ok(codec::encode(FORMAT_VERSION, &header, &self.inner.encode()?))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let (version, header, body) = codec::decode(bytes)?;
        if version != FORMAT_VERSION {
            return Err(Error::new(
                ErrorCode::Deserialize,
                format!("model format version {version} is not supported by this engine (reads version {FORMAT_VERSION})"),
            ));
        }
        let info: CollabInfo = serde_json::from_slice(header).map_err(|e| match crate::model::header_kind(header) {
            Some(kind) if crate::ModelSpec::kinds().contains(&kind.as_str()) => {
                Error::deserialize(format!("this is a feature model file ({kind}): load it with modelFromBytes / Model::from_bytes"))
            }
            _ => Error::deserialize(format!("model header is not valid collaborative model metadata: {e}")),
        })?;
        let inner = decode_body(body)?;
        if !inner.is_valid() {
            return Err(Error::deserialize(format!("{} model body is inconsistent (sizes, ids or non-finite numbers)", inner.kind())));
        }
        let expected = Self::with_info(inner.clone_box(), info.params.clone());
        let (a, b) = (&expected.info, &info);
        if a.kind != b.kind || a.n_users != b.n_users || a.n_items != b.n_items || a.parts != b.parts || a.global_mean.to_bits() != b.global_mean.to_bits() {
            return Err(Error::deserialize(format!(
                "model header says {} with {} users, {} items, mean {} and parts {:?} but the body holds {} with {}, {}, {} and {:?}",
                b.kind, b.n_users, b.n_items, b.global_mean, b.parts, a.kind, a.n_users, a.n_items, a.global_mean, a.parts
            )));
        }
        if CollabSpec::from_json(&serde_json::json!({"kind": b.kind, "params": b.params}).to_string()).is_err() {
            return Err(Error::deserialize(format!("model header holds invalid {} parameters", b.kind)));
        }
        Ok(CollabModel { info, inner })
    }
}

/// Fits without progress (tests, tools).
pub fn fit_collab_quiet(users: &[i32], items: &[i32], values: &[f32], spec_json: &str) -> Result<CollabModel> {
    fit_collab(users, items, values, spec_json, &mut NoopObserver)
}
