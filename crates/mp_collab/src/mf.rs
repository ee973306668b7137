//! Biased matrix factorization by ALS: r̂ = μ + b_u + b_i + p_u·q_i. Each user solves one
//! (k+1)x(k+1) ridge system with its bias as an extra column (Cholesky), then each item does.
use crate::linalg::{cholesky_solve, dot};
use crate::normal_eq::NormalEq;
use crate::par::map_chunks;
use crate::ratings::{lookup, Csr, IdMap, Ratings};
use crate::MfParams;
use mp_core::{Control, Observer, Result, Rng};
use serde::{Deserialize, Serialize};

/// A fitted MF model: factors and biases in f32 (solved in f64), ids to find them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MfModel {
    pub users: IdMap,
    pub items: IdMap,
    pub factors: u32,
    pub mean: f64,
    pub user_bias: Vec<f32>,
    pub item_bias: Vec<f32>,
    /// n_users x factors, row-major.
    pub p: Vec<f32>,
    /// n_items x factors, row-major.
    pub q: Vec<f32>,
    /// Training RMSE after each sweep.
    pub train_rmse: Vec<f64>,
}

/// Columns of [`MfModel::parts`].
pub const MF_PARTS: &[&str] = &["score", "user_bias", "item_bias", "dot", "known_user", "known_item"];

/// One side's solves: every row of `csr` (users, or items) against the other side's fixed factors
/// `other` and biases `other_bias`. Returns (factors, biases) of this side.
fn solve_side(csr: &Csr, other: &[f32], other_bias: &[f32], mean: f64, k: usize, p: &MfParams) -> (Vec<f32>, Vec<f32>) {
    let n = k + 1;
    let out: Vec<f32> = map_chunks(csr.n_rows(), |rows| {
        let mut ne = NormalEq::new(k);
        let mut out = Vec::with_capacity(rows.len() * n);
        for r in rows {
            let (cols, vals) = csr.row(r);
            let w = if p.weighted_lambda { cols.len() as f64 } else { 1.0 };
            let resid = |t: usize| vals[t] as f64 - mean - other_bias[cols[t] as usize] as f64;
            ne.accumulate(cols, other, resid, p.l2_factors.min(p.l2_bias) * w);
            let (a, b) = (&mut ne.a, &mut ne.b);
            for i in 0..k {
                a[i * n + i] += p.l2_factors * w;
            }
            a[k * n + k] += p.l2_bias * w;
            cholesky_solve(a, b, n);
            out.extend(b.iter().map(|&v| v as f32));
        }
        out
    });
    let mut factors = Vec::with_capacity(csr.n_rows() * k);
    let mut bias = Vec::with_capacity(csr.n_rows());
    for row in out.chunks_exact(n) {
        factors.extend_from_slice(&row[..k]);
        bias.push(row[k]);
    }
    (factors, bias)
}


impl MfModel {
    fn rmse(&self, by_user: &Csr) -> f64 {
        let k = self.factors as usize;
        let sums: Vec<f64> = map_chunks(by_user.n_rows(), |rows| {
            let mut s = 0.0;
            for u in rows {
                let (cols, vals) = by_user.row(u);
                for (&i, &v) in cols.iter().zip(vals) {
                    let i = i as usize;
                    let pred = self.mean + self.user_bias[u] as f64 + self.item_bias[i] as f64 + dot(&self.p[u * k..(u + 1) * k], &self.q[i * k..(i + 1) * k]);
                    s += (v as f64 - pred).powi(2);
                }
            }
            vec![s]
        });
        (sums.iter().sum::<f64>() / by_user.nnz() as f64).sqrt()
    }

    /// Fits `params` (checked by the caller) on `r`; `observer` sees `train_rmse` after each sweep
    /// and may stop the fit early.
    pub fn fit(r: &Ratings, params: &MfParams, observer: &mut dyn Observer) -> Result<MfModel> {
        params.check()?;
        let k = params.factors as usize;
        let (nu, ni) = (r.users.len(), r.items.len());
        let mut rng = Rng::new(params.seed);
        let mut init = |n: usize| -> Vec<f32> { (0..n).map(|_| ((rng.next_f64() * 2.0 - 1.0) * params.init_scale) as f32).collect() };
        let p = init(nu * k);
        let q = init(ni * k);
        let mut m = MfModel {
            users: r.users.clone(),
            items: r.items.clone(),
            factors: params.factors,
            mean: r.mean,
            user_bias: vec![0.0; nu],
            item_bias: vec![0.0; ni],
            p,
            q,
            train_rmse: Vec::new(),
        };
        for it in 0..params.iterations {
            (m.p, m.user_bias) = solve_side(&r.by_user, &m.q, &m.item_bias, m.mean, k, params);
            (m.q, m.item_bias) = solve_side(&r.by_item, &m.p, &m.user_bias, m.mean, k, params);
            let rmse = m.rmse(&r.by_user);
            m.train_rmse.push(rmse);
            if observer.on_iter(it, &[("train_rmse", rmse)]) == Control::Stop {
                break;
            }
        }
        Ok(m)
    }

    /// Column-major parts (see [`MF_PARTS`]) of each (user, item) pair; unknown users/items fall back
    /// to μ + the known biases with a zero dot product.
    pub fn parts(&self, users: &[i32], items: &[i32]) -> Result<Vec<f32>> {
        let pairs = lookup(&self.users, &self.items, users, items)?;
        let (n, k) = (pairs.len(), self.factors as usize);
        let mut out = vec![0f32; n * MF_PARTS.len()];
        for (row, &(u, i)) in pairs.iter().enumerate() {
            let bu = u.map_or(0.0, |u| self.user_bias[u] as f64);
            let bi = i.map_or(0.0, |i| self.item_bias[i] as f64);
            let d = match (u, i) {
                (Some(u), Some(i)) => dot(&self.p[u * k..(u + 1) * k], &self.q[i * k..(i + 1) * k]),
                _ => 0.0,
            };
            let cols = [self.mean + bu + bi + d, bu, bi, d, u.is_some() as u8 as f64, i.is_some() as u8 as f64];
            for (c, v) in cols.iter().enumerate() {
                out[c * n + row] = *v as f32;
            }
        }
        Ok(out)
    }

    /// The score column of [`MfModel::parts`].
    pub fn predict(&self, users: &[i32], items: &[i32]) -> Result<Vec<f32>> {
        let mut parts = self.parts(users, items)?;
        parts.truncate(users.len());
        Ok(parts)
    }

    /// A decoded model's own consistency (lengths, ids, finite numbers).
    pub fn is_valid(&self) -> bool {
        let (nu, ni, k) = (self.users.len(), self.items.len(), self.factors as usize);
        let finite = |v: &[f32]| v.iter().all(|x| x.is_finite());
        (1..=crate::mf_params::MAX_FACTORS as usize).contains(&k)
            && self.users.is_valid()
            && self.items.is_valid()
            && self.mean.is_finite()
            && self.user_bias.len() == nu
            && self.item_bias.len() == ni
            && nu.checked_mul(k) == Some(self.p.len())
            && ni.checked_mul(k) == Some(self.q.len())
            && finite(&self.user_bias)
            && finite(&self.item_bias)
            && finite(&self.p)
            && finite(&self.q)
    }
}
