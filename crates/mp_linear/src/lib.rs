//! Linear models for moviepref: explicit standardization and L2 logistic regression (our own Newton
//! solver over the column-major f32 features; linfa-logistic is kept as the tests' reference).
mod design;
mod hessian;
pub mod logistic;
mod newton;
pub mod path;
pub mod scaler;

pub use logistic::{fit_logistic, fit_logistic_from, LogisticModel, LogisticParams, LogisticValidParams};
pub use path::fit_logistic_path;
pub use scaler::Standardizer;
