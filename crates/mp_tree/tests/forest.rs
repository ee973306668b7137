//! Random forest invariants: OOB, determinism, feature order, errors.
mod common;
use common::{accuracy, auc, nonlinear, Data};
use mp_core::{ColMajor, Control, ErrorCode, NoopObserver, Observer};
use mp_tree::{fit_forest, ForestModel, ForestParams, ImportanceKind, MaxFeatures};

fn fit(d: &Data, p: ForestParams) -> ForestModel {
    fit_forest(d.view(), &d.y, &p.check().unwrap(), &mut NoopObserver).unwrap()
}

#[test]
fn oob_tracks_held_out_quality() {
    let d = nonlinear(4000, 10, 11);
    let (tr, te) = d.split(3000);
    let m = fit(&tr, ForestParams { n_estimators: 60, ..ForestParams::default() });
    let oob = m.oob_score().expect("bootstrap gives an OOB score").clone();
    let p = m.predict(te.view()).unwrap();
    let (a, acc) = (auc(&te.y, &p), accuracy(&te.y, &p));
    assert_eq!(oob.n_scored, 3000);
    assert!((oob.auc.unwrap() - a).abs() < 0.03, "oob auc {:?} vs test {a}", oob.auc);
    assert!((oob.accuracy - acc).abs() < 0.04, "oob acc {} vs test {acc}", oob.accuracy);
    assert!(p.iter().all(|&v| (0.0..=1.0).contains(&v)));
    let no_bag = fit(&tr, ForestParams { n_estimators: 5, bootstrap: false, ..ForestParams::default() });
    assert!(no_bag.oob_score().is_none());
}

#[test]
fn leaves_hold_class_fractions_and_depth_is_bounded() {
    let d = nonlinear(1000, 6, 12);
    let m = fit(&d, ForestParams { n_estimators: 10, max_depth: 4, min_samples_leaf: 20, ..ForestParams::default() });
    for t in m.trees() {
        assert!(t.depth() <= 4);
        for n in t.nodes.iter().filter(|n| n.is_leaf()) {
            assert!((0.0..=1.0).contains(&n.value));
            assert!(n.cover >= 20.0, "leaf cover {}", n.cover);
        }
    }
    let imp = m.feature_importance(ImportanceKind::Gain);
    let top = imp.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
    assert!(top < 5, "an informative feature should lead, got {top}");
}

#[test]
fn deterministic_bytes_and_serde_round_trip() {
    let d = nonlinear(1500, 8, 13);
    let p = ForestParams { n_estimators: 12, seed: 5, max_features: MaxFeatures::Fraction(0.5), ..ForestParams::default() };
    let a = fit(&d, p.clone());
    let ja = serde_json::to_string(&a).unwrap();
    assert_eq!(ja, serde_json::to_string(&fit(&d, p)).unwrap());
    let back: ForestModel = serde_json::from_str(&ja).unwrap();
    assert_eq!(back.predict(d.view()).unwrap(), a.predict(d.view()).unwrap());
    assert_eq!(back.oob_score(), a.oob_score());
    let other = fit(&d, ForestParams { n_estimators: 12, seed: 6, ..ForestParams::default() });
    assert_ne!(serde_json::to_string(&other).unwrap(), ja);
}

#[test]
fn all_features_forest_ignores_column_order() {
    let d = nonlinear(1500, 6, 14);
    let perm = [3usize, 5, 0, 1, 4, 2];
    let dp = d.permute_columns(&perm);
    let p = ForestParams { n_estimators: 8, max_features: MaxFeatures::All, ..ForestParams::default() };
    let a = fit(&d, p.clone()).predict(d.view()).unwrap();
    let b = fit(&dp, p).predict(dp.view()).unwrap();
    let differ = a.iter().zip(&b).filter(|(x, y)| x != y).count();
    assert_eq!(differ, 0, "{differ} predictions differ after permuting columns");
}

#[test]
fn missing_values_are_routed() {
    let mut d = nonlinear(2000, 5, 15);
    for i in 0..d.n {
        if i % 3 == 0 {
            d.x[i] = f32::NAN;
            d.y[i] = 1.0;
        } else {
            d.y[i] = f32::from(d.x[i] > 0.6);
        }
    }
    let m = fit(&d, ForestParams { n_estimators: 20, max_features: MaxFeatures::All, ..ForestParams::default() });
    let probe = [f32::NAN, 0.0, 0.0, 0.0, 0.0];
    assert!(m.predict(ColMajor::new(&probe, 1).unwrap()).unwrap()[0] > 0.9);
    assert!(auc(&d.y, &m.predict(d.view()).unwrap()) > 0.99);
}

#[test]
fn observer_sees_each_tree_and_can_stop() {
    struct Count(u32);
    impl Observer for Count {
        fn on_iter(&mut self, it: u32, m: &[(&str, f64)]) -> Control {
            assert_eq!(it, self.0);
            assert_eq!(m[0].0, "n_leaves");
            self.0 += 1;
            if self.0 == 11 { Control::Stop } else { Control::Continue }
        }
    }
    let d = nonlinear(300, 5, 16);
    let m = fit_forest(d.view(), &d.y, &ForestParams::default().check().unwrap(), &mut Count(0)).unwrap();
    assert_eq!(m.trees().len(), 11);
}

#[test]
fn user_errors_are_coded() {
    let d = nonlinear(100, 5, 17);
    let ok = ForestParams::default().check().unwrap();
    assert_eq!(fit_forest(d.view(), &[0.0, 1.0], &ok, &mut NoopObserver).unwrap_err().code(), ErrorCode::ShapeMismatch);
    let zeros = vec![0.0f32; d.n];
    assert_eq!(fit_forest(d.view(), &zeros, &ok, &mut NoopObserver).unwrap_err().code(), ErrorCode::EmptyClass);
    let mut bad = d.y.clone();
    bad[7] = f32::NAN;
    let e = fit_forest(d.view(), &bad, &ok, &mut NoopObserver).unwrap_err();
    assert!(e.code() == ErrorCode::InvalidLabel && e.message().contains("row 7"));
    let m = fit(&d, ForestParams { n_estimators: 2, ..ForestParams::default() });
    let wide = vec![0.0f32; 12];
    assert_eq!(m.predict(ColMajor::new(&wide, 2).unwrap()).unwrap_err().code(), ErrorCode::ShapeMismatch);
    let e = ForestParams { min_samples_leaf: 0, ..ForestParams::default() }.check().unwrap_err();
    assert!(e.code() == ErrorCode::InvalidParam && e.message().contains("min_samples_leaf"));
}
