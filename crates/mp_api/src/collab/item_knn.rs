//! Item neighbourhood on baselines (KNNBaseline, mp_collab) as a collaborative kind.
use super::CollabKind;
use mp_collab::{KnnModel, KnnParams, Ratings, KNN_PARTS};
use mp_core::{Observer, Result};

pub(crate) struct ItemKnn;

impl CollabKind for ItemKnn {
    const NAME: &'static str = "item_knn";
    const TAG: u8 = 17;
    const SEEDED: bool = false;
    const PARTS: &'static [&'static str] = KNN_PARTS;
    type Params = KnnParams;
    type Fitted = KnnModel;

    fn check(p: &KnnParams) -> Result<()> {
        p.check()
    }
    fn fit(r: &Ratings, p: &KnnParams, observer: &mut dyn Observer) -> Result<KnnModel> {
        KnnModel::fit(r, p, observer)
    }
    fn parts(m: &KnnModel, users: &[i32], items: &[i32]) -> Result<Vec<f32>> {
        m.parts(users, items)
    }
    fn sizes(m: &KnnModel) -> (usize, usize, f64) {
        (m.users.len(), m.items.len(), m.mean)
    }
    fn summary(m: &KnnModel) -> serde_json::Value {
        let nonzero = m.sim.iter().filter(|&&s| s != 0.0).count();
        serde_json::json!({ "baseline_train_rmse": m.baseline_rmse, "similarity_nonzero": nonzero })
    }
    fn is_valid(m: &KnnModel) -> bool {
        m.is_valid()
    }
}
