//! A seeded planted low-rank rating set for tests and the speed example: r = μ + b_u + b_i + p_u·q_i + noise.

/// Ratings of `n_users` users, each rating `per_user` distinct random items of `n_items`, from rank
/// `rank` factors (entries ~ U(-1, 1) / sqrt(rank)), biases ~ U(-0.5, 0.5), mean 3 and Gaussian-ish noise
/// (sum of 4 uniforms) of standard deviation `noise`. Ids are `1000 + index` for users and `-index - 1` for items.
pub struct Planted {
    pub users: Vec<i32>,
    pub items: Vec<i32>,
    pub values: Vec<f32>,
    /// The noiseless value of each rating.
    pub truth: Vec<f32>,
}

pub fn planted(n_users: usize, n_items: usize, per_user: usize, rank: usize, noise: f64, seed: u64) -> Planted {
    let mut rng = mp_core::Rng::new(seed);
    let scale = 1.0 / (rank as f64).sqrt();
    let mut draw = |n: usize, s: f64| -> Vec<f64> { (0..n).map(|_| (rng.next_f64() * 2.0 - 1.0) * s).collect() };
    let (p, q) = (draw(n_users * rank, scale), draw(n_items * rank, scale));
    let (bu, bi) = (draw(n_users, 0.5), draw(n_items, 0.5));
    let mut rng = mp_core::Rng::new(seed ^ 0x5EED);
    let mut out = Planted { users: Vec::new(), items: Vec::new(), values: Vec::new(), truth: Vec::new() };
    let mut pool: Vec<usize> = (0..n_items).collect();
    for u in 0..n_users {
        for k in 0..per_user.min(n_items) {
            let j = k + rng.below(n_items - k);
            pool.swap(k, j);
            let i = pool[k];
            let t = 3.0 + bu[u] + bi[i] + (0..rank).map(|f| p[u * rank + f] * q[i * rank + f]).sum::<f64>();
            let e: f64 = (0..4).map(|_| rng.next_f64() - 0.5).sum::<f64>() * noise * 3f64.sqrt();
            out.users.push(1000 + u as i32);
            out.items.push(-(i as i32) - 1);
            out.values.push((t + e) as f32);
            out.truth.push(t as f32);
        }
    }
    out
}
