//! MF fit speed: `cargo run --release -p mp_collab --features parallel --example mf_speed [ratings] [factors] [iterations]`
//! (defaults 1,000,000 x 32 x 15) on a planted data set of 20,000 users x 5,000 items. Prints seconds.
use mp_collab::planted::planted;
use mp_collab::{MfModel, MfParams, Ratings};
use std::io::Write;
use std::time::Instant;

fn main() {
    let arg = |i: usize, d: usize| std::env::args().nth(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    let (n, k, it) = (arg(1, 1_000_000), arg(2, 32), arg(3, 15));
    let d = planted(20_000, 5_000, n / 20_000, 8, 0.5, 1);
    let t0 = Instant::now();
    let r = Ratings::new(&d.users, &d.items, &d.values).expect("ratings");
    let index_s = t0.elapsed().as_secs_f64();
    let p = MfParams { factors: k as u32, iterations: it as u32, seed: 1, ..MfParams::default() };
    let t1 = Instant::now();
    let m = MfModel::fit(&r, &p, &mut mp_core::NoopObserver).expect("fit");
    let fit_s = t1.elapsed().as_secs_f64();
    let line = format!(
        "mf_speed ratings={} factors={k} iterations={it} index_s={index_s:.3} fit_s={fit_s:.3} train_rmse={:.4}\n",
        r.len(),
        m.train_rmse.last().copied().unwrap_or(f64::NAN)
    );
    let _ = std::io::stdout().write_all(line.as_bytes());
}
