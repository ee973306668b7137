//! The one parallel/sequential map the engine crates share: identical results with or without the
//! `parallel` feature (each crate's own `parallel` feature turns this one on).

/// Maps `f` over `0..n` and returns the results in index order (in parallel under `parallel`).
pub fn map_indexed<R: Send>(n: usize, f: impl Fn(usize) -> R + Sync + Send) -> Vec<R> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        (0..n).into_par_iter().map(f).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        (0..n).map(f).collect()
    }
}
