//! Tiny parallel/sequential shims: identical results with or without the `parallel` feature.

/// Maps `f` over `0..n` and returns the results in index order (in parallel under `parallel`).
pub(crate) fn map_indexed<R: Send>(n: usize, f: impl Fn(usize) -> R + Sync + Send) -> Vec<R> {
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

/// Calls `f(chunk_index, chunk)` for each `chunk`-sized piece of `data` (in parallel under `parallel`
/// when `parallel` is true). Each chunk is processed by exactly one thread, in its own order.
pub(crate) fn for_each_chunk_mut<T: Send>(
    data: &mut [T],
    chunk: usize,
    parallel: bool,
    f: impl Fn(usize, &mut [T]) + Sync + Send,
) {
    #[cfg(feature = "parallel")]
    if parallel {
        use rayon::prelude::*;
        data.par_chunks_mut(chunk).enumerate().for_each(|(i, c)| f(i, c));
        return;
    }
    let _ = parallel;
    data.chunks_mut(chunk).enumerate().for_each(|(i, c)| f(i, c));
}

/// Worker threads available to parallel sections (1 without `parallel`).
pub(crate) fn num_threads() -> usize {
    #[cfg(feature = "parallel")]
    {
        rayon::current_num_threads()
    }
    #[cfg(not(feature = "parallel"))]
    {
        1
    }
}
