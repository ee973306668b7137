//! Range checks shared by every model's parameter validation: one wording for every refusal
//! (`INVALID_PARAM`, naming the parameter, the allowed range and the value given).
use crate::{Error, Result};

/// Fails unless `lo <= v <= hi` (NaN fails).
pub fn float_in(name: &str, v: f64, lo: f64, hi: f64) -> Result<()> {
    if v >= lo && v <= hi {
        Ok(())
    } else {
        Err(Error::invalid_param(name, format!("must be in [{}, {}], got {}", num(lo), num(hi), num(v))))
    }
}

/// Fails unless `lo < v <= hi` (open at `lo`; NaN fails).
pub fn float_in_open_closed(name: &str, v: f64, lo: f64, hi: f64) -> Result<()> {
    if v > lo && v <= hi {
        Ok(())
    } else {
        Err(Error::invalid_param(name, format!("must be in ({}, {}], got {}", num(lo), num(hi), num(v))))
    }
}

/// A parameter whose value is one of a fixed set of names (`"depthwise"`, `"binary:logistic"`, ...):
/// parsed into an enum when the parameters deserialize, written back as the same name.
pub trait Choice: Copy + PartialEq + Sized + 'static {
    /// The parameter's name, for errors.
    const PARAM: &'static str;
    /// Every accepted name and its value.
    const CHOICES: &'static [(&'static str, Self)];

    /// The name this value is written as.
    fn name(self) -> &'static str {
        Self::CHOICES.iter().find(|(_, v)| *v == self).map(|(n, _)| *n).expect("every value has a name")
    }

    /// `INVALID_PARAM` naming the parameter and listing the allowed names unless `s` is one of them.
    fn parse(s: &str) -> Result<Self> {
        Self::CHOICES.iter().find(|(n, _)| *n == s).map(|(_, v)| *v).ok_or_else(|| {
            Error::invalid_param(Self::PARAM, format!("must be {}, got {s:?}", one_of(Self::CHOICES.iter().map(|(n, _)| *n))))
        })
    }
}

/// `"a"`, `"a" or "b"`, `"a", "b" or "c"`.
pub fn one_of<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = names.map(|n| format!("{n:?}")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// serde `with` module for [`Choice`] fields: `#[serde(with = "mp_core::params::choice")]`.
pub mod choice {
    use super::Choice;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<T: Choice, S: Serializer>(v: &T, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(v.name())
    }

    pub fn deserialize<'de, T: Choice, D: Deserializer<'de>>(d: D) -> std::result::Result<T, D::Error> {
        let s = String::deserialize(d)?;
        T::parse(&s).map_err(|e| serde::de::Error::custom(e.message()))
    }
}

/// A number as people write it: `0.5`, `100`, `1e-6`, `1e100`, `NaN`, `inf`.
fn num(v: f64) -> String {
    if v != 0.0 && v.is_finite() && !(1e-4..1e6).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

/// Fails unless `lo <= v <= hi`.
pub fn int_in(name: &str, v: u64, lo: u64, hi: u64) -> Result<()> {
    if (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(Error::invalid_param(name, format!("must be in [{lo}, {hi}], got {v}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_inclusive_and_nan_is_refused() {
        assert!(float_in("a", 1e-6, 1e-6, 1e6).is_ok() && float_in("a", 1e6, 1e-6, 1e6).is_ok());
        let e = float_in("scale_pos_weight", 1e100, 1e-6, 1e6).unwrap_err();
        assert_eq!(e.message(), "parameter `scale_pos_weight` must be in [1e-6, 1e6], got 1e100");
        assert!(float_in("a", -2.5, 0.0, 1.0).unwrap_err().message().ends_with("got -2.5"));
        assert!(float_in("a", f64::NAN, 0.0, 1.0).is_err());
        assert!(float_in_open_closed("a", 0.0, 0.0, 1.0).is_err() && float_in_open_closed("a", 1.0, 0.0, 1.0).is_ok());
        assert!(float_in_open_closed("a", f64::NAN, 0.0, 1.0).is_err());
        assert!(int_in("n", 0, 1, 3).is_err() && int_in("n", 3, 1, 3).is_ok());
    }

    #[test]
    fn choices_list_the_allowed_names() {
        assert_eq!(one_of(["a"].into_iter()), "\"a\"");
        assert_eq!(one_of(["a", "b", "c"].into_iter()), "\"a\", \"b\" or \"c\"");
    }
}
