//! Every numeric parameter of every model kind has a documented range: values outside it are refused
//! with INVALID_PARAM naming the parameter and the range, values at its ends fit and predict finite
//! probabilities (1e100 `scale_pos_weight` used to pass validation and give NaN predictions).
use mp_api::{fit, ErrorCode};

/// Rows with a noisy signal in feature 0, 20% positives.
fn data() -> (Vec<f32>, Vec<f32>, usize) {
    let n = 200;
    let mut rng = mp_core::Rng::new(7);
    let x: Vec<f32> = (0..n * 3).map(|_| rng.next_f64() as f32).collect();
    let y: Vec<f32> = (0..n).map(|i| (x[i] + 0.3 * rng.next_f64() as f32 > 0.95) as u8 as f32).collect();
    (x, y, n)
}

const OUT_OF_RANGE: &[(&str, &str, &str)] = &[
    ("gbt", "scale_pos_weight", "1e100"),
    ("gbt", "scale_pos_weight", "1.7e308"),
    ("gbt", "scale_pos_weight", "1e-7"),
    ("gbt", "scale_pos_weight", "0"),
    ("gbt", "learning_rate", "0"),
    ("gbt", "learning_rate", "1e308"),
    ("gbt", "reg_lambda", "1e300"),
    ("gbt", "reg_lambda", "-1"),
    ("gbt", "gamma", "1e300"),
    ("gbt", "min_child_weight", "1e300"),
    ("gbt", "subsample", "1.5"),
    ("gbt", "colsample_bytree", "-0.1"),
    ("gbt", "n_estimators", "100001"),
    ("gbt", "max_depth", "65"),
    ("gbt", "max_leaves", "4294967295"),
    ("gbt", "max_bin", "256"),
    ("gbt", "early_stopping_rounds", "4294967295"),
    ("forest", "n_estimators", "4294967295"),
    ("forest", "max_depth", "1000"),
    ("forest", "min_samples_leaf", "0"),
    ("forest", "max_features", "1e300"),
    ("forest", "max_bin", "1"),
    ("logistic", "l2", "1e300"),
    ("logistic", "l2", "-1e-9"),
    ("logistic", "tol", "1e300"),
    ("logistic", "tol", "0"),
    ("logistic", "max_iter", "18446744073709551615"),
];

#[test]
fn out_of_range_values_are_refused_naming_parameter_and_range() {
    let (x, y, n) = data();
    for (kind, name, v) in OUT_OF_RANGE {
        let seed = if *kind == "logistic" { "" } else { r#","seed":0"# };
        let spec = format!(r#"{{"kind":"{kind}","params":{{"{name}":{v}{seed}}}}}"#);
        let e = fit(&x, n, &y, &spec).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidParam, "{spec}: {e}");
        assert!(e.message().contains(&format!("`{name}` must be")), "{spec}: {e}");
        assert!(e.message().contains(" in [") || e.message().contains(" in ("), "{spec}: the range is named: {e}");
    }
}

const AT_BOUNDS: &[(&str, &str)] = &[
    ("gbt", r#"{"scale_pos_weight":1e6,"n_estimators":20}"#),
    ("gbt", r#"{"scale_pos_weight":1e-6,"n_estimators":20}"#),
    ("gbt", r#"{"scale_pos_weight":1e6,"reg_lambda":0,"min_child_weight":0,"learning_rate":1,"n_estimators":20}"#),
    ("gbt", r#"{"scale_pos_weight":1e-6,"reg_lambda":0,"min_child_weight":0,"learning_rate":1,"n_estimators":20}"#),
    ("gbt", r#"{"reg_lambda":1e15,"gamma":1e15,"min_child_weight":1e15,"n_estimators":5}"#),
    ("gbt", r#"{"learning_rate":1,"subsample":1e-300,"colsample_bytree":1e-300,"n_estimators":5}"#),
    ("gbt", r#"{"grow_policy":"lossguide","max_depth":0,"max_leaves":131072,"n_estimators":3,"early_stopping_rounds":100000}"#),
    ("gbt", r#"{"objective":"reg:squarederror","reg_lambda":0,"min_child_weight":0,"learning_rate":1,"n_estimators":10}"#),
    ("forest", r#"{"n_estimators":3,"max_depth":64,"min_samples_leaf":4294967295,"max_features":1e-300,"max_bin":2}"#),
    ("forest", r#"{"n_estimators":3,"max_depth":1,"max_features":1,"max_bin":255}"#),
    ("logistic", r#"{"l2":1e12,"tol":1e3,"max_iter":1}"#),
    ("logistic", r#"{"l2":0,"tol":5e-324,"max_iter":1000}"#),
];

#[test]
fn values_at_the_bounds_fit_and_predict_finite_probabilities() {
    let (x, y, n) = data();
    for (kind, params) in AT_BOUNDS {
        let params = if *kind == "logistic" { params.to_string() } else { params.replacen('{', r#"{"seed":0,"#, 1) };
        let spec = format!(r#"{{"kind":"{kind}","params":{params}}}"#);
        let m = fit(&x, n, &y, &spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
        let p = m.predict(&x, n).unwrap();
        // reg:squarederror predicts raw scores, every other spec probabilities
        let ok = |v: &f32| v.is_finite() && (spec.contains("squarederror") || (0.0..=1.0).contains(v));
        assert!(p.iter().all(ok), "{spec}: {:?}", &p[..5]);
    }
}
