//! Gradient-boosted trees (mp_tree) as a model kind: the one kind that uses a validation set.
use super::Kind;
use mp_core::{ColMajor, NoopObserver, Observer, Result};
use mp_tree::{fit_gbt, fit_gbt_binned, gbt_bin_spec, BinSpec, BinnedMatrix, ColumnSwaps, GbtModel, GbtParams, GbtValidParams};

pub(crate) struct Gbt;

impl Kind for Gbt {
    const NAME: &'static str = "gbt";
    const TAG: u8 = 1;
    const IMPORTANCE: &'static [&'static str] = super::forest::TREE_IMPORTANCE;
    const SEEDED: bool = true;
    const VALIDATION: bool = true;
    type Params = GbtParams;
    type Valid = GbtValidParams;
    type Fitted = GbtModel;

    fn check(p: &GbtParams) -> Result<GbtValidParams> {
        p.check()
    }
    fn params(v: &GbtValidParams) -> &GbtParams {
        v.params()
    }
    fn fit(x: ColMajor, y: &[f32], p: &GbtValidParams, valid: Option<(ColMajor, &[f32])>, observer: &mut dyn Observer) -> Result<GbtModel> {
        fit_gbt(x, y, p, valid, observer)
    }
    fn predict(m: &GbtModel, x: ColMajor) -> Result<Vec<f32>> {
        m.predict(x)
    }
    fn column_swaps<'a>(m: &'a GbtModel, x: ColMajor<'a>) -> Result<Option<ColumnSwaps<'a>>> {
        m.column_swaps(x).map(Some)
    }
    fn importance(m: &GbtModel, kind: &str) -> Vec<f64> {
        m.feature_importance(super::forest::tree_importance(kind))
    }
    fn summary(m: &GbtModel) -> serde_json::Value {
        serde_json::json!({ "n_trees": m.trees().len(), "best_iteration": m.best_iteration(), "eval_log": m.eval_log() })
    }
    fn n_features(m: &GbtModel) -> usize {
        m.n_features()
    }
    fn check_body(m: &GbtModel) -> Result<bool> {
        Ok(super::forest::splits_within(m.trees(), m.n_features()))
    }
    // Round `t` draws from `Rng::derive(seed, t)` and sees only rounds before it: an `m`-round fit is the
    // first `m` rounds of any longer one. Not with early stopping, whose cut depends on the later rounds.
    // (Not max_depth: later rounds fit the residuals of the earlier, deeper or not.)
    const PREFIX_PARAMS: &'static [&'static str] = &["n_estimators"];
    fn prefix(p: &GbtValidParams) -> Option<Vec<usize>> {
        (!Self::early_stops(p)).then(|| vec![p.params().n_estimators as usize])
    }
    fn early_stops(p: &GbtValidParams) -> bool {
        p.params().early_stopping_rounds > 0
    }
    fn predict_prefixes(m: &GbtModel, x: ColMajor, cuts: &[Vec<usize>]) -> Result<Vec<Vec<f32>>> {
        m.predict_prefixes(x, &cuts.iter().map(|c| c[0]).collect::<Vec<_>>())
    }
    fn bin_spec(p: &GbtValidParams, x: &ColMajor) -> Option<BinSpec> {
        Some(gbt_bin_spec(x.n_rows(), p))
    }
    fn fit_binned(x: ColMajor, y: &[f32], p: &GbtValidParams, bins: &BinnedMatrix) -> Result<GbtModel> {
        fit_gbt_binned(bins, x, y, p, None, &mut NoopObserver)
    }
}
