//! moviepref core: the types every other crate shares. Knows nothing of JS and never prints.
pub mod alloc_count;
pub mod error;
pub mod labels;
pub mod math;
pub mod matrix;
pub mod metrics;
pub mod observer;
pub mod par;
pub mod params;
pub mod rng;

pub use error::{Error, ErrorCode, Result};
pub use labels::BinaryLabels;
pub use matrix::{ColMajor, MAX_FEATURES};
pub use observer::{Control, NoopObserver, Observer};
pub use rng::{Rng, SplitMix64};
