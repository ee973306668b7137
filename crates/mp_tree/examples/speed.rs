//! Speed check on a seeded synthetic 1M x 30 binary dataset:
//! `cargo run --release -p mp_tree --features parallel --example speed` (set RAYON_NUM_THREADS).
#![allow(clippy::print_stdout)]
use mp_core::metrics::roc_auc;
use mp_core::{BinaryLabels, ColMajor, NoopObserver, Rng};
use mp_tree::{fit_forest, fit_gbt, FitStats, ForestParams, GbtParams};
use std::time::Instant;

fn synthetic(n: usize, f: usize, seed: u64) -> (Vec<f32>, Vec<f32>) {
    let mut rng = Rng::new(seed);
    let mut x = vec![0f32; n * f];
    for v in x.iter_mut() {
        *v = (rng.next_f64() * 2.0 - 1.0) as f32;
    }
    let y = (0..n)
        .map(|i| {
            let g = |j: usize| x[j * n + i] as f64;
            let z = 1.5 * g(0) + (3.0 * g(1)).sin() + 2.0 * g(2) * g(3) - g(4).abs() + 0.8 * (g(5) > 0.3) as i32 as f64
                + 0.5 * g(6) * g(6)
                + 0.7 * rng.next_f64().ln().abs().min(3.0) * (rng.next_f64() - 0.5);
            f32::from(rng.next_f64() < 1.0 / (1.0 + (-2.0 * z).exp()))
        })
        .collect();
    for j in [7usize, 8, 9] {
        for i in 0..n {
            if rng.next_f64() < 0.1 {
                x[j * n + i] = f32::NAN;
            }
        }
    }
    (x, y)
}

fn report(name: &str, secs: f64, auc: f64, s: FitStats, threads: usize) {
    println!(
        "{name}: fit {secs:.2}s  train AUC {auc:.4}  hist updates {:.3e}  hist time {:.2}s  \
         {:.2} ns/update (wall, summed over concurrent trees)  ~{:.2} ns/update/core",
        s.hist_updates as f64,
        s.hist_nanos as f64 * 1e-9,
        s.ns_per_update(),
        s.ns_per_update() * if name.starts_with("GBT") { threads as f64 } else { 1.0 },
    );
}

fn main() {
    let threads = std::env::var("RAYON_NUM_THREADS").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    });
    let (n, f) = (1_000_000, 30);
    let t = Instant::now();
    let (x, y) = synthetic(n, f, 42);
    println!("data: {n} x {f} generated in {:.2}s, threads = {threads}", t.elapsed().as_secs_f64());
    let xm = ColMajor::new(&x, n).expect("matrix");
    let labels = BinaryLabels::with_both_classes(&y, n).expect("labels");

    let which = std::env::args().nth(1).unwrap_or_default();
    if which != "rf" {
        run_gbt(xm, &y, &labels, threads);
    }
    if which != "gbt" {
        run_rf(xm, &y, &labels, threads);
    }
}

fn run_gbt(xm: ColMajor<'_>, y: &[f32], labels: &BinaryLabels<'_>, threads: usize) {
    let gp = GbtParams { n_estimators: 100, max_depth: 6, learning_rate: 0.1, max_bin: 255, ..GbtParams::default() };
    let t = Instant::now();
    let gbt = fit_gbt(xm, y, &gp.check().expect("params"), None, &mut NoopObserver).expect("gbt");
    let secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let p = gbt.predict(xm).expect("predict");
    let predict_secs = t.elapsed().as_secs_f64();
    report("GBT (100 trees, depth 6)", secs, roc_auc(labels, &p), gbt.stats(), threads);
    println!("GBT predict {} rows: {predict_secs:.2}s", xm.n_rows());
}

fn run_rf(xm: ColMajor<'_>, y: &[f32], labels: &BinaryLabels<'_>, threads: usize) {

    let fp = ForestParams { n_estimators: 100, max_depth: 10, ..ForestParams::default() };
    let t = Instant::now();
    let rf = fit_forest(xm, y, &fp.check().expect("params"), &mut NoopObserver).expect("rf");
    let secs = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let p = rf.predict(xm).expect("predict");
    let predict_secs = t.elapsed().as_secs_f64();
    report("RF (100 trees, depth 10, sqrt)", secs, roc_auc(labels, &p), rf.stats(), threads);
    println!("RF predict {} rows: {predict_secs:.2}s", xm.n_rows());
    if let Some(o) = rf.oob_score() {
        println!("RF OOB: auc {:.4} accuracy {:.4} over {} rows", o.auc.unwrap_or(f64::NAN), o.accuracy, o.n_scored);
    }
}
