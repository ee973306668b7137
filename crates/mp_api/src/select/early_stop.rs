//! Early stopping inside the grid search.
//!
//! A configuration that asks for it (gbt `early_stopping_rounds` > 0, in `params` or in `grid`) must not
//! stop on the fold's held-out rows (they score it) and must not run without a validation set (nothing
//! would stop). So each of its fits holds out a stratified, seeded `validation_fraction` (grid option,
//! default 0.1) of that fit's own training rows: the fold's training rows in cross-validation, all rows
//! in the refit of the best. It trains on the rest, stops on the held-out part, keeps the rounds up to
//! its best one, and is scored on the fold's held-out rows. The cut is [`crate::fit::fit_holdout`], the
//! same as fit options `{"validation": {"fraction", "seed"}}` with the report's `validation_seed`.
//! Configurations without early stopping are fitted as before; their report entries are unchanged.
use super::share::{fold_scores, FoldData};
use crate::fit::{fit_holdout, ValidationSplit};
use crate::model::Model;
use crate::spec::ModelSpec;
use mp_core::{ColMajor, Error, NoopObserver, Result, Rng};
use mp_select::{ConfigReport, FoldScores};
use serde::Serialize;

/// Share of each fit's training rows held out for early stopping unless the grid options say otherwise.
pub const DEFAULT_VALIDATION_FRACTION: f64 = 0.1;

/// Stream of `Rng::derive(grid seed, ..)` that seeds the validation cut (apart from the fold split's).
const VALIDATION_STREAM: u64 = 0x0076_616c_6964; // "valid"

/// Pseudo-metric carrying a fit's best iteration through the fold evaluation; moved out of the metrics
/// into [`EarlyStopping`] by [`take_best_iterations`].
const BEST_ITERATION: &str = "best_iteration";

/// What early stopping found for one configuration, in a grid report's config entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EarlyStopping {
    /// Per fold, the last kept boosting round (0-based: the fold's model keeps `best + 1` trees).
    pub best_iterations: Vec<u32>,
    pub mean_best_iteration: f64,
}

/// How a search's early-stopping fits cut their validation part, in the grid report when any configuration early-stops.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchEarlyStopping {
    /// Share of each fit's training rows held out (stratified) as its validation set.
    pub validation_fraction: f64,
    /// Seeds every cut (derived from the grid seed); with the fraction it reproduces the refit through fit options.
    pub validation_seed: u64,
    /// The best iteration of the refit of the best configuration on all rows, when that configuration early-stops.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub refit_best_iteration: Option<u32>,
}

/// The validation cut of one search.
#[derive(Debug, Clone, Copy)]
pub(super) struct Holdout {
    fraction: f64,
    seed: u64,
}

impl Holdout {
    /// `fraction` from the grid options (checked, in (0, 1)), seeded from the grid seed. A fraction given
    /// to a grid none of whose `specs` early-stops is refused rather than ignored.
    pub fn new(fraction: Option<f64>, grid_seed: u64, specs: &[ModelSpec]) -> Result<Self> {
        if let Some(f) = fraction {
            if !(f > 0.0 && f < 1.0) {
                return Err(Error::invalid_param("validation_fraction", format!("must be in (0, 1), got {f}")));
            }
            if !specs.iter().any(|s| s.0.early_stops()) {
                return Err(Error::invalid_param("validation_fraction", "is only used by configurations with early stopping (gbt early_stopping_rounds > 0); none has it"));
            }
        }
        // 53 bits: the reported seed stays exact as a JavaScript number.
        let seed = Rng::derive(grid_seed, VALIDATION_STREAM).next_u64() >> 11;
        Ok(Holdout { fraction: fraction.unwrap_or(DEFAULT_VALIDATION_FRACTION), seed })
    }

    /// Fits `spec` with early stopping on a validation part of (`x`, `y`).
    pub fn fit(&self, x: ColMajor, y: &[f32], spec: &ModelSpec) -> Result<Model> {
        let split = ValidationSplit { fraction: self.fraction, seed: self.seed };
        fit_holdout(x, y, spec, &split, &mut NoopObserver)
            .map_err(|e| Error::new(e.code(), format!("early stopping of {} (grid option validation_fraction {}): {}", spec.kind(), self.fraction, e.message())))
    }

    /// The report's summary of this cut, with the refit's best iteration.
    pub fn report(&self, refit_best_iteration: Option<u32>) -> SearchEarlyStopping {
        SearchEarlyStopping { validation_fraction: self.fraction, validation_seed: self.seed, refit_best_iteration }
    }

    /// Scores early-stopping `spec` on one fold: fitted on the fold's training rows (less their validation
    /// part), scored on its held-out rows; the best iteration rides along as [`BEST_ITERATION`].
    pub fn score(&self, d: &FoldData, spec: &ModelSpec) -> Result<Vec<FoldScores>> {
        let train = ColMajor::new(&d.x_train, d.y_train.len())?;
        let model = self.fit(train, &d.y_train, spec)?;
        let mut scores = fold_scores(&d.y_test, &model.predict(&d.x_test, d.y_test.len())?)?;
        let best = model.best_iteration().ok_or_else(|| Error::internal(format!("a {} fit reports no best iteration", spec.kind())))?;
        scores.push((BEST_ITERATION.into(), f64::from(best)));
        Ok(vec![scores])
    }
}

/// Moves the best iterations [`Holdout::score`] put among the metrics into one [`EarlyStopping`] per
/// configuration (`None` for configurations without early stopping, whose reports are left as they were).
pub(super) fn take_best_iterations(reports: &mut [ConfigReport]) -> Vec<Option<EarlyStopping>> {
    reports
        .iter_mut()
        .map(|r| {
            r.metrics.remove(BEST_ITERATION).map(|s| EarlyStopping { best_iterations: s.folds.iter().map(|&b| b as u32).collect(), mean_best_iteration: s.mean })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{grid_search, grid_search_json, GridReport, Scoring};
    use crate::fit::fit_with;
    use crate::fit::tests::noisy_rows;
    use mp_core::metrics::BinaryMetrics;
    use mp_core::{BinaryLabels, ErrorCode, NoopObserver};
    use mp_select::stratified_kfold;

    fn noisy(n: usize) -> (Vec<f32>, Vec<f32>) {
        noisy_rows(n, 21)
    }

    const STOPPING: &str = r#"{"kind":"gbt","params":{"n_estimators":150,"learning_rate":0.5,"max_depth":6,"min_child_weight":0,"seed":1},"grid":{"early_stopping_rounds":[4]}}"#;

    #[test]
    fn each_fold_stops_on_part_of_its_own_training_rows_and_is_scored_on_its_held_out_rows() {
        let n = 420;
        let (x, y) = noisy(n);
        let (report, best) = grid_search(&x, n, &y, STOPPING, 3, 5, Scoring::RocAuc).unwrap();
        let es = report.early_stopping.clone().expect("the search reports its validation cut");
        assert_eq!(es.validation_fraction, super::DEFAULT_VALIDATION_FRACTION);
        let entry = report.configs[0].early_stopping.clone().expect("the configuration reports its best iterations");
        assert_eq!(entry.best_iterations.len(), 3);
        assert!(entry.best_iterations.iter().all(|&b| b < 60), "stopped well before 150 rounds: {:?}", entry.best_iterations);
        let mean = entry.best_iterations.iter().map(|&b| f64::from(b)).sum::<f64>() / 3.0;
        assert_eq!(entry.mean_best_iteration, mean);
        assert!(!report.configs[0].report.metrics.contains_key("best_iteration"), "moved out of the metrics");
        // by construction: each fold is the fit-options holdout of that fold's training rows alone
        let xm = mp_core::ColMajor::new(&x, n).unwrap();
        let options = format!(r#"{{"validation":{{"fraction":0.1,"seed":{}}}}}"#, es.validation_seed);
        let spec = r#"{"kind":"gbt","params":{"n_estimators":150,"learning_rate":0.5,"max_depth":6,"min_child_weight":0,"seed":1,"early_stopping_rounds":4}}"#;
        let split = stratified_kfold(&BinaryLabels::with_both_classes(&y, n).unwrap(), 3, 5).unwrap();
        for (k, fold) in split.iter().enumerate() {
            let pick = |rows: &[u32]| -> Vec<f32> { rows.iter().map(|&i| y[i as usize]).collect() };
            let m = fit_with(&xm.take_rows(&fold.train), fold.train.len(), &pick(&fold.train), spec, Some(&options), None, &mut NoopObserver).unwrap();
            assert_eq!(m.best_iteration(), Some(entry.best_iterations[k]), "fold {k}");
            let p = m.predict(&xm.take_rows(&fold.test), fold.test.len()).unwrap();
            let auc = BinaryMetrics::compute(&pick(&fold.test), &p, 0.5).unwrap().roc_auc;
            assert_eq!(report.configs[0].report.metrics["roc_auc"].folds[k], auc, "fold {k}");
        }
        // the refit: the same cut of all rows
        let refit = fit_with(&x, n, &y, spec, Some(&options), None, &mut NoopObserver).unwrap();
        assert_eq!(best.to_bytes().unwrap(), refit.to_bytes().unwrap());
        assert_eq!(es.refit_best_iteration, refit.best_iteration());
        assert!(es.refit_best_iteration.unwrap() < 60);
    }

    #[test]
    fn a_fold_never_validates_on_its_held_out_rows() {
        // Scrambling the features of fold 0's held-out rows cannot change fold 0's early stopping: its
        // fit sees only its training rows (the other folds train on those rows, so theirs may change).
        let n = 420;
        let (x, y) = noisy(n);
        let (before, _) = grid_search(&x, n, &y, STOPPING, 3, 5, Scoring::RocAuc).unwrap();
        let split = stratified_kfold(&BinaryLabels::with_both_classes(&y, n).unwrap(), 3, 5).unwrap();
        let mut scrambled = x.clone();
        for &i in &split[0].test {
            for j in 0..3 {
                scrambled[j * n + i as usize] = 1.0 - scrambled[j * n + i as usize];
            }
        }
        let (after, _) = grid_search(&scrambled, n, &y, STOPPING, 3, 5, Scoring::RocAuc).unwrap();
        let its = |r: &GridReport| r.configs[0].early_stopping.clone().unwrap().best_iterations;
        assert_eq!(its(&before)[0], its(&after)[0]);
        assert_ne!(before.configs[0].report.metrics["roc_auc"].folds[0], after.configs[0].report.metrics["roc_auc"].folds[0], "fold 0 is scored on the scrambled rows");
        assert_ne!(its(&before)[1..], its(&after)[1..], "the other folds did train on them");
    }

    #[test]
    fn configurations_without_early_stopping_are_reported_as_before() {
        let n = 300;
        let (x, y) = noisy(n);
        let mixed = r#"{"kind":"gbt","params":{"seed":2,"learning_rate":0.5},"grid":{"n_estimators":[5,30],"early_stopping_rounds":[0,3]}}"#;
        let plain = r#"{"kind":"gbt","params":{"seed":2,"learning_rate":0.5,"early_stopping_rounds":0},"grid":{"n_estimators":[5,30]}}"#;
        let (m, _) = grid_search(&x, n, &y, mixed, 3, 9, Scoring::RocAuc).unwrap();
        let (p, _) = grid_search(&x, n, &y, plain, 3, 9, Scoring::RocAuc).unwrap();
        // mixed grid order (early_stopping_rounds, n_estimators): (0, 5), (0, 30), (3, 5), (3, 30)
        for (mi, pi) in [(0, 0), (1, 1)] {
            assert_eq!(m.configs[mi].report.metrics, p.configs[pi].report.metrics);
            assert!(m.configs[mi].early_stopping.is_none());
        }
        assert!(m.configs[2].early_stopping.is_some() && m.configs[3].early_stopping.is_some());
        let json = serde_json::to_string(&p).unwrap();
        assert!(!json.contains("early_stopping\":") && !json.contains("best_iteration"), "{json}");
        let json = serde_json::to_string(&m).unwrap();
        assert!(json.contains("\"best_iterations\"") && json.contains("\"validation_seed\""), "{json}");
        // the same seed gives the same report
        assert_eq!(json, serde_json::to_string(&grid_search(&x, n, &y, mixed, 3, 9, Scoring::RocAuc).unwrap().0).unwrap());
    }

    #[test]
    fn the_validation_fraction_is_an_option_of_the_search() {
        let n = 300;
        let (x, y) = noisy(n);
        let (a, _) = grid_search_json(&x, n, &y, STOPPING, r#"{"seed":5,"folds":3,"validation_fraction":0.3}"#).unwrap();
        let a: serde_json::Value = serde_json::from_str(&a).unwrap();
        assert_eq!(a["early_stopping"]["validation_fraction"], 0.3);
        let (b, _) = grid_search_json(&x, n, &y, STOPPING, r#"{"seed":5,"folds":3}"#).unwrap();
        let b: serde_json::Value = serde_json::from_str(&b).unwrap();
        assert_eq!(b["early_stopping"]["validation_fraction"], 0.1);
        assert_ne!(a["configs"][0]["metrics"]["roc_auc"], b["configs"][0]["metrics"]["roc_auc"], "another cut, another score");
        for (options, needle) in [
            (r#"{"seed":5,"validation_fraction":0}"#, "(0, 1), got 0"),
            (r#"{"seed":5,"validation_fraction":1}"#, "(0, 1), got 1"),
            (r#"{"seed":5,"validation_fraction":-0.2}"#, "(0, 1), got -0.2"),
            (r#"{"seed":5,"validation_fraction":0.001}"#, "leaves no validation row"),
        ] {
            let e = grid_search_json(&x, n, &y, STOPPING, options).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidParam, "{options}");
            assert!(e.message().contains("validation_fraction") && e.message().contains(needle), "{options}: {e}");
        }
        let e = grid_search_json(&x, n, &y, r#"{"kind":"gbt","params":{"seed":1,"n_estimators":3}}"#, r#"{"seed":5,"validation_fraction":0.2}"#).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidParam);
        assert!(e.message().contains("validation_fraction") && e.message().contains("early stopping"), "{e}");
    }
}
