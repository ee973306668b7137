//! A fitted model of any kind, with its metadata and its byte format.
use crate::codec;
use crate::spec::ModelSpec;
use mp_core::{ColMajor, Error, ErrorCode, NoopObserver, Observer, Result, MAX_FEATURES};
use mp_linear::{fit_logistic, LogisticModel};
use mp_tree::{fit_forest, fit_gbt, ForestModel, GbtModel, ImportanceKind, Tree};
use serde::{Deserialize, Serialize};

/// Bumped whenever the body layout changes; older readers refuse newer files with a clear error.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
enum AnyModel {
    Logistic(LogisticModel),
    Gbt(GbtModel),
    Forest(ForestModel),
}

/// What the header of a model file says: readable without decoding the body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub kind: String,
    pub n_features: usize,
    pub params: serde_json::Value,
    /// What the fit found: trees and best iteration, the evaluation log, the out-of-bag score.
    pub fit: serde_json::Value,
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
        Self::fit_observed(x, y, spec, None, &mut NoopObserver)
    }

    /// Fits with an optional validation set (GBT: per-round eval log and early stopping) and a progress
    /// observer (called per boosting round or per tree; `Control::Stop` ends the fit early).
    pub fn fit_observed(x: ColMajor, y: &[f32], spec: &ModelSpec, valid: Option<(ColMajor, &[f32])>, observer: &mut dyn Observer) -> Result<Self> {
        if valid.is_some() && !matches!(spec, ModelSpec::Gbt(_)) {
            return Err(Error::invalid_param("validation set", format!("is only used by gbt, not {}", spec.kind())));
        }
        let inner = match spec {
            ModelSpec::Logistic(p) => AnyModel::Logistic(fit_logistic(x, y, p)?),
            ModelSpec::Gbt(p) => AnyModel::Gbt(fit_gbt(x, y, p, valid, observer)?),
            ModelSpec::Forest(p) => AnyModel::Forest(fit_forest(x, y, p, observer)?),
        };
        let fit = match &inner {
            AnyModel::Logistic(m) => serde_json::json!({ "intercept": m.intercept }),
            AnyModel::Gbt(m) => serde_json::json!({
                "n_trees": m.trees().len(), "best_iteration": m.best_iteration(), "eval_log": m.eval_log(),
            }),
            AnyModel::Forest(m) => serde_json::json!({ "n_trees": m.trees().len(), "oob": m.oob_score() }),
        };
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
        match &self.inner {
            AnyModel::Logistic(m) => m.predict(x),
            AnyModel::Gbt(m) => m.predict(x),
            AnyModel::Forest(m) => m.predict(x),
        }
    }

    /// Importance per feature: trees give "gain" (total loss reduction) or "split" (count);
    /// logistic regression gives "coefficient" (|standardized weight|).
    pub fn feature_importance(&self, kind: &str) -> Result<Vec<f64>> {
        let tree_kind = match kind {
            "gain" => Some(ImportanceKind::Gain),
            "split" => Some(ImportanceKind::Split),
            _ => None,
        };
        match (&self.inner, tree_kind) {
            (AnyModel::Logistic(m), None) if kind == "coefficient" => Ok(m.feature_importance()),
            (AnyModel::Gbt(m), Some(k)) => Ok(m.feature_importance(k)),
            (AnyModel::Forest(m), Some(k)) => Ok(m.feature_importance(k)),
            _ => {
                let valid = if matches!(self.inner, AnyModel::Logistic(_)) { "\"coefficient\"" } else { "\"gain\" or \"split\"" };
                Err(Error::invalid_param("importance kind", format!("{kind:?} is not available for a {} model (use {valid})", self.info.kind)))
            }
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
            AnyModel::Gbt(m) => ("gbt", m.n_features()),
            AnyModel::Forest(m) => ("forest", m.n_features()),
        };
        let internal_ok = match &self.inner {
            AnyModel::Logistic(m) => m.scaler.mean.len() == n && m.scaler.scale.len() == n,
            AnyModel::Gbt(m) => splits_within(m.trees(), n),
            AnyModel::Forest(m) => splits_within(m.trees(), n),
        };
        if matches!(&self.inner, AnyModel::Forest(m) if m.trees().is_empty()) {
            // it would average zero trees: NaN for every row
            return Err(Error::deserialize("model is a forest without trees"));
        }
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

/// Tree structure (non-empty, children after parents and in range) is enforced when a `Tree`
/// deserializes in mp_tree; what the header adds is the feature count every split must respect.
fn splits_within(trees: &[Tree], n_features: usize) -> bool {
    trees.iter().filter_map(Tree::max_feature).all(|f| (f as usize) < n_features)
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
        for spec in [r#"{"kind":"gbt","params":{"n_estimators":5,"max_depth":2}}"#, r#"{"kind":"forest","params":{"n_estimators":4}}"#] {
            let m = crate::fit(&x, 20, &y, spec).unwrap();
            let back = Model::from_bytes(&m.to_bytes().unwrap()).unwrap();
            assert_eq!(m.predict(&x, 20).unwrap(), back.predict(&x, 20).unwrap(), "{spec}");
            assert!(m.info.fit["n_trees"].as_u64().unwrap() > 0);
            assert_eq!(m.feature_importance("gain").unwrap().len(), 2);
            assert_eq!(m.feature_importance("coefficient").unwrap_err().code(), ErrorCode::InvalidParam);
        }
    }

    #[test]
    fn malformed_trees_are_refused_not_walked() {
        use mp_tree::Node;
        let leaf = Node::leaf(0.5, 1.0);
        let split = |left, right, feature| Node { feature, threshold: 0.0, default_left: true, left, right, value: 0.0, gain: 1.0, cover: 1.0 };
        let ok = Tree { nodes: vec![split(1, 2, 0), leaf.clone(), leaf.clone()] };
        assert!(splits_within(std::slice::from_ref(&ok), 1));
        // unknown feature: caught here, against the header's feature count
        assert!(!splits_within(&[Tree { nodes: vec![split(1, 2, 3), leaf.clone(), leaf.clone()] }], 1));
        // broken structure: refused by Tree's own deserialization, which every model body goes through
        let decode = |nodes: Vec<Node>| serde_json::from_value::<Tree>(serde_json::to_value(Tree { nodes }).unwrap());
        assert!(decode(ok.nodes.clone()).is_ok());
        for bad in [
            vec![split(0, 1, 0), leaf.clone()], // self loop
            vec![split(1, 5, 0), leaf.clone()], // out of range
            vec![],
        ] {
            assert!(decode(bad).is_err());
        }
    }

    #[test]
    fn a_forest_without_trees_is_refused() {
        let (x, y) = tiny();
        let m = crate::fit(&x, 20, &y, r#"{"kind":"forest","params":{"n_estimators":2}}"#).unwrap();
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
