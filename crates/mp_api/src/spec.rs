//! Model specifications as JSON: `{"kind": "logistic", "params": {...}}`. Defaults live in each
//! `XParams::default()`; what each kind accepts lives in its module under `kinds/`.
use crate::kinds::{self, SpecOps};
use mp_core::{Error, ErrorCode, Result};
use serde::Deserialize;
use std::sync::Arc;

/// A validated model specification: parameters have passed their kind's `check()`.
#[derive(Debug, Clone)]
pub struct ModelSpec(pub(crate) Arc<dyn SpecOps>);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    kind: String,
    #[serde(default)]
    params: Option<serde_json::Value>,
}

/// `{"kind": ..., "params": {...}}` (no other field) as (kind, params); `what` names it in errors.
pub(crate) fn split_spec(v: serde_json::Value, what: &str) -> Result<(String, serde_json::Value)> {
    let raw: RawSpec = serde_json::from_value(v).map_err(|e| Error::new(ErrorCode::InvalidParam, format!("{what} is not valid: {e}")))?;
    Ok((raw.kind, raw.params.unwrap_or_else(|| serde_json::json!({}))))
}

/// A JSON string as a value; `what` names it in errors.
pub(crate) fn spec_value(json: &str, what: &str) -> Result<serde_json::Value> {
    serde_json::from_str(json).map_err(|e| Error::new(ErrorCode::InvalidParam, format!("{what} is not valid JSON: {e}")))
}

impl ModelSpec {
    /// Names of every model kind.
    pub fn kinds() -> Vec<&'static str> {
        kinds::kind_names()
    }

    pub fn from_json(json: &str) -> Result<Self> {
        Self::from_value(spec_value(json, "model spec")?)
    }

    pub fn from_value(v: serde_json::Value) -> Result<Self> {
        let (kind, params) = split_spec(v, "model spec")?;
        kinds::parse_spec(&kind, params).map(ModelSpec)
    }

    pub fn kind(&self) -> &'static str {
        self.0.kind()
    }

    /// The full parameter set (defaults filled in), as stored in model metadata.
    pub fn params_json(&self) -> serde_json::Value {
        self.0.params_json()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_missing_params() {
        let s = ModelSpec::from_json(r#"{"kind":"logistic"}"#).unwrap();
        assert_eq!(s.params_json()["l2"], 1.0);
        let s = ModelSpec::from_json(r#"{"kind":"logistic","params":{"l2":0.5}}"#).unwrap();
        assert_eq!(s.params_json()["l2"], 0.5);
    }

    #[test]
    fn every_kind_parses_with_defaults_and_validates() {
        for kind in ModelSpec::kinds() {
            let params = if kind == "logistic" { "{}" } else { r#"{"seed":3}"# };
            let s = ModelSpec::from_json(&format!(r#"{{"kind":"{kind}","params":{params}}}"#)).unwrap();
            assert_eq!(s.kind(), kind);
            assert!(s.params_json().as_object().is_some_and(|o| !o.is_empty()));
        }
        let e = ModelSpec::from_json(r#"{"kind":"gbt","params":{"learning_rate":0,"seed":1}}"#).unwrap_err();
        assert!(e.message().contains("learning_rate"), "{e}");
        let e = ModelSpec::from_json(r#"{"kind":"forest","params":{"n_estimators":0,"seed":1}}"#).unwrap_err();
        assert!(e.message().contains("n_estimators"), "{e}");
    }

    #[test]
    fn errors_name_the_problem() {
        let e = ModelSpec::from_json(r#"{"kind":"svm"}"#).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidParam);
        assert!(e.message().contains("svm"), "{e}");
        let e = ModelSpec::from_json(r#"{"kind":"logistic","params":{"l3":1}}"#).unwrap_err();
        assert!(e.message().contains("l3"), "{e}");
        let e = ModelSpec::from_json(r#"{"kind":"logistic","params":{"l2":-2}}"#).unwrap_err();
        assert!(e.message().contains("l2"), "{e}");
        assert_eq!(ModelSpec::from_json("{").unwrap_err().code(), ErrorCode::InvalidParam);
    }

    #[test]
    fn seeded_kinds_require_a_seed() {
        for kind in ["gbt", "forest"] {
            let e = ModelSpec::from_json(&format!(r#"{{"kind":"{kind}","params":{{"n_estimators":5}}}}"#)).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidParam);
            assert!(e.message().contains("`seed` is required for"), "{e}");
            assert_eq!(ModelSpec::from_json(&format!(r#"{{"kind":"{kind}"}}"#)).unwrap_err().message(), e.message());
            let s = ModelSpec::from_json(&format!(r#"{{"kind":"{kind}","params":{{"seed":0}}}}"#)).unwrap();
            assert_eq!(s.params_json()["seed"], 0);
        }
        assert!(ModelSpec::from_json(r#"{"kind":"logistic"}"#).is_ok());
    }
}
