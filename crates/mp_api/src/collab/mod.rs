//! Collaborative model kinds as data: models of (user id, item id, value) triples instead of a feature
//! matrix. Each kind is one module implementing [`CollabKind`]; [`REGISTRY`] lists them. Specs,
//! model files (same MOVPREF envelope, body = tag byte + postcard) and info are generic (model.rs).
mod implicit_als;
mod item_knn;
mod mf;
pub(crate) mod model;

use crate::kinds::{parse_params, MaybeTs};
use mp_collab::Ratings;
use mp_core::{Error, Observer, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Debug;
use std::sync::Arc;

/// What one collaborative kind knows.
pub(crate) trait CollabKind: 'static {
    /// The `kind` of a spec and of a model file header.
    const NAME: &'static str;
    /// First byte of the model body; < 128, never reused, and distinct from every feature kind's tag.
    const TAG: u8;
    /// The kind draws random numbers: its spec must carry `params.seed`.
    const SEEDED: bool;
    /// Names of the columns `parts` returns, `score` first.
    const PARTS: &'static [&'static str];
    type Params: DeserializeOwned + Serialize + MaybeTs + Clone + Debug + Send + Sync + 'static;
    type Fitted: Clone + Debug + Send + Sync + Serialize + DeserializeOwned + 'static;

    fn check(p: &Self::Params) -> Result<()>;
    fn fit(r: &Ratings, p: &Self::Params, observer: &mut dyn Observer) -> Result<Self::Fitted>;
    /// Column-major `PARTS.len()` columns for each (user, item) pair; unknown ids are cold starts.
    fn parts(m: &Self::Fitted, users: &[i32], items: &[i32]) -> Result<Vec<f32>>;
    /// (users, items, global mean) the model knows.
    fn sizes(m: &Self::Fitted) -> (usize, usize, f64);
    /// What the fit found, stored in the header's `fit`.
    fn summary(m: &Self::Fitted) -> serde_json::Value;
    /// A decoded body's own consistency.
    fn is_valid(m: &Self::Fitted) -> bool;
}

pub(crate) trait CollabSpecOps: Debug + Send + Sync {
    fn kind(&self) -> &'static str;
    fn params_json(&self) -> serde_json::Value;
    fn fit(&self, r: &Ratings, observer: &mut dyn Observer) -> Result<Box<dyn CollabFittedOps>>;
}

pub(crate) trait CollabFittedOps: Debug + Send + Sync {
    fn kind(&self) -> &'static str;
    fn part_names(&self) -> &'static [&'static str];
    fn parts(&self, users: &[i32], items: &[i32]) -> Result<Vec<f32>>;
    fn sizes(&self) -> (usize, usize, f64);
    fn summary(&self) -> serde_json::Value;
    fn is_valid(&self) -> bool;
    fn encode(&self) -> Result<Vec<u8>>;
    fn clone_box(&self) -> Box<dyn CollabFittedOps>;
}

struct Spec<K: CollabKind>(K::Params);

impl<K: CollabKind> Debug for Spec<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {:?}", K::NAME, self.0)
    }
}

impl<K: CollabKind> CollabSpecOps for Spec<K> {
    fn kind(&self) -> &'static str {
        K::NAME
    }
    fn params_json(&self) -> serde_json::Value {
        serde_json::to_value(&self.0).unwrap_or(serde_json::Value::Null)
    }
    fn fit(&self, r: &Ratings, observer: &mut dyn Observer) -> Result<Box<dyn CollabFittedOps>> {
        Ok(Box::new(Fitted::<K>(K::fit(r, &self.0, observer)?)))
    }
}

struct Fitted<K: CollabKind>(K::Fitted);

impl<K: CollabKind> Debug for Fitted<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} model", K::NAME)
    }
}

impl<K: CollabKind> CollabFittedOps for Fitted<K> {
    fn kind(&self) -> &'static str {
        K::NAME
    }
    fn part_names(&self) -> &'static [&'static str] {
        K::PARTS
    }
    fn parts(&self, users: &[i32], items: &[i32]) -> Result<Vec<f32>> {
        K::parts(&self.0, users, items)
    }
    fn sizes(&self) -> (usize, usize, f64) {
        K::sizes(&self.0)
    }
    fn summary(&self) -> serde_json::Value {
        K::summary(&self.0)
    }
    fn is_valid(&self) -> bool {
        K::is_valid(&self.0)
    }
    fn encode(&self) -> Result<Vec<u8>> {
        postcard::to_extend(&self.0, vec![K::TAG]).map_err(|e| Error::internal(e.to_string()))
    }
    fn clone_box(&self) -> Box<dyn CollabFittedOps> {
        Box::new(Fitted::<K>(self.0.clone()))
    }
}

/// One registry line.
pub(crate) struct Registered {
    pub name: &'static str,
    pub tag: u8,
    parse: fn(serde_json::Value) -> Result<Arc<dyn CollabSpecOps>>,
    decode: fn(&[u8]) -> Result<Box<dyn CollabFittedOps>>,
    #[cfg(feature = "ts")]
    pub params_ts: fn(&ts_rs::Config) -> (String, String),
}

const fn entry<K: CollabKind>() -> Registered {
    Registered {
        name: K::NAME,
        tag: K::TAG,
        parse: parse::<K>,
        decode: decode::<K>,
        #[cfg(feature = "ts")]
        params_ts: |cfg| (<K::Params as ts_rs::TS>::name(cfg), crate::ts_export::declare::<K::Params>(cfg)),
    }
}

/// Every collaborative kind, in the order `engine_info` lists them.
pub(crate) const REGISTRY: &[Registered] = &[entry::<mf::Mf>(), entry::<item_knn::ItemKnn>(), entry::<implicit_als::ImplicitAls>()];

pub(crate) fn kind_names() -> Vec<&'static str> {
    REGISTRY.iter().map(|r| r.name).collect()
}

pub(crate) fn parse_spec(name: &str, params: serde_json::Value) -> Result<Arc<dyn CollabSpecOps>> {
    let r = REGISTRY.iter().find(|r| r.name == name);
    let r = r.ok_or_else(|| Error::invalid_param("kind", format!("is {name:?}; expected one of the collaborative kinds {:?}", kind_names())))?;
    (r.parse)(params)
}

pub(crate) fn decode_body(body: &[u8]) -> Result<Box<dyn CollabFittedOps>> {
    let tag = *body.first().ok_or_else(|| Error::deserialize("model body does not decode: the body is empty"))?;
    let r = REGISTRY.iter().find(|r| r.tag == tag);
    let r = r.ok_or_else(|| Error::deserialize(format!("model body does not decode: unknown collaborative model kind tag {tag}")))?;
    (r.decode)(&body[1..])
}

fn parse<K: CollabKind>(params: serde_json::Value) -> Result<Arc<dyn CollabSpecOps>> {
    let p: K::Params = parse_params(K::NAME, K::SEEDED, params)?;
    K::check(&p)?;
    Ok(Arc::new(Spec::<K>(p)))
}

fn decode<K: CollabKind>(body: &[u8]) -> Result<Box<dyn CollabFittedOps>> {
    let m: K::Fitted = postcard::from_bytes(body).map_err(|e| Error::deserialize(format!("model body does not decode: {e}")))?;
    Ok(Box::new(Fitted::<K>(m)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_tags_are_unique_across_both_registries() {
        let feature = crate::kinds::REGISTRY.iter().map(|r| (r.name, r.tag()));
        let all: Vec<(&str, u8)> = feature.chain(REGISTRY.iter().map(|r| (r.name, r.tag))).collect();
        for (i, a) in all.iter().enumerate() {
            assert!(a.1 < 128, "{}", a.0);
            for b in &all[i + 1..] {
                assert!(a.0 != b.0 && a.1 != b.1, "{} / {}", a.0, b.0);
            }
        }
    }
}
