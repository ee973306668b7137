//! Evaluates configurations x folds. A task fits once per (group of configurations, fold): a group is
//! configurations one fit can score (e.g. the prefixes of the largest boosted ensemble), each
//! configuration its own group by default. Each fold is prepared once (e.g. its rows binned) for all
//! of its groups. rayon spreads folds and their groups over threads on native builds; results are
//! gathered in (config, fold) order, so the report is the same on 1 thread, N threads and wasm.
use crate::cv_report::{ConfigReport, MetricSummary};
use crate::kfold::Fold;
use mp_core::{Error, Result};
use std::collections::BTreeMap;

/// The scores of one configuration on one fold, by metric name.
pub type FoldScores = Vec<(String, f64)>;

/// Runs `eval(config, fold)` for every pair and summarizes per configuration. `scoring` names the metric
/// that ranks configurations; `greater_is_better` says which way (false for log-loss).
pub fn evaluate_grid<C, F>(configs: &[C], folds: &[Fold], scoring: &str, greater_is_better: bool, eval: F) -> Result<Vec<ConfigReport>>
where
    C: Sync,
    F: Fn(&C, &Fold) -> Result<FoldScores> + Sync,
{
    let groups: Vec<Vec<usize>> = (0..configs.len()).map(|c| vec![c]).collect();
    evaluate_groups(configs.len(), &groups, folds, scoring, greater_is_better, |_| Ok(()), |g, fold, _: &()| Ok(vec![eval(&configs[groups[g][0]], fold)?]))
}

/// Like [`evaluate_grid`] for `n_configs` configurations partitioned into `groups` (each index exactly
/// once): `prepare(fold)` runs once per fold, then `eval(group, fold, prepared)` returns one
/// [`FoldScores`] per member of `groups[group]`, in that order. A failed preparation or group fails
/// each configuration it serves; the first failure in (config, fold) order is returned.
pub fn evaluate_groups<P, Prep, F>(
    n_configs: usize,
    groups: &[Vec<usize>],
    folds: &[Fold],
    scoring: &str,
    greater_is_better: bool,
    prepare: Prep,
    eval: F,
) -> Result<Vec<ConfigReport>>
where
    P: Sync,
    Prep: Fn(&Fold) -> Result<P> + Sync,
    F: Fn(usize, &Fold, &P) -> Result<Vec<FoldScores>> + Sync,
{
    if n_configs == 0 {
        return Err(Error::invalid_param("grid", "has no configurations"));
    }
    let mut seen = vec![0usize; n_configs];
    for &c in groups.iter().flatten() {
        seen[c.min(n_configs - 1)] += if c < n_configs { 1 } else { 2 }; // out of range: never exactly once
    }
    if seen.iter().any(|&k| k != 1) {
        return Err(Error::internal(format!("configuration groups {groups:?} do not partition 0..{n_configs}")));
    }
    let run_group = |g: usize, fold: &Fold, prep: &Result<P>| -> Result<Vec<FoldScores>> {
        let prep = prep.as_ref().map_err(Clone::clone)?;
        let scores = eval(g, fold, prep)?;
        if scores.len() != groups[g].len() {
            return Err(Error::internal(format!("group {g} scored {} of its {} configurations", scores.len(), groups[g].len())));
        }
        Ok(scores)
    };
    let run_fold = |fold: &Fold| -> Vec<Result<Vec<FoldScores>>> {
        let prep = prepare(fold);
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            (0..groups.len()).into_par_iter().map(|g| run_group(g, fold, &prep)).collect()
        }
        #[cfg(not(feature = "parallel"))]
        {
            (0..groups.len()).map(|g| run_group(g, fold, &prep)).collect()
        }
    };
    #[cfg(feature = "parallel")]
    let by_fold: Vec<Vec<Result<Vec<FoldScores>>>> = {
        use rayon::prelude::*;
        folds.par_iter().map(run_fold).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let by_fold: Vec<Vec<Result<Vec<FoldScores>>>> = folds.iter().map(run_fold).collect();

    // cell[config][fold]: that configuration's scores on that fold, or the failure that denied them
    let mut cell: Vec<Vec<Option<Result<FoldScores>>>> = vec![vec![None; folds.len()]; n_configs];
    for (f, per_group) in by_fold.into_iter().enumerate() {
        for (members, res) in groups.iter().zip(per_group) {
            match res {
                Ok(scores) => members.iter().zip(scores).for_each(|(&c, s)| cell[c][f] = Some(Ok(s))),
                Err(e) => members.iter().for_each(|&c| cell[c][f] = Some(Err(e.clone()))),
            }
        }
    }
    let mut per_config: Vec<BTreeMap<String, Vec<f64>>> = vec![BTreeMap::new(); n_configs];
    for (c, row) in cell.into_iter().enumerate() {
        for s in row {
            for (name, v) in s.ok_or_else(|| Error::internal("a fold was not scored"))?? {
                per_config[c].entry(name).or_default().push(v);
            }
        }
    }
    rank(per_config, scoring, greater_is_better)
}

/// Summaries per configuration, ranked by the mean of `scoring`.
fn rank(per_config: Vec<BTreeMap<String, Vec<f64>>>, scoring: &str, greater_is_better: bool) -> Result<Vec<ConfigReport>> {
    let mut reports: Vec<ConfigReport> = per_config
        .into_iter()
        .enumerate()
        .map(|(index, m)| ConfigReport {
            index,
            metrics: m.into_iter().map(|(k, v)| (k, MetricSummary::of(v))).collect(),
            rank: 0,
        })
        .collect();
    let key = |r: &ConfigReport| -> Result<f64> {
        r.metrics.get(scoring).map(|s| s.mean).ok_or_else(|| {
            Error::invalid_param("scoring", format!("{scoring:?} is not a computed metric ({:?})", r.metrics.keys().collect::<Vec<_>>()))
        })
    };
    let mut order: Vec<(usize, f64)> = reports.iter().map(|r| Ok((r.index, key(r)?))).collect::<Result<_>>()?;
    // Best first; ties keep grid order (stable sort), NaN scores rank last.
    order.sort_by(|a, b| {
        let (x, y) = if greater_is_better { (b.1, a.1) } else { (a.1, b.1) };
        x.partial_cmp(&y).unwrap_or_else(|| a.1.is_nan().cmp(&b.1.is_nan()))
    });
    for (rank, (index, _)) in order.into_iter().enumerate() {
        reports[index].rank = rank + 1;
    }
    Ok(reports)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folds(k: usize) -> Vec<Fold> {
        (0..k as u32).map(|i| Fold { train: vec![], test: vec![i] }).collect()
    }

    #[test]
    fn summarizes_and_ranks() {
        let configs = [1.0, 3.0, 2.0];
        let r = evaluate_grid(&configs, &folds(4), "score", true, |c, f| Ok(vec![("score".to_string(), c + f.test[0] as f64)])).unwrap();
        assert_eq!(r.iter().map(|c| c.rank).collect::<Vec<_>>(), vec![3, 1, 2]);
        let s = &r[1].metrics["score"];
        assert_eq!(s.folds, vec![3.0, 4.0, 5.0, 6.0]);
        assert!((s.mean - 4.5).abs() < 1e-12 && (s.std - 1.25f64.sqrt()).abs() < 1e-12);
        let lower = evaluate_grid(&configs, &folds(2), "score", false, |c, _| Ok(vec![("score".into(), *c)])).unwrap();
        assert_eq!(lower[0].rank, 1);
    }

    #[test]
    fn a_group_is_scored_by_one_call_per_fold_after_one_preparation() {
        use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
        let (preps, evals) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let configs = [1.0, 3.0, 2.0, 5.0];
        let groups = vec![vec![2, 0], vec![1], vec![3]];
        let r = evaluate_groups(4, &groups, &folds(3), "score", true, |f| {
            preps.fetch_add(1, SeqCst);
            Ok(f.test[0] as f64)
        }, |g, _, off: &f64| {
            evals.fetch_add(1, SeqCst);
            Ok(groups[g].iter().map(|&c| vec![("score".to_string(), configs[c] + off)]).collect())
        })
        .unwrap();
        assert_eq!((preps.into_inner(), evals.into_inner()), (3, 9), "3 folds; 3 groups x 3 folds");
        // the same report as scoring every configuration on its own
        let alone = evaluate_grid(&configs, &folds(3), "score", true, |c, f| Ok(vec![("score".to_string(), c + f.test[0] as f64)])).unwrap();
        assert_eq!(r, alone);
        assert_eq!(r.iter().map(|c| c.rank).collect::<Vec<_>>(), vec![4, 2, 3, 1]);
    }

    #[test]
    fn groups_must_partition_the_configurations_and_failures_reach_each_member() {
        let ok = |g: usize, _: &Fold, _: &()| Ok(vec![vec![("s".to_string(), g as f64)]]);
        for bad in [vec![vec![0]], vec![vec![0], vec![0, 1]], vec![vec![0], vec![2]]] {
            let e = evaluate_groups(2, &bad, &folds(2), "s", true, |_| Ok(()), ok).unwrap_err();
            assert!(e.code() == mp_core::ErrorCode::Internal && e.message().contains("partition"), "{bad:?}: {e}");
        }
        let e = evaluate_groups(2, &[vec![0], vec![1]], &folds(2), "s", true, |_| Ok(()), |g, f, _: &()| {
            if g == 1 || f.test[0] == 1 { Err(Error::invalid_param(&format!("g{g}f{}", f.test[0]), "bad")) } else { ok(g, f, &()) }
        })
        .unwrap_err();
        assert!(e.message().contains("g0f1"), "config 0 fails first, on fold 1: {e}");
        let e = evaluate_groups(1, &[vec![0]], &folds(2), "s", true, |_| Err::<(), _>(Error::invalid_param("prep", "bad")), ok).unwrap_err();
        assert!(e.message().contains("prep"), "{e}");
        let e = evaluate_groups(2, &[vec![0, 1]], &folds(2), "s", true, |_| Ok(()), ok).unwrap_err();
        assert!(e.message().contains("scored 1 of its 2"), "{e}");
    }

    #[test]
    fn errors_propagate_and_unknown_scoring_is_named() {
        let e = evaluate_grid(&[1], &folds(2), "x", true, |_, _| Err(Error::invalid_param("max_depth", "bad"))).unwrap_err();
        assert!(e.message().contains("max_depth"));
        let e = evaluate_grid(&[1], &folds(2), "auc", true, |_, _| Ok(vec![("roc_auc".into(), 0.5)])).unwrap_err();
        assert!(e.message().contains("auc"));
        assert!(evaluate_grid::<i32, _>(&[], &folds(2), "x", true, |_, _| Ok(vec![])).is_err());
    }
}
