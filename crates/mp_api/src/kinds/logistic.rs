//! Logistic regression (mp_linear) as a model kind.
use super::Kind;
use mp_core::{ColMajor, Observer, Result};
use mp_linear::{fit_logistic, fit_logistic_path, LogisticModel, LogisticParams, LogisticValidParams};

pub(crate) struct Logistic;

impl Kind for Logistic {
    const NAME: &'static str = "logistic";
    const TAG: u8 = 0;
    const IMPORTANCE: &'static [&'static str] = &["coefficient"];
    const SEEDED: bool = false;
    const VALIDATION: bool = false;
    type Params = LogisticParams;
    type Valid = LogisticValidParams;
    type Fitted = LogisticModel;

    fn check(p: &LogisticParams) -> Result<LogisticValidParams> {
        p.check()
    }
    fn params(v: &LogisticValidParams) -> &LogisticParams {
        v.params()
    }
    fn fit(x: ColMajor, y: &[f32], p: &LogisticValidParams, _valid: Option<(ColMajor, &[f32])>, _observer: &mut dyn Observer) -> Result<LogisticModel> {
        fit_logistic(x, y, p)
    }
    const PATH_PARAM: &'static str = "l2";
    fn fit_path(x: ColMajor, y: &[f32], ps: &[LogisticValidParams]) -> Result<Vec<LogisticModel>> {
        fit_logistic_path(x, y, ps)
    }
    fn predict(m: &LogisticModel, x: ColMajor) -> Result<Vec<f32>> {
        m.predict(x)
    }
    fn importance(m: &LogisticModel, _kind: &str) -> Vec<f64> {
        m.feature_importance()
    }
    fn summary(m: &LogisticModel) -> serde_json::Value {
        serde_json::json!({ "intercept": m.intercept })
    }
    fn n_features(m: &LogisticModel) -> usize {
        m.n_features()
    }
    fn check_body(m: &LogisticModel) -> Result<bool> {
        let n = m.n_features();
        Ok(m.scaler.mean.len() == n && m.scaler.scale.len() == n)
    }
}
