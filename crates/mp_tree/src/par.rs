//! Tiny parallel/sequential shims: identical results with or without the `parallel` feature.

pub(crate) use mp_core::par::map_indexed;

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

/// Runs `f` on a worker of the thread pool (under `parallel`) and waits for it. The parallel
/// sections inside `f` then fork and join between pool workers, which wait for each other by
/// spinning and stealing, instead of each one being handed over from (and waking) an outside thread.
pub(crate) fn on_pool<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    #[cfg(feature = "parallel")]
    {
        rayon::scope(|_| f())
    }
    #[cfg(not(feature = "parallel"))]
    {
        f()
    }
}
