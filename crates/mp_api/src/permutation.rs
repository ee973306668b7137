//! Permutation importance: how much a held-out score drops when one feature's column is shuffled.
use crate::model::Model;
use crate::select::Scoring;
use mp_core::metrics::BinaryMetrics;
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
    let mut work = x.to_vec();
    let (mut mean, mut std) = (Vec::new(), Vec::new());
    for j in 0..xm.n_features() {
        let original = xm.col(j);
        let mut drops = Vec::with_capacity(n_repeats as usize);
        for r in 0..n_repeats {
            let mut rng = Rng::derive(o.seed, (j as u64) << 32 | r as u64);
            let col = &mut work[j * n_rows..(j + 1) * n_rows];
            col.copy_from_slice(original);
            rng.shuffle(col);
            drops.push(baseline - score(scoring, y, &model.predict(&work, n_rows)?)?);
        }
        work[j * n_rows..(j + 1) * n_rows].copy_from_slice(original);
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
}
