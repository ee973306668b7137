//! moviepref collaborative filtering: models of (user id, item id, value) triples (biased MF by ALS,
//! item kNN on baselines, implicit-feedback ALS). Ratings are
//! indexed as CSR by user and by item; unknown ids at predict time are cold starts, scored from the
//! global mean and whatever biases are known. Deterministic: same seed, same bytes on native and
//! wasm at any thread count (fixed chunking, f64 accumulators, no platform libm).
pub mod implicit;
pub mod knn;
mod knn_params;
mod linalg;
pub mod mf;
mod mf_params;
mod normal_eq;
mod par;
pub mod planted;
pub mod ratings;

pub use implicit::{ImplicitModel, ImplicitParams, IMPLICIT_PARTS};
pub use knn::{KnnModel, KNN_PARTS, MAX_ITEMS, MAX_SIMILARITY_ENTRIES};
pub use knn_params::KnnParams;
pub use mf::{MfModel, MF_PARTS};
pub use mf_params::MfParams;
pub use ratings::{IdMap, Ratings};
