//! Same seed → same bytes, for any thread count and with or without the `parallel` feature.
mod common;
use common::{nonlinear, Data};
use mp_core::NoopObserver;
use mp_tree::{fit_forest, fit_gbt, ForestParams, GbtParams};

/// Large enough that histogram builds, gradient passes and binning take their parallel paths.
fn data() -> (Data, Data) {
    let mut d = nonlinear(30_000, 12, 31);
    for i in (0..d.n).step_by(13) {
        d.x[2 * d.n + i] = f32::NAN;
    }
    d.split(25_000)
}

fn gbt_json(tr: &Data, va: &Data) -> String {
    let p = GbtParams { n_estimators: 12, subsample: 0.8, colsample_bytree: 0.75, seed: 3, ..GbtParams::default() };
    let m = fit_gbt(tr.view(), &tr.y, &p.check().unwrap(), Some((va.view(), &va.y)), &mut NoopObserver).unwrap();
    serde_json::to_string(&m).unwrap()
}

fn forest_json(tr: &Data) -> String {
    let p = ForestParams { n_estimators: 10, max_depth: 8, seed: 3, ..ForestParams::default() };
    serde_json::to_string(&fit_forest(tr.view(), &tr.y, &p.check().unwrap(), &mut NoopObserver).unwrap()).unwrap()
}

/// FNV-1a of the serialized model.
fn digest(s: &str) -> u64 {
    s.bytes().fold(0xCBF2_9CE4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01B3))
}

#[test]
fn same_seed_same_bytes() {
    let (tr, va) = data();
    assert_eq!(gbt_json(&tr, &va), gbt_json(&tr, &va));
    assert_eq!(forest_json(&tr), forest_json(&tr));
}

/// Golden digests shared by the sequential and the `parallel` build: both must produce these exact
/// bytes. (libm's exp/ln may differ across platforms, so this is pinned to x86_64 Linux.)
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[test]
fn sequential_and_parallel_builds_agree() {
    let (tr, va) = data();
    let got = (digest(&gbt_json(&tr, &va)), digest(&forest_json(&tr)));
    assert_eq!(got, GOLDEN, "model digests changed (update GOLDEN only for an intended algorithm change)");
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
const GOLDEN: (u64, u64) = (7_452_393_474_468_456_779, 15_632_599_403_607_611_822);

#[cfg(feature = "parallel")]
#[test]
fn one_and_two_threads_agree() {
    let (tr, va) = data();
    let run = |n: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(n).build().unwrap();
        pool.install(|| (gbt_json(&tr, &va), forest_json(&tr)))
    };
    let (g1, f1) = run(1);
    let (g2, f2) = run(2);
    assert!(g1 == g2, "GBT differs between 1 and 2 threads");
    assert!(f1 == f2, "forest differs between 1 and 2 threads");
}

/// Deep forests at the pipeline's settings (sqrt features per node, bootstrap, 255 bins, depth 16,
/// `min_samples_leaf` 1 and 5) on data with missing values, coarse values (many rows per bin, equal
/// gains within a feature) and duplicated columns (equal gains and equal fingerprints across features).
fn deep_forest_digests() -> Vec<u64> {
    let mut d = nonlinear(6_000, 24, 77);
    let n = d.n;
    for i in 0..n {
        if i % 7 == 0 {
            d.x[3 * n + i] = f32::NAN;
        }
        if i % 3 == 0 {
            d.x[5 * n + i] = f32::NAN;
        }
        d.x[6 * n + i] = (d.x[6 * n + i] * 4.0).round() / 4.0;
        d.x[7 * n + i] = d.x[i];
        d.x[8 * n + i] = d.x[n + i];
    }
    [1, 5]
        .map(|leaf| {
            let p = ForestParams { n_estimators: 24, max_depth: 16, min_samples_leaf: leaf, seed: 11, ..ForestParams::default() };
            let m = fit_forest(d.view(), &d.y, &p.check().unwrap(), &mut NoopObserver).unwrap();
            let bits: String = m.predict(d.view()).unwrap().iter().map(|p| format!("{:08x}", p.to_bits())).collect();
            [digest(&serde_json::to_string(&m).unwrap()), digest(&bits)]
        })
        .concat()
}

/// The deep forests' model bytes and predictions: fast paths of the grower must leave them unchanged.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[test]
fn deep_sampled_forests_are_pinned() {
    assert_eq!(deep_forest_digests(), DEEP_FOREST_GOLDEN, "deep forest digests changed (update only for an intended algorithm change)");
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
const DEEP_FOREST_GOLDEN: [u64; 4] =
    [13_146_026_559_962_386_239, 18_167_988_159_760_173_762, 8_579_255_268_267_751_320, 6_135_233_833_188_951_235];
