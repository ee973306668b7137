//! Transcendental functions with the same bits on every target. `f64::exp`/`ln` call the platform's
//! libm (glibc on native Linux, Rust's libm port on wasm32), which differ in the last bit for about
//! one input in ten: enough to change a logged loss and so the bytes of a model file. Every exp/ln
//! whose result reaches a model (GBT gradients, base score, losses, probabilities) goes through here.

/// e^x.
#[inline]
pub fn exp(x: f64) -> f64 {
    libm::exp(x)
}

/// Natural logarithm.
#[inline]
pub fn ln(x: f64) -> f64 {
    libm::log(x)
}

/// Numerically stable logistic function 1 / (1 + e^-m).
#[inline]
pub fn sigmoid(m: f64) -> f64 {
    if m >= 0.0 {
        1.0 / (1.0 + exp(-m))
    } else {
        let e = exp(m);
        e / (1.0 + e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agree_with_std_within_an_ulp() {
        for i in -2000..2000 {
            let x = i as f64 * 0.0173;
            assert!((exp(x) - x.exp()).abs() <= 2.0 * f64::EPSILON * x.exp(), "exp {x}");
            let y = exp(x);
            assert!((ln(y) - y.ln()).abs() <= 2.0 * f64::EPSILON * y.ln().abs().max(1.0), "ln {y}");
        }
        assert_eq!(sigmoid(0.0), 0.5);
        assert!(sigmoid(-800.0) >= 0.0 && sigmoid(800.0) == 1.0);
    }
}
