//! Implicit-feedback ALS (mp_collab) as a collaborative kind.
use super::CollabKind;
use mp_collab::{ImplicitModel, ImplicitParams, Ratings, IMPLICIT_PARTS};
use mp_core::{Observer, Result};

pub(crate) struct ImplicitAls;

impl CollabKind for ImplicitAls {
    const NAME: &'static str = "implicit_als";
    const TAG: u8 = 18;
    const SEEDED: bool = true;
    const PARTS: &'static [&'static str] = IMPLICIT_PARTS;
    type Params = ImplicitParams;
    type Fitted = ImplicitModel;

    fn check(p: &ImplicitParams) -> Result<()> {
        p.check()
    }
    fn fit(r: &Ratings, p: &ImplicitParams, observer: &mut dyn Observer) -> Result<ImplicitModel> {
        ImplicitModel::fit(r, p, observer)
    }
    fn parts(m: &ImplicitModel, users: &[i32], items: &[i32]) -> Result<Vec<f32>> {
        m.parts(users, items)
    }
    fn sizes(m: &ImplicitModel) -> (usize, usize, f64) {
        (m.users.len(), m.items.len(), m.mean)
    }
    fn summary(m: &ImplicitModel) -> serde_json::Value {
        serde_json::json!({ "iterations": m.observed_rmse.len(), "observed_rmse": m.observed_rmse })
    }
    fn is_valid(m: &ImplicitModel) -> bool {
        m.is_valid()
    }
}
