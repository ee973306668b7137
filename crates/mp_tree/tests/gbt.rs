//! Gradient boosting invariants: separability, missing values, early stopping, serde, errors.
mod common;
use common::{auc, nonlinear, Data};
use mp_core::{ColMajor, Control, ErrorCode, NoopObserver, Observer};
use mp_tree::{fit_gbt, GbtModel, GbtParams, GrowPolicy, ImportanceKind, ObjectiveKind};

fn fit(d: &Data, p: GbtParams) -> GbtModel {
    fit_gbt(d.view(), &d.y, &p.check().unwrap(), None, &mut NoopObserver).unwrap()
}

#[test]
fn linearly_separable_reaches_auc_one() {
    let d = {
        let mut d = nonlinear(400, 5, 1);
        d.y = (0..d.n).map(|i| f32::from(d.x[i] + 0.5 * d.x[d.n + i] > 0.1)).collect();
        d
    };
    let m = fit(&d, GbtParams { n_estimators: 30, ..GbtParams::default() });
    assert_eq!(auc(&d.y, &m.predict(d.view()).unwrap()), 1.0);
    assert_eq!(m.eval_log().len(), 30);
    let first = m.eval_log()[0].metrics[0].1;
    let last = m.eval_log()[29].metrics[0].1;
    assert!(last < first, "train logloss should fall: {first} -> {last}");
}

#[test]
fn feature_order_does_not_change_predictions() {
    let d = nonlinear(2000, 8, 2);
    let perm = [5usize, 2, 7, 0, 3, 1, 6, 4];
    let dp = d.permute_columns(&perm);
    let p = GbtParams { n_estimators: 20, subsample: 0.8, ..GbtParams::default() };
    let a = fit(&d, p.clone()).predict(d.view()).unwrap();
    let b = fit(&dp, p).predict(dp.view()).unwrap();
    let differ = a.iter().zip(&b).filter(|(x, y)| x != y).count();
    assert_eq!(differ, 0, "{differ} predictions differ after permuting columns");
}

#[test]
fn missing_values_follow_the_learned_direction() {
    // Missingness itself is the signal: NaN rows are mostly positive, observed rows follow x0 > 0.5.
    let mut d = nonlinear(3000, 5, 3);
    let n = d.n;
    for i in 0..n {
        if i % 4 == 0 {
            d.x[i] = f32::NAN;
            d.y[i] = f32::from(i % 20 != 0);
        } else {
            d.y[i] = f32::from(d.x[i] > 0.5);
        }
    }
    let m = fit(&d, GbtParams { n_estimators: 20, max_depth: 2, ..GbtParams::default() });
    let p = m.predict(d.view()).unwrap();
    assert!(auc(&d.y, &p) > 0.97);
    let nan_mean: f32 = (0..n).filter(|i| i % 4 == 0).map(|i| p[i]).sum::<f32>() / (n / 4) as f32;
    assert!(nan_mean > 0.7, "NaN rows should score high, got {nan_mean}");
    // A pure NaN row goes the default way at every split on feature 0.
    let probe = [f32::NAN, 0.0, 0.0, 0.0, 0.0];
    let low = [-0.9f32, 0.0, 0.0, 0.0, 0.0];
    let pp = m.predict(ColMajor::new(&probe, 1).unwrap()).unwrap()[0];
    let pl = m.predict(ColMajor::new(&low, 1).unwrap()).unwrap()[0];
    assert!(pp > 0.7 && pl < 0.3, "nan {pp} low {pl}");
    let root = &m.trees()[0].nodes[0];
    assert_eq!(root.feature, 0);
}

#[test]
fn early_stopping_keeps_best_iteration() {
    let d = nonlinear(3000, 10, 4);
    let (tr, va) = d.split(2000);
    let p = GbtParams { n_estimators: 400, learning_rate: 0.5, max_depth: 6, early_stopping_rounds: 5, ..GbtParams::default() };
    let m = fit_gbt(tr.view(), &tr.y, &p.check().unwrap(), Some((va.view(), &va.y)), &mut NoopObserver).unwrap();
    let log = m.eval_log();
    assert!(log.len() < 400, "should stop early");
    assert_eq!(m.trees().len(), m.best_iteration() as usize + 1);
    assert_eq!(log.len(), m.best_iteration() as usize + 6);
    let v = |i: usize| log[i].metrics.iter().find(|(k, _)| k == "valid_logloss").unwrap().1;
    let best = v(m.best_iteration() as usize);
    assert!((0..log.len()).all(|i| v(i) >= best));
    assert!(log[0].metrics.iter().any(|(k, _)| k == "valid_auc"));
}

#[test]
fn observer_can_stop() {
    struct StopAt(u32);
    impl Observer for StopAt {
        fn on_iter(&mut self, it: u32, m: &[(&str, f64)]) -> Control {
            assert_eq!(m[0].0, "train_logloss");
            if it + 1 >= self.0 { Control::Stop } else { Control::Continue }
        }
    }
    let d = nonlinear(500, 5, 5);
    let m = fit_gbt(d.view(), &d.y, &GbtParams::default().check().unwrap(), None, &mut StopAt(7)).unwrap();
    assert_eq!(m.trees().len(), 7);
    assert_eq!(m.best_iteration(), 6);
}

#[test]
fn serde_round_trip_and_determinism() {
    let d = nonlinear(1500, 6, 6);
    let p = GbtParams { n_estimators: 15, subsample: 0.7, colsample_bytree: 0.5, seed: 9, ..GbtParams::default() };
    let a = fit(&d, p.clone());
    let b = fit(&d, p);
    let ja = serde_json::to_string(&a).unwrap();
    assert_eq!(ja, serde_json::to_string(&b).unwrap());
    let back: GbtModel = serde_json::from_str(&ja).unwrap();
    assert_eq!(back.predict(d.view()).unwrap(), a.predict(d.view()).unwrap());
    assert_eq!(back.predict_raw(d.view()).unwrap(), a.predict_raw(d.view()).unwrap());
    let imp = a.feature_importance(ImportanceKind::Gain);
    assert_eq!(imp.len(), 6);
    let splits = a.feature_importance(ImportanceKind::Split);
    let total: f64 = a.trees().iter().map(|t| (t.nodes.len() - t.n_leaves()) as f64).sum();
    assert_eq!(splits.iter().sum::<f64>(), total);
}

#[test]
fn lossguide_respects_max_leaves() {
    let d = nonlinear(2000, 6, 7);
    let p = GbtParams { grow_policy: GrowPolicy::Lossguide, max_leaves: 7, max_depth: 0, n_estimators: 5, ..GbtParams::default() };
    let m = fit(&d, p);
    assert!(m.trees().iter().all(|t| t.n_leaves() == 7));
    let p = GbtParams { max_depth: 3, n_estimators: 5, ..GbtParams::default() };
    assert!(fit(&d, p).trees().iter().all(|t| t.depth() <= 3));
}

#[test]
fn squared_error_regresses() {
    let mut d = nonlinear(2000, 5, 8);
    d.y = (0..d.n).map(|i| 3.0 * d.x[i] - d.x[d.n + i] * d.x[d.n + i]).collect();
    let p = GbtParams { objective: ObjectiveKind::SquaredError, n_estimators: 100, ..GbtParams::default() };
    let m = fit(&d, p);
    assert_eq!(m.objective(), ObjectiveKind::SquaredError);
    let pred = m.predict(d.view()).unwrap();
    let rmse = (pred.iter().zip(&d.y).map(|(a, b)| ((a - b) as f64).powi(2)).sum::<f64>() / d.n as f64).sqrt();
    assert!(rmse < 0.1, "rmse {rmse}");
    assert!((m.eval_log().last().unwrap().metrics[0].1 - rmse).abs() < 1e-4);
}

#[test]
fn user_errors_are_coded_not_panics() {
    let d = nonlinear(100, 3 + 2, 9);
    let ok = GbtParams::default().check().unwrap();
    let e = fit_gbt(d.view(), &d.y[..50], &ok, None, &mut NoopObserver).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ShapeMismatch);
    let ones = vec![1.0f32; d.n];
    assert_eq!(fit_gbt(d.view(), &ones, &ok, None, &mut NoopObserver).unwrap_err().code(), ErrorCode::EmptyClass);
    let mut bad = d.y.clone();
    bad[3] = f32::NAN;
    let e = fit_gbt(d.view(), &bad, &ok, None, &mut NoopObserver).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidLabel);
    assert!(e.message().contains("row 3"));
    let reg = GbtParams { objective: ObjectiveKind::SquaredError, ..GbtParams::default() }.check().unwrap();
    bad[3] = f32::INFINITY;
    let e = fit_gbt(d.view(), &bad, &reg, None, &mut NoopObserver).unwrap_err();
    assert!(e.code() == ErrorCode::InvalidLabel && e.message().contains("row 3"), "{e}");
    assert_eq!(ColMajor::new(&[], 0).unwrap_err().code(), ErrorCode::EmptyData);
    let m = fit_gbt(d.view(), &d.y, &GbtParams { n_estimators: 3, ..GbtParams::default() }.check().unwrap(), None, &mut NoopObserver).unwrap();
    let narrow = vec![0.0f32; 8];
    assert_eq!(m.predict(ColMajor::new(&narrow, 2).unwrap()).unwrap_err().code(), ErrorCode::ShapeMismatch);
    let valid_x = vec![0.0f32; 12];
    let e = fit_gbt(d.view(), &d.y, &ok, Some((ColMajor::new(&valid_x, 3).unwrap(), &[0.0, 1.0, 0.0])), &mut NoopObserver);
    assert_eq!(e.unwrap_err().code(), ErrorCode::ShapeMismatch);
    let e = GbtParams { learning_rate: 0.0, ..GbtParams::default() }.check().unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidParam);
    assert!(e.message().contains("learning_rate") && e.message().contains("got 0"));
}

#[test]
fn constant_features_give_a_single_leaf() {
    let x = vec![1.0f32; 200];
    let y: Vec<f32> = (0..100).map(|i| (i % 2) as f32).collect();
    let m = fit_gbt(ColMajor::new(&x, 100).unwrap(), &y, &GbtParams::default().check().unwrap(), None, &mut NoopObserver).unwrap();
    assert!(m.trees().iter().all(|t| t.nodes.len() == 1));
    assert!(m.predict(ColMajor::new(&x, 100).unwrap()).unwrap().iter().all(|&p| (p - 0.5).abs() < 1e-6));
}

#[test]
fn corrupt_model_bytes_error_instead_of_panicking() {
    let d = nonlinear(300, 5, 10);
    let m = fit(&d, GbtParams { n_estimators: 3, max_depth: 2, ..GbtParams::default() });
    let json = serde_json::to_string(&m).unwrap();
    // Point the first root split at a feature the model does not have.
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["trees"][0]["nodes"][0]["feature"] = 77.into();
    let model: GbtModel = serde_json::from_value(v).unwrap();
    assert_eq!(model.predict(d.view()).unwrap_err().code(), ErrorCode::Deserialize);
    let swapped = json.replacen("\"left\":1,", "\"left\":0,", 1);
    assert!(serde_json::from_str::<GbtModel>(&swapped).is_err());
}

#[test]
fn odd_inputs_do_not_panic() {
    // all-NaN, infinite and constant columns, two rows, tiny max_bin, subsample of a tiny set
    let n = 6;
    let x: Vec<f32> = [
        [f32::NAN; 6],
        [f32::INFINITY, f32::NEG_INFINITY, 0.0, 1.0, f32::INFINITY, -1.0],
        [3.0; 6],
        [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
    ]
    .concat();
    let y = [0.0f32, 1.0, 0.0, 1.0, 1.0, 0.0];
    let xm = ColMajor::new(&x, n).unwrap();
    for p in [
        GbtParams::default(),
        GbtParams { max_bin: 2, min_child_weight: 0.0, ..GbtParams::default() },
        GbtParams { subsample: 0.01, colsample_bytree: 0.1, ..GbtParams::default() },
        GbtParams { grow_policy: GrowPolicy::Lossguide, max_leaves: 4, max_depth: 0, min_child_weight: 0.0, ..GbtParams::default() },
    ] {
        let m = fit_gbt(xm, &y, &p.check().unwrap(), Some((xm, &y)), &mut NoopObserver).unwrap();
        assert!(m.predict(xm).unwrap().iter().all(|v| v.is_finite()));
    }
    let two = [1.0f32, 2.0];
    let m = fit_gbt(ColMajor::new(&two, 2).unwrap(), &[0.0, 1.0], &GbtParams::default().check().unwrap(), None, &mut NoopObserver);
    assert!(m.is_ok());
    let f = mp_tree::fit_forest(xm, &y, &mp_tree::ForestParams::default().check().unwrap(), &mut NoopObserver).unwrap();
    assert!(f.predict(xm).unwrap().iter().all(|v| (0.0..=1.0).contains(v)));
}
