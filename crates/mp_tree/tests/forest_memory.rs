//! A random forest on a very wide matrix allocates in proportion to the features it samples per
//! node, not to the matrix width: 1e6 features x 2 rows x 2 trees used to take 3.9 GB (one full
//! histogram of 4 KiB per feature per node) for 8 MB of input.
//! One test in this binary: the counting allocator registered below sees every allocation of the process.
use mp_core::alloc_count::{measure_peak, CountingAlloc};
use mp_core::{ColMajor, NoopObserver};
use mp_tree::{fit_forest, ForestParams};

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

#[test]
fn wide_forest_peak_allocation_follows_the_sampled_features() {
    let (n, f) = (4usize, 200_000usize);
    let x: Vec<f32> = (0..n * f).map(|i| ((i * 2_654_435_761) % 1000) as f32).collect();
    let y = [0.0, 1.0, 0.0, 1.0];
    let input = x.len() * 4;
    let ((), peak) = measure_peak(|| {
        for bootstrap in [false, true] {
            let p = ForestParams { n_estimators: 2, bootstrap, seed: 5, ..ForestParams::default() }.check().unwrap();
            let m = fit_forest(ColMajor::new(&x, n).unwrap(), &y, &p, &mut NoopObserver).unwrap();
            assert_eq!(m.predict(ColMajor::new(&x, n).unwrap()).unwrap().len(), n);
        }
    });
    // sqrt(200k) = 447 features per node x 4 KiB = 1.8 MB per histogram; the rest is per-feature
    // bookkeeping (cuts, bins, fingerprints, feature lists) of a few bytes to tens of bytes each.
    // Before the fix one node histogram alone was 200k x 4 KiB = 819 MB.
    assert!(peak < 16 * input, "peak allocation {} MB for {} MB of input", peak >> 20, input >> 20);
}
