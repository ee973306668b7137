//! Feature importance over a tree ensemble.
use crate::tree::Tree;
use serde::{Deserialize, Serialize};

/// What a feature's importance measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportanceKind {
    /// Total loss reduction of every split on the feature.
    Gain,
    /// Number of splits on the feature.
    Split,
}

/// Totals per feature (not normalized; divide by the sum for shares).
pub(crate) fn importance(trees: &[Tree], n_features: usize, kind: ImportanceKind) -> Vec<f64> {
    let mut out = vec![0.0; n_features];
    for t in trees {
        t.accumulate_importance(&mut out, kind == ImportanceKind::Gain);
    }
    out
}
