//! Warm-started paths in the grid search: per fold, the configurations of a kind with a path
//! parameter ([`crate::kinds::Kind::PATH_PARAM`], e.g. logistic `l2`) that differ only in it are fitted
//! as one sequence, each fit starting from the previous solution (the kind decides the order: largest
//! `l2` first for logistic regression). Every member is scored by its own model, as if fitted alone,
//! but the models equal cold fits only within the solver's tolerance, not bit for bit.
use super::Group;
use crate::kinds::{FittedOps, SpecOps};
use crate::spec::ModelSpec;
use mp_core::{ColMajor, Result};
use std::collections::BTreeMap;

/// Merges `groups`' lone configurations that share a path key into one path group each (at the place
/// of its first member); everything else is kept as it is.
pub(super) fn join(specs: &[ModelSpec], groups: Vec<Group>) -> Vec<Group> {
    let key = |g: &Group| match (g.members.len(), &g.cuts) {
        (1, None) => specs[g.fit].0.path_key(),
        _ => None,
    };
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    groups.iter().filter_map(key).for_each(|k| *count.entry(k).or_default() += 1);
    let mut at: BTreeMap<String, usize> = BTreeMap::new();
    let mut out: Vec<Group> = Vec::new();
    for g in groups {
        match key(&g).filter(|k| count[k] > 1) {
            Some(k) => match at.get(&k) {
                Some(&i) => out[i].members.push(g.fit),
                None => {
                    at.insert(k, out.len());
                    out.push(Group { members: g.members, fit: g.fit, cuts: None, path: true });
                }
            },
            None => out.push(g),
        }
    }
    out
}

/// The models of `group`'s members (in member order), fitted as one path on the fold's training rows.
pub(super) fn fit(train: ColMajor, y: &[f32], specs: &[ModelSpec], group: &Group) -> Result<Vec<Box<dyn FittedOps>>> {
    let members: Vec<&dyn SpecOps> = group.members.iter().map(|&i| &*specs[i].0).collect();
    specs[group.fit].0.fit_path(train, y, &members)
}
