//! Peak memory of a random forest on a very wide matrix (1e6 features x 2 rows x 2 trees by default):
//! `cargo build --release -p mp_tree --features parallel --example wide_forest` then
//! `/usr/bin/time -v target/release/examples/wide_forest [features] [rows] [trees]`.
#![allow(clippy::print_stdout)]
use mp_core::{ColMajor, NoopObserver};
use mp_tree::{fit_forest, ForestParams};

fn main() {
    let arg = |i: usize, d: usize| std::env::args().nth(i).and_then(|a| a.parse().ok()).unwrap_or(d);
    let (f, n, trees) = (arg(1, 1_000_000), arg(2, 2), arg(3, 2));
    let x: Vec<f32> = (0..n * f).map(|i| ((i * 2_654_435_761) % 1000) as f32).collect();
    let y: Vec<f32> = (0..n).map(|i| (i % 2) as f32).collect();
    let p = ForestParams { n_estimators: trees as u32, bootstrap: false, ..ForestParams::default() }.check().expect("params");
    let m = fit_forest(ColMajor::new(&x, n).expect("matrix"), &y, &p, &mut NoopObserver).expect("fit");
    println!("{f} features x {n} rows x {trees} trees: {} MB of input, {} trees fitted", (x.len() * 4) >> 20, m.trees().len());
}
