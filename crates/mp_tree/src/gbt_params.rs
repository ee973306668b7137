//! Gradient-boosting parameters (serde, snake_case, xgboost names) and their validation.
use crate::grower::GrowPolicy;
use crate::objective::ObjectiveKind;
use mp_core::{Error, Result};
use serde::{Deserialize, Serialize};

/// User-facing GBT parameters. Unknown fields are rejected; missing ones take the defaults below.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GbtParams {
    /// Boosting rounds (default 100).
    pub n_estimators: u32,
    /// Shrinkage in (0, 1] (default 0.1).
    pub learning_rate: f64,
    /// Maximum depth; 0 = unlimited (lossguide only). Default 6.
    pub max_depth: u32,
    /// Maximum leaves per tree; 0 = unlimited. Default 0.
    pub max_leaves: u32,
    /// "depthwise" (default) or "lossguide".
    pub grow_policy: String,
    /// Minimum hessian sum per child (default 1).
    pub min_child_weight: f64,
    /// L2 penalty on leaf weights (default 1).
    pub reg_lambda: f64,
    /// Minimum loss reduction to split (default 0).
    pub gamma: f64,
    /// Row fraction sampled per round, in (0, 1] (default 1).
    pub subsample: f64,
    /// Feature fraction sampled per tree, in (0, 1] (default 1).
    pub colsample_bytree: f64,
    /// Weight of positive rows for `binary:logistic` (default 1).
    pub scale_pos_weight: f64,
    /// Bins per feature including the missing bin, in [2, 255] (default 255).
    pub max_bin: u32,
    /// Stop after this many rounds without validation improvement; 0 = off (default).
    pub early_stopping_rounds: u32,
    /// "binary:logistic" (default) or "reg:squarederror".
    pub objective: String,
    /// Seed for row/feature sampling and cut sampling (default 0).
    pub seed: u64,
}

impl Default for GbtParams {
    fn default() -> Self {
        GbtParams {
            n_estimators: 100,
            learning_rate: 0.1,
            max_depth: 6,
            max_leaves: 0,
            grow_policy: "depthwise".into(),
            min_child_weight: 1.0,
            reg_lambda: 1.0,
            gamma: 0.0,
            subsample: 1.0,
            colsample_bytree: 1.0,
            scale_pos_weight: 1.0,
            max_bin: 255,
            early_stopping_rounds: 0,
            objective: "binary:logistic".into(),
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

/// Fails unless `lo < v <= hi` (open at `lo`).
pub(crate) fn in_open_closed(name: &str, v: f64, lo: f64, hi: f64) -> Result<()> {
    if v > lo && v <= hi {
        Ok(())
    } else {
        Err(Error::invalid_param(name, format!("must be in ({lo}, {hi}], got {v}")))
    }
}

/// Fails unless `v` is finite and `>= 0`.
pub(crate) fn non_negative(name: &str, v: f64) -> Result<()> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(Error::invalid_param(name, format!("must be a finite number >= 0, got {v}")))
    }
}

/// Fails unless `lo <= v <= hi`.
pub(crate) fn int_in(name: &str, v: u64, lo: u64, hi: u64) -> Result<()> {
    if (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(Error::invalid_param(name, format!("must be in [{lo}, {hi}], got {v}")))
    }
}

/// Deepest tree any model accepts.
pub(crate) const MAX_DEPTH_LIMIT: u64 = 64;

impl GbtParams {
    /// Validates every field; errors are `INVALID_PARAM` naming the parameter and the bad value.
    pub fn check(&self) -> Result<GbtValidParams> {
        int_in("n_estimators", self.n_estimators as u64, 1, 100_000)?;
        in_open_closed("learning_rate", self.learning_rate, 0.0, 1.0)?;
        int_in("max_depth", self.max_depth as u64, 0, MAX_DEPTH_LIMIT)?;
        if self.max_leaves == 1 {
            return Err(Error::invalid_param("max_leaves", "must be 0 (unlimited) or >= 2, got 1"));
        }
        let policy = match self.grow_policy.as_str() {
            "depthwise" => GrowPolicy::Depthwise,
            "lossguide" => GrowPolicy::Lossguide,
            other => {
                return Err(Error::invalid_param(
                    "grow_policy",
                    format!("must be \"depthwise\" or \"lossguide\", got {other:?}"),
                ))
            }
        };
        if self.max_depth == 0 && (policy == GrowPolicy::Depthwise || self.max_leaves == 0) {
            return Err(Error::invalid_param(
                "max_depth",
                "must be >= 1 (0 = unlimited is only allowed with grow_policy \"lossguide\" and max_leaves > 0), got 0",
            ));
        }
        non_negative("min_child_weight", self.min_child_weight)?;
        non_negative("reg_lambda", self.reg_lambda)?;
        non_negative("gamma", self.gamma)?;
        in_open_closed("subsample", self.subsample, 0.0, 1.0)?;
        in_open_closed("colsample_bytree", self.colsample_bytree, 0.0, 1.0)?;
        if !(self.scale_pos_weight.is_finite() && self.scale_pos_weight > 0.0) {
            return Err(Error::invalid_param(
                "scale_pos_weight",
                format!("must be a finite number > 0, got {}", self.scale_pos_weight),
            ));
        }
        int_in("max_bin", self.max_bin as u64, 2, 255)?;
        let objective = match self.objective.as_str() {
            "binary:logistic" => ObjectiveKind::Logistic,
            "reg:squarederror" => ObjectiveKind::SquaredError,
            other => {
                return Err(Error::invalid_param(
                    "objective",
                    format!("must be \"binary:logistic\" or \"reg:squarederror\", got {other:?}"),
                ))
            }
        };
        Ok(GbtValidParams { params: self.clone(), policy, objective })
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
        assert!(err(GbtParams { grow_policy: "wide".into(), ..d() }).contains("\"wide\""));
        assert!(err(GbtParams { min_child_weight: -1.0, ..d() }).contains("min_child_weight"));
        assert!(err(GbtParams { reg_lambda: f64::NAN, ..d() }).contains("reg_lambda"));
        assert!(err(GbtParams { gamma: -0.5, ..d() }).contains("gamma"));
        assert!(err(GbtParams { subsample: 1.5, ..d() }).contains("subsample"));
        assert!(err(GbtParams { colsample_bytree: 0.0, ..d() }).contains("colsample_bytree"));
        assert!(err(GbtParams { scale_pos_weight: 0.0, ..d() }).contains("scale_pos_weight"));
        assert!(err(GbtParams { max_bin: 1, ..d() }).contains("max_bin"));
        assert!(err(GbtParams { objective: "multi".into(), ..d() }).contains("objective"));
        let lossguide = GbtParams { grow_policy: "lossguide".into(), max_depth: 0, max_leaves: 31, ..d() };
        assert!(lossguide.check().is_ok());
    }

    #[test]
    fn serde_uses_defaults_and_rejects_unknown() {
        let p: GbtParams = serde_json::from_str(r#"{"learning_rate": 0.3}"#).unwrap();
        assert_eq!(p, GbtParams { learning_rate: 0.3, ..GbtParams::default() });
        assert!(serde_json::from_str::<GbtParams>(r#"{"eta": 0.3}"#).is_err());
    }
}
