//! Biased matrix factorization by ALS (mp_collab) as a collaborative kind.
use super::CollabKind;
use mp_collab::{MfModel, MfParams, Ratings, MF_PARTS};
use mp_core::{Observer, Result};

pub(crate) struct Mf;

impl CollabKind for Mf {
    const NAME: &'static str = "mf";
    const TAG: u8 = 16;
    const SEEDED: bool = true;
    const PARTS: &'static [&'static str] = MF_PARTS;
    type Params = MfParams;
    type Fitted = MfModel;

    fn check(p: &MfParams) -> Result<()> {
        p.check()
    }
    fn fit(r: &Ratings, p: &MfParams, observer: &mut dyn Observer) -> Result<MfModel> {
        MfModel::fit(r, p, observer)
    }
    fn parts(m: &MfModel, users: &[i32], items: &[i32]) -> Result<Vec<f32>> {
        m.parts(users, items)
    }
    fn sizes(m: &MfModel) -> (usize, usize, f64) {
        (m.users.len(), m.items.len(), m.mean)
    }
    fn summary(m: &MfModel) -> serde_json::Value {
        serde_json::json!({ "iterations": m.train_rmse.len(), "train_rmse": m.train_rmse })
    }
    fn is_valid(m: &MfModel) -> bool {
        m.is_valid()
    }
}
