//! Exact sharing inside the grid search: fit less, answer the same.
//!
//! - Prefixes: configurations of a kind with prefix parameters ([`crate::kinds::Kind::PREFIX_PARAMS`]:
//!   `n_estimators` of boosting, `n_estimators` and `max_depth` of forests) that differ only in them form
//!   one group; per fold the largest is fitted once and every member is scored by the model cut to its
//!   values (the first `m` trees, each cut at depth `d`), which is bit-identical to fitting that member
//!   from scratch (a configuration that must not share, e.g. boosting with early stopping, stays alone).
//! - Paths (share/path.rs): configurations of a kind with a path parameter ([`crate::kinds::Kind::PATH_PARAM`]:
//!   `l2` of logistic regression) that differ only in it are fitted per fold as one warm-started path.
//!   Unlike the two above this is not bit-identical to fitting each from scratch, only equal within the
//!   solver's tolerance (tests::logistic_paths_match_cold_fits states the bounds).
//! - Binning: each fold's training rows are binned once per distinct binning (`max_bin`, seed, layout)
//!   and every fit of that fold asking for it reuses the bins.
use crate::spec::ModelSpec;
use mp_core::metrics::BinaryMetrics;
use mp_core::{ColMajor, Result};
use mp_select::{Fold, FoldScores};
use mp_tree::BinnedMatrix;
use std::collections::BTreeMap;
mod path;

/// Configurations (grid indices) scored by one fit per fold.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Group {
    /// In grid order.
    pub members: Vec<usize>,
    /// The configuration that is fitted: the one at least as large as every member in every prefix
    /// parameter (the first of equals).
    pub fit: usize,
    /// Each member's prefix values (`None` for a configuration alone: it is predicted whole).
    pub cuts: Option<Vec<Vec<usize>>>,
    /// Fitted as one warm-started path over the members (share/path.rs); `fit` is the first member.
    pub path: bool,
}

/// Groups `specs` by everything but their prefix parameters; groups come in the order of their first
/// member. A set of configurations without one that covers all the others is not shared.
pub(super) fn plan(specs: &[ModelSpec]) -> Vec<Group> {
    let mut groups: Vec<Vec<(usize, Vec<usize>)>> = Vec::new();
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    for (i, spec) in specs.iter().enumerate() {
        match spec.0.prefix_share() {
            Some((key, cut)) => {
                let g = *by_key.entry(key).or_insert_with(|| {
                    groups.push(Vec::new());
                    groups.len() - 1
                });
                groups[g].push((i, cut));
            }
            None => groups.push(vec![(i, Vec::new())]),
        }
    }
    let alone = |i: usize| Group { members: vec![i], fit: i, cuts: None, path: false };
    let mut out = Vec::new();
    for g in groups {
        let covers = |a: &[usize]| g.iter().all(|(_, b)| a.iter().zip(b).all(|(x, y)| x >= y));
        match g.iter().find(|(_, c)| covers(c)) {
            Some(&(fit, _)) if g.len() > 1 => {
                let (members, cuts) = g.into_iter().unzip();
                out.push(Group { members, fit, cuts: Some(cuts), path: false });
            }
            _ => out.extend(g.into_iter().map(|(i, _)| alone(i))),
        }
    }
    path::join(specs, out)
}

/// One fold's rows, copied out once for all of its groups, and its training rows binned once per binning.
pub(super) struct FoldData {
    pub x_train: Vec<f32>,
    pub y_train: Vec<f32>,
    pub x_test: Vec<f32>,
    pub y_test: Vec<f32>,
    bins: Vec<BinnedMatrix>,
}

pub(super) fn prepare(x: &ColMajor, y: &[f32], fold: &Fold, specs: &[ModelSpec], groups: &[Group]) -> Result<FoldData> {
    let x_train = x.take_rows(&fold.train);
    let train = ColMajor::new(&x_train, fold.train.len())?;
    let mut bins: Vec<BinnedMatrix> = Vec::new();
    // An early-stopping fit trains on part of these rows (early_stop.rs): it bins its own.
    for g in groups.iter().filter(|g| !specs[g.fit].0.early_stops()) {
        if let Some(spec) = specs[g.fit].0.bin_spec(&train) {
            if !bins.iter().any(|b| b.spec() == spec) {
                bins.push(BinnedMatrix::from_spec(train, spec)?);
            }
        }
    }
    Ok(FoldData {
        y_train: fold.train.iter().map(|&i| y[i as usize]).collect(),
        x_test: x.take_rows(&fold.test),
        y_test: fold.test.iter().map(|&i| y[i as usize]).collect(),
        x_train,
        bins,
    })
}

/// Fits `group`'s configuration on the fold's training rows and scores every member on its test rows.
pub(super) fn score_group(d: &FoldData, specs: &[ModelSpec], group: &Group) -> Result<Vec<FoldScores>> {
    let spec = &specs[group.fit].0;
    let train = ColMajor::new(&d.x_train, d.y_train.len())?;
    let test = ColMajor::with_features(&d.x_test, d.y_test.len(), train.n_features())?;
    if group.path {
        let models = path::fit(train, &d.y_train, specs, group)?;
        return models.iter().map(|m| fold_scores(&d.y_test, &m.predict(test)?)).collect();
    }
    let bins = spec.bin_spec(&train).and_then(|s| d.bins.iter().find(|b| b.spec() == s));
    let model = spec.fit_grid(train, &d.y_train, bins)?;
    let predictions = match &group.cuts {
        Some(cuts) => model.predict_prefixes(test, cuts)?,
        None => vec![model.predict(test)?],
    };
    predictions.iter().map(|p| fold_scores(&d.y_test, p)).collect()
}

/// Every metric of one configuration on one fold's held-out rows.
pub(super) fn fold_scores(y_test: &[f32], p: &[f32]) -> Result<FoldScores> {
    let m = BinaryMetrics::compute(y_test, p, 0.5)?;
    Ok(vec![
        ("accuracy".into(), m.accuracy),
        ("f1".into(), m.f1),
        ("log_loss".into(), m.log_loss),
        ("precision".into(), m.precision),
        ("recall".into(), m.recall),
        ("roc_auc".into(), m.roc_auc),
    ])
}

#[cfg(test)]
mod tests {
    use super::super::{build_report, expand_grid, grid_search, grid_search_observed, Scoring, SearchReport};
    use super::*;
    use crate::model::Model;
    use mp_core::{BinaryLabels, Rng};
    use mp_select::{evaluate_grid, stratified_kfold};
    use std::sync::Mutex;

    /// Seeded nonlinear data with missing values.
    fn data(n: usize, f: usize) -> (Vec<f32>, Vec<f32>) {
        let mut rng = Rng::new(11);
        let x: Vec<f32> = (0..n * f).map(|k| if k % 17 == 5 { f32::NAN } else { (rng.next_f64() * 2.0 - 1.0) as f32 }).collect();
        let g = |j: usize, i: usize| if x[j * n + i].is_nan() { 0.3 } else { x[j * n + i] as f64 };
        let z = |i: usize| 2.0 * g(0, i) + 3.0 * g(1, i) * g(2, i) - g(3, i).abs();
        let y = (0..n).map(|i| f32::from(rng.next_f64() < 1.0 / (1.0 + (-z(i)).exp()))).collect();
        (x, y)
    }

    /// The grid search as it was before sharing: every configuration fitted from scratch on every fold.
    fn unshared(x: &[f32], n: usize, y: &[f32], grid: &str, folds: usize, seed: u64) -> String {
        let specs = expand_grid(grid).unwrap();
        let xm = ColMajor::new(x, n).unwrap();
        let split = stratified_kfold(&BinaryLabels::with_both_classes(y, n).unwrap(), folds, seed).unwrap();
        let reports = evaluate_grid(&specs, &split, "roc_auc", true, |spec, fold| {
            let x_train = xm.take_rows(&fold.train);
            let y_train: Vec<f32> = fold.train.iter().map(|&i| y[i as usize]).collect();
            let model = Model::fit(ColMajor::new(&x_train, fold.train.len())?, &y_train, spec)?;
            let p = model.predict(&xm.take_rows(&fold.test), fold.test.len())?;
            fold_scores(&fold.test.iter().map(|&i| y[i as usize]).collect::<Vec<_>>(), &p)
        })
        .unwrap();
        // the same search record: every configuration x fold + the refit; the trainings the shared search makes
        let search = SearchReport::Grid { fits: specs.len() * folds + 1, trainings: plan(&specs).len() * folds + 1 };
        serde_json::to_string(&build_report(&specs, reports, None, search, Scoring::RocAuc, folds, seed).unwrap().0).unwrap()
    }

    fn members(grid: &str) -> Vec<Vec<usize>> {
        plan(&expand_grid(grid).unwrap()).into_iter().map(|g| g.members).collect()
    }

    #[test]
    fn shared_reports_are_byte_identical_to_fitting_every_configuration() {
        let (n, f) = (900, 6);
        let (x, y) = data(n, f);
        let grids = [
            // boosting: prefixes of the largest per (depth, rate), one binning per fold; a repeated size too
            r#"{"kind":"gbt","params":{"subsample":0.8,"colsample_bytree":0.7,"seed":5},"grid":{"n_estimators":[4,9,2,9],"max_depth":[2,4],"learning_rate":[0.1,0.3]}}"#,
            r#"{"kind":"gbt","params":{"max_bin":32},"grid":{"n_estimators":[6,3],"seed":[1,2]}}"#,
            // forests: prefixes of trees cut at depths; two binnings per fold (per-node sampling or not: other layouts)
            r#"{"kind":"forest","params":{"seed":4,"max_bin":64},"grid":{"n_estimators":[3,8,5],"max_depth":[6,2],"max_features":["sqrt","all"]}}"#,
            r#"{"kind":"forest","params":{"seed":6,"bootstrap":false,"max_features":0.5},"grid":{"max_depth":[9,3],"min_samples_leaf":[1,4]}}"#,
            // logistic configurations that differ in more than l2 are not on one path: fitted alone
            r#"{"kind":"logistic","params":{"l2":0.1},"grid":{"tol":[1e-4,1e-6]}}"#,
        ];
        let filled: Vec<f32> = x.iter().map(|v| if v.is_nan() { 0.0 } else { *v }).collect(); // logistic takes no NaN
        for g in grids {
            let x = if g.contains("logistic") { &filled } else { &x };
            let (report, _) = grid_search(x, n, &y, g, 3, 8, Scoring::RocAuc).unwrap();
            assert_eq!(serde_json::to_string(&report).unwrap(), unshared(x, n, &y, g, 3, 8), "{g}");
        }
    }

    #[test]
    fn configurations_share_a_fit_only_when_they_differ_in_the_prefix_parameter_alone() {
        // the pipeline's full boosting grid: 8 configurations, 4 fits per fold (each 400 rounds, scoring 200 and 400)
        let full = r#"{"kind":"gbt","params":{"subsample":0.9,"colsample_bytree":0.9,"seed":7},"grid":{"n_estimators":[200,400],"max_depth":[4,6],"learning_rate":[0.05,0.1]}}"#;
        assert_eq!(members(full), vec![vec![0, 1], vec![2, 3], vec![4, 5], vec![6, 7]]);
        let specs = expand_grid(full).unwrap();
        let groups = plan(&specs);
        assert!(groups.iter().all(|g| specs[g.fit].params_json()["n_estimators"] == 400 && g.cuts == Some(vec![vec![200], vec![400]])));
        // the pipeline's full forest grid: 4 configurations, 2 fits per fold (depth 16, scoring depth 10 and 16)
        let forest = r#"{"kind":"forest","params":{"seed":7},"grid":{"n_estimators":[200],"max_depth":[10,16],"min_samples_leaf":[1,5]}}"#;
        assert_eq!(members(forest), vec![vec![0, 2], vec![1, 3]]);
        let specs = expand_grid(forest).unwrap();
        assert!(plan(&specs).iter().all(|g| specs[g.fit].params_json()["max_depth"] == 16));
        // the largest is fitted even when it comes first; a lone configuration is predicted whole
        let g = plan(&expand_grid(r#"{"kind":"forest","params":{"seed":1,"max_depth":4},"grid":{"n_estimators":[30,10,20]}}"#).unwrap());
        assert_eq!(g, vec![Group { members: vec![0, 1, 2], fit: 0, cuts: Some(vec![vec![30, 4], vec![10, 4], vec![20, 4]]), path: false }]);
        let g = plan(&expand_grid(r#"{"kind":"forest","params":{"seed":1,"n_estimators":5}}"#).unwrap());
        assert_eq!(g, vec![Group { members: vec![0], fit: 0, cuts: None, path: false }]);
        // configurations none of which covers the others (more trees but shallower) are fitted alone
        let specs: Vec<ModelSpec> = [(10, 8), (20, 4)]
            .iter()
            .map(|(n, d)| ModelSpec::from_value(serde_json::json!({"kind": "forest", "params": {"seed": 1, "n_estimators": n, "max_depth": d}})).unwrap())
            .collect();
        assert_eq!(plan(&specs).into_iter().map(|g| g.members).collect::<Vec<_>>(), vec![vec![0], vec![1]]);
        // early stopping depends on later rounds: never shared; logistic has no prefix parameter but l2 paths
        assert_eq!(members(r#"{"kind":"gbt","params":{"seed":3,"early_stopping_rounds":2},"grid":{"n_estimators":[3,5]}}"#), vec![vec![0], vec![1]]);
        assert_eq!(members(r#"{"kind":"gbt","params":{"seed":3},"grid":{"n_estimators":[3,5],"early_stopping_rounds":[0,4]}}"#), vec![vec![0, 1], vec![2], vec![3]]);
        assert_eq!(members(r#"{"kind":"logistic","grid":{"l2":[1,2]}}"#), vec![vec![0, 1]]);
        assert_eq!(members(r#"{"kind":"logistic","grid":{"l2":[1,2],"tol":[1e-4,1e-6]}}"#), vec![vec![0, 2], vec![1, 3]]);
        assert_eq!(members(r#"{"kind":"logistic","params":{"l2":1},"grid":{"tol":[1e-4,1e-6]}}"#), vec![vec![0], vec![1]]);
        let specs = expand_grid(r#"{"kind":"logistic","grid":{"l2":[1,2,3]}}"#).unwrap();
        assert_eq!(plan(&specs), vec![Group { members: vec![0, 1, 2], fit: 0, cuts: None, path: true }]);
        // any other parameter differing (the seed too) means another model
        assert_eq!(members(r#"{"kind":"gbt","grid":{"n_estimators":[3,5],"seed":[1,2]}}"#), vec![vec![0, 2], vec![1, 3]]);
    }

    /// Stated tolerance: warm-started paths change each fold's ROC AUC and log-loss by at most 1e-4
    /// against cold fits at the default `tol` (measured: AUC 0, log-loss 1.3e-5), by 1e-9 and 1e-8 at
    /// `tol` 1e-9 (measured: 0, 1.6e-9), and pick the same best configuration.
    #[test]
    fn logistic_paths_match_cold_fits() {
        let (n, f) = (1500, 6);
        let (x, y) = data(n, f);
        let x: Vec<f32> = x.iter().map(|v| if v.is_nan() { 0.0 } else { *v }).collect();
        for (tol, auc_bound, loss_bound) in [(1e-4, 1e-4, 1e-4), (1e-9, 1e-9, 1e-8)] {
            let g = format!(r#"{{"kind":"logistic","params":{{"tol":{tol}}},"grid":{{"l2":[0.01,0.1,1,10,100,1000,3000]}}}}"#);
            assert_eq!(plan(&expand_grid(&g).unwrap()).len(), 1, "one path");
            let (report, _) = grid_search(&x, n, &y, &g, 5, 3, Scoring::RocAuc).unwrap();
            let cold: serde_json::Value = serde_json::from_str(&unshared(&x, n, &y, &g, 5, 3)).unwrap();
            let warm = serde_json::to_value(&report).unwrap();
            assert_eq!(warm["best_index"], cold["best_index"], "tol {tol}");
            for (metric, bound) in [("roc_auc", auc_bound), ("log_loss", loss_bound)] {
                let mut worst = 0f64;
                for (a, b) in warm["configs"].as_array().unwrap().iter().zip(cold["configs"].as_array().unwrap()) {
                    let folds = |c: &serde_json::Value| c["metrics"][metric]["folds"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect::<Vec<_>>();
                    assert_eq!(folds(a).len(), 5);
                    worst = folds(a).iter().zip(folds(b)).map(|(a, b)| (a - b).abs()).fold(worst, f64::max);
                }
                assert!(worst <= bound, "tol {tol}: {metric} differs by {worst:e}");
            }
        }
        let seen = Mutex::new(Vec::new());
        let g = r#"{"kind":"logistic","grid":{"l2":[0.1,1,10,100,1000]}}"#;
        grid_search_observed(&x, n, &y, g, r#"{"seed":1,"folds":3}"#, &|p| seen.lock().unwrap().push((p.fits_done, p.fits_total))).unwrap();
        assert_eq!(seen.into_inner().unwrap(), (1..=16).map(|d| (d, 16)).collect::<Vec<_>>(), "5 configs x 3 folds + refit");
    }

    #[test]
    fn progress_counts_each_configuration_a_shared_fit_scores() {
        let (n, f) = (300, 4);
        let (x, y) = data(n, f);
        let g = r#"{"kind":"gbt","params":{"seed":2},"grid":{"n_estimators":[2,5,3],"max_depth":[2,3]}}"#;
        let seen = Mutex::new(Vec::new());
        grid_search_observed(&x, n, &y, g, r#"{"seed":1,"folds":3}"#, &|p| seen.lock().unwrap().push((p.fits_done, p.fits_total))).unwrap();
        assert_eq!(seen.into_inner().unwrap(), (1..=19).map(|d| (d, 19)).collect::<Vec<_>>(), "6 configs x 3 folds + refit");
    }
}
