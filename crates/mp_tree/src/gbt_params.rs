//! Gradient-boosting parameters (serde, snake_case, xgboost names) and their validation.
use crate::grower::GrowPolicy;
use crate::limits::{check_estimators, check_max_bin, MAX_DEPTH_LIMIT, MAX_ESTIMATORS};
use crate::objective::ObjectiveKind;
use mp_core::params::{choice, float_in, float_in_open_closed, int_in};
use mp_core::{Error, Result};
use serde::{Deserialize, Serialize};

/// User-facing GBT parameters. Unknown fields are rejected; missing ones take the defaults below.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct GbtParams {
    /// Boosting rounds, in [1, 100000] (default 100).
    pub n_estimators: u32,
    /// Shrinkage in (0, 1] (default 0.1).
    pub learning_rate: f64,
    /// Maximum depth in [0, 64]; 0 = unlimited (lossguide only). Default 6.
    pub max_depth: u32,
    /// Maximum leaves per tree: 0 = unlimited, else in [2, 131072]. Default 0.
    pub max_leaves: u32,
    /// "depthwise" (default) or "lossguide".
    #[serde(with = "choice")]
    #[cfg_attr(feature = "ts", ts(type = "\"depthwise\" | \"lossguide\""))]
    pub grow_policy: GrowPolicy,
    /// Minimum hessian sum per child, in [0, 1e15] (default 1).
    pub min_child_weight: f64,
    /// L2 penalty on leaf weights, in [0, 1e15] (default 1).
    pub reg_lambda: f64,
    /// Minimum loss reduction to split, in [0, 1e15] (default 0).
    pub gamma: f64,
    /// Row fraction sampled per round, in (0, 1] (default 1).
    pub subsample: f64,
    /// Feature fraction sampled per tree, in (0, 1] (default 1).
    pub colsample_bytree: f64,
    /// Weight of positive rows for `binary:logistic`, in [1e-6, 1e6] (default 1).
    pub scale_pos_weight: f64,
    /// Bins per feature including the missing bin, in [2, 255] (default 255).
    pub max_bin: u32,
    /// Stop after this many rounds without validation improvement, in [0, 100000]; 0 = off (default).
    pub early_stopping_rounds: u32,
    /// "binary:logistic" (default) or "reg:squarederror".
    #[serde(with = "choice")]
    #[cfg_attr(feature = "ts", ts(type = "\"binary:logistic\" | \"reg:squarederror\""))]
    pub objective: ObjectiveKind,
    /// Seed for row/feature sampling and cut sampling: required in a model spec (no default seed).
    pub seed: u64,
}

impl Default for GbtParams {
    fn default() -> Self {
        GbtParams {
            n_estimators: 100,
            learning_rate: 0.1,
            max_depth: 6,
            max_leaves: 0,
            grow_policy: GrowPolicy::Depthwise,
            min_child_weight: 1.0,
            reg_lambda: 1.0,
            gamma: 0.0,
            subsample: 1.0,
            colsample_bytree: 1.0,
            scale_pos_weight: 1.0,
            max_bin: 255,
            early_stopping_rounds: 0,
            objective: ObjectiveKind::Logistic,
            seed: 0,
        }
    }
}

/// Parameters that passed [`GbtParams::check`]; the only way to call [`crate::fit_gbt`].
#[derive(Debug, Clone, PartialEq)]
pub struct GbtValidParams {
    params: GbtParams,
    pub(crate) policy: GrowPolicy,
    pub(crate) objective: ObjectiveKind,
}

impl GbtValidParams {
    /// The validated parameters as given.
    pub fn params(&self) -> &GbtParams {
        &self.params
    }
}

/// Most leaves per tree (LightGBM's cap): a loss-guided tree holds one histogram per queued leaf.
pub const MAX_LEAVES_LIMIT: u64 = 131_072;
/// `scale_pos_weight` range: positive gradients/hessians are scaled by it in f32, and the base
/// score multiplies it by the positive count; within [1e-6, 1e6] both stay far inside f32/f64.
pub const SCALE_POS_WEIGHT_RANGE: (f64, f64) = (1e-6, 1e6);
/// Upper bound of `min_child_weight`, `reg_lambda` and `gamma`. A hessian sum is at most
/// rows (< 2^32) x 0.25 x `scale_pos_weight` (<= 1e6) ~ 1e15: larger values only mean "never split"
/// or "all leaves 0", and every value up to here keeps the gain and leaf arithmetic finite.
pub const REGULARIZATION_MAX: f64 = 1e15;

impl GbtParams {
    /// Validates every field; errors are `INVALID_PARAM` naming the parameter and the bad value.
    pub fn check(&self) -> Result<GbtValidParams> {
        check_estimators(self.n_estimators)?;
        float_in_open_closed("learning_rate", self.learning_rate, 0.0, 1.0)?;
        int_in("max_depth", self.max_depth as u64, 0, MAX_DEPTH_LIMIT)?;
        if self.max_leaves == 1 || self.max_leaves as u64 > MAX_LEAVES_LIMIT {
            let why = format!("must be 0 (unlimited) or in [2, {MAX_LEAVES_LIMIT}], got {}", self.max_leaves);
            return Err(Error::invalid_param("max_leaves", why));
        }
        let policy = self.grow_policy;
        if self.max_depth == 0 && (policy == GrowPolicy::Depthwise || self.max_leaves == 0) {
            return Err(Error::invalid_param(
                "max_depth",
                "must be >= 1 (0 = unlimited is only allowed with grow_policy \"lossguide\" and max_leaves > 0), got 0",
            ));
        }
        float_in("min_child_weight", self.min_child_weight, 0.0, REGULARIZATION_MAX)?;
        float_in("reg_lambda", self.reg_lambda, 0.0, REGULARIZATION_MAX)?;
        float_in("gamma", self.gamma, 0.0, REGULARIZATION_MAX)?;
        float_in_open_closed("subsample", self.subsample, 0.0, 1.0)?;
        float_in_open_closed("colsample_bytree", self.colsample_bytree, 0.0, 1.0)?;
        let (lo, hi) = SCALE_POS_WEIGHT_RANGE;
        float_in("scale_pos_weight", self.scale_pos_weight, lo, hi)?;
        check_max_bin(self.max_bin)?;
        int_in("early_stopping_rounds", self.early_stopping_rounds as u64, 0, MAX_ESTIMATORS)?;
        Ok(GbtValidParams { params: self.clone(), policy, objective: self.objective })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mp_core::ErrorCode;

    fn err(p: GbtParams) -> String {
        let e = p.check().unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidParam);
        e.message().to_string()
    }

    #[test]
    fn defaults_are_valid() {
        assert!(GbtParams::default().check().is_ok());
    }

    #[test]
    fn each_bad_field_is_named() {
        let d = GbtParams::default;
        assert!(err(GbtParams { learning_rate: 0.0, ..d() }).contains("`learning_rate` must be in (0, 1], got 0"));
        assert!(err(GbtParams { n_estimators: 0, ..d() }).contains("n_estimators"));
        assert!(err(GbtParams { max_depth: 65, ..d() }).contains("max_depth"));
        assert!(err(GbtParams { max_depth: 0, ..d() }).contains("max_depth"));
        assert!(err(GbtParams { max_leaves: 1, ..d() }).contains("max_leaves"));
        assert!(err(GbtParams { min_child_weight: -1.0, ..d() }).contains("min_child_weight"));
        assert!(err(GbtParams { reg_lambda: f64::NAN, ..d() }).contains("reg_lambda"));
        assert!(err(GbtParams { gamma: -0.5, ..d() }).contains("gamma"));
        assert!(err(GbtParams { subsample: 1.5, ..d() }).contains("subsample"));
        assert!(err(GbtParams { colsample_bytree: 0.0, ..d() }).contains("colsample_bytree"));
        assert!(err(GbtParams { scale_pos_weight: 0.0, ..d() }).contains("scale_pos_weight"));
        assert!(err(GbtParams { max_bin: 1, ..d() }).contains("max_bin"));
        let lossguide = GbtParams { grow_policy: GrowPolicy::Lossguide, max_depth: 0, max_leaves: 31, ..d() };
        assert!(lossguide.check().is_ok());
    }

    #[test]
    fn serde_uses_defaults_and_rejects_unknown() {
        let p: GbtParams = serde_json::from_str(r#"{"learning_rate": 0.3}"#).unwrap();
        assert_eq!(p, GbtParams { learning_rate: 0.3, ..GbtParams::default() });
        assert!(serde_json::from_str::<GbtParams>(r#"{"eta": 0.3}"#).is_err());
    }

    #[test]
    fn named_values_parse_into_enums_and_write_back_the_same_json() {
        let p: GbtParams = serde_json::from_str(r#"{"grow_policy": "lossguide", "objective": "reg:squarederror"}"#).unwrap();
        assert_eq!((p.grow_policy, p.objective), (GrowPolicy::Lossguide, ObjectiveKind::SquaredError));
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!((v["grow_policy"].as_str(), v["objective"].as_str()), (Some("lossguide"), Some("reg:squarederror")));
        let e = serde_json::from_str::<GbtParams>(r#"{"grow_policy": "wide"}"#).unwrap_err().to_string();
        assert!(e.contains("`grow_policy` must be \"depthwise\" or \"lossguide\", got \"wide\""), "{e}");
        let e = serde_json::from_str::<GbtParams>(r#"{"objective": "multi"}"#).unwrap_err().to_string();
        assert!(e.contains("`objective` must be \"binary:logistic\" or \"reg:squarederror\", got \"multi\""), "{e}");
    }
}
