//! Linear models for moviepref: explicit standardization and L2 logistic regression.
pub mod logistic;
pub mod scaler;

pub use logistic::{fit_logistic, LogisticModel, LogisticParams, LogisticValidParams};
pub use scaler::Standardizer;
