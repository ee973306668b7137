//! Item neighbourhood model (KNNBaseline, Koren 2010): baselines b_ui = μ + b_u + b_i by shrunk ALS
//! sweeps; shrunk pearson-baseline similarity between items over their common raters,
//! s_ij = n_ij/(n_ij + shrinkage)·ρ_ij, computed once at fit into a dense n_items² f32 matrix;
//! r̂_ui = b_ui + Σ s_ij (r_uj − b_uj) / Σ s_ij over the user's k most similar rated items j ≠ i with s_ij > 0.
//! Fit costs O(Σ_u n_u²) (every pair of items a user rated, twice): very heavy users dominate it.
use crate::par::{for_each_row_chunk, map_chunks};
use crate::ratings::{lookup, Csr, IdMap, Ratings};
use crate::KnnParams;
use mp_core::{Control, Error, Observer, Result};
use serde::{Deserialize, Serialize};

/// Most similarity entries (n_items²) a model may hold: 2^28 f32 = 1 GiB, i.e. [`MAX_ITEMS`] items.
pub const MAX_SIMILARITY_ENTRIES: u64 = 1 << 28;
/// The largest catalogue an item kNN model fits: √[`MAX_SIMILARITY_ENTRIES`] = 16,384 items.
pub const MAX_ITEMS: u64 = 1 << 14;

/// Columns of [`KnnModel::parts`].
pub const KNN_PARTS: &[&str] = &["score", "baseline", "neighbours", "similarity_mass", "known_user", "known_item"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KnnModel {
    pub users: IdMap,
    pub items: IdMap,
    pub k: u32,
    pub mean: f64,
    pub user_bias: Vec<f32>,
    pub item_bias: Vec<f32>,
    /// The training ratings by user (a user's neighbours are their rated items).
    pub by_user: Csr,
    /// n_items x n_items, row-major, symmetric, zero diagonal.
    pub sim: Vec<f32>,
    /// Training RMSE of the baseline after each sweep.
    pub baseline_rmse: Vec<f64>,
}

/// One side's biases against the other side's: b_r = Σ (v − μ − b_c)/(reg + n_r).
fn bias_side(csr: &Csr, other: &[f32], mean: f64, reg: f64) -> Vec<f32> {
    map_chunks(csr.n_rows(), |rows| {
        rows.map(|r| {
            let (cols, vals) = csr.row(r);
            let s: f64 = cols.iter().zip(vals).map(|(&c, &v)| v as f64 - mean - other[c as usize] as f64).sum();
            (s / (reg + cols.len() as f64)) as f32
        })
        .collect()
    })
}

fn baseline_rmse(r: &Ratings, bu: &[f32], bi: &[f32]) -> f64 {
    let sums = map_chunks(r.users.len(), |rows| {
        let mut s = 0.0;
        for u in rows {
            let (cols, vals) = r.by_user.row(u);
            for (&i, &v) in cols.iter().zip(vals) {
                s += (v as f64 - r.mean - bu[u] as f64 - bi[i as usize] as f64).powi(2);
            }
        }
        vec![s]
    });
    (sums.iter().sum::<f64>() / r.len() as f64).sqrt()
}

/// Refuses catalogues whose dense similarity matrix would exceed [`MAX_SIMILARITY_ENTRIES`].
pub fn check_catalogue(n_items: usize) -> Result<()> {
    let entries = (n_items as u64).saturating_mul(n_items as u64);
    if entries > MAX_SIMILARITY_ENTRIES {
        return Err(Error::invalid_param(
            "kind",
            format!(
                "item_knn keeps a dense n_items x n_items similarity matrix: {n_items} items need {entries} entries ({} MiB), over the cap of 2^28 entries (16,384 items, 1 GiB); use mf for larger catalogues",
                (entries * 4) >> 20
            ),
        ));
    }
    Ok(())
}

impl KnnModel {
    pub fn fit(r: &Ratings, p: &KnnParams, observer: &mut dyn Observer) -> Result<KnnModel> {
        p.check()?;
        let ni = r.items.len();
        check_catalogue(ni)?;
        let (mut bu, mut bi) = (vec![0f32; r.users.len()], vec![0f32; ni]);
        let mut rmse = Vec::new();
        for it in 0..p.baseline_iterations {
            bi = bias_side(&r.by_item, &bu, r.mean, p.reg_item);
            bu = bias_side(&r.by_user, &bi, r.mean, p.reg_user);
            rmse.push(baseline_rmse(r, &bu, &bi));
            if observer.on_iter(it, &[("train_rmse", rmse[rmse.len() - 1])]) == Control::Stop {
                break;
            }
        }
        let sim = similarities(r, &bu, &bi, p);
        Ok(KnnModel { users: r.users.clone(), items: r.items.clone(), k: p.k, mean: r.mean, user_bias: bu, item_bias: bi, by_user: r.by_user.clone(), sim, baseline_rmse: rmse })
    }

    /// Column-major parts (see [`KNN_PARTS`]); unknown users or items get the baseline and no neighbours.
    pub fn parts(&self, users: &[i32], items: &[i32]) -> Result<Vec<f32>> {
        let pairs = lookup(&self.users, &self.items, users, items)?;
        let n = pairs.len();
        let rows: Vec<[f64; 6]> = map_chunks(n, |range| {
            let mut nb: Vec<(f32, u32, f64)> = Vec::new();
            range.map(|row| self.one(pairs[row], &mut nb)).collect()
        });
        let mut out = vec![0f32; n * KNN_PARTS.len()];
        for (row, cols) in rows.iter().enumerate() {
            for (c, v) in cols.iter().enumerate() {
                out[c * n + row] = *v as f32;
            }
        }
        Ok(out)
    }

    fn one(&self, (u, i): (Option<usize>, Option<usize>), nb: &mut Vec<(f32, u32, f64)>) -> [f64; 6] {
        let bu = u.map_or(0.0, |u| self.user_bias[u] as f64);
        let bi = i.map_or(0.0, |i| self.item_bias[i] as f64);
        let base = self.mean + bu + bi;
        let (mut num, mut mass, mut used) = (0.0, 0.0, 0usize);
        if let (Some(u), Some(i)) = (u, i) {
            let n_items = self.items.len();
            let srow = &self.sim[i * n_items..(i + 1) * n_items];
            let (cols, vals) = self.by_user.row(u);
            nb.clear();
            for (&j, &v) in cols.iter().zip(vals) {
                let s = srow[j as usize];
                if j as usize != i && s > 0.0 {
                    nb.push((s, j, v as f64 - self.mean - bu - self.item_bias[j as usize] as f64));
                }
            }
            let order = |a: &(f32, u32, f64), b: &(f32, u32, f64)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
            let k = self.k as usize;
            if nb.len() > k {
                nb.select_nth_unstable_by(k - 1, order);
                nb.truncate(k);
            }
            nb.sort_unstable_by(order);
            for &(s, _, d) in nb.iter() {
                num += s as f64 * d;
                mass += s as f64;
            }
            used = nb.len();
        }
        let score = if mass > 0.0 { base + num / mass } else { base };
        [score, base, used as f64, mass, u.is_some() as u8 as f64, i.is_some() as u8 as f64]
    }

    /// The score column of [`KnnModel::parts`].
    pub fn predict(&self, users: &[i32], items: &[i32]) -> Result<Vec<f32>> {
        let mut parts = self.parts(users, items)?;
        parts.truncate(users.len());
        Ok(parts)
    }

    /// A decoded model's own consistency (sizes, ids, CSR structure, finite numbers).
    pub fn is_valid(&self) -> bool {
        let (nu, ni) = (self.users.len(), self.items.len());
        let finite = |v: &[f32]| v.iter().all(|x| x.is_finite());
        (1..=1000).contains(&self.k)
            && check_catalogue(ni).is_ok()
            && self.users.is_valid()
            && self.items.is_valid()
            && self.mean.is_finite()
            && self.user_bias.len() == nu
            && self.item_bias.len() == ni
            && self.by_user.is_valid(nu, ni)
            && self.sim.len() == ni * ni
            && finite(&self.user_bias)
            && finite(&self.item_bias)
            && finite(&self.sim)
    }
}

/// Shrunk pearson-baseline similarities, one row per item (rows in parallel, each row in user order,
/// so s_ij and s_ji are computed from the same sums in the same order: exactly symmetric).
fn similarities(r: &Ratings, bu: &[f32], bi: &[f32], p: &KnnParams) -> Vec<f32> {
    let ni = r.items.len();
    let mut sim = vec![0f32; ni * ni];
    let resid = |u: usize, j: usize, v: f32| v as f64 - r.mean - bu[u] as f64 - bi[j] as f64;
    for_each_row_chunk(&mut sim, ni, |first, rows| {
        let (mut num, mut d2i, mut d2j, mut cnt) = (vec![0f64; ni], vec![0f64; ni], vec![0f64; ni], vec![0u32; ni]);
        let mut touched: Vec<usize> = Vec::new();
        for (off, row) in rows.chunks_mut(ni).enumerate() {
            let i = first + off;
            let (raters, ratings) = r.by_item.row(i);
            for (&u, &rui) in raters.iter().zip(ratings) {
                let u = u as usize;
                let di = resid(u, i, rui);
                let (cols, vals) = r.by_user.row(u);
                for (&j, &ruj) in cols.iter().zip(vals) {
                    let j = j as usize;
                    if j == i {
                        continue;
                    }
                    let dj = resid(u, j, ruj);
                    if cnt[j] == 0 {
                        touched.push(j);
                    }
                    cnt[j] += 1;
                    num[j] += di * dj;
                    d2i[j] += di * di;
                    d2j[j] += dj * dj;
                }
            }
            for &j in &touched {
                let n = cnt[j] as f64;
                if cnt[j] >= p.min_support && d2i[j] > 0.0 && d2j[j] > 0.0 {
                    let rho = (num[j] / (d2i[j] * d2j[j]).sqrt()).clamp(-1.0, 1.0);
                    row[j] = (n / (n + p.shrinkage) * rho) as f32;
                }
                (num[j], d2i[j], d2j[j], cnt[j]) = (0.0, 0.0, 0.0, 0);
            }
            touched.clear();
        }
    });
    sim
}
