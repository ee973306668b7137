//! `mp-bench gen` writes the seeded benchmark dataset; `mp-bench fit` times one model on it and prints
//! one JSON line (fit/predict seconds, test AUC/log-loss, histogram ns per update, memory).
#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line driver: printing is its job
mod data;
mod rss;
mod smartcore_rf;

use mp_core::metrics::{log_loss, roc_auc};
use mp_core::{BinaryLabels, ColMajor, NoopObserver};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Instant;

fn args() -> (String, HashMap<String, String>) {
    let mut it = std::env::args().skip(1);
    let cmd = it.next().unwrap_or_default();
    let mut opts = HashMap::new();
    while let Some(k) = it.next() {
        let v = it.next().unwrap_or_default();
        opts.insert(k.trim_start_matches("--").to_string(), v);
    }
    (cmd, opts)
}

fn opt<T: std::str::FromStr>(o: &HashMap<String, String>, k: &str, default: Option<T>) -> Result<T, String> {
    match o.get(k) {
        Some(v) => v.parse().map_err(|_| format!("--{k}: cannot parse {v:?}")),
        None => default.ok_or_else(|| format!("--{k} is required")),
    }
}

fn main() {
    let (cmd, o) = args();
    let out = match cmd.as_str() {
        "gen" => gen(&o),
        "fit" => fit(&o),
        "perm" => perm(&o),
        _ => Err("usage: mp-bench gen --rows N --features F --seed S --out FILE | fit --data FILE --model gbt|rf|logistic [--params JSON] [--threads N] | perm --data FILE --spec JSON [--repeats R] [--times N] [--threads N]".into()),
    };
    match out {
        Ok(v) => println!("{v}"),
        Err(e) => {
            eprintln!("mp-bench: {e}");
            std::process::exit(2);
        }
    }
}

fn gen(o: &HashMap<String, String>) -> Result<Value, String> {
    let (rows, features, seed): (usize, usize, u64) = (opt(o, "rows", None)?, opt(o, "features", Some(30))?, opt(o, "seed", Some(42))?);
    let path: String = opt(o, "out", None)?;
    let t = Instant::now();
    let d = data::generate(rows, features, seed);
    data::write(&d, &path).map_err(|e| format!("{path}: {e}"))?;
    let labels = BinaryLabels::new(&d.y_test, d.n_test()).map_err(|e| e.to_string())?;
    Ok(json!({
        "file": path, "rows": rows, "features": features, "seed": seed,
        "n_train": d.n_train(), "n_test": d.n_test(),
        "positive_rate": d.y_train.iter().map(|&v| v as f64).sum::<f64>() / d.n_train() as f64,
        "bayes_auc": roc_auc(&labels, &d.p_test),
        "seconds": t.elapsed().as_secs_f64(),
    }))
}

fn fit(o: &HashMap<String, String>) -> Result<Value, String> {
    let path: String = opt(o, "data", None)?;
    let model: String = opt(o, "model", None)?;
    let threads: usize = opt(o, "threads", Some(1))?;
    let params: String = opt(o, "params", Some("{}".to_string()))?;
    rayon::ThreadPoolBuilder::new().num_threads(threads).build_global().map_err(|e| e.to_string())?;
    let mut d = data::read(&path)?;
    let rows: usize = opt(o, "rows", Some(0))?;
    if rows > 0 && rows < d.n_train() {
        d.truncate_train(rows);
    }
    let imputed = if model == "logistic" { data::impute_medians(&mut d) } else { 0 };
    let (n, k) = (d.n_train(), d.n_features);
    let x = ColMajor::new(&d.x_train, n).map_err(|e| e.to_string())?;
    let xt = ColMajor::new(&d.x_test, d.n_test()).map_err(|e| e.to_string())?;
    let rss_before = rss::current_mb();
    let peak_reset = rss::reset_peak();
    let t = Instant::now();
    let err = |e: mp_core::Error| e.to_string();
    let fitted = match model.as_str() {
        "gbt" => {
            let p: mp_tree::GbtParams = serde_json::from_str(&params).map_err(|e| e.to_string())?;
            Fitted::Gbt(mp_tree::fit_gbt(x, &d.y_train, &p.check().map_err(err)?, None, &mut NoopObserver).map_err(err)?)
        }
        "rf" => {
            let p: mp_tree::ForestParams = serde_json::from_str(&params).map_err(|e| e.to_string())?;
            Fitted::Forest(mp_tree::fit_forest(x, &d.y_train, &p.check().map_err(err)?, &mut NoopObserver).map_err(err)?)
        }
        "logistic" => {
            let spec = json!({"kind": "logistic", "params": serde_json::from_str::<Value>(&params).map_err(|e| e.to_string())?});
            Fitted::Linear(mp_api::fit(&d.x_train, n, &d.y_train, &spec.to_string()).map_err(err)?)
        }
        "smartcore-rf" => Fitted::Smartcore(smartcore_rf::fit(&d.x_train, n, &d.y_train, &params)?),
        other => return Err(format!("--model {other:?}: expected gbt, rf, logistic or smartcore-rf")),
    };
    let fit_seconds = t.elapsed().as_secs_f64();
    let rss_peak = rss::peak_mb();
    let t = Instant::now();
    let p = fitted.predict(xt).map_err(err)?;
    let (stats, n_trees) = fitted.stats();
    let predict_seconds = t.elapsed().as_secs_f64();
    let labels = BinaryLabels::new(&d.y_test, d.n_test()).map_err(|e| e.to_string())?;
    let binned_plus_grad_mb = (n * k + n * 8) as f64 / (1024.0 * 1024.0);
    Ok(json!({
        "engine": if model.starts_with("smartcore") { "smartcore" } else { "moviepref" }, "model": model, "threads": threads, "n_train": n, "n_features": k, "n_trees": n_trees,
        "fit_seconds": fit_seconds, "predict_seconds": predict_seconds,
        "test_auc": roc_auc(&labels, &p), "test_logloss": log_loss(&labels, &p),
        "hist_ns_per_update": stats.map(|s| s.ns_per_update()),
        "hist_updates": stats.map(|s| s.hist_updates),
        "rss_before_fit_mb": rss_before, "rss_peak_fit_mb": if peak_reset { Some(rss_peak) } else { None },
        "fit_extra_mb": if peak_reset { Some(rss_peak - rss_before) } else { None },
        "binned_plus_grad_mb": binned_plus_grad_mb,
        "imputed_values": imputed,
    }))
}

/// Seconds of CPU (user + system) this process has used so far, from /proc/self/stat.
fn cpu_seconds() -> f64 {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    let rest = s.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest.split_whitespace().skip(11).take(2).filter_map(|v| v.parse().ok()).collect();
    f.iter().sum::<f64>() / 100.0
}

/// The pipeline's evaluation of a refit model, timed: one model through the public facade (`--spec`,
/// e.g. `{"kind":"forest","params":{...}}`), a prediction of the test rows and permutation importance
/// on them (`--repeats`, scoring ROC AUC, seed 7), each `--times` times (best wall time and its CPU
/// time reported), with a digest of the predictions and importances so that two builds can be
/// compared bit for bit.
fn perm(o: &HashMap<String, String>) -> Result<Value, String> {
    let path: String = opt(o, "data", None)?;
    let spec: String = opt(o, "spec", None)?;
    let threads: usize = opt(o, "threads", Some(1))?;
    let repeats: u32 = opt(o, "repeats", Some(3))?;
    let times: usize = opt(o, "times", Some(1))?;
    rayon::ThreadPoolBuilder::new().num_threads(threads).build_global().map_err(|e| e.to_string())?;
    let d = data::read(&path)?;
    let err = |e: mp_core::Error| e.to_string();
    let timed = |f: &mut dyn FnMut() -> Result<(), String>| -> Result<(f64, f64), String> {
        let mut best = (f64::INFINITY, 0.0);
        for _ in 0..times.max(1) {
            let (t, c) = (Instant::now(), cpu_seconds());
            f()?;
            let wall = t.elapsed().as_secs_f64();
            if wall < best.0 {
                best = (wall, cpu_seconds() - c);
            }
        }
        Ok(best)
    };
    let (cpu0, t) = (cpu_seconds(), Instant::now());
    let model = mp_api::fit(&d.x_train, d.n_train(), &d.y_train, &spec).map_err(err)?;
    let fit = (t.elapsed().as_secs_f64(), cpu_seconds() - cpu0);
    let mut p = Vec::new();
    let predict = timed(&mut || {
        p = model.predict(&d.x_test, d.n_test()).map_err(err)?;
        Ok(())
    })?;
    let options = json!({"seed": 7, "n_repeats": repeats}).to_string();
    let mut imp = String::new();
    let permutation = timed(&mut || {
        imp = mp_api::permutation_importance_json(&model, &d.x_test, d.n_test(), &d.y_test, &options).map_err(err)?;
        Ok(())
    })?;
    // FNV-1a over the prediction and importance bits: equal digests = bit-identical outputs.
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    let mut eat = |bytes: &[u8]| bytes.iter().for_each(|&b| h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3));
    p.iter().for_each(|v| eat(&v.to_bits().to_le_bytes()));
    eat(imp.as_bytes());
    Ok(json!({
        "threads": threads, "n_train": d.n_train(), "n_test": d.n_test(), "repeats": repeats, "times": times,
        "fit_seconds": fit.0, "fit_cpu_seconds": fit.1,
        "predict_seconds": predict.0, "predict_cpu_seconds": predict.1,
        "permutation_seconds": permutation.0, "permutation_cpu_seconds": permutation.1,
        "digest": format!("{h:016x}"),
    }))
}

enum Fitted {
    Gbt(mp_tree::GbtModel),
    Forest(mp_tree::ForestModel),
    Linear(mp_api::Model),
    Smartcore(smartcore_rf::Model),
}

impl Fitted {
    fn predict(&self, x: ColMajor) -> mp_core::Result<Vec<f32>> {
        match self {
            Fitted::Gbt(m) => m.predict(x),
            Fitted::Forest(m) => m.predict(x),
            Fitted::Linear(m) => m.predict(x.as_slice(), x.n_rows()),
            Fitted::Smartcore(m) => smartcore_rf::predict(m, x),
        }
    }
    fn stats(&self) -> (Option<mp_tree::FitStats>, usize) {
        match self {
            Fitted::Gbt(m) => (Some(m.stats()), m.trees().len()),
            Fitted::Forest(m) => (Some(m.stats()), m.trees().len()),
            Fitted::Linear(_) | Fitted::Smartcore(_) => (None, 0),
        }
    }
}
