//! Parameters of biased matrix factorization by ALS, and their ranges.
use mp_core::params::{float_in, int_in};
use mp_core::Result;
use serde::{Deserialize, Serialize};

/// Biased MF (r̂ = μ + b_u + b_i + p_u·q_i) fitted by alternating least squares. Unknown fields are
/// rejected; missing ones take the defaults below.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct MfParams {
    /// Latent factors per user and item, in [1, 256] (default 32).
    pub factors: u32,
    /// ALS sweeps (users then items), in [1, 1000] (default 15).
    pub iterations: u32,
    /// L2 penalty on the factors, in [1e-6, 1e6] (default 0.1; times the count with `weighted_lambda`).
    pub l2_factors: f64,
    /// L2 penalty on the biases, in [1e-6, 1e6] (default 0.1; times the count with `weighted_lambda`).
    pub l2_bias: f64,
    /// Regularize each user/item by λ·n (its rating count; Zhou et al. 2008) instead of λ (default true).
    pub weighted_lambda: bool,
    /// Initial factors are uniform in [-init_scale, init_scale], in [0, 10] (default 0.1).
    pub init_scale: f64,
    /// Seeds the initial factors: required in a model spec (no default seed).
    pub seed: u64,
}

impl Default for MfParams {
    fn default() -> Self {
        MfParams { factors: 32, iterations: 15, l2_factors: 0.1, l2_bias: 0.1, weighted_lambda: true, init_scale: 0.1, seed: 0 }
    }
}

/// Range of both L2 penalties: > 0 keeps every ridge system positive definite; <= 1e6 (times at
/// most 2^32 ratings) keeps it far inside f64.
pub const L2_RANGE: (f64, f64) = (1e-6, 1e6);
pub const MAX_FACTORS: u64 = 256;
pub const MAX_ITERATIONS: u64 = 1000;

impl MfParams {
    /// `INVALID_PARAM` naming the parameter, its range and the value given.
    pub fn check(&self) -> Result<()> {
        int_in("factors", self.factors as u64, 1, MAX_FACTORS)?;
        int_in("iterations", self.iterations as u64, 1, MAX_ITERATIONS)?;
        float_in("l2_factors", self.l2_factors, L2_RANGE.0, L2_RANGE.1)?;
        float_in("l2_bias", self.l2_bias, L2_RANGE.0, L2_RANGE.1)?;
        float_in("init_scale", self.init_scale, 0.0, 10.0)
    }
}
