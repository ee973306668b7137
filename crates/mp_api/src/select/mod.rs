//! Cross-validation and grid search through the facade: any model kind, stratified folds, refit of the best.
//! Configurations that one fit can score share it, and each fold is binned once (share.rs): the report is
//! byte-identical to fitting every configuration on every fold from scratch. Configurations with early
//! stopping cut their validation set from each fit's own training rows (early_stop.rs). `search: "halving"`
//! runs successive halving instead of the exhaustive grid (halving.rs), sharing the same way within each iteration.
use crate::fit::GridProgress;
use crate::model::Model;
use crate::spec::ModelSpec;
mod early_stop;
mod halving;
mod share;
pub use early_stop::{EarlyStopping, SearchEarlyStopping, DEFAULT_VALIDATION_FRACTION};
pub use halving::{HalvingIteration, LastEvaluated};

use mp_core::{BinaryLabels, ColMajor, Error, ErrorCode, Result};
use mp_select::{evaluate_groups, stratified_kfold, ConfigReport, Fold};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// A grid: fixed `params` plus `grid` lists of values to try (cartesian product). No `grid` = plain CV.
/// `{"kind": "gbt", "params": {fixed...}, "grid": {"max_depth": [3, 6], ...}}`.
#[derive(Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct GridSpec {
    #[cfg_attr(feature = "ts", ts(type = "ModelKind"))]
    kind: String,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional, type = "Record<string, unknown>"))]
    params: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional, type = "Record<string, readonly unknown[]>"))]
    grid: BTreeMap<String, Vec<serde_json::Value>>,
}

/// How configurations are compared, all computed on each held-out fold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Scoring {
    RocAuc,
    LogLoss,
    Accuracy,
    F1,
}

impl Scoring {
    fn name(self) -> &'static str {
        match self {
            Scoring::RocAuc => "roc_auc",
            Scoring::LogLoss => "log_loss",
            Scoring::Accuracy => "accuracy",
            Scoring::F1 => "f1",
        }
    }
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GridReport {
    pub scoring: Scoring,
    pub folds: usize,
    pub seed: u64,
    /// One entry per configuration, in grid order: its full params and mean/std/per-fold of every metric.
    pub configs: Vec<ConfigEntry>,
    pub best_index: usize,
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub best_params: serde_json::Value,
    /// Which search ran and the fits it made.
    pub search: SearchReport,
    /// Present when a configuration early-stops: the validation cut and the refit's best iteration.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub early_stopping: Option<SearchEarlyStopping>,
}

/// The search that produced a report. `fits` counts as progress does: configurations x folds per
/// evaluation + 1 (the refit); `trainings` counts the models actually trained (a shared fit once).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SearchReport {
    Grid { fits: usize, trainings: usize },
    Halving { factor: usize, min_resources: usize, fits: usize, trainings: usize, iterations: Vec<HalvingIteration> },
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConfigEntry {
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
    pub params: serde_json::Value,
    #[serde(flatten)]
    pub report: ConfigReport,
    /// Present when the configuration early-stops: its best iteration per fold and their mean.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub early_stopping: Option<EarlyStopping>,
    /// Halving only: where the configuration was last evaluated (its scores are from there).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub last_evaluated: Option<LastEvaluated>,
}

/// Most configurations one grid may expand to.
pub const MAX_GRID_CONFIGS: usize = 10_000;

/// Expands the grid into validated specs (cartesian product, keys in sorted order, last key fastest).
pub fn expand_grid(grid_json: &str) -> Result<Vec<ModelSpec>> {
    let g: GridSpec = serde_json::from_str(grid_json)
        .map_err(|e| Error::new(ErrorCode::InvalidParam, format!("grid spec is not valid: {e}")))?;
    // Count before building: a huge product must be refused, not allocated.
    let count = g.grid.values().try_fold(1usize, |acc, v| acc.checked_mul(v.len()));
    match count {
        Some(c) if c <= MAX_GRID_CONFIGS => {}
        _ => {
            let sizes: Vec<String> = g.grid.iter().map(|(k, v)| format!("{k}: {}", v.len())).collect();
            let total = match count {
                Some(c) => c.to_string(),
                None => format!("more than {}", usize::MAX),
            };
            return Err(Error::invalid_param(
                "grid",
                format!("expands to {total} configurations ({}), over the limit of {MAX_GRID_CONFIGS}", sizes.join(" x ")),
            ));
        }
    }
    let mut combos: Vec<serde_json::Map<String, serde_json::Value>> = vec![g.params.clone()];
    for (name, values) in &g.grid {
        if values.is_empty() {
            return Err(Error::invalid_param(&format!("grid.{name}"), "has no values"));
        }
        if g.params.contains_key(name) {
            return Err(Error::invalid_param(&format!("grid.{name}"), "is also fixed in params; set it in one place"));
        }
        combos = combos
            .into_iter()
            .flat_map(|base| values.iter().map(move |v| (base.clone(), v.clone())))
            .map(|(mut base, v)| {
                base.insert(name.clone(), v);
                base
            })
            .collect();
    }
    combos
        .into_iter()
        .map(|params| ModelSpec::from_value(serde_json::json!({ "kind": g.kind, "params": params })))
        .collect()
}

/// `{"seed": 42, "folds": 5, "scoring": "roc_auc"}`: the seed is required (splits are never random by default).
/// `{"search": "halving", "factor": 3, "min_resources": 1000}` runs successive halving instead of the grid.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct GridOptions {
    /// Seeds the stratified fold split. Required: folds are never random by default.
    pub seed: u64,
    /// Stratified folds, >= 2 (default 5).
    #[cfg_attr(feature = "ts", ts(optional))]
    pub folds: Option<usize>,
    /// Metric that ranks configurations (default "roc_auc").
    #[cfg_attr(feature = "ts", ts(optional))]
    pub scoring: Option<Scoring>,
    /// Share of each fit's training rows held out (stratified, seeded) as the validation set of
    /// configurations with early stopping, in (0, 1) (default 0.1); refused when none early-stops.
    #[cfg_attr(feature = "ts", ts(optional))]
    pub validation_fraction: Option<f64>,
    /// "grid" (default): every configuration on every fold; "halving": successive halving (scikit-learn's
    /// HalvingGridSearchCV): each iteration scores the remaining configurations with more rows per
    /// training fold and keeps the best 1/factor, until the last comparison on (nearly) all rows.
    #[cfg_attr(feature = "ts", ts(optional, type = "\"grid\" | \"halving\""))]
    pub search: Option<String>,
    /// Halving: the rows multiply and the candidates divide by this integer >= 2 per iteration (default 3).
    #[cfg_attr(feature = "ts", ts(optional))]
    pub factor: Option<f64>,
    /// Halving: what grows per iteration; only "rows" (scikit-learn's n_samples, the default).
    #[cfg_attr(feature = "ts", ts(optional, type = "\"rows\""))]
    pub resource: Option<String>,
    /// Halving: rows of the first iteration (default scikit-learn's 'exhaust': the largest start whose
    /// needed iterations still fit in the rows), in [folds x 4 and both classes in every subsampled fold, rows].
    #[cfg_attr(feature = "ts", ts(optional))]
    pub min_resources: Option<f64>,
}

/// The search strategy of [`GridOptions`], checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Search {
    Grid,
    Halving { factor: usize, min_resources: Option<usize> },
}

impl GridOptions {
    pub fn from_json(json: &str) -> Result<Self> {
        serde_json::from_str(json).map_err(|e| Error::new(ErrorCode::InvalidParam, format!("grid options: {e}")))
    }
    pub fn folds(&self) -> usize {
        self.folds.unwrap_or(5)
    }
    pub fn scoring(&self) -> Scoring {
        self.scoring.unwrap_or(Scoring::RocAuc)
    }
    /// The search asked for; halving options with the grid search, or bad values, are INVALID_PARAM.
    pub fn search(&self) -> Result<Search> {
        let whole = |name: &str, v: f64, min: f64, range: &str| {
            if v.fract() == 0.0 && v >= min && v <= 1e15 {
                Ok(v as usize)
            } else {
                Err(Error::invalid_param(name, format!("must be an integer {range}, got {v}")))
            }
        };
        match self.search.as_deref().unwrap_or("grid") {
            "grid" => {
                let stray = [("factor", self.factor.is_some()), ("resource", self.resource.is_some()), ("min_resources", self.min_resources.is_some())];
                match stray.iter().find(|(_, set)| *set) {
                    Some((name, _)) => Err(Error::invalid_param(name, "applies to search \"halving\" only")),
                    None => Ok(Search::Grid),
                }
            }
            "halving" => {
                if let Some(r) = self.resource.as_deref().filter(|r| *r != "rows") {
                    return Err(Error::invalid_param("resource", format!("must be \"rows\", got {r:?}")));
                }
                let factor = whole("factor", self.factor.unwrap_or(3.0), 2.0, ">= 2")?;
                let min_resources = self.min_resources.map(|m| whole("min_resources", m, 1.0, ">= 1")).transpose()?;
                Ok(Search::Halving { factor, min_resources })
            }
            other => Err(Error::invalid_param("search", format!("must be \"grid\" or \"halving\", got {other:?}"))),
        }
    }
}


/// Grid search (or plain cross-validation: a grid without `grid`) with stratified k-fold CV.
/// Returns the report as JSON and the best configuration refit on all rows.
pub fn grid_search_json(x: &[f32], n_rows: usize, y: &[f32], grid_json: &str, options_json: &str) -> Result<(String, Model)> {
    grid_search_observed(x, n_rows, y, grid_json, options_json, &|_| {})
}

/// [`grid_search_json`] reporting each finished fit to `progress`, in order: `fits_done` goes 1, 2, ...
/// up to `fits_total` = configurations x folds (per iteration, for halving) + 1 (the refit of the best),
/// from whichever thread fitted.
pub fn grid_search_observed(
    x: &[f32],
    n_rows: usize,
    y: &[f32],
    grid_json: &str,
    options_json: &str,
    progress: &(dyn Fn(GridProgress) + Sync),
) -> Result<(String, Model)> {
    let o = GridOptions::from_json(options_json)?;
    let (report, best) = grid_search_with(x, n_rows, y, grid_json, o.folds(), o.seed, o.scoring(), o.validation_fraction, o.search()?, progress)?;
    Ok((serde_json::to_string(&report).map_err(|e| Error::internal(e.to_string()))?, best))
}

/// Grid search with stratified `folds`-fold CV; returns the report and the best configuration refit on all rows.
pub fn grid_search(x: &[f32], n_rows: usize, y: &[f32], grid_json: &str, folds: usize, seed: u64, scoring: Scoring) -> Result<(GridReport, Model)> {
    grid_search_with(x, n_rows, y, grid_json, folds, seed, scoring, None, Search::Grid, &|_| {})
}

#[allow(clippy::too_many_arguments)]
fn grid_search_with(
    x: &[f32],
    n_rows: usize,
    y: &[f32],
    grid_json: &str,
    folds: usize,
    seed: u64,
    scoring: Scoring,
    validation_fraction: Option<f64>,
    search: Search,
    progress: &(dyn Fn(GridProgress) + Sync),
) -> Result<(GridReport, Model)> {
    let specs = expand_grid(grid_json)?;
    let holdout = early_stop::Holdout::new(validation_fraction, seed, &specs)?;
    let xm = ColMajor::new(x, n_rows)?;
    let labels = BinaryLabels::with_both_classes(y, n_rows)?;
    let split = stratified_kfold(&labels, folds, seed)?;
    let greater = scoring != Scoring::LogLoss;
    // Halving: its schedule (and so the fit count) is known before the first fit.
    let halving = match search {
        Search::Grid => None,
        Search::Halving { factor, min_resources } => {
            let samplers: Vec<halving::FoldSampler> = split.iter().enumerate().map(|(i, f)| halving::FoldSampler::new(f, &labels, seed, i)).collect();
            let floor = halving::floor(&samplers, n_rows);
            let min = match min_resources {
                Some(m) => halving::check_min_resources(m, floor, n_rows)?,
                None => halving::exhaust(specs.len(), factor, n_rows, floor),
            };
            Some((factor, min, halving::schedule(specs.len(), factor, n_rows, min), samplers))
        }
    };
    // A shared fit counts as the configurations it scores, so the total is configurations x folds per
    // evaluation + 1 (the refit).
    let fits_total = match &halving {
        None => specs.len() * split.len(),
        Some((_, _, plan, _)) => plan.iter().map(|&(_, c)| c * split.len()).sum(),
    } + 1;
    let done = Mutex::new(0usize);
    // Counted and reported under one lock, so reports arrive in order whatever thread finished.
    let tick = || {
        let mut d = done.lock().unwrap_or_else(|e| e.into_inner());
        *d += 1;
        progress(GridProgress { fits_done: *d, fits_total });
    };
    // Scores `candidates` (ascending grid indices) on `folds`, sharing fits among them: their reports in
    // that order, ranked among themselves, and the models trained.
    let evaluate = |candidates: &[usize], folds: &[Fold]| -> Result<(Vec<ConfigReport>, usize)> {
        let specs: Vec<ModelSpec> = candidates.iter().map(|&c| specs[c].clone()).collect();
        let groups = share::plan(&specs);
        let members: Vec<Vec<usize>> = groups.iter().map(|g| g.members.clone()).collect();
        let prepare = |fold: &Fold| share::prepare(&xm, y, fold, &specs, &groups);
        let reports = evaluate_groups(specs.len(), &members, folds, scoring.name(), greater, prepare, |g, _, data| {
            let fitted = &specs[groups[g].fit];
            let scores = if fitted.0.early_stops() { holdout.score(data, fitted) } else { share::score_group(data, &specs, &groups[g]) };
            groups[g].members.iter().for_each(|_| tick());
            scores
        })?;
        Ok((reports, groups.len() * folds.len()))
    };
    let (mut reports, last, search) = match halving {
        None => {
            let (reports, trainings) = evaluate(&(0..specs.len()).collect::<Vec<_>>(), &split)?;
            (reports, None, SearchReport::Grid { fits: fits_total, trainings: trainings + 1 })
        }
        Some((factor, min_resources, plan, samplers)) => {
            let out = halving::run(specs.len(), &plan, &samplers, n_rows, factor, evaluate)?;
            let trainings = out.iterations.iter().map(|i| i.trainings).sum::<usize>() + 1;
            let search = SearchReport::Halving { factor, min_resources, fits: fits_total, trainings, iterations: out.iterations };
            (out.reports, Some(out.last), search)
        }
    };
    let stops = early_stop::take_best_iterations(&mut reports);
    let (mut report, best_index) = build_report(&specs, reports, last, search, scoring, folds, seed)?;
    let best = if specs[best_index].0.early_stops() { holdout.fit(xm, y, &specs[best_index])? } else { Model::fit(xm, y, &specs[best_index])? };
    if stops.iter().any(Option::is_some) {
        report.configs.iter_mut().zip(stops).for_each(|(c, s)| c.early_stopping = s);
        report.early_stopping = Some(holdout.report(specs[best_index].0.early_stops().then(|| best.best_iteration()).flatten()));
    }
    tick();
    Ok((report, best))
}

/// The report of `specs` scored as `reports` (and, for halving, where each was last evaluated), and the
/// index of the best configuration (rank 1).
fn build_report(
    specs: &[ModelSpec],
    reports: Vec<ConfigReport>,
    last: Option<Vec<LastEvaluated>>,
    search: SearchReport,
    scoring: Scoring,
    folds: usize,
    seed: u64,
) -> Result<(GridReport, usize)> {
    let best_index = reports.iter().find(|r| r.rank == 1).map(|r| r.index).ok_or_else(|| Error::internal("no rank-1 configuration"))?;
    let mut last = last.map(Vec::into_iter);
    let configs = specs
        .iter()
        .zip(reports)
        .map(|(s, report)| ConfigEntry { params: s.params_json(), report, early_stopping: None, last_evaluated: last.as_mut().and_then(Iterator::next) })
        .collect();
    let best_params = specs[best_index].params_json();
    Ok((GridReport { scoring, folds, seed, configs, best_index, best_params, search, early_stopping: None }, best_index))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_cartesian_product_in_sorted_key_order() {
        let specs = expand_grid(r#"{"kind":"logistic","params":{"max_iter":50},"grid":{"tol":[1e-4,1e-6],"l2":[0.1,1,10]}}"#).unwrap();
        assert_eq!(specs.len(), 6);
        let p: Vec<(f64, f64)> = specs.iter().map(|s| (s.params_json()["l2"].as_f64().unwrap(), s.params_json()["tol"].as_f64().unwrap())).collect();
        assert_eq!(p[0], (0.1, 1e-4));
        assert_eq!(p[1], (0.1, 1e-6));
        assert_eq!(p[5], (10.0, 1e-6));
        assert!(specs.iter().all(|s| s.params_json()["max_iter"] == 50));
    }

    #[test]
    fn bad_grids_name_the_problem() {
        for (g, needle) in [
            (r#"{"kind":"logistic","grid":{"l2":[]}}"#, "grid.l2"),
            (r#"{"kind":"logistic","grid":{"l2":[1, -1]}}"#, "l2"),
            (r#"{"kind":"logistic","params":{"l2":1},"grid":{"l2":[2]}}"#, "grid.l2"),
            (r#"{"kind":"logistic","grid":{"bogus":[1]}}"#, "bogus"),
            (r#"{"kind":"logistic","grids":{}}"#, "grids"),
        ] {
            let e = expand_grid(g).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidParam);
            assert!(e.message().contains(needle), "{g}: {e}");
        }
    }

    #[test]
    fn huge_grids_are_refused_before_expansion() {
        let values: Vec<String> = (0..10).map(|v| (v + 1).to_string()).collect();
        let keys = ["max_depth", "n_estimators", "max_bin", "seed", "min_samples_leaf", "max_features", "bootstrap", "x"];
        let grid: Vec<String> = keys.iter().map(|k| format!("\"{k}\":[{}]", values.join(","))).collect();
        let json = format!(r#"{{"kind":"forest","grid":{{{}}}}}"#, grid.join(","));
        let t = std::time::Instant::now();
        let e = expand_grid(&json).unwrap_err();
        assert!(t.elapsed().as_secs_f64() < 1.0, "took {:?}", t.elapsed());
        assert_eq!(e.code(), ErrorCode::InvalidParam);
        assert!(e.message().contains("100000000 configurations") && e.message().contains("10000"), "{e}");
        // 40 keys x 10 values overflows usize: still refused, not wrapped around
        let grid: Vec<String> = (0..40).map(|k| format!("\"k{k}\":[{}]", values.join(","))).collect();
        let e = expand_grid(&format!(r#"{{"kind":"forest","grid":{{{}}}}}"#, grid.join(","))).unwrap_err();
        assert!(e.message().contains(&format!("more than {} configurations", usize::MAX)), "{e}");
        let at_limit: Vec<String> = keys[..4].iter().filter(|k| **k != "max_bin").chain(["min_samples_leaf"].iter()).map(|k| format!("\"{k}\":[{}]", values.join(","))).collect();
        assert_eq!(expand_grid(&format!(r#"{{"kind":"forest","grid":{{{}}}}}"#, at_limit.join(","))).unwrap().len(), 10_000);
    }

    #[test]
    fn grid_search_prefers_the_sensible_penalty_and_refits() {
        let n = 600;
        let mut rng = mp_core::Rng::new(3);
        let mut x = vec![0f32; n * 2];
        let mut y = vec![0f32; n];
        for i in 0..n {
            let a = rng.next_f64() * 2.0 - 1.0;
            x[i] = a as f32;
            x[n + i] = rng.next_f64() as f32;
            y[i] = (a + 0.3 * (rng.next_f64() - 0.5) > 0.0) as u8 as f32;
        }
        let g = r#"{"kind":"logistic","grid":{"l2":[0.01, 100000]}}"#;
        let (report, best) = grid_search(&x, n, &y, g, 5, 1, Scoring::RocAuc).unwrap();
        assert_eq!(report.configs.len(), 2);
        assert_eq!(report.best_params["l2"], 0.01);
        assert_eq!(report.configs[0].report.metrics["roc_auc"].folds.len(), 5);
        assert_eq!(best.n_features(), 2);
        let (again, _) = grid_search_json(&x, n, &y, g, r#"{"seed":1}"#).unwrap();
        assert_eq!(serde_json::to_string(&report).unwrap(), again);
        let seen = Mutex::new(Vec::new());
        let (observed, _) = grid_search_observed(&x, n, &y, g, r#"{"seed":1,"folds":3}"#, &|p| seen.lock().unwrap().push((p.fits_done, p.fits_total))).unwrap();
        assert!(observed.contains(r#""folds":3"#));
        assert_eq!(seen.into_inner().unwrap(), (1..=7).map(|d| (d, 7)).collect::<Vec<_>>(), "2 configs x 3 folds + refit");
        for (o, needle) in [(r#"{"folds":5}"#, "seed"), (r#"{"seed":1,"scoring":"auc"}"#, "auc"), (r#"{"seed":1,"folds":1}"#, "folds")] {
            let e = grid_search_json(&x, n, &y, g, o).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidParam, "{o}");
            assert!(e.message().contains(needle), "{o}: {e}");
        }
    }
}
