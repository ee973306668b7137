//! A fitted model of any kind, with its metadata and its byte format.
use crate::codec;
use crate::kinds::{decode_body, FittedOps};
use crate::spec::ModelSpec;
use mp_core::{ColMajor, Error, ErrorCode, NoopObserver, Observer, Result, MAX_FEATURES};
use serde::{Deserialize, Serialize};

/// Bumped whenever the body layout changes; older readers refuse newer files with a clear error.
pub const FORMAT_VERSION: u32 = 1;

/// What the header of a model file says: readable without decoding the body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ModelInfo {
    #[cfg_attr(feature = "ts", ts(type = "ModelKind"))]
    pub kind: String,
    pub n_features: usize,
    /// The full parameter set (defaults filled in).
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub params: serde_json::Value,
    /// What the fit found: `n_trees`, `best_iteration`, `eval_log` (gbt), `oob` (forest), `intercept` (logistic).
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub fit: serde_json::Value,
    pub engine_version: String,
    pub format_version: u32,
}

#[derive(Debug)]
pub struct Model {
    info: ModelInfo,
    inner: Box<dyn FittedOps>,
}

impl Clone for Model {
    fn clone(&self) -> Self {
        Model { info: self.info.clone(), inner: self.inner.clone_box() }
    }
}

impl Model {
    pub fn fit(x: ColMajor, y: &[f32], spec: &ModelSpec) -> Result<Self> {
        Self::fit_observed(x, y, spec, None, &mut NoopObserver)
    }

    /// Fits with an optional validation set (GBT: per-round eval log and early stopping) and a progress
    /// observer (called per boosting round or per tree; `Control::Stop` ends the fit early).
    pub fn fit_observed(x: ColMajor, y: &[f32], spec: &ModelSpec, valid: Option<(ColMajor, &[f32])>, observer: &mut dyn Observer) -> Result<Self> {
        if valid.is_some() && !spec.0.uses_validation() {
            return Err(Error::invalid_param("validation set", format!("is only used by gbt, not {}", spec.kind())));
        }
        let inner = spec.0.fit(x, y, valid, observer)?;
        let fit = inner.summary();
        let info = ModelInfo {
            kind: spec.kind().to_string(),
            n_features: x.n_features(),
            params: spec.params_json(),
            fit,
            engine_version: env!("CARGO_PKG_VERSION").to_string(),
            format_version: FORMAT_VERSION,
        };
        Ok(Model { info, inner })
    }

    pub fn n_features(&self) -> usize {
        self.info.n_features
    }

    /// P(y = 1) for each of `n_rows` rows of column-major `x`.
    pub fn predict(&self, x: &[f32], n_rows: usize) -> Result<Vec<f32>> {
        let x = ColMajor::with_features(x, n_rows, self.info.n_features)?;
        self.inner.predict(x)
    }

    /// Importance per feature: trees give "gain" (total loss reduction) or "split" (count);
    /// logistic regression gives "coefficient" (|standardized weight|).
    pub fn feature_importance(&self, kind: &str) -> Result<Vec<f64>> {
        self.inner.importance(kind)
    }

    /// The last kept boosting round (0-based) for kinds that report one (gbt), e.g. where early stopping cut.
    pub fn best_iteration(&self) -> Option<u32> {
        self.info.fit.get("best_iteration")?.as_u64().map(|b| b as u32)
    }

    /// Tree models: predictions of `x` ready to be recomputed with one column replaced (see
    /// [`mp_tree::ColumnSwaps`]); `None` for other kinds.
    pub(crate) fn column_swaps<'a>(&'a self, x: ColMajor<'a>) -> Result<Option<mp_tree::ColumnSwaps<'a>>> {
        self.inner.column_swaps(x)
    }

    pub fn info_json(&self) -> String {
        serde_json::to_string(&self.info).unwrap_or_default()
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let header = serde_json::to_vec(&self.info).map_err(|e| Error::internal(e.to_string()))?;
        let body = self.inner.encode()?;
        Ok(codec::encode(FORMAT_VERSION, &header, &body))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let (version, header, body) = codec::decode(bytes)?;
        if version != FORMAT_VERSION {
            return Err(Error::new(
                ErrorCode::Deserialize,
                format!("model format version {version} is not supported by this engine (reads version {FORMAT_VERSION})"),
            ));
        }
        let info: ModelInfo = serde_json::from_slice(header).map_err(|e| match header_kind(header) {
            Some(kind) if crate::CollabSpec::kinds().contains(&kind.as_str()) => {
                Error::deserialize(format!("this is a collaborative model file ({kind}): load it with collabModelFromBytes / CollabModel::from_bytes"))
            }
            _ => Error::deserialize(format!("model header is not valid JSON metadata: {e}")),
        })?;
        let inner = decode_body(body)?;
        let model = Model { info, inner };
        model.check_consistent()?;
        Ok(model)
    }

    /// A decoded model must agree with its own header (guards hand-edited or mismatched files).
    fn check_consistent(&self) -> Result<()> {
        let (kind, n) = (self.inner.kind(), self.inner.n_features());
        let internal_ok = self.inner.check_body()?;
        if n > MAX_FEATURES {
            return Err(Error::deserialize(format!("model claims {n} features, over the supported maximum {MAX_FEATURES}")));
        }
        if kind != self.info.kind || n != self.info.n_features || !internal_ok {
            return Err(Error::deserialize(format!(
                "model header says {} with {} features but the body holds {kind} with {n}",
                self.info.kind, self.info.n_features
            )));
        }
        Ok(())
    }
}

/// The `kind` a model header names, if it is JSON with a string `kind`.
pub(crate) fn header_kind(header: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(header).ok()?;
    v.get("kind")?.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> (Vec<f32>, Vec<f32>) {
        let x: Vec<f32> = (0..40).map(|i| ((i * 7) % 20) as f32).collect();
        let y: Vec<f32> = x[..20].iter().map(|&v| (v >= 10.0) as u8 as f32).collect();
        (x, y)
    }

    #[test]
    fn bytes_round_trip_predicts_identically() {
        let (x, y) = tiny();
        let m = crate::fit(&x, 20, &y, r#"{"kind":"logistic"}"#).unwrap();
        let back = Model::from_bytes(&m.to_bytes().unwrap()).unwrap();
        assert_eq!(m.predict(&x, 20).unwrap(), back.predict(&x, 20).unwrap());
        assert_eq!(m.info_json(), back.info_json());
    }

    #[test]
    fn predict_checks_feature_count() {
        let (x, y) = tiny();
        let m = crate::fit(&x, 20, &y, r#"{"kind":"logistic"}"#).unwrap();
        assert_eq!(m.predict(&x[..30], 10).unwrap_err().code(), ErrorCode::ShapeMismatch);
    }

    #[test]
    fn tree_models_round_trip_and_explain_themselves() {
        let (x, y) = tiny();
        for spec in [r#"{"kind":"gbt","params":{"n_estimators":5,"max_depth":2,"seed":0}}"#, r#"{"kind":"forest","params":{"n_estimators":4,"seed":0}}"#] {
            let m = crate::fit(&x, 20, &y, spec).unwrap();
            let back = Model::from_bytes(&m.to_bytes().unwrap()).unwrap();
            assert_eq!(m.predict(&x, 20).unwrap(), back.predict(&x, 20).unwrap(), "{spec}");
            assert!(m.info.fit["n_trees"].as_u64().unwrap() > 0);
            assert_eq!(m.feature_importance("gain").unwrap().len(), 2);
            assert_eq!(m.feature_importance("coefficient").unwrap_err().code(), ErrorCode::InvalidParam);
        }
    }

    #[test]
    fn a_forest_without_trees_is_refused() {
        let (x, y) = tiny();
        let m = crate::fit(&x, 20, &y, r#"{"kind":"forest","params":{"n_estimators":2,"seed":0}}"#).unwrap();
        let header = serde_json::to_vec(&m.info).unwrap();
        // postcard: variant Forest (2), n_features 2, zero trees, no OOB score
        let e = Model::from_bytes(&codec::encode(FORMAT_VERSION, &header, &[2, 2, 0, 0])).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Deserialize);
        assert!(e.message().contains("without trees"), "{e}");
    }

    #[test]
    fn newer_format_is_refused_clearly() {
        let bytes = codec::encode(FORMAT_VERSION + 1, b"{}", b"");
        let e = Model::from_bytes(&bytes).unwrap_err();
        assert!(e.message().contains("not supported"), "{e}");
    }
}
