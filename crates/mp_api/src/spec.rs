//! Model specifications as JSON: `{"kind": "logistic", "params": {...}}`. Defaults live in each `XParams::default()`.
use mp_core::{Error, ErrorCode, Result};
use mp_linear::{LogisticParams, LogisticValidParams};
use mp_tree::{ForestParams, ForestValidParams, GbtParams, GbtValidParams};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A validated model specification: parameters have passed their `check()`.
#[derive(Debug, Clone)]
pub enum ModelSpec {
    Logistic(LogisticValidParams),
    Gbt(GbtValidParams),
    Forest(ForestValidParams),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    kind: String,
    #[serde(default)]
    params: Option<serde_json::Value>,
}

impl ModelSpec {
    pub const KINDS: &'static [&'static str] = &["logistic", "gbt", "forest"];

    pub fn from_json(json: &str) -> Result<Self> {
        let v: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| Error::new(ErrorCode::InvalidParam, format!("model spec is not valid JSON: {e}")))?;
        Self::from_value(v)
    }

    pub fn from_value(v: serde_json::Value) -> Result<Self> {
        let raw: RawSpec = serde_json::from_value(v)
            .map_err(|e| Error::new(ErrorCode::InvalidParam, format!("model spec is not valid: {e}")))?;
        let params = raw.params.unwrap_or_else(|| serde_json::json!({}));
        match raw.kind.as_str() {
            "logistic" => Ok(ModelSpec::Logistic(parse_params::<LogisticParams>("logistic", params)?.check()?)),
            "gbt" => Ok(ModelSpec::Gbt(parse_params::<GbtParams>("gbt", params)?.check()?)),
            "forest" => Ok(ModelSpec::Forest(parse_params::<ForestParams>("forest", params)?.check()?)),
            other => Err(Error::invalid_param(
                "kind",
                format!("is {other:?}; expected one of {:?}", Self::KINDS),
            )),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            ModelSpec::Logistic(_) => "logistic",
            ModelSpec::Gbt(_) => "gbt",
            ModelSpec::Forest(_) => "forest",
        }
    }

    /// The full parameter set (defaults filled in), as stored in model metadata.
    pub fn params_json(&self) -> serde_json::Value {
        match self {
            ModelSpec::Logistic(p) => to_value(p.params()),
            ModelSpec::Gbt(p) => to_value(p.params()),
            ModelSpec::Forest(p) => to_value(p.params()),
        }
    }
}

fn parse_params<T: DeserializeOwned>(kind: &str, v: serde_json::Value) -> Result<T> {
    serde_json::from_value(v).map_err(|e| Error::new(ErrorCode::InvalidParam, format!("{kind} params: {e}")))
}

fn to_value<T: Serialize>(p: &T) -> serde_json::Value {
    serde_json::to_value(p).unwrap_or(serde_json::Value::Null)
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
        for kind in ModelSpec::KINDS {
            let s = ModelSpec::from_json(&format!(r#"{{"kind":"{kind}"}}"#)).unwrap();
            assert_eq!(s.kind(), *kind);
            assert!(s.params_json().as_object().is_some_and(|o| !o.is_empty()));
        }
        let e = ModelSpec::from_json(r#"{"kind":"gbt","params":{"learning_rate":0}}"#).unwrap_err();
        assert!(e.message().contains("learning_rate"), "{e}");
        let e = ModelSpec::from_json(r#"{"kind":"forest","params":{"n_estimators":0}}"#).unwrap_err();
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
}
