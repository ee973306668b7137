//! Cache hints for the gathers of binning and histogram building (below both: neither imports the other).

/// Hints the CPU to load the cache line holding `s[0]` (no-op off x86_64 or for an empty slice).
#[inline(always)]
pub(crate) fn prefetch<T>(s: &[T]) {
    #[cfg(target_arch = "x86_64")]
    if let Some(v) = s.first() {
        // SAFETY: `_mm_prefetch` is only a cache hint and the pointer comes from a live reference.
        #[allow(unused_unsafe)]
        unsafe {
            core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(v as *const T as *const i8)
        };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = s;
}
