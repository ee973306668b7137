//! Histogram build micro-benchmark on 1M x 30 random bins at several node densities:
//! `cargo run --release -p mp_tree --features parallel --example hist_micro`.
#![allow(clippy::print_stdout)]
use mp_core::{ColMajor, Rng};
use mp_tree::histogram::Histogram;
use mp_tree::BinnedMatrix;
use std::time::Instant;

fn main() {
    let (n, f) = (1_000_000, 30);
    let mut rng = Rng::new(1);
    let x: Vec<f32> = (0..n * f).map(|_| rng.next_f64() as f32).collect();
    let t = Instant::now();
    let m = BinnedMatrix::from_matrix(ColMajor::new(&x, n).expect("matrix"), 255, 0).expect("binning");
    println!("binning {n} x {f}: {:.3}s", t.elapsed().as_secs_f64());
    let gh: Vec<[f32; 2]> = (0..n).map(|_| [rng.next_f64() as f32, 0.25]).collect();
    for nf in [30usize, 5] {
        let mask: Vec<bool> = (0..f).map(|j| j < nf).collect();
        let mut h = Histogram::new(f);
        let t = Instant::now();
        h.build(&m, None, &gh, Some(&mask));
        let s = t.elapsed().as_secs_f64();
        println!("{nf} features, all rows: {:.3} ns/update (wall)", s * 1e9 / (n * nf) as f64);
        for d in [2usize, 8, 32, 100] {
            let rows: Vec<u32> = (0..n as u32).filter(|_| rng.below(d) == 0).collect();
            let ogh: Vec<[f32; 2]> = rows.iter().map(|&r| gh[r as usize]).collect();
            let t = Instant::now();
            for _ in 0..3 {
                h.build(&m, Some(&rows), &ogh, Some(&mask));
            }
            let s = t.elapsed().as_secs_f64() / 3.0;
            println!("{nf} features, 1/{d} of rows: {:.3} ns/update (wall)", s * 1e9 / (rows.len() * nf) as f64);
        }
    }
}
