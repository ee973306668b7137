//! A fitted model of any kind, with its metadata and its byte format.
use crate::codec;
use crate::spec::ModelSpec;
use mp_core::{ColMajor, Error, ErrorCode, Result};
use mp_linear::{fit_logistic, LogisticModel};
use serde::{Deserialize, Serialize};

/// Bumped whenever the body layout changes; older readers refuse newer files with a clear error.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
enum AnyModel {
    Logistic(LogisticModel),
}

/// What the header of a model file says: readable without decoding the body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub kind: String,
    pub n_features: usize,
    pub params: serde_json::Value,
    pub engine_version: String,
    pub format_version: u32,
}

#[derive(Debug, Clone)]
pub struct Model {
    info: ModelInfo,
    inner: AnyModel,
}

impl Model {
    pub fn fit(x: ColMajor, y: &[f32], spec: &ModelSpec) -> Result<Self> {
        let inner = match spec {
            ModelSpec::Logistic(p, _) => AnyModel::Logistic(fit_logistic(x, y, p)?),
        };
        let info = ModelInfo {
            kind: spec.kind().to_string(),
            n_features: x.n_features(),
            params: spec.params_json(),
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
        match &self.inner {
            AnyModel::Logistic(m) => m.predict(x),
        }
    }

    /// Importance per feature: |standardized coefficient| for linear models.
    pub fn feature_importance(&self, kind: &str) -> Result<Vec<f64>> {
        match (&self.inner, kind) {
            (AnyModel::Logistic(m), "coefficient" | "gain") => Ok(m.feature_importance()),
            (_, other) => Err(Error::invalid_param(
                "importance kind",
                format!("{other:?} is not available for a {} model (use \"coefficient\")", self.info.kind),
            )),
        }
    }

    pub fn info_json(&self) -> String {
        serde_json::to_string(&self.info).unwrap_or_default()
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let header = serde_json::to_vec(&self.info).map_err(|e| Error::internal(e.to_string()))?;
        let body = postcard::to_allocvec(&self.inner).map_err(|e| Error::internal(e.to_string()))?;
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
        let info: ModelInfo = serde_json::from_slice(header)
            .map_err(|e| Error::deserialize(format!("model header is not valid JSON metadata: {e}")))?;
        let inner: AnyModel =
            postcard::from_bytes(body).map_err(|e| Error::deserialize(format!("model body does not decode: {e}")))?;
        let model = Model { info, inner };
        model.check_consistent()?;
        Ok(model)
    }

    /// A decoded model must agree with its own header (guards hand-edited or mismatched files).
    fn check_consistent(&self) -> Result<()> {
        let (kind, n) = match &self.inner {
            AnyModel::Logistic(m) => ("logistic", m.n_features()),
        };
        let scaler_ok = match &self.inner {
            AnyModel::Logistic(m) => m.scaler.mean.len() == n && m.scaler.scale.len() == n,
        };
        if kind != self.info.kind || n != self.info.n_features || !scaler_ok {
            return Err(Error::deserialize(format!(
                "model header says {} with {} features but the body holds {kind} with {n}",
                self.info.kind, self.info.n_features
            )));
        }
        Ok(())
    }
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
    fn newer_format_is_refused_clearly() {
        let bytes = codec::encode(FORMAT_VERSION + 1, b"{}", b"");
        let e = Model::from_bytes(&bytes).unwrap_err();
        assert!(e.message().contains("not supported"), "{e}");
    }
}
