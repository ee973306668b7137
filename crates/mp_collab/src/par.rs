//! Parallel/sequential shim: identical results with or without the `parallel` feature, at any thread count.
use std::ops::Range;

/// Rows per task: fixed (never derived from the thread count), so every reduction has the same order.
pub(crate) const CHUNK: usize = 64;

/// `f` over fixed chunks of `0..n`, results concatenated in index order (chunks in parallel under `parallel`).
pub(crate) fn map_chunks<T: Send>(n: usize, f: impl Fn(Range<usize>) -> Vec<T> + Sync + Send) -> Vec<T> {
    let chunks = n.div_ceil(CHUNK);
    let run = |c: usize| f(c * CHUNK..((c + 1) * CHUNK).min(n));
    let parts: Vec<Vec<T>> = mp_core::par::map_indexed(chunks, run);
    let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for p in parts {
        out.extend(p);
    }
    out
}

/// `f(first_row, rows)` over fixed chunks of `CHUNK` rows of `row_len` values each, written in place
/// (chunks in parallel under `parallel`): no second copy of a large output.
pub(crate) fn for_each_row_chunk<T: Send>(data: &mut [T], row_len: usize, f: impl Fn(usize, &mut [T]) + Sync + Send) {
    let size = (CHUNK * row_len).max(1);
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        data.par_chunks_mut(size).enumerate().for_each(|(c, rows)| f(c * CHUNK, rows));
    }
    #[cfg(not(feature = "parallel"))]
    data.chunks_mut(size).enumerate().for_each(|(c, rows)| f(c * CHUNK, rows));
}
