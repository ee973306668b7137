//! Cheap fit diagnostics (histogram work counters and timings); never serialized.
use std::ops::AddAssign;

/// Counters collected while fitting. Timings are 0 on `wasm32` (no clock there).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FitStats {
    /// Number of (row, feature) histogram updates performed.
    pub hist_updates: u64,
    /// Wall-clock nanoseconds spent inside histogram builds, summed over concurrently grown trees.
    pub hist_nanos: u64,
    /// Number of histograms built directly (not derived by subtraction).
    pub hist_builds: u64,
    /// Number of histograms derived by parent - sibling subtraction.
    pub hist_subtractions: u64,
    /// Wall-clock nanoseconds of the whole fit.
    pub fit_nanos: u64,
}

impl FitStats {
    /// Mean nanoseconds per histogram (row, feature) update, from the summed build wall time.
    pub fn ns_per_update(&self) -> f64 {
        if self.hist_updates == 0 {
            0.0
        } else {
            self.hist_nanos as f64 / self.hist_updates as f64
        }
    }
}

impl AddAssign for FitStats {
    fn add_assign(&mut self, o: Self) {
        self.hist_updates += o.hist_updates;
        self.hist_nanos += o.hist_nanos;
        self.hist_builds += o.hist_builds;
        self.hist_subtractions += o.hist_subtractions;
        self.fit_nanos += o.fit_nanos;
    }
}

/// A stopwatch that is a no-op where `std::time::Instant` is unavailable.
pub(crate) struct Stopwatch {
    #[cfg(not(target_arch = "wasm32"))]
    start: std::time::Instant,
}

impl Stopwatch {
    pub(crate) fn start() -> Self {
        Stopwatch {
            #[cfg(not(target_arch = "wasm32"))]
            start: std::time::Instant::now(),
        }
    }

    pub(crate) fn nanos(&self) -> u64 {
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.start.elapsed().as_nanos() as u64
        }
        #[cfg(target_arch = "wasm32")]
        {
            0
        }
    }
}
