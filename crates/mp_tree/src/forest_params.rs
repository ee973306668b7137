//! Random forest parameters (serde, snake_case, scikit-learn names) and their validation.
use crate::limits::{check_estimators, check_max_bin, MAX_DEPTH_LIMIT};
use mp_core::params::{float_in_open_closed, int_in, one_of};
use mp_core::{Error, Result};
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// Features tried at each node: a name (`"sqrt"`, `"log2"`, `"all"`) or a fraction in (0, 1] of
/// the features. In JSON either a string or a number (`"max_features": "sqrt"` / `0.3`); an unknown
/// name is refused when the parameters deserialize.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxFeatures {
    Sqrt,
    Log2,
    All,
    Fraction(f64),
}

const MAX_FEATURES_NAMES: [(&str, MaxFeatures); 3] =
    [("sqrt", MaxFeatures::Sqrt), ("log2", MaxFeatures::Log2), ("all", MaxFeatures::All)];

impl MaxFeatures {
    /// Features per node for `n` features (sklearn: `max(1, floor(..))`).
    pub fn count(self, n: usize) -> usize {
        let k = match self {
            MaxFeatures::Sqrt => (n as f64).sqrt().floor() as usize,
            MaxFeatures::Log2 => (n as f64).log2().floor() as usize,
            MaxFeatures::All => n,
            MaxFeatures::Fraction(f) => (f * n as f64).floor() as usize,
        };
        k.clamp(1, n)
    }

    /// `INVALID_PARAM` naming `max_features` and the accepted values unless `s` is a known name.
    pub fn parse(s: &str) -> Result<Self> {
        MAX_FEATURES_NAMES.iter().find(|(n, _)| *n == s).map(|(_, v)| *v).ok_or_else(|| {
            let names = one_of(MAX_FEATURES_NAMES.iter().map(|(n, _)| *n).chain(["a fraction"]));
            Error::invalid_param("max_features", format!("must be {} in (0, 1], got {s:?}", names.replace("\"a fraction\"", "a fraction")))
        })
    }
}

impl Serialize for MaxFeatures {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            MaxFeatures::Fraction(f) => s.serialize_f64(*f),
            named => s.serialize_str(MAX_FEATURES_NAMES.iter().find(|(_, v)| v == named).map_or("?", |(n, _)| *n)),
        }
    }
}

impl<'de> Deserialize<'de> for MaxFeatures {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = MaxFeatures;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("\"sqrt\", \"log2\", \"all\" or a fraction in (0, 1]")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<MaxFeatures, E> {
                MaxFeatures::parse(s).map_err(|e| E::custom(e.message()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<MaxFeatures, E> {
                Ok(MaxFeatures::Fraction(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<MaxFeatures, E> {
                Ok(MaxFeatures::Fraction(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<MaxFeatures, E> {
                Ok(MaxFeatures::Fraction(v as f64))
            }
        }
        d.deserialize_any(V)
    }
}

/// User-facing random forest parameters (sklearn names; unknown fields rejected).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct ForestParams {
    /// Number of trees, in [1, 100000] (default 100).
    pub n_estimators: u32,
    /// Maximum depth, in [1, 64] (default 10).
    pub max_depth: u32,
    /// Minimum (bootstrap-weighted) samples per leaf, >= 1 (default 1).
    pub min_samples_leaf: u32,
    /// Features tried per node: "sqrt" (default), "log2", "all" or a fraction in (0, 1].
    #[cfg_attr(feature = "ts", ts(type = "\"sqrt\" | \"log2\" | \"all\" | number"))]
    pub max_features: MaxFeatures,
    /// Sample rows with replacement per tree (default true); enables the OOB score.
    pub bootstrap: bool,
    /// Bins per feature including the missing bin, in [2, 255] (default 255).
    pub max_bin: u32,
    /// Seed of the per-tree random streams: required in a model spec (no default seed).
    pub seed: u64,
}

impl Default for ForestParams {
    fn default() -> Self {
        ForestParams {
            n_estimators: 100,
            max_depth: 10,
            min_samples_leaf: 1,
            max_features: MaxFeatures::Sqrt,
            bootstrap: true,
            max_bin: 255,
            seed: 0,
        }
    }
}

/// Parameters that passed [`ForestParams::check`].
#[derive(Debug, Clone, PartialEq)]
pub struct ForestValidParams {
    params: ForestParams,
}

impl ForestValidParams {
    pub fn params(&self) -> &ForestParams {
        &self.params
    }
}

impl ForestParams {
    /// Validates every field; errors are `INVALID_PARAM` naming the parameter and the bad value.
    pub fn check(&self) -> Result<ForestValidParams> {
        check_estimators(self.n_estimators)?;
        int_in("max_depth", self.max_depth as u64, 1, MAX_DEPTH_LIMIT)?;
        int_in("min_samples_leaf", self.min_samples_leaf as u64, 1, u32::MAX as u64)?;
        check_max_bin(self.max_bin)?;
        if let MaxFeatures::Fraction(f) = self.max_features {
            float_in_open_closed("max_features", f, 0.0, 1.0)?;
        }
        Ok(ForestValidParams { params: self.clone() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mp_core::ErrorCode;

    #[test]
    fn params_validate_and_parse() {
        assert!(ForestParams::default().check().is_ok());
        let p: ForestParams = serde_json::from_str(r#"{"max_features": 0.5}"#).unwrap();
        assert_eq!(p.check().unwrap().params().max_features, MaxFeatures::Fraction(0.5));
        let p: ForestParams = serde_json::from_str(r#"{"max_features": 1}"#).unwrap();
        assert_eq!(p.max_features, MaxFeatures::Fraction(1.0));
        let p: ForestParams = serde_json::from_str(r#"{"max_features": "log2"}"#).unwrap();
        assert_eq!(p.check().unwrap().params().max_features.count(30), 4);
        let e = serde_json::from_str::<ForestParams>(r#"{"max_features": "half"}"#).unwrap_err().to_string();
        assert!(e.contains("`max_features` must be \"sqrt\", \"log2\", \"all\" or a fraction in (0, 1], got \"half\""), "{e}");
        let e = ForestParams { max_depth: 0, ..ForestParams::default() }.check().unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidParam);
        assert!(e.message().contains("max_depth") && e.message().contains("got 0"));
        let e = ForestParams { max_features: MaxFeatures::Fraction(1.5), ..ForestParams::default() };
        assert!(e.check().unwrap_err().message().contains("1.5"));
        assert!(serde_json::from_str::<ForestParams>(r#"{"criterion": "gini"}"#).is_err());
        assert_eq!(MaxFeatures::Sqrt.count(30), 5);
    }

    #[test]
    fn max_features_writes_back_the_same_json() {
        for json in [r#""sqrt""#, r#""log2""#, r#""all""#, "0.25"] {
            let v: MaxFeatures = serde_json::from_str(json).unwrap();
            assert_eq!(serde_json::to_string(&v).unwrap(), json);
        }
    }
}
