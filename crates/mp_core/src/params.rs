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
}
