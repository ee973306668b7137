//! The facade's fit: a spec, optional fit options (a validation fraction) or an explicit validation
//! set, and an observer that sees every iteration; progress reports as the callbacks receive them.
use crate::model::Model;
use crate::spec::ModelSpec;
use mp_core::{BinaryLabels, ColMajor, Control, Error, ErrorCode, Observer, Result};
use mp_select::stratified_holdout;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `{"validation": {"fraction": 0.1, "seed": 7}}`: hold out a stratified, seeded part of the rows
/// as the validation set (gbt: evaluation log and early stopping).
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct FitOptions {
    #[cfg_attr(feature = "ts", ts(optional))]
    pub validation: Option<ValidationSplit>,
}

/// A stratified hold-out of the training rows.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ValidationSplit {
    /// Share of each class held out, in (0, 1); at least one row of each class stays in training.
    pub fraction: f64,
    /// Seeds the split. Required.
    pub seed: u64,
}

/// One fit iteration (boosting round or tree) as the progress callback receives it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FitProgress {
    pub iteration: u32,
    /// e.g. `train_logloss`, `valid_logloss`, `valid_auc` (gbt); `n_leaves`, `depth` (forest).
    pub metrics: BTreeMap<String, f64>,
}

/// Grid search progress: fits done out of configurations x folds (summed over the iterations of a halving
/// search) + the refit of the best.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GridProgress {
    pub fits_done: usize,
    pub fits_total: usize,
}

/// An observer handing each iteration to `report` as [`FitProgress`] JSON; never stops the fit.
pub struct JsonProgress<F: FnMut(String)>(pub F);

impl<F: FnMut(String)> Observer for JsonProgress<F> {
    fn on_iter(&mut self, iteration: u32, metrics: &[(&str, f64)]) -> Control {
        let p = FitProgress { iteration, metrics: metrics.iter().map(|(k, v)| (k.to_string(), *v)).collect() };
        (self.0)(serde_json::to_string(&p).unwrap_or_default());
        Control::Continue
    }
}

/// Validation rows given by the caller: column-major `x` and labels `y` (its row count).
pub type ValidationSet<'a> = (&'a [f32], &'a [f32]);

/// Fits `spec_json` on (`x`, `y`) with `options_json` (see [`FitOptions`]; `None` = no options) or an
/// explicit validation set (not both), reporting every iteration to `observer`.
pub fn fit_with(
    x: &[f32],
    n_rows: usize,
    y: &[f32],
    spec_json: &str,
    options_json: Option<&str>,
    valid: Option<ValidationSet>,
    observer: &mut dyn Observer,
) -> Result<Model> {
    let spec = ModelSpec::from_json(spec_json)?;
    let options: FitOptions = match options_json {
        Some(json) => serde_json::from_str(json).map_err(|e| Error::new(ErrorCode::InvalidParam, format!("fit options: {e}")))?,
        None => FitOptions::default(),
    };
    let xm = ColMajor::new(x, n_rows)?;
    match (valid, options.validation) {
        (Some(_), Some(_)) => Err(Error::invalid_param("validation", "give either a validation set or a validation fraction, not both")),
        (Some((vx, vy)), None) => {
            let v = ColMajor::with_features(vx, vy.len(), xm.n_features())
                .map_err(|e| Error::new(e.code(), format!("validation set: {}", e.message())))?;
            Model::fit_observed(xm, y, &spec, Some((v, vy)), observer)
        }
        (None, Some(split)) => {
            if !spec.0.uses_validation() {
                return Err(Error::invalid_param("validation", format!("is only used by gbt, not {}", spec.kind())));
            }
            fit_holdout(xm, y, &spec, &split, observer)
        }
        (None, None) => Model::fit_observed(xm, y, &spec, None, observer),
    }
}

/// Fits `spec` on the rows of `x` that `split` keeps for training, with the stratified rest as the
/// validation set. The one place a validation part is cut from training rows: fit options and the
/// grid search's early stopping (select/early_stop.rs) both come here.
pub(crate) fn fit_holdout(x: ColMajor, y: &[f32], spec: &ModelSpec, split: &ValidationSplit, observer: &mut dyn Observer) -> Result<Model> {
    let labels = BinaryLabels::with_both_classes(y, x.n_rows())?;
    let (train, held) = stratified_holdout(&labels, split.fraction, split.seed)?;
    let pick = |rows: &[u32]| -> Vec<f32> { rows.iter().map(|&i| y[i as usize]).collect() };
    let (xt, xv) = (x.take_rows(&train), x.take_rows(&held));
    let (yt, yv) = (pick(&train), pick(&held));
    let v = ColMajor::new(&xv, held.len())?;
    Model::fit_observed(ColMajor::new(&xt, train.len())?, &yt, spec, Some((v, &yv)), observer)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `n` noisy rows x 3 features (column-major; one informative), labels: deep, fast boosting
    /// overfits them, so validation loss bottoms out early, then rises. Shared by the early-stopping tests.
    pub(crate) fn noisy_rows(n: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
        let mut rng = mp_core::Rng::new(seed);
        let mut x = vec![0f32; n * 3];
        let mut y = vec![0f32; n];
        for i in 0..n {
            let a = rng.next_f64();
            for j in 0..3 {
                x[j * n + i] = if j == 0 { a as f32 } else { rng.next_f64() as f32 };
            }
            y[i] = f32::from(a + 0.6 * (rng.next_f64() - 0.5) > 0.5);
        }
        (x, y)
    }

    fn overfitting_data() -> (Vec<f32>, Vec<f32>, usize) {
        let (x, y) = noisy_rows(400, 11);
        (x, y, 400)
    }

    const SPEC: &str = r#"{"kind":"gbt","params":{"n_estimators":200,"learning_rate":0.5,"max_depth":6,"min_child_weight":0,"early_stopping_rounds":5,"seed":1}}"#;

    #[test]
    fn a_validation_fraction_stops_early_and_reports_progress() {
        let (x, y, n) = overfitting_data();
        let mut seen = Vec::new();
        let m = fit_with(&x, n, &y, SPEC, Some(r#"{"validation":{"fraction":0.25,"seed":3}}"#), None, &mut JsonProgress(|s| seen.push(s))).unwrap();
        let info: serde_json::Value = serde_json::from_str(&m.info_json()).unwrap();
        let best = info["fit"]["best_iteration"].as_u64().unwrap();
        let rounds = info["fit"]["eval_log"].as_array().unwrap().len() as u64;
        assert!(best < 50 && rounds == best + 6, "best {best}, rounds {rounds}");
        assert_eq!(info["fit"]["n_trees"].as_u64().unwrap(), best + 1);
        assert_eq!(seen.len() as u64, rounds);
        let first: serde_json::Value = serde_json::from_str(&seen[0]).unwrap();
        assert_eq!(first["iteration"], 0);
        assert!(first["metrics"]["valid_logloss"].is_f64() && first["metrics"]["train_logloss"].is_f64(), "{first}");
    }

    #[test]
    fn an_explicit_validation_set_matches_the_same_rows_given_as_a_fraction() {
        let (x, y, n) = overfitting_data();
        let labels = BinaryLabels::new(&y, n).unwrap();
        let (train, held) = stratified_holdout(&labels, 0.25, 3).unwrap();
        let xm = ColMajor::new(&x, n).unwrap();
        let pick = |rows: &[u32]| -> Vec<f32> { rows.iter().map(|&i| y[i as usize]).collect() };
        let (xt, xv, yt, yv) = (xm.take_rows(&train), xm.take_rows(&held), pick(&train), pick(&held));
        let noop = &mut mp_core::NoopObserver;
        let a = fit_with(&xt, train.len(), &yt, SPEC, None, Some((&xv, &yv)), noop).unwrap();
        let b = fit_with(&x, n, &y, SPEC, Some(r#"{"validation":{"fraction":0.25,"seed":3}}"#), None, noop).unwrap();
        assert_eq!(a.to_bytes().unwrap(), b.to_bytes().unwrap());
    }

    #[test]
    fn bad_validation_requests_are_named() {
        let (x, y, n) = overfitting_data();
        let noop = &mut mp_core::NoopObserver;
        let frac = Some(r#"{"validation":{"fraction":0.25,"seed":3}}"#);
        let e = fit_with(&x, n, &y, SPEC, frac, Some((&x[..30], &y[..10])), noop).unwrap_err();
        assert!(e.message().contains("not both"), "{e}");
        let e = fit_with(&x, n, &y, SPEC, None, Some((&x[..20], &y[..10])), noop).unwrap_err();
        assert_eq!(e.code(), ErrorCode::ShapeMismatch);
        assert!(e.message().starts_with("validation set:"), "{e}");
        let e = fit_with(&x, n, &y, r#"{"kind":"logistic"}"#, frac, None, noop).unwrap_err();
        assert!(e.message().contains("only used by gbt"), "{e}");
        for (o, needle) in [(r#"{"validation":{"fraction":1.5,"seed":1}}"#, "validation.fraction"), (r#"{"validation":{"fraction":0.5}}"#, "seed"), (r#"{"valid":1}"#, "valid")] {
            let e = fit_with(&x, n, &y, SPEC, Some(o), None, noop).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidParam, "{o}");
            assert!(e.message().contains(needle), "{o}: {e}");
        }
    }
}
