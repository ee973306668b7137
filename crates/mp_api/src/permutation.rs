//! Permutation importance: how much a held-out score drops when one feature's column is shuffled.
//!
//! Shuffle `r` of feature `j` is seeded by `(seed, j, r)`, so the result does not depend on the order
//! the features are done in. Tree models predict each shuffle through [`mp_tree::ColumnSwaps`] (only the
//! (row, tree) pairs whose path reads the feature are walked again; bit-identical to predicting the
//! shuffled matrix), with features in parallel on native builds; other kinds predict the shuffled matrix.
use crate::model::Model;
use crate::select::Scoring;
use mp_core::metrics::BinaryMetrics;
use mp_core::par::map_indexed;
use mp_core::{ColMajor, Error, ErrorCode, Result, Rng};
use serde::{Deserialize, Serialize};

/// `{"seed": 1, "n_repeats": 5, "scoring": "roc_auc"}`; the seed is required.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct PermutationOptions {
    /// Seeds the shuffles. Required.
    pub seed: u64,
    /// Shuffles per feature, in [1, 1000] (default 5).
    #[cfg_attr(feature = "ts", ts(optional))]
    pub n_repeats: Option<u32>,
    /// Score whose drop is measured (default "roc_auc").
    #[cfg_attr(feature = "ts", ts(optional))]
    pub scoring: Option<Scoring>,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PermutationImportance {
    pub scoring: Scoring,
    pub baseline: f64,
    /// Per feature: mean and std over repeats of (baseline - permuted score); log-loss is negated so
    /// that larger always means "more important".
    pub mean: Vec<f64>,
    pub std: Vec<f64>,
}

fn score(s: Scoring, y: &[f32], p: &[f32]) -> Result<f64> {
    let m = BinaryMetrics::compute(y, p, 0.5)?;
    Ok(match s {
        Scoring::RocAuc => m.roc_auc,
        Scoring::LogLoss => -m.log_loss,
        Scoring::Accuracy => m.accuracy,
        Scoring::F1 => m.f1,
    })
}

pub fn permutation_importance_json(model: &Model, x: &[f32], n_rows: usize, y: &[f32], options_json: &str) -> Result<String> {
    let o: PermutationOptions = serde_json::from_str(options_json)
        .map_err(|e| Error::new(ErrorCode::InvalidParam, format!("permutation importance options: {e}")))?;
    let (n_repeats, scoring) = (o.n_repeats.unwrap_or(5), o.scoring.unwrap_or(Scoring::RocAuc));
    if n_repeats == 0 || n_repeats > 1000 {
        return Err(Error::invalid_param("n_repeats", format!("must be in 1..=1000, got {n_repeats}")));
    }
    let xm = ColMajor::with_features(x, n_rows, model.n_features())?;
    let baseline = score(scoring, y, &model.predict(x, n_rows)?)?;
    // Feature `j`'s `r`-th shuffle: its own stream, whatever order the features are done in.
    let shuffled = |j: usize, r: u32| {
        let mut col = xm.col(j).to_vec();
        Rng::derive(o.seed, (j as u64) << 32 | r as u64).shuffle(&mut col);
        col
    };
    let drops: Vec<Vec<f64>> = match model.column_swaps(xm)? {
        // Tree models: features in parallel, each re-walking only the (row, tree) pairs that read it.
        Some(swaps) => map_indexed(xm.n_features(), |j| {
            let cols: Vec<Vec<f32>> = (0..n_repeats).map(|r| shuffled(j, r)).collect();
            let refs: Vec<&[f32]> = cols.iter().map(Vec::as_slice).collect();
            swaps.predict(j, &refs)?.iter().map(|p| Ok(baseline - score(scoring, y, p)?)).collect()
        })
        .into_iter()
        .collect::<Result<_>>()?,
        // Other kinds: the whole matrix predicted per shuffle, one working copy, features in order.
        None => {
            let mut work = x.to_vec();
            let mut all = Vec::with_capacity(xm.n_features());
            for j in 0..xm.n_features() {
                let mut drops = Vec::with_capacity(n_repeats as usize);
                for r in 0..n_repeats {
                    work[j * n_rows..(j + 1) * n_rows].copy_from_slice(&shuffled(j, r));
                    drops.push(baseline - score(scoring, y, &model.predict(&work, n_rows)?)?);
                }
                work[j * n_rows..(j + 1) * n_rows].copy_from_slice(xm.col(j));
                all.push(drops);
            }
            all
        }
    };
    let (mut mean, mut std) = (Vec::new(), Vec::new());
    for drops in &drops {
        let m = drops.iter().sum::<f64>() / drops.len() as f64;
        mean.push(m);
        std.push((drops.iter().map(|d| (d - m).powi(2)).sum::<f64>() / drops.len() as f64).sqrt());
    }
    let out = PermutationImportance { scoring, baseline: if scoring == Scoring::LogLoss { -baseline } else { baseline }, mean, std };
    serde_json::to_string(&out).map_err(|e| Error::internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_informative_feature_matters_and_noise_does_not() {
        let n = 400;
        let mut rng = Rng::new(5);
        let mut x = vec![0f32; 2 * n];
        let mut y = vec![0f32; n];
        for i in 0..n {
            x[i] = rng.next_f64() as f32;
            x[n + i] = rng.next_f64() as f32;
            y[i] = (x[i] > 0.5) as u8 as f32;
        }
        let m = crate::fit(&x, n, &y, r#"{"kind":"logistic"}"#).unwrap();
        let v: serde_json::Value = serde_json::from_str(&permutation_importance_json(&m, &x, n, &y, r#"{"seed":1,"n_repeats":3}"#).unwrap()).unwrap();
        let mean = v["mean"].as_array().unwrap();
        assert!(mean[0].as_f64().unwrap() > 0.3, "{v}");
        assert!(mean[1].as_f64().unwrap().abs() < 0.05, "{v}");
        let e = permutation_importance_json(&m, &x, n, &y, r#"{"n_repeats":3}"#).unwrap_err();
        assert!(e.message().contains("seed"));
    }

    /// The definition, feature after feature: every shuffle's whole matrix predicted.
    fn by_full_predictions(m: &Model, x: &[f32], n: usize, y: &[f32], seed: u64, repeats: u32) -> Vec<f64> {
        let base = score(Scoring::RocAuc, y, &m.predict(x, n).unwrap()).unwrap();
        (0..m.n_features())
            .map(|j| {
                let drops: Vec<f64> = (0..repeats)
                    .map(|r| {
                        let mut w = x.to_vec();
                        Rng::derive(seed, (j as u64) << 32 | r as u64).shuffle(&mut w[j * n..(j + 1) * n]);
                        base - score(Scoring::RocAuc, y, &m.predict(&w, n).unwrap()).unwrap()
                    })
                    .collect();
                drops.iter().sum::<f64>() / drops.len() as f64
            })
            .collect()
    }

    #[test]
    fn tree_models_give_the_bits_of_predicting_each_shuffled_matrix() {
        let (n, f) = (3000, 5);
        let mut rng = Rng::new(9);
        let x: Vec<f32> = (0..n * f).map(|i| if i % 23 == 0 { f32::NAN } else { rng.next_f64() as f32 }).collect();
        let y: Vec<f32> = (0..n).map(|i| (x[i] + 0.5 * x[n + i] + 0.3 * rng.next_f64() as f32 > 0.9) as u8 as f32).collect();
        for spec in [
            r#"{"kind":"forest","params":{"n_estimators":30,"max_depth":12,"seed":3}}"#,
            r#"{"kind":"gbt","params":{"n_estimators":40,"max_depth":5,"subsample":0.8,"seed":3}}"#,
        ] {
            let m = crate::fit(&x, n, &y, spec).unwrap();
            let v: serde_json::Value = serde_json::from_str(&permutation_importance_json(&m, &x, n, &y, r#"{"seed":4,"n_repeats":2}"#).unwrap()).unwrap();
            let got: Vec<f64> = v["mean"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
            assert_eq!(got, by_full_predictions(&m, &x, n, &y, 4, 2), "{spec}");
            assert!(got[0] > 0.05 && got[0] > got[4], "{spec}: {got:?}");
        }
    }
}
