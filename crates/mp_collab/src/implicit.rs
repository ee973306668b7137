//! Implicit-feedback ALS (Hu, Koren, Volinsky 2008): every (user, item) pair has preference p = [r > 0]
//! and confidence c = 1 + α·r (unrated pairs: p = 0, c = 1). Each user solves
//! (YᵀY + Yᵀ(C_u − I)Y + λI) x_u = Yᵀ C_u p(u) by a few conjugate-gradient steps from its current factors
//! (Takács et al. 2011, as `implicit` does): YᵀY once per sweep, then work proportional to the user's items.
use crate::linalg::dot;
use crate::par::map_chunks;
use crate::ratings::{lookup, Csr, IdMap, Ratings};
use mp_core::params::{float_in, int_in};
use mp_core::{Control, Error, ErrorCode, Observer, Result, Rng};
use serde::{Deserialize, Serialize};

/// Implicit ALS parameters. Values are strengths in [0, 1e6] (counts, ratings, 0/1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default, deny_unknown_fields)]
pub struct ImplicitParams {
    /// Latent factors, in [1, 256] (default 32).
    pub factors: u32,
    /// ALS sweeps (users then items), in [1, 1000] (default 15).
    pub iterations: u32,
    /// L2 penalty, in [1e-6, 1e6] (default 0.01).
    pub l2: f64,
    /// Confidence slope α in c = 1 + α·r, in [0, 1e4] (default 1).
    pub alpha: f64,
    /// Conjugate-gradient steps per solve, in [1, 100] (default 3).
    pub cg_steps: u32,
    /// Initial factors are uniform in [-init_scale, init_scale], in [0, 10] (default 0.01).
    pub init_scale: f64,
    /// Seeds the initial factors: required in a model spec.
    pub seed: u64,
}

impl Default for ImplicitParams {
    fn default() -> Self {
        ImplicitParams { factors: 32, iterations: 15, l2: 0.01, alpha: 1.0, cg_steps: 3, init_scale: 0.01, seed: 0 }
    }
}

impl ImplicitParams {
    pub fn check(&self) -> Result<()> {
        int_in("factors", self.factors as u64, 1, 256)?;
        int_in("iterations", self.iterations as u64, 1, 1000)?;
        float_in("l2", self.l2, 1e-6, 1e6)?;
        float_in("alpha", self.alpha, 0.0, 1e4)?;
        int_in("cg_steps", self.cg_steps as u64, 1, 100)?;
        float_in("init_scale", self.init_scale, 0.0, 10.0)
    }
}

/// Largest value (strength) accepted: with α <= 1e4 confidences stay <= 1e10, far inside f64.
pub const MAX_VALUE: f32 = 1e6;

/// Columns of [`ImplicitModel::parts`].
pub const IMPLICIT_PARTS: &[&str] = &["score", "known_user", "known_item"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImplicitModel {
    pub users: IdMap,
    pub items: IdMap,
    pub factors: u32,
    pub mean: f64,
    pub x: Vec<f32>,
    pub y: Vec<f32>,
    /// RMSE of (1 − score) over the rated pairs with r > 0, after each sweep.
    pub observed_rmse: Vec<f64>,
}

/// YᵀY (k x k) over every row of `y`, summed in fixed chunks and in order.
fn gram(y: &[f32], k: usize) -> Vec<f64> {
    let n = y.len() / k;
    let parts: Vec<Vec<f64>> = map_chunks(n, |rows| {
        let mut g = vec![0f64; k * k];
        for r in rows {
            let v = &y[r * k..(r + 1) * k];
            for a in 0..k {
                let va = v[a] as f64;
                for (gab, &vb) in g[a * k..(a + 1) * k].iter_mut().zip(v) {
                    *gab += va * vb as f64;
                }
            }
        }
        vec![g]
    });
    let mut g = vec![0f64; k * k];
    for p in parts {
        for (a, b) in g.iter_mut().zip(p) {
            *a += b;
        }
    }
    g
}

/// One side: every row of `csr` against fixed `other` factors, by `cg_steps` CG steps from `current`.
fn solve_side(csr: &Csr, current: &[f32], other: &[f32], k: usize, p: &ImplicitParams) -> Vec<f32> {
    let g = gram(other, k);
    map_chunks(csr.n_rows(), |rows| {
        let (mut x, mut r, mut d, mut ad) = (vec![0f64; k], vec![0f64; k], vec![0f64; k], vec![0f64; k]);
        let mut out = Vec::with_capacity(rows.len() * k);
        for row in rows {
            let (cols, vals) = csr.row(row);
            // A v = G v + λ v + Σ (c − 1)(y·v) y
            let apply = |v: &[f64], out: &mut [f64]| {
                for a in 0..k {
                    out[a] = dot(&g[a * k..(a + 1) * k], v) + p.l2 * v[a];
                }
                for (&c, &val) in cols.iter().zip(vals) {
                    if val > 0.0 {
                        let yv = &other[c as usize * k..(c as usize + 1) * k];
                        let s = (p.alpha * val as f64) * dot(yv, v);
                        for (o, &ya) in out.iter_mut().zip(yv) {
                            *o += s * ya as f64;
                        }
                    }
                }
            };
            for (xa, &v) in x.iter_mut().zip(&current[row * k..(row + 1) * k]) {
                *xa = v as f64;
            }
            apply(&x, &mut ad);
            r.fill(0.0);
            for (&c, &val) in cols.iter().zip(vals) {
                if val > 0.0 {
                    let conf = 1.0 + p.alpha * val as f64;
                    for (ra, &ya) in r.iter_mut().zip(&other[c as usize * k..(c as usize + 1) * k]) {
                        *ra += conf * ya as f64;
                    }
                }
            }
            for (ra, &a) in r.iter_mut().zip(&ad) {
                *ra -= a;
            }
            d.copy_from_slice(&r);
            let mut rs = dot(&r, &r);
            for _ in 0..p.cg_steps {
                if rs.is_nan() || rs <= 1e-30 {
                    break;
                }
                apply(&d, &mut ad);
                let dad = dot(&d, &ad);
                if dad.is_nan() || dad <= 0.0 {
                    break;
                }
                let step = rs / dad;
                for a in 0..k {
                    x[a] += step * d[a];
                    r[a] -= step * ad[a];
                }
                let next = dot(&r, &r);
                for a in 0..k {
                    d[a] = r[a] + next / rs * d[a];
                }
                rs = next;
            }
            out.extend(x.iter().map(|&v| v as f32));
        }
        out
    })
}

impl ImplicitModel {
    pub fn fit(r: &Ratings, p: &ImplicitParams, observer: &mut dyn Observer) -> Result<ImplicitModel> {
        p.check()?;
        if let Some(v) = r.by_user.values().iter().find(|&&v| !(0.0..=MAX_VALUE).contains(&v)) {
            let why = format!("implicit_als needs values in [0, 1e6] (counts, ratings or 0/1), got {v}");
            return Err(Error::new(ErrorCode::InvalidLabel, why));
        }
        let k = p.factors as usize;
        let mut rng = Rng::new(p.seed);
        let mut init = |n: usize| -> Vec<f32> { (0..n).map(|_| ((rng.next_f64() * 2.0 - 1.0) * p.init_scale) as f32).collect() };
        let (x, y) = (init(r.users.len() * k), init(r.items.len() * k));
        let mut m = ImplicitModel { users: r.users.clone(), items: r.items.clone(), factors: p.factors, mean: r.mean, x, y, observed_rmse: Vec::new() };
        for it in 0..p.iterations {
            m.x = solve_side(&r.by_user, &m.x, &m.y, k, p);
            m.y = solve_side(&r.by_item, &m.y, &m.x, k, p);
            let sums = map_chunks(r.users.len(), |rows| {
                let (mut s, mut n) = (0.0, 0usize);
                for u in rows {
                    let (cols, vals) = r.by_user.row(u);
                    for (&i, _) in cols.iter().zip(vals).filter(|(_, &v)| v > 0.0) {
                        let d: f64 = m.x[u * k..(u + 1) * k].iter().zip(&m.y[i as usize * k..(i as usize + 1) * k]).map(|(&a, &b)| a as f64 * b as f64).sum();
                        s += (1.0 - d).powi(2);
                        n += 1;
                    }
                }
                vec![(s, n)]
            });
            let (s, n) = sums.iter().fold((0.0, 0usize), |acc, v| (acc.0 + v.0, acc.1 + v.1));
            let rmse = if n > 0 { (s / n as f64).sqrt() } else { 0.0 };
            m.observed_rmse.push(rmse);
            if observer.on_iter(it, &[("observed_rmse", rmse)]) == Control::Stop {
                break;
            }
        }
        Ok(m)
    }

    /// Column-major parts (see [`IMPLICIT_PARTS`]); unknown users or items score 0.
    pub fn parts(&self, users: &[i32], items: &[i32]) -> Result<Vec<f32>> {
        let pairs = lookup(&self.users, &self.items, users, items)?;
        let (n, k) = (pairs.len(), self.factors as usize);
        let mut out = vec![0f32; n * IMPLICIT_PARTS.len()];
        for (row, &(u, i)) in pairs.iter().enumerate() {
            if let (Some(u), Some(i)) = (u, i) {
                out[row] = self.x[u * k..(u + 1) * k].iter().zip(&self.y[i * k..(i + 1) * k]).map(|(&a, &b)| a as f64 * b as f64).sum::<f64>() as f32;
            }
            out[n + row] = u.is_some() as u8 as f32;
            out[2 * n + row] = i.is_some() as u8 as f32;
        }
        Ok(out)
    }

    pub fn predict(&self, users: &[i32], items: &[i32]) -> Result<Vec<f32>> {
        let mut p = self.parts(users, items)?;
        p.truncate(users.len());
        Ok(p)
    }

    pub fn is_valid(&self) -> bool {
        let k = self.factors as usize;
        (1..=256).contains(&k)
            && self.users.is_valid()
            && self.items.is_valid()
            && self.mean.is_finite()
            && self.users.len().checked_mul(k) == Some(self.x.len())
            && self.items.len().checked_mul(k) == Some(self.y.len())
            && self.x.iter().chain(&self.y).all(|v| v.is_finite())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linalg::cholesky_solve;

    #[test]
    fn enough_cg_steps_reach_the_exact_weighted_ridge_solution() {
        // 3 users x 5 items, k = 4: x_u = (YᵀC_uY + λI)⁻¹ YᵀC_u p_u over ALL items (unrated: c = 1, p = 0)
        let (users, items, values) = ([1, 1, 1, 2, 2, 3], [10, 11, 13, 11, 14, 12], [1.0f32, 3.0, 0.0, 2.0, 5.0, 1.0]);
        let r = Ratings::new(&users, &items, &values).unwrap();
        let (k, ni) = (4, 5);
        let mut rng = Rng::new(4);
        let y: Vec<f32> = (0..ni * k).map(|_| (rng.next_f64() - 0.5) as f32).collect();
        let p = ImplicitParams { factors: k as u32, l2: 0.3, alpha: 2.0, cg_steps: 12, ..ImplicitParams::default() };
        let got = solve_side(&r.by_user, &vec![0.0; 3 * k], &y, k, &p);
        for u in 0..3 {
            let (cols, vals) = r.by_user.row(u);
            let (mut a, mut b) = (vec![0f64; k * k], vec![0f64; k]);
            for i in 0..ni {
                let v = cols.iter().position(|&c| c as usize == i).map_or(0.0, |t| vals[t] as f64);
                let (c, pref) = (1.0 + p.alpha * v, if v > 0.0 { 1.0 } else { 0.0 });
                let yi = &y[i * k..(i + 1) * k];
                for s in 0..k {
                    b[s] += c * pref * yi[s] as f64;
                    for t in 0..k {
                        a[s * k + t] += c * yi[s] as f64 * yi[t] as f64;
                    }
                }
            }
            for s in 0..k {
                a[s * k + s] += p.l2;
            }
            cholesky_solve(&mut a, &mut b, k);
            for s in 0..k {
                assert!((got[u * k + s] as f64 - b[s]).abs() < 1e-5, "user {u} factor {s}: {} vs {}", got[u * k + s], b[s]);
            }
        }
    }
}
