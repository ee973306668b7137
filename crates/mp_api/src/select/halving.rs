//! Successive halving: the adaptive search beside the exhaustive grid (scikit-learn's
//! `HalvingGridSearchCV` with `resource="n_samples"`, `max_resources="auto"`, no aggressive elimination).
//!
//! - Schedule: with `c` candidates, `factor` f and `n` rows, `1 + floor(log_f c)` iterations are needed
//!   for the last one to compare fewer than f candidates; `min_resources` (default: scikit-learn's
//!   `'exhaust'`, `n / f^(needed - 1)` rounded down, at least the floor below) allows
//!   `1 + floor(log_f(n / min_resources))`; the search runs the smaller number. Iteration i evaluates the
//!   remaining candidates with `min_resources x f^i` rows (at most n) and keeps the best
//!   `ceil(candidates / f)` by mean CV score (ties: grid order; NaN scores last). Logarithms are exact
//!   integer ones (scikit-learn's float `log(243, 3)` is 4.999..., one iteration fewer at exact powers).
//! - Rows: the stratified folds of the grid search stay; an iteration with r of the n rows fits each fold
//!   on `floor(r x train / n)` of its training rows (scikit-learn's `int(fraction x len(train))`), split
//!   between the classes in the fold's proportion (rounded), taken as prefixes of a per-fold, per-class
//!   seeded shuffle (so an iteration's rows contain the previous iteration's). Unlike scikit-learn the
//!   held-out rows are never subsampled: every iteration scores on the whole test fold.
//! - Floor: `min_resources` >= `folds x 2 x 2` (scikit-learn's `'smallest'`: 2 rows per class per fold)
//!   and large enough that every subsampled training fold keeps both classes (capped at n).
use mp_core::{BinaryLabels, Error, Result, Rng};
use mp_select::{ConfigReport, Fold};
use serde::Serialize;

/// One iteration of a halving search as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HalvingIteration {
    /// Rows of the whole set this iteration stands for (each training fold gets its share of them).
    pub n_resources: usize,
    /// Grid indices of the candidates evaluated, ascending.
    pub candidates: Vec<usize>,
    /// Configurations x folds of this iteration (as progress counts them).
    pub fits: usize,
    /// Models actually trained (configurations sharing a fit count once per fold).
    pub trainings: usize,
}

/// Where a configuration was last evaluated in a halving search; its scores in the report are from there.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LastEvaluated {
    /// 0-based iteration.
    pub iteration: usize,
    pub n_resources: usize,
    /// Dropped before the last iteration (its scores come from fewer rows than the finalists').
    pub eliminated: bool,
}

/// The outcome of [`run`]: per configuration (grid order) its last scores, ranked, and where it was scored.
pub(super) struct Outcome {
    pub reports: Vec<ConfigReport>,
    pub last: Vec<LastEvaluated>,
    pub iterations: Vec<HalvingIteration>,
}

/// Runs the `plan` (from [`schedule`]) over `n_configs` configurations: `eval(candidates, folds)` scores
/// the candidates (ascending grid indices) on those folds, returning their reports in that order (ranked
/// among themselves, ties in that order) and the models it trained. Final ranks: the last iteration's
/// candidates by their score there, then each earlier iteration's eliminated ones by theirs, so rank 1 is
/// scikit-learn's `best_index_` (the best of the last iteration).
pub(super) fn run<E>(n_configs: usize, plan: &[(usize, usize)], samplers: &[FoldSampler], n: usize, factor: usize, eval: E) -> Result<Outcome>
where
    E: Fn(&[usize], &[Fold]) -> Result<(Vec<ConfigReport>, usize)>,
{
    let mut slots: Vec<Option<(ConfigReport, LastEvaluated)>> = vec![None; n_configs];
    let mut candidates: Vec<usize> = (0..n_configs).collect();
    let mut iterations = Vec::new();
    // (iteration, rank within it) per configuration: the final order
    let mut order: Vec<(usize, usize, usize)> = Vec::new();
    for (it, &(r, count)) in plan.iter().enumerate() {
        if candidates.len() != count {
            return Err(Error::internal(format!("iteration {it} has {} candidates, planned {count}", candidates.len())));
        }
        let folds: Vec<Fold> = samplers.iter().map(|s| s.fold(r, n)).collect();
        let (reports, trainings) = eval(&candidates, &folds)?;
        iterations.push(HalvingIteration { n_resources: r, candidates: candidates.clone(), fits: count * folds.len(), trainings });
        let last = it + 1 == plan.len();
        let keep = count.div_ceil(factor);
        let mut next = Vec::new();
        for (local, mut report) in reports.into_iter().enumerate() {
            let c = candidates[local];
            let survives = !last && report.rank <= keep;
            if survives {
                next.push(c);
            } else {
                order.push((usize::MAX - it, report.rank, c));
            }
            report.index = c;
            slots[c] = Some((report, LastEvaluated { iteration: it, n_resources: r, eliminated: !last && !survives }));
        }
        candidates = next;
    }
    order.sort_unstable();
    for (rank, &(_, _, c)) in order.iter().enumerate() {
        if let Some((report, _)) = slots[c].as_mut() {
            report.rank = rank + 1;
        }
    }
    let (reports, last) = slots.into_iter().map(|s| s.ok_or_else(|| Error::internal("a configuration was never evaluated"))).collect::<Result<Vec<_>>>()?.into_iter().unzip();
    Ok(Outcome { reports, last, iterations })
}

/// `(n_resources, n_candidates)` per iteration, as scikit-learn's `n_resources_` and `n_candidates_`.
pub(super) fn schedule(n_candidates: usize, factor: usize, n_samples: usize, min_resources: usize) -> Vec<(usize, usize)> {
    let required = 1 + ilog(n_candidates, factor);
    let possible = 1 + ilog(n_samples / min_resources.max(1), factor);
    let mut left = n_candidates;
    let mut out = Vec::new();
    for i in 0..required.min(possible) {
        let r = factor.checked_pow(i as u32).and_then(|p| p.checked_mul(min_resources)).map_or(n_samples, |r| r.min(n_samples));
        out.push((r, left));
        left = left.div_ceil(factor);
    }
    out
}

/// scikit-learn's `'exhaust'`: the largest first iteration that lets the needed iterations end on as
/// many rows as possible, and at least `floor`.
pub(super) fn exhaust(n_candidates: usize, factor: usize, n_samples: usize, floor: usize) -> usize {
    let last = ilog(n_candidates, factor) as u32;
    let shrink = factor.checked_pow(last).unwrap_or(usize::MAX);
    (n_samples / shrink).max(floor).min(n_samples)
}

/// The largest p with `factor^p <= n` (0 for n < factor).
fn ilog(n: usize, factor: usize) -> usize {
    let (mut p, mut v) = (0, factor);
    while v <= n {
        p += 1;
        match v.checked_mul(factor) {
            Some(next) => v = next,
            None => break,
        }
    }
    p
}

/// One fold's training rows per class in a seeded order; an iteration takes a prefix of each.
pub(super) struct FoldSampler {
    neg: Vec<u32>,
    pos: Vec<u32>,
    test: Vec<u32>,
}

impl FoldSampler {
    pub(super) fn new(fold: &Fold, labels: &BinaryLabels, seed: u64, index: usize) -> Self {
        let (mut pos, mut neg): (Vec<u32>, Vec<u32>) = fold.train.iter().partition(|&&i| labels.is_pos(i as usize));
        // Its own stream, apart from the fold split's (which uses `Rng::new(seed)`).
        let mut rng = Rng::derive(seed ^ 0x6861_6c76_696e_6700, index as u64);
        rng.shuffle(&mut neg);
        rng.shuffle(&mut pos);
        FoldSampler { neg, pos, test: fold.test.clone() }
    }

    /// (negatives, positives) of the training rows an iteration with `r` of `n` rows fits on.
    fn counts(&self, r: usize, n: usize) -> (usize, usize) {
        // In u64: products of row counts overflow a 32-bit usize (wasm32).
        let (train, pos_rows) = ((self.neg.len() + self.pos.len()) as u64, self.pos.len() as u64);
        let take = r as u64 * train / n as u64;
        let pos = ((2 * take * pos_rows + train) / (2 * train)).min(pos_rows);
        (((take - pos) as usize).min(self.neg.len()), pos as usize)
    }

    fn both_classes(&self, r: usize, n: usize) -> bool {
        let (neg, pos) = self.counts(r, n);
        neg > 0 && pos > 0
    }

    /// The fold with its training rows cut to an iteration with `r` of `n` rows (ascending; all test rows).
    pub(super) fn fold(&self, r: usize, n: usize) -> Fold {
        let (neg, pos) = self.counts(r, n);
        let mut train: Vec<u32> = self.neg[..neg].iter().chain(&self.pos[..pos]).copied().collect();
        train.sort_unstable();
        Fold { train, test: self.test.clone() }
    }
}

/// The smallest `min_resources` allowed: 2 rows per class per fold, and every subsampled training fold
/// with both classes (at most `n`).
pub(super) fn floor(samplers: &[FoldSampler], n: usize) -> usize {
    let ok = |r: usize| samplers.iter().all(|s| s.both_classes(r, n));
    // Both classes is monotone in r: the first r that has them, by bisection over [1, n].
    let (mut lo, mut hi) = (1, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if ok(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo.max(samplers.len() * 4).min(n)
}

/// Checks a requested `min_resources` against [floor, n].
pub(super) fn check_min_resources(requested: usize, floor: usize, n: usize) -> Result<usize> {
    if requested < floor || requested > n {
        return Err(Error::invalid_param(
            "min_resources",
            format!("must be in [{floor}, {n}] (at least 2 rows per class per fold and both classes in every subsampled training fold, at most the rows), got {requested}"),
        ));
    }
    Ok(requested)
}

#[cfg(test)]
mod tests {
    use super::super::{grid_search_json, grid_search_observed};
    use super::*;
    use mp_core::ErrorCode;
    use mp_select::{stratified_kfold, MetricSummary};
    use std::sync::Mutex;

    /// Seeded data: a linear signal in two of four features, some noise.
    fn data(n: usize) -> (Vec<f32>, Vec<f32>) {
        let mut rng = Rng::new(21);
        let x: Vec<f32> = (0..n * 4).map(|_| (rng.next_f64() * 2.0 - 1.0) as f32).collect();
        let y = (0..n).map(|i| f32::from(2.0 * x[i] as f64 - x[n + i] as f64 + 0.8 * (rng.next_f64() - 0.5) > 0.0)).collect();
        (x, y)
    }

    fn report(json: &str) -> serde_json::Value {
        serde_json::from_str(json).unwrap()
    }

    const GBT: &str = r#"{"kind":"gbt","params":{"seed":3},"grid":{"n_estimators":[2,30],"max_depth":[1,3],"learning_rate":[0.02,0.3]}}"#;

    #[test]
    fn a_halving_search_picks_the_grids_best_on_an_easy_problem_and_reports_its_work() {
        let n = 1200;
        let (x, y) = data(n);
        let (grid, _) = grid_search_json(&x, n, &y, GBT, r#"{"seed":5,"folds":3}"#).unwrap();
        let seen = Mutex::new(Vec::new());
        let o = r#"{"seed":5,"folds":3,"search":"halving"}"#;
        let (halving, model) = grid_search_observed(&x, n, &y, GBT, o, &|p| seen.lock().unwrap().push((p.fits_done, p.fits_total))).unwrap();
        let (g, h) = (report(&grid), report(&halving));
        assert_eq!(g["search"], serde_json::json!({"kind": "grid", "fits": 25, "trainings": 13}), "8 x 3 + 1; 4 fits per fold share n_estimators");
        assert_eq!(h["best_params"], g["best_params"], "{halving}");
        assert_eq!(model.n_features(), 4);
        // 8 candidates, factor 3: 1200 / 3 = 400 rows, then 3 candidates on 1200 (scikit-learn's 'exhaust')
        let s = &h["search"];
        assert_eq!((s["kind"].as_str(), s["factor"].as_u64(), s["min_resources"].as_u64()), (Some("halving"), Some(3), Some(400)));
        let its = s["iterations"].as_array().unwrap();
        assert_eq!(its.iter().map(|i| (i["n_resources"].as_u64().unwrap(), i["fits"].as_u64().unwrap())).collect::<Vec<_>>(), vec![(400, 24), (1200, 9)]);
        assert_eq!(s["fits"], 24 + 9 + 1);
        assert_eq!(seen.into_inner().unwrap(), (1..=34).map(|d| (d, 34)).collect::<Vec<_>>());
        let finalists: Vec<usize> = its[1]["candidates"].as_array().unwrap().iter().map(|c| c.as_u64().unwrap() as usize).collect();
        assert_eq!(finalists.len(), 3);
        // at 1200 rows (all of them) a finalist scores what it scores in the grid; the eliminated are the worst at 400
        let configs = h["configs"].as_array().unwrap();
        for (c, e) in configs.iter().enumerate() {
            let last = &e["last_evaluated"];
            if finalists.contains(&c) {
                assert_eq!((last["iteration"].as_u64(), last["eliminated"].as_bool()), (Some(1), Some(false)));
                assert_eq!(e["metrics"], g["configs"][c]["metrics"], "config {c}");
                assert!(e["rank"].as_u64().unwrap() <= 3);
            } else {
                assert_eq!((last["n_resources"].as_u64(), last["eliminated"].as_bool()), (Some(400), Some(true)));
                assert!(e["rank"].as_u64().unwrap() > 3);
            }
        }
        assert_eq!(configs[h["best_index"].as_u64().unwrap() as usize]["rank"], 1);
        assert!(g["configs"][0].get("last_evaluated").is_none(), "the grid's configurations carry no halving record");
    }

    #[test]
    fn a_single_iteration_on_all_rows_scores_as_the_grid() {
        // 2 candidates < factor 3: one comparison on all rows, nothing to halve
        let n = 600;
        let (x, y) = data(n);
        let g = r#"{"kind":"forest","params":{"seed":2,"n_estimators":10},"grid":{"max_depth":[2,6]}}"#;
        let (grid, _) = grid_search_json(&x, n, &y, g, r#"{"seed":9}"#).unwrap();
        let (halving, _) = grid_search_json(&x, n, &y, g, r#"{"seed":9,"search":"halving"}"#).unwrap();
        let (g, h) = (report(&grid), report(&halving));
        for c in 0..2 {
            assert_eq!(h["configs"][c]["metrics"], g["configs"][c]["metrics"]);
            assert_eq!(h["configs"][c]["rank"], g["configs"][c]["rank"]);
        }
        assert_eq!(h["search"]["iterations"], serde_json::json!([{"n_resources": 600, "candidates": [0, 1], "fits": 10, "trainings": 5}]));
    }

    #[test]
    fn early_stopping_configurations_stop_within_each_iterations_cut_folds() {
        let n = 900;
        let (x, y) = data(n);
        let g = r#"{"kind":"gbt","params":{"seed":3,"n_estimators":60,"early_stopping_rounds":3},"grid":{"max_depth":[1,2,3],"learning_rate":[0.1,0.5,1]}}"#;
        let (json, _) = grid_search_json(&x, n, &y, g, r#"{"seed":2,"folds":3,"search":"halving"}"#).unwrap();
        let r = report(&json);
        assert_eq!(r["search"]["iterations"].as_array().unwrap().len(), 3, "9 -> 3 -> 1");
        for c in r["configs"].as_array().unwrap() {
            // its best iterations are from where it was last evaluated: one per fold
            assert_eq!(c["early_stopping"]["best_iterations"].as_array().unwrap().len(), 3, "{c}");
        }
        assert!(r["early_stopping"]["refit_best_iteration"].is_u64(), "{}", r["early_stopping"]);
    }

    #[test]
    fn halving_is_deterministic_across_runs_and_threads() {
        let n = 900;
        let (x, y) = data(n);
        let o = r#"{"seed":4,"folds":3,"search":"halving","factor":2}"#;
        let run_on = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| grid_search_json(&x, n, &y, GBT, o).unwrap().0)
        };
        let one = run_on(1);
        assert_eq!(one, run_on(2));
        assert_eq!(one, run_on(1));
        assert_eq!(report(&one)["search"]["iterations"].as_array().unwrap().len(), 4, "8 -> 4 -> 2 -> 1 with factor 2");
        let other = grid_search_json(&x, n, &y, GBT, r#"{"seed":5,"folds":3,"search":"halving","factor":2}"#).unwrap().0;
        assert_ne!(report(&one)["configs"], report(&other)["configs"], "the seed decides folds and subsamples");
    }

    #[test]
    fn bad_search_options_name_the_option() {
        let n = 300;
        let (x, y) = data(n);
        let g = r#"{"kind":"logistic","grid":{"l2":[0.1,1,10]}}"#;
        for (o, needle) in [
            (r#"{"seed":1,"search":"random"}"#, "search"),
            (r#"{"seed":1,"search":"halving","factor":1}"#, "factor"),
            (r#"{"seed":1,"search":"halving","factor":2.5}"#, "factor"),
            (r#"{"seed":1,"search":"halving","factor":-3}"#, "factor"),
            (r#"{"seed":1,"factor":3}"#, "factor"),
            (r#"{"seed":1,"min_resources":50}"#, "min_resources"),
            (r#"{"seed":1,"search":"halving","resource":"n_estimators"}"#, "resource"),
            (r#"{"seed":1,"search":"halving","min_resources":301}"#, "min_resources"),
            (r#"{"seed":1,"search":"halving","min_resources":0}"#, "min_resources"),
            (r#"{"seed":1,"search":"halving","min_resources":19}"#, "[20, 300]"),
            (r#"{"seed":1,"search":"halving","budget":3}"#, "budget"),
        ] {
            let e = grid_search_json(&x, n, &y, g, o).unwrap_err();
            assert_eq!(e.code(), ErrorCode::InvalidParam, "{o}");
            assert!(e.message().contains(needle), "{o}: {e}");
        }
        // 5 positives in 300 rows, 4 in each training fold of 240: a fold keeps one from 30 training rows
        // (round(30 x 4 / 240) = 1), i.e. from 38 of the 300 rows
        let rare: Vec<f32> = (0..n).map(|i| f32::from(i % 60 == 0)).collect();
        let e = grid_search_json(&x, n, &rare, g, r#"{"seed":1,"search":"halving","min_resources":37}"#).unwrap_err();
        assert!(e.code() == ErrorCode::InvalidParam && e.message().contains("min_resources") && e.message().contains("[38, 300]"), "{e}");
        assert!(grid_search_json(&x, n, &rare, g, r#"{"seed":1,"search":"halving","min_resources":38}"#).is_ok());
        // 9 candidates: 'exhaust' would start at 300 / 9 = 33 rows; the floor lifts it to 38
        let g9 = r#"{"kind":"logistic","grid":{"l2":[0.01,0.03,0.1,0.3,1,3,10,30,100]}}"#;
        let (ok, _) = grid_search_json(&x, n, &rare, g9, r#"{"seed":1,"search":"halving"}"#).unwrap();
        assert_eq!(report(&ok)["search"]["min_resources"], 38);
    }

    #[test]
    fn elimination_keeps_the_best_by_score_ties_in_grid_order_nan_last() {
        let plan = [(90, 9), (270, 3), (810, 1)];
        let y: Vec<f32> = (0..900).map(|i| f32::from(i % 2 == 0)).collect();
        let labels = BinaryLabels::with_both_classes(&y, 900).unwrap();
        let split = stratified_kfold(&labels, 3, 1).unwrap();
        let samplers: Vec<FoldSampler> = split.iter().enumerate().map(|(i, f)| FoldSampler::new(f, &labels, 1, i)).collect();
        // mean score of candidate c in iteration i (higher is better)
        let first = [0.50, 0.51, 0.52, 0.53, 0.8, 0.55, 0.56, 0.8, f64::NAN];
        let score = |i: usize, c: usize| match i {
            0 => first[c],
            1 => [(4, 0.7), (6, 0.9), (7, 0.9)].iter().find(|p| p.0 == c).unwrap().1,
            _ => 0.85,
        };
        let seen = Mutex::new(Vec::new());
        let out = run(9, &plan, &samplers, 900, 3, |cands: &[usize], folds: &[Fold]| {
            let i = {
                let mut s = seen.lock().unwrap();
                s.push((folds[0].train.len(), folds[0].test.len(), cands.to_vec()));
                s.len() - 1
            };
            let groups: Vec<Vec<usize>> = (0..cands.len()).map(|k| vec![k]).collect();
            let ranked = mp_select::evaluate_groups(cands.len(), &groups, folds, "s", true, |_| Ok(()), |g, _, _: &()| Ok(vec![vec![("s".to_string(), score(i, cands[g]))]]))?;
            Ok((ranked, cands.len()))
        })
        .unwrap();
        // training folds of 60, 180, 540 of their 600 rows; the 300 test rows always whole
        let seen = seen.into_inner().unwrap();
        assert_eq!(seen, vec![(60, 300, (0..9).collect()), (180, 300, vec![4, 6, 7]), (540, 300, vec![6])]);
        let ranks: Vec<usize> = out.reports.iter().map(|r| r.rank).collect();
        // 6 wins the last iteration; 7 (tied with 6, later in the grid) then 4 fell at 270 rows; then by the first scores, NaN last
        assert_eq!(ranks, vec![8, 7, 6, 5, 3, 4, 1, 2, 9]);
        assert!(out.reports.iter().enumerate().all(|(c, r)| r.index == c));
        assert_eq!(out.reports[7].metrics["s"], MetricSummary::of(vec![0.9; 3]), "scores from where it was last evaluated");
        assert_eq!(out.reports[0].metrics["s"], MetricSummary::of(vec![0.5; 3]));
        let at: Vec<(usize, usize, bool)> = out.last.iter().map(|l| (l.iteration, l.n_resources, l.eliminated)).collect();
        assert_eq!(at[6], (2, 810, false));
        assert_eq!((at[4], at[7]), ((1, 270, true), (1, 270, true)));
        assert!([0, 1, 2, 3, 5, 8].iter().all(|&c| at[c] == (0, 90, true)));
        let per: Vec<(usize, Vec<usize>, usize, usize)> = out.iterations.iter().map(|i| (i.n_resources, i.candidates.clone(), i.fits, i.trainings)).collect();
        assert_eq!(per, vec![(90, (0..9).collect(), 27, 9), (270, vec![4, 6, 7], 9, 3), (810, vec![6], 3, 1)]);
    }

    #[test]
    fn schedules_match_scikit_learn() {
        // scikit-learn 1.9.1 (bench/.venv): HalvingGridSearchCV(DummyClassifier(), {'random_state': list(range(c))},
        // factor=f, min_resources=m, cv=StratifiedKFold(k), random_state=0).fit(X, y) on n rows with
        // y = arange(n) % 2; expected = (min_resources_, list(zip(n_resources_, n_candidates_))).
        // The first `Some(_)` min_resources is an explicit one; None = 'exhaust', 'smallest' = k x 2 x 2.
        #[rustfmt::skip]
        type Case = (usize, usize, usize, Option<usize>, usize, usize, &'static [(usize, usize)]);
        let cases: [Case; 12] = [
            // c, f, n, min_resources, k, min_resources_, schedule
            (5, 3, 40000, None, 5, 13333, &[(13333, 5), (39999, 2)]),   // the pipeline's full logistic grid
            (4, 3, 40000, None, 5, 13333, &[(13333, 4), (39999, 2)]),   // forest
            (8, 3, 40000, None, 5, 13333, &[(13333, 8), (39999, 3)]),   // boosting
            (27, 3, 1000, None, 5, 37, &[(37, 27), (111, 9), (333, 3), (999, 1)]),
            (30, 2, 900, None, 3, 56, &[(56, 30), (112, 15), (224, 8), (448, 4), (896, 2)]),
            (10, 3, 500, Some(20), 5, 20, &[(20, 10), (60, 4), (180, 2)]), // min_resources='smallest'
            (8, 2, 300, Some(60), 3, 60, &[(60, 8), (120, 4), (240, 2)]),
            (100, 3, 5000, None, 5, 61, &[(61, 100), (183, 34), (549, 12), (1647, 4), (4941, 2)]),
            (9, 4, 2000, None, 5, 500, &[(500, 9), (2000, 3)]),
            (2, 3, 600, None, 3, 600, &[(600, 2)]),
            (1, 3, 600, None, 3, 600, &[(600, 1)]),
            (50, 3, 200, None, 5, 20, &[(20, 50), (60, 17), (180, 6)]), // too few rows for 4 iterations
        ];
        for (c, f, n, m, k, want_min, want) in cases {
            let min = m.unwrap_or_else(|| exhaust(c, f, n, k * 4));
            assert_eq!(min, want_min, "{c} candidates, factor {f}, {n} rows");
            assert_eq!(schedule(c, f, n, min), want.to_vec(), "{c} candidates, factor {f}, {n} rows, min {min}");
        }
        // exact integer logarithms: 243 = 3^5 candidates need 6 iterations to end on one
        assert_eq!(schedule(243, 3, 100_000, exhaust(243, 3, 100_000, 20)).len(), 6);
        assert_eq!(ilog(1, 3), 0);
        assert_eq!(ilog(usize::MAX, 2), 63);
    }

    #[test]
    fn subsampled_folds_are_stratified_nested_and_keep_every_test_row() {
        let y: Vec<f32> = (0..1000).map(|i| f32::from(i % 4 == 0)).collect(); // 250 positives
        let labels = BinaryLabels::with_both_classes(&y, 1000).unwrap();
        let split = stratified_kfold(&labels, 5, 3).unwrap();
        let samplers: Vec<FoldSampler> = split.iter().enumerate().map(|(i, f)| FoldSampler::new(f, &labels, 3, i)).collect();
        for (fold, s) in split.iter().zip(&samplers) {
            let small = s.fold(100, 1000);
            let big = s.fold(300, 1000);
            assert_eq!((small.train.len(), big.train.len()), (80, 240), "a fifth of the rows is held out");
            assert_eq!(small.train.iter().filter(|&&i| y[i as usize] == 1.0).count(), 20);
            assert!(small.train.iter().all(|i| big.train.contains(i) && fold.train.contains(i)), "nested, inside the training fold");
            assert!(small.train.windows(2).all(|w| w[0] < w[1]));
            assert_eq!(small.test, fold.test);
            assert_eq!(&s.fold(1000, 1000), fold, "all rows: the grid's fold");
        }
        assert_ne!(samplers[0].fold(100, 1000), FoldSampler::new(&split[0], &labels, 4, 0).fold(100, 1000), "seeded");
        assert_eq!(floor(&samplers, 1000), 20, "5 folds x 2 x 2 when both classes come early");
        // 6 positives in 600 rows: a training fold needs ~ 600 / 4.8 rows to keep one
        let y: Vec<f32> = (0..600).map(|i| f32::from(i % 100 == 0)).collect();
        let labels = BinaryLabels::with_both_classes(&y, 600).unwrap();
        let split = stratified_kfold(&labels, 3, 1).unwrap();
        let samplers: Vec<FoldSampler> = split.iter().enumerate().map(|(i, f)| FoldSampler::new(f, &labels, 1, i)).collect();
        let fl = floor(&samplers, 600);
        assert!(samplers.iter().all(|s| s.both_classes(fl, 600)) && !samplers.iter().all(|s| s.both_classes(fl - 1, 600)), "{fl}");
        assert!(fl > 12);
        let e = check_min_resources(fl - 1, fl, 600).unwrap_err();
        assert!(e.message().contains("min_resources") && e.message().contains(&format!("[{fl}, 600]")), "{e}");
        assert!(check_min_resources(601, fl, 600).is_err());
        assert_eq!(check_min_resources(fl, fl, 600).unwrap(), fl);
    }
}
