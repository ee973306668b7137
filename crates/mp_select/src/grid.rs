//! Evaluates configurations x folds: one fit per task; rayon spreads tasks over threads on native builds,
//! results are gathered in (config, fold) order, so the report is the same on 1 thread, N threads and wasm.
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
    if configs.is_empty() {
        return Err(Error::invalid_param("grid", "has no configurations"));
    }
    let tasks: Vec<(usize, usize)> = (0..configs.len()).flat_map(|c| (0..folds.len()).map(move |f| (c, f))).collect();
    let run = |&(c, f): &(usize, usize)| eval(&configs[c], &folds[f]);
    #[cfg(feature = "parallel")]
    let scores: Vec<Result<FoldScores>> = {
        use rayon::prelude::*;
        tasks.par_iter().map(run).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let scores: Vec<Result<FoldScores>> = tasks.iter().map(run).collect();

    let mut per_config: Vec<BTreeMap<String, Vec<f64>>> = vec![BTreeMap::new(); configs.len()];
    for ((c, _), s) in tasks.iter().zip(scores) {
        for (name, v) in s? {
            per_config[*c].entry(name).or_default().push(v);
        }
    }
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
    fn errors_propagate_and_unknown_scoring_is_named() {
        let e = evaluate_grid(&[1], &folds(2), "x", true, |_, _| Err(Error::invalid_param("max_depth", "bad"))).unwrap_err();
        assert!(e.message().contains("max_depth"));
        let e = evaluate_grid(&[1], &folds(2), "auc", true, |_, _| Ok(vec![("roc_auc".into(), 0.5)])).unwrap_err();
        assert!(e.message().contains("auc"));
        assert!(evaluate_grid::<i32, _>(&[], &folds(2), "x", true, |_, _| Ok(vec![])).is_err());
    }
}
