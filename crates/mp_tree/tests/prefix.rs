//! Exact sharing for the grid search: the first `m` trees of an `M`-tree fit are the `m`-tree fit, and a
//! fit on a matrix binned beforehand is the fit that bins it itself (same bytes, same predictions).
mod common;
use common::{nonlinear, Data};
use mp_core::{ErrorCode, NoopObserver};
use mp_tree::{
    fit_forest, fit_forest_binned, fit_gbt, fit_gbt_binned, forest_bin_spec, gbt_bin_spec, BinnedMatrix, ForestParams, GbtParams, GrowPolicy,
    MaxFeatures,
};

fn data() -> (Data, Data) {
    let mut d = nonlinear(2_400, 8, 5);
    for i in (0..d.n).step_by(11) {
        d.x[3 * d.n + i] = f32::NAN;
    }
    d.split(1_800)
}

fn bits(p: &[f32]) -> Vec<u32> {
    p.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn gbt_prefix_of_the_largest_fit_is_the_smaller_fit() {
    let (tr, te) = data();
    let settings = [
        GbtParams { seed: 1, ..GbtParams::default() },
        GbtParams { seed: 7, subsample: 0.7, colsample_bytree: 0.6, ..GbtParams::default() },
        GbtParams { seed: 42, subsample: 0.9, colsample_bytree: 0.9, max_depth: 3, learning_rate: 0.3, ..GbtParams::default() },
        GbtParams { seed: 3, subsample: 0.5, grow_policy: GrowPolicy::Lossguide, max_depth: 0, max_leaves: 9, max_bin: 32, ..GbtParams::default() },
    ];
    for base in settings {
        let big = GbtParams { n_estimators: 14, ..base.clone() };
        let full = fit_gbt(tr.view(), &tr.y, &big.check().unwrap(), None, &mut NoopObserver).unwrap();
        let lens = [14, 1, 6, 9];
        let shared = full.predict_prefixes(te.view(), &lens).unwrap();
        for (&m, p) in lens.iter().zip(&shared) {
            let small = GbtParams { n_estimators: m as u32, ..base.clone() };
            let scratch = fit_gbt(tr.view(), &tr.y, &small.check().unwrap(), None, &mut NoopObserver).unwrap();
            assert_eq!(bits(p), bits(&scratch.predict(te.view()).unwrap()), "{base:?} m={m}");
            let same = serde_json::to_string(&full.prefix(m)).unwrap() == serde_json::to_string(&scratch).unwrap();
            assert!(same, "{base:?}: the {m}-tree prefix is not the {m}-tree model");
        }
    }
}

#[test]
fn forest_prefix_of_the_largest_fit_cut_at_a_depth_is_the_smaller_shallower_fit() {
    let (tr, te) = data();
    let settings = [
        ForestParams { seed: 1, max_depth: 9, ..ForestParams::default() },
        ForestParams { seed: 9, max_depth: 7, bootstrap: false, max_features: MaxFeatures::Fraction(0.5), ..ForestParams::default() },
        ForestParams { seed: 4, max_depth: 8, min_samples_leaf: 5, max_features: MaxFeatures::All, max_bin: 16, ..ForestParams::default() },
    ];
    for base in settings {
        // 19 trees: more than two of the fit's batches of concurrently grown trees
        let full = fit_forest(tr.view(), &tr.y, &ForestParams { n_estimators: 19, ..base.clone() }.check().unwrap(), &mut NoopObserver).unwrap();
        let deepest = base.max_depth as usize;
        let cuts = [(3, deepest), (19, deepest), (8, 2), (19, 5), (8, deepest), (3, 5), (19, 1)];
        let shared = full.predict_prefixes(te.view(), &cuts).unwrap();
        for (&(m, d), p) in cuts.iter().zip(&shared) {
            let small = ForestParams { n_estimators: m as u32, max_depth: d as u32, ..base.clone() }.check().unwrap();
            let scratch = fit_forest(tr.view(), &tr.y, &small, &mut NoopObserver).unwrap();
            if d == deepest {
                assert_eq!(full.trees()[..m], *scratch.trees(), "{base:?} m={m}");
            }
            assert_eq!(bits(p), bits(&scratch.predict(te.view()).unwrap()), "{base:?} m={m} d={d}");
        }
    }
}

#[test]
fn prefixes_out_of_range_are_refused() {
    let (tr, te) = data();
    let m = fit_gbt(tr.view(), &tr.y, &GbtParams { n_estimators: 3, ..GbtParams::default() }.check().unwrap(), None, &mut NoopObserver).unwrap();
    for lens in [&[0][..], &[2, 4][..]] {
        let e = m.predict_prefixes(te.view(), lens).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidParam);
        assert!(e.message().contains("n_estimators") && e.message().contains("3"), "{e}");
    }
}

#[test]
fn one_binning_serves_every_fit_with_its_spec() {
    let (tr, _) = data();
    let gbts = [
        GbtParams { n_estimators: 5, max_depth: 3, seed: 2, subsample: 0.8, ..GbtParams::default() },
        GbtParams { n_estimators: 4, max_depth: 5, learning_rate: 0.05, seed: 2, colsample_bytree: 0.5, ..GbtParams::default() },
    ];
    let spec = gbt_bin_spec(tr.n, &gbts[0].check().unwrap());
    let bins = BinnedMatrix::from_spec(tr.view(), spec).unwrap();
    for g in &gbts {
        let v = g.check().unwrap();
        assert_eq!(gbt_bin_spec(tr.n, &v), spec);
        let a = fit_gbt(tr.view(), &tr.y, &v, None, &mut NoopObserver).unwrap();
        let b = fit_gbt_binned(&bins, tr.view(), &tr.y, &v, None, &mut NoopObserver).unwrap();
        assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap(), "{g:?}");
    }
    let forests = [
        ForestParams { n_estimators: 6, max_depth: 6, seed: 2, ..ForestParams::default() },
        ForestParams { n_estimators: 5, max_depth: 4, min_samples_leaf: 3, seed: 2, ..ForestParams::default() },
    ];
    let spec = forest_bin_spec(tr.n, tr.f, &forests[0].check().unwrap());
    let bins = BinnedMatrix::from_spec(tr.view(), spec).unwrap();
    for f in &forests {
        let v = f.check().unwrap();
        let a = fit_forest(tr.view(), &tr.y, &v, &mut NoopObserver).unwrap();
        let b = fit_forest_binned(&bins, tr.view(), &tr.y, &v, &mut NoopObserver).unwrap();
        assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap(), "{f:?}");
    }
    // bins made for another spec (max_bin) or other rows are refused, never silently used
    let other = GbtParams { max_bin: 64, ..gbts[0].clone() }.check().unwrap();
    let e = fit_gbt_binned(&bins, tr.view(), &tr.y, &other, None, &mut NoopObserver).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Internal, "{e}");
    let fewer = tr.take(&(0..100).collect::<Vec<_>>());
    let e = fit_forest_binned(&bins, fewer.view(), &fewer.y, &forests[0].check().unwrap(), &mut NoopObserver).unwrap_err();
    assert!(e.code() == ErrorCode::Internal && e.message().contains("does not match"), "{e}");
}
