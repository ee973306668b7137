//! Model kinds as data: each kind is one module implementing [`Kind`] (parse and check its
//! parameters, fit with an observer, predict, importance, fit summary; the model body is its serde
//! form), and [`REGISTRY`] lists them. Adding a kind = one module + one registry line.
mod forest;
mod gbt;
mod logistic;

use mp_core::params::one_of;
use mp_core::{ColMajor, Error, ErrorCode, NoopObserver, Observer, Result};
use mp_tree::{BinSpec, BinnedMatrix, ColumnSwaps};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt::Debug;
use std::sync::Arc;

/// What one model kind knows. Everything else (spec JSON, model files, grid search) is generic.
pub(crate) trait Kind: 'static {
    /// The `kind` of a spec and of a model file header.
    const NAME: &'static str;
    /// First byte of the model body (the postcard enum index files have always been written with); < 128.
    const TAG: u8;
    /// Importance kinds the fitted model answers, e.g. `["gain", "split"]`.
    const IMPORTANCE: &'static [&'static str];
    /// The kind draws random numbers: its spec must carry `params.seed` (no silent default seed).
    const SEEDED: bool;
    /// The kind uses a validation set (evaluation log, early stopping).
    const VALIDATION: bool;
    type Params: DeserializeOwned + Serialize + MaybeTs;
    type Valid: Clone + Debug + Send + Sync + 'static;
    type Fitted: Clone + Debug + Send + Sync + Serialize + DeserializeOwned + 'static;

    fn check(p: &Self::Params) -> Result<Self::Valid>;
    fn params(v: &Self::Valid) -> &Self::Params;
    fn fit(x: ColMajor, y: &[f32], p: &Self::Valid, valid: Option<(ColMajor, &[f32])>, observer: &mut dyn Observer) -> Result<Self::Fitted>;
    fn predict(m: &Self::Fitted, x: ColMajor) -> Result<Vec<f32>>;
    /// `kind` is one of [`Kind::IMPORTANCE`].
    fn importance(m: &Self::Fitted, kind: &str) -> Vec<f64>;
    /// What the fit found, stored in the model header's `fit`.
    fn summary(m: &Self::Fitted) -> serde_json::Value;
    fn n_features(m: &Self::Fitted) -> usize;
    /// A decoded body's own consistency: `Err` for a body that cannot be used at all, `Ok(false)` for
    /// one that disagrees with its feature count (reported with the header mismatch).
    fn check_body(m: &Self::Fitted) -> Result<bool>;

    /// Grid sharing (select/share.rs): parameters along which a fit with larger values holds the fits
    /// with smaller ones (a fit with `n_estimators = M` first grows exactly the `m < M` fit), so among
    /// configurations that differ only in them one fit of the largest scores every other. Empty: every
    /// configuration is fitted on its own.
    const PREFIX_PARAMS: &'static [&'static str] = &[];
    /// `p`'s values of [`Kind::PREFIX_PARAMS`], or `None` when this configuration must not share a fit.
    fn prefix(_p: &Self::Valid) -> Option<Vec<usize>> {
        None
    }
    /// Predictions of the model cut to each of `cuts` (values of [`Kind::PREFIX_PARAMS`], each at most the model's own).
    fn predict_prefixes(_m: &Self::Fitted, _x: ColMajor, _cuts: &[Vec<usize>]) -> Result<Vec<Vec<f32>>> {
        Err(Error::internal(format!("{} models have no prefixes", Self::NAME)))
    }
    /// Grid paths (select/share/path.rs): a numeric parameter along which one warm-started sequence of
    /// fits serves every configuration that differs in it alone (close to, not bit-identical with,
    /// fitting each from scratch). Empty: no path.
    const PATH_PARAM: &'static str = "";
    /// One model per entry of `ps` (which differ in [`Kind::PATH_PARAM`] only), in that order.
    fn fit_path(_x: ColMajor, _y: &[f32], _ps: &[Self::Valid]) -> Result<Vec<Self::Fitted>> {
        Err(Error::internal(format!("{} models have no path", Self::NAME)))
    }
    /// Tree kinds: `m`'s predictions of `x` ready to be recomputed with one column replaced (permutation
    /// importance). `None`: the kind predicts the modified matrix in full.
    fn column_swaps<'a>(_m: &'a Self::Fitted, _x: ColMajor<'a>) -> Result<Option<ColumnSwaps<'a>>> {
        Ok(None)
    }
    /// How a fit of `p` bins `x` (`None`: the kind does not bin), so one binning serves many fits.
    fn bin_spec(_p: &Self::Valid, _x: &ColMajor) -> Option<BinSpec> {
        None
    }
    /// `p` asks to stop early on a validation set (the grid search then holds one out of each fit's
    /// training rows: select/early_stop.rs). Such a configuration never shares a fit.
    fn early_stops(_p: &Self::Valid) -> bool {
        false
    }
    /// [`Kind::fit`] without validation set or observer, on `x` already binned as [`Kind::bin_spec`] says.
    fn fit_binned(x: ColMajor, y: &[f32], p: &Self::Valid, _bins: &BinnedMatrix) -> Result<Self::Fitted> {
        Self::fit(x, y, p, None, &mut NoopObserver)
    }
}

/// `ts_rs::TS` with the `ts` feature (so the TS `ModelSpec` union is generated from [`REGISTRY`]), nothing otherwise.
#[cfg(feature = "ts")]
pub(crate) trait MaybeTs: ts_rs::TS + 'static {}
#[cfg(feature = "ts")]
impl<T: ts_rs::TS + 'static> MaybeTs for T {}
#[cfg(not(feature = "ts"))]
pub(crate) trait MaybeTs {}
#[cfg(not(feature = "ts"))]
impl<T> MaybeTs for T {}

/// A validated spec of some kind (object-safe face of [`Kind`]).
pub(crate) trait SpecOps: Debug + Send + Sync {
    fn kind(&self) -> &'static str;
    fn params_json(&self) -> serde_json::Value;
    fn uses_validation(&self) -> bool;
    /// The configuration stops early on a validation set ([`Kind::early_stops`]).
    fn early_stops(&self) -> bool;
    fn fit(&self, x: ColMajor, y: &[f32], valid: Option<(ColMajor, &[f32])>, observer: &mut dyn Observer) -> Result<Box<dyn FittedOps>>;
    /// Grid sharing: (every parameter but the kind's prefix parameters, as JSON text; their values).
    /// Configurations with equal text may share one fit. `None`: fitted on its own.
    fn prefix_share(&self) -> Option<(String, Vec<usize>)>;
    /// Grid paths: every parameter but the kind's path parameter, as JSON text. Configurations with
    /// equal text may share one warm-started path. `None`: the kind has no path.
    fn path_key(&self) -> Option<String>;
    /// [`Kind::fit_path`] over `specs` (each of this kind with this spec's [`SpecOps::path_key`]), in their order.
    fn fit_path(&self, x: ColMajor, y: &[f32], specs: &[&dyn SpecOps]) -> Result<Vec<Box<dyn FittedOps>>>;
    /// How the fit bins `x`, if the kind bins.
    fn bin_spec(&self, x: &ColMajor) -> Option<BinSpec>;
    /// The grid search's fit (no validation set, no observer), on `bins` (= `x` binned by
    /// [`SpecOps::bin_spec`]) when given: the same model as [`SpecOps::fit`].
    fn fit_grid(&self, x: ColMajor, y: &[f32], bins: Option<&BinnedMatrix>) -> Result<Box<dyn FittedOps>>;
}

/// A fitted model of some kind (object-safe face of [`Kind`]).
pub(crate) trait FittedOps: Debug + Send + Sync {
    fn kind(&self) -> &'static str;
    fn n_features(&self) -> usize;
    fn predict(&self, x: ColMajor) -> Result<Vec<f32>>;
    /// [`FittedOps::predict`] of the model cut to each of `cuts` (values of the kind's prefix parameters).
    fn predict_prefixes(&self, x: ColMajor, cuts: &[Vec<usize>]) -> Result<Vec<Vec<f32>>>;
    fn importance(&self, kind: &str) -> Result<Vec<f64>>;
    /// See [`Kind::column_swaps`].
    fn column_swaps<'a>(&'a self, x: ColMajor<'a>) -> Result<Option<ColumnSwaps<'a>>>;
    fn summary(&self) -> serde_json::Value;
    fn check_body(&self) -> Result<bool>;
    /// Tag byte + postcard body (byte-identical to the former `AnyModel` enum encoding).
    fn encode(&self) -> Result<Vec<u8>>;
    fn clone_box(&self) -> Box<dyn FittedOps>;
}

struct Spec<K: Kind>(K::Valid);

impl<K: Kind> Debug for Spec<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {:?}", K::NAME, self.0)
    }
}

impl<K: Kind> SpecOps for Spec<K> {
    fn kind(&self) -> &'static str {
        K::NAME
    }
    fn params_json(&self) -> serde_json::Value {
        serde_json::to_value(K::params(&self.0)).unwrap_or(serde_json::Value::Null)
    }
    fn uses_validation(&self) -> bool {
        K::VALIDATION
    }
    fn early_stops(&self) -> bool {
        K::early_stops(&self.0)
    }
    fn fit(&self, x: ColMajor, y: &[f32], valid: Option<(ColMajor, &[f32])>, observer: &mut dyn Observer) -> Result<Box<dyn FittedOps>> {
        Ok(Box::new(Fitted::<K>(K::fit(x, y, &self.0, valid, observer)?)))
    }
    fn prefix_share(&self) -> Option<(String, Vec<usize>)> {
        if K::PREFIX_PARAMS.is_empty() {
            return None;
        }
        let cut = K::prefix(&self.0)?;
        let mut rest = self.params_json();
        let o = rest.as_object_mut()?;
        K::PREFIX_PARAMS.iter().for_each(|name| drop(o.remove(*name)));
        Some((rest.to_string(), cut))
    }
    fn path_key(&self) -> Option<String> {
        if K::PATH_PARAM.is_empty() {
            return None;
        }
        let mut rest = self.params_json();
        rest.as_object_mut()?.remove(K::PATH_PARAM);
        Some(rest.to_string())
    }
    fn fit_path(&self, x: ColMajor, y: &[f32], specs: &[&dyn SpecOps]) -> Result<Vec<Box<dyn FittedOps>>> {
        let key = self.path_key();
        let ps = specs
            .iter()
            .map(|s| match s.kind() == K::NAME && key.is_some() && s.path_key() == key {
                true => K::check(&parse_params::<K::Params>(K::NAME, false, s.params_json())?),
                false => Err(Error::internal(format!("{s:?} is not on the path of {self:?}"))),
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(K::fit_path(x, y, &ps)?.into_iter().map(|m| Box::new(Fitted::<K>(m)) as Box<dyn FittedOps>).collect())
    }
    fn bin_spec(&self, x: &ColMajor) -> Option<BinSpec> {
        K::bin_spec(&self.0, x)
    }
    fn fit_grid(&self, x: ColMajor, y: &[f32], bins: Option<&BinnedMatrix>) -> Result<Box<dyn FittedOps>> {
        let m = match bins {
            Some(b) => K::fit_binned(x, y, &self.0, b)?,
            None => K::fit(x, y, &self.0, None, &mut NoopObserver)?,
        };
        Ok(Box::new(Fitted::<K>(m)))
    }
}

struct Fitted<K: Kind>(K::Fitted);

impl<K: Kind> Debug for Fitted<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {:?}", K::NAME, self.0)
    }
}

impl<K: Kind> FittedOps for Fitted<K> {
    fn kind(&self) -> &'static str {
        K::NAME
    }
    fn n_features(&self) -> usize {
        K::n_features(&self.0)
    }
    fn predict(&self, x: ColMajor) -> Result<Vec<f32>> {
        K::predict(&self.0, x)
    }
    fn predict_prefixes(&self, x: ColMajor, cuts: &[Vec<usize>]) -> Result<Vec<Vec<f32>>> {
        K::predict_prefixes(&self.0, x, cuts)
    }
    fn importance(&self, kind: &str) -> Result<Vec<f64>> {
        if K::IMPORTANCE.contains(&kind) {
            return Ok(K::importance(&self.0, kind));
        }
        let valid = one_of(K::IMPORTANCE.iter().copied());
        Err(Error::invalid_param("importance kind", format!("{kind:?} is not available for a {} model (use {valid})", K::NAME)))
    }
    fn column_swaps<'a>(&'a self, x: ColMajor<'a>) -> Result<Option<ColumnSwaps<'a>>> {
        K::column_swaps(&self.0, x)
    }
    fn summary(&self) -> serde_json::Value {
        K::summary(&self.0)
    }
    fn check_body(&self) -> Result<bool> {
        K::check_body(&self.0)
    }
    fn encode(&self) -> Result<Vec<u8>> {
        postcard::to_extend(&self.0, vec![K::TAG]).map_err(|e| Error::internal(e.to_string()))
    }
    fn clone_box(&self) -> Box<dyn FittedOps> {
        Box::new(Fitted::<K>(self.0.clone()))
    }
}

/// One registry line: a kind's name, body tag and its two entry points.
pub(crate) struct Registered {
    pub name: &'static str,
    tag: u8,
    parse: fn(serde_json::Value) -> Result<Arc<dyn SpecOps>>,
    decode: fn(&[u8]) -> Result<Box<dyn FittedOps>>,
    /// The TypeScript name and declaration of the kind's parameters.
    #[cfg(feature = "ts")]
    pub params_ts: fn(&ts_rs::Config) -> (String, String),
}

const fn entry<K: Kind>() -> Registered {
    Registered {
        name: K::NAME,
        tag: K::TAG,
        parse: parse::<K>,
        decode: decode::<K>,
        #[cfg(feature = "ts")]
        params_ts: |cfg| (<K::Params as ts_rs::TS>::name(cfg), crate::ts_export::declare::<K::Params>(cfg)),
    }
}

/// Every model kind, in the order `engine_info` lists them.
pub(crate) const REGISTRY: &[Registered] = &[entry::<logistic::Logistic>(), entry::<gbt::Gbt>(), entry::<forest::Forest>()];

#[cfg(test)]
impl Registered {
    pub(crate) fn tag(&self) -> u8 {
        self.tag
    }
}

/// Names of every kind.
pub(crate) fn kind_names() -> Vec<&'static str> {
    REGISTRY.iter().map(|r| r.name).collect()
}

/// `params` (a JSON object, defaults filled by the kind) of kind `name`, checked.
pub(crate) fn parse_spec(name: &str, params: serde_json::Value) -> Result<Arc<dyn SpecOps>> {
    let r = REGISTRY.iter().find(|r| r.name == name);
    let r = r.ok_or_else(|| Error::invalid_param("kind", format!("is {name:?}; expected one of {:?}", kind_names())))?;
    (r.parse)(params)
}

/// A model body: the tag byte picks the kind, the rest is its postcard form.
pub(crate) fn decode_body(body: &[u8]) -> Result<Box<dyn FittedOps>> {
    let tag = *body.first().ok_or_else(|| Error::deserialize("model body does not decode: the body is empty"))?;
    let r = REGISTRY.iter().find(|r| r.tag == tag);
    let r = r.ok_or_else(|| Error::deserialize(format!("model body does not decode: unknown model kind tag {tag}")))?;
    (r.decode)(&body[1..])
}

/// `params` of kind `name` (defaults filled by serde): unknown fields refused, `seed` required when `seeded`.
/// Shared by the feature kinds and the collaborative kinds (crate::collab).
pub(crate) fn parse_params<P: DeserializeOwned>(name: &str, seeded: bool, params: serde_json::Value) -> Result<P> {
    let has_seed = params.get("seed").is_some();
    let p: P = serde_json::from_value(params).map_err(|e| Error::new(ErrorCode::InvalidParam, format!("{name} params: {e}")))?;
    if seeded && !has_seed {
        return Err(Error::invalid_param("seed", format!("is required for {name} models (it seeds their sampling; there is no default seed)")));
    }
    Ok(p)
}

fn parse<K: Kind>(params: serde_json::Value) -> Result<Arc<dyn SpecOps>> {
    let p: K::Params = parse_params(K::NAME, K::SEEDED, params)?;
    Ok(Arc::new(Spec::<K>(K::check(&p)?)))
}

fn decode<K: Kind>(body: &[u8]) -> Result<Box<dyn FittedOps>> {
    let m: K::Fitted = postcard::from_bytes(body).map_err(|e| Error::deserialize(format!("model body does not decode: {e}")))?;
    Ok(Box::new(Fitted::<K>(m)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_tags_are_unique_and_tags_fit_one_byte() {
        for (i, a) in REGISTRY.iter().enumerate() {
            assert!(a.tag < 128, "{}", a.name);
            for b in &REGISTRY[i + 1..] {
                assert!(a.name != b.name && a.tag != b.tag, "{} / {}", a.name, b.name);
            }
        }
    }

    #[test]
    fn unknown_or_empty_bodies_are_deserialize_errors() {
        for body in [&[][..], &[99u8, 0][..], &[0x80, 1][..]] {
            assert_eq!(decode_body(body).unwrap_err().code(), ErrorCode::Deserialize);
        }
    }
}
