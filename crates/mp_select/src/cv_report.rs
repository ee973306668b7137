//! Per-configuration summaries of fold scores (mean and population std, as scikit-learn's cv_results_).
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MetricSummary {
    pub mean: f64,
    pub std: f64,
    pub folds: Vec<f64>,
}

impl MetricSummary {
    pub fn of(values: Vec<f64>) -> Self {
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let std = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
        MetricSummary { mean, std, folds: values }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConfigReport {
    /// Index of the configuration in the grid.
    pub index: usize,
    /// Metric name -> summary over folds (e.g. "roc_auc", "log_loss", "fit_seconds").
    pub metrics: BTreeMap<String, MetricSummary>,
    /// 1 = best by the chosen scoring metric.
    pub rank: usize,
}
