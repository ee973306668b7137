//! Random forests (mp_tree) as a model kind, and what tree kinds share (importance kinds, split check).
use super::Kind;
use mp_core::{ColMajor, Error, NoopObserver, Observer, Result};
use mp_tree::{fit_forest, fit_forest_binned, forest_bin_spec, BinSpec, BinnedMatrix, ColumnSwaps, ForestModel, ForestParams, ForestValidParams, ImportanceKind, Tree};

pub(crate) struct Forest;

/// Importance kinds of tree models: total split gain, or split count.
pub(super) const TREE_IMPORTANCE: &[&str] = &["gain", "split"];

pub(super) fn tree_importance(kind: &str) -> ImportanceKind {
    if kind == "split" {
        ImportanceKind::Split
    } else {
        ImportanceKind::Gain
    }
}

/// Tree structure (non-empty, children after parents and in range) is enforced when a `Tree`
/// deserializes in mp_tree; what the header adds is the feature count every split must respect.
pub(crate) fn splits_within(trees: &[Tree], n_features: usize) -> bool {
    trees.iter().filter_map(Tree::max_feature).all(|f| (f as usize) < n_features)
}

impl Kind for Forest {
    const NAME: &'static str = "forest";
    const TAG: u8 = 2;
    const IMPORTANCE: &'static [&'static str] = TREE_IMPORTANCE;
    const SEEDED: bool = true;
    const VALIDATION: bool = false;
    type Params = ForestParams;
    type Valid = ForestValidParams;
    type Fitted = ForestModel;

    fn check(p: &ForestParams) -> Result<ForestValidParams> {
        p.check()
    }
    fn params(v: &ForestValidParams) -> &ForestParams {
        v.params()
    }
    fn fit(x: ColMajor, y: &[f32], p: &ForestValidParams, _valid: Option<(ColMajor, &[f32])>, observer: &mut dyn Observer) -> Result<ForestModel> {
        fit_forest(x, y, p, observer)
    }
    fn predict(m: &ForestModel, x: ColMajor) -> Result<Vec<f32>> {
        m.predict(x)
    }
    fn column_swaps<'a>(m: &'a ForestModel, x: ColMajor<'a>) -> Result<Option<ColumnSwaps<'a>>> {
        m.column_swaps(x).map(Some)
    }
    fn importance(m: &ForestModel, kind: &str) -> Vec<f64> {
        m.feature_importance(tree_importance(kind))
    }
    fn summary(m: &ForestModel) -> serde_json::Value {
        serde_json::json!({ "n_trees": m.trees().len(), "oob": m.oob_score() })
    }
    fn n_features(m: &ForestModel) -> usize {
        m.n_features()
    }
    fn check_body(m: &ForestModel) -> Result<bool> {
        if m.trees().is_empty() {
            // it would average zero trees: NaN for every row
            return Err(Error::deserialize("model is a forest without trees"));
        }
        Ok(splits_within(m.trees(), m.n_features()))
    }
    // Tree `t` is grown from its own stream `Rng::derive(seed, t)`, whatever the tree count, level by
    // level: a shallower tree is the deeper one cut at its depth (see ForestModel::predict_prefixes).
    const PREFIX_PARAMS: &'static [&'static str] = &["n_estimators", "max_depth"];
    fn prefix(p: &ForestValidParams) -> Option<Vec<usize>> {
        let p = p.params();
        Some(vec![p.n_estimators as usize, p.max_depth as usize])
    }
    fn predict_prefixes(m: &ForestModel, x: ColMajor, cuts: &[Vec<usize>]) -> Result<Vec<Vec<f32>>> {
        m.predict_prefixes(x, &cuts.iter().map(|c| (c[0], c[1])).collect::<Vec<_>>())
    }
    fn bin_spec(p: &ForestValidParams, x: &ColMajor) -> Option<BinSpec> {
        Some(forest_bin_spec(x.n_rows(), x.n_features(), p))
    }
    fn fit_binned(x: ColMajor, y: &[f32], p: &ForestValidParams, bins: &BinnedMatrix) -> Result<ForestModel> {
        fit_forest_binned(bins, x, y, p, &mut NoopObserver)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mp_tree::Node;

    #[test]
    fn malformed_trees_are_refused_not_walked() {
        let leaf = Node::leaf(0.5, 1.0);
        let split = |left, right, feature| Node { feature, threshold: 0.0, default_left: true, left, right, value: 0.0, gain: 1.0, cover: 1.0 };
        let ok = Tree { nodes: vec![split(1, 2, 0), leaf.clone(), leaf.clone()] };
        assert!(splits_within(std::slice::from_ref(&ok), 1));
        // unknown feature: caught here, against the header's feature count
        assert!(!splits_within(&[Tree { nodes: vec![split(1, 2, 3), leaf.clone(), leaf.clone()] }], 1));
        // broken structure: refused by Tree's own deserialization, which every model body goes through
        let decode = |nodes: Vec<Node>| serde_json::from_value::<Tree>(serde_json::to_value(Tree { nodes }).unwrap());
        assert!(decode(ok.nodes.clone()).is_ok());
        for bad in [
            vec![split(0, 1, 0), leaf.clone()], // self loop
            vec![split(1, 5, 0), leaf.clone()], // out of range
            vec![],
        ] {
            assert!(decode(bad).is_err());
        }
    }
}
