//! Seeded fuzzing of the model-file decoder (bounded, runs with `cargo test`): valid files of every
//! kind are mutated (bit flips, truncation, extension, splices, and body/header edits re-sealed with
//! their lengths and CRC recomputed so the body parser and the structural checks run, not just the
//! checksum). Decoding must never panic and never allocate much: it gives a DESERIALIZE error or a
//! model whose predict and importance (collaborative: predict and parts) also never panic.
//! One test in this binary: the counting allocator registered below sees every allocation of the process.
use mp_api::codec::{decode, encode};
use mp_api::{fit, fit_collab_quiet, CollabModel, ErrorCode, Model};
use mp_core::alloc_count::{measure_peak, CountingAlloc};
use mp_core::Rng;
use std::panic::{catch_unwind, AssertUnwindSafe};

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

const CASES_PER_MODEL: usize = 1500;
const ROWS: usize = 40;
const FEATURES: usize = 3;

fn valid_files() -> Vec<Vec<u8>> {
    let mut rng = Rng::new(11);
    let mut x: Vec<f32> = (0..ROWS * FEATURES).map(|_| rng.next_f64() as f32).collect();
    x[5] = f32::NAN; // trees learn a missing direction
    let y: Vec<f32> = (0..ROWS).map(|i| (x[ROWS + i] > 0.5) as u8 as f32).collect();
    let lr_x: Vec<f32> = x.iter().map(|v| if v.is_nan() { 0.0 } else { *v }).collect();
    [
        (&lr_x, r#"{"kind":"logistic"}"#),
        (&x, r#"{"kind":"gbt","params":{"n_estimators":3,"max_depth":2,"seed":0}}"#),
        (&x, r#"{"kind":"forest","params":{"n_estimators":3,"max_depth":3,"seed":0}}"#),
    ]
    .iter()
    .map(|(x, spec)| fit(x, ROWS, &y, spec).unwrap().to_bytes().unwrap())
    .chain(collab_files())
    .collect()
}

/// Collaborative model files of every collaborative kind, on 12 users x 8 items.
fn collab_files() -> Vec<Vec<u8>> {
    let mut rng = Rng::new(12);
    let (mut u, mut i, mut v) = (vec![], vec![], vec![]);
    for user in 0..12 {
        for item in 0..8 {
            if rng.below(2) == 0 {
                u.push(user);
                i.push(item * 3 - 5);
                v.push(1.0 + rng.below(5) as f32);
            }
        }
    }
    COLLAB_SPECS.iter().map(|spec| fit_collab_quiet(&u, &i, &v, spec).unwrap().to_bytes().unwrap()).collect()
}

const COLLAB_SPECS: &[&str] = &[r#"{"kind":"mf","params":{"factors":3,"iterations":2,"seed":0}}"#, r#"{"kind":"item_knn","params":{"k":3}}"#, r#"{"kind":"implicit_als","params":{"factors":2,"iterations":2,"seed":1}}"#];

/// Random bytes, between `min` and `max` of them.
fn noise(rng: &mut Rng, min: usize, max: usize) -> Vec<u8> {
    let n = min + rng.below(max - min + 1);
    (0..n).map(|_| rng.below(256) as u8).collect()
}

/// Edits one JSON value of the header: types, sizes and kinds a hand-edited file might hold.
fn edit_header(rng: &mut Rng, header: &[u8]) -> Vec<u8> {
    let mut v: serde_json::Value = serde_json::from_slice(header).unwrap();
    let replacement = [
        serde_json::json!(0),
        serde_json::json!(u64::MAX),
        serde_json::json!(1u64 << 40),
        serde_json::json!(-1),
        serde_json::json!("forest"),
        serde_json::json!("gbt"),
        serde_json::json!("logistic"),
        serde_json::json!(null),
        serde_json::json!([]),
        serde_json::json!({}),
        serde_json::json!(FEATURES + 1),
        serde_json::json!("mf"),
        serde_json::json!("item_knn"),
        serde_json::json!(["score"]),
        serde_json::json!(1.5),
    ];
    let field = ["kind", "n_features", "params", "fit", "engine_version", "format_version", "extra", "n_users", "n_items", "global_mean", "parts"][rng.below(11)];
    v[field] = replacement[rng.below(replacement.len())].clone();
    serde_json::to_vec(&v).unwrap()
}

/// One mutation of a valid file.
fn mutate(rng: &mut Rng, file: &[u8]) -> Vec<u8> {
    let (version, header, body) = decode(file).unwrap();
    let mut out = file.to_vec();
    match rng.below(8) {
        0 => {
            for _ in 0..1 + rng.below(8) {
                let bit = rng.below(out.len() * 8);
                out[bit / 8] ^= 1 << (bit % 8);
            }
        }
        1 => out.truncate(rng.below(out.len())),
        2 => out.extend(noise(rng, 1, 64)),
        3 => {
            let at = rng.below(out.len());
            let len = rng.below(out.len() - at + 1);
            let fill = noise(rng, 0, 2 * len);
            out.splice(at..at + len, fill);
        }
        4 | 5 => {
            // Body edits, re-sealed: overwrite, insert or cut bytes, or plant a huge varint (a length prefix).
            let mut b = body.to_vec();
            let at = rng.below(b.len() + 1);
            match rng.below(4) {
                0 if !b.is_empty() => {
                    let i = rng.below(b.len());
                    b[i] = rng.below(256) as u8;
                }
                1 => b.splice(at..at, noise(rng, 1, 8)).for_each(drop),
                2 => b.truncate(at),
                _ => b.splice(at..at, [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]).for_each(drop),
            }
            out = encode(version, header, &b);
        }
        6 => out = encode(version, &edit_header(rng, header), body),
        _ => {
            // Header bytes edited as text (broken JSON, wrong types), re-sealed.
            let mut h = header.to_vec();
            let i = rng.below(h.len());
            h[i] = b"{}[]\":,0123456789-e"[rng.below(19)];
            out = encode(version, &h, body);
        }
    }
    out
}

/// Decodes `bytes` as a collaborative model: DESERIALIZE, or a model that predicts without panicking.
fn exercise_collab(bytes: &[u8]) -> Result<bool, String> {
    match CollabModel::from_bytes(bytes) {
        Err(e) if e.code() == ErrorCode::Deserialize => Ok(false),
        Err(e) => Err(format!("collaborative decode gave {e}, not DESERIALIZE")),
        Ok(m) => {
            let (u, i) = ([0, 1, 11, 99, -3], [-5, -2, 16, 7, 1000]);
            let _ = m.predict(&u, &i);
            let _ = m.parts(&u, &i);
            let _ = m.to_bytes();
            Ok(true)
        }
    }
}

/// Decodes `bytes` (as both model families); a model must also predict and explain itself without panicking.
fn exercise(bytes: &[u8]) -> Result<(), String> {
    let collab = exercise_collab(bytes)?;
    match Model::from_bytes(bytes) {
        Ok(_) if collab => Err("one file decoded as both a feature model and a collaborative model".into()),
        Err(e) if e.code() == ErrorCode::Deserialize => Ok(()),
        Err(e) => Err(format!("decode gave {e}, not DESERIALIZE")),
        Ok(m) => {
            let n = m.n_features();
            if n <= 64 {
                let x: Vec<f32> = (0..4 * n).map(|i| if i % 5 == 0 { f32::NAN } else { i as f32 / 7.0 }).collect();
                let _ = m.predict(&x, 4);
            }
            for kind in ["gain", "split", "coefficient"] {
                let _ = m.feature_importance(kind);
            }
            let _ = m.predict(&[1.0; 7], 7); // a matrix of the wrong width, usually
            let _ = m.to_bytes();
            Ok(())
        }
    }
}

/// A GBT file whose header and body agree on 2^40 features (the body's `n_features` varint sits
/// after the model kind, the objective and the f64 base score): per-feature results would need 8 TB.
fn huge_feature_count_is_refused(gbt: &[u8]) {
    let (version, header, body) = decode(gbt).unwrap();
    assert_eq!(body[10] as usize, FEATURES, "body layout: kind, objective, base_score, n_features");
    let mut h: serde_json::Value = serde_json::from_slice(header).unwrap();
    h["n_features"] = serde_json::json!(1u64 << 40);
    let mut b = body[..10].to_vec();
    let mut v = 1u64 << 40;
    while v >= 0x80 {
        b.push((v as u8) | 0x80);
        v >>= 7;
    }
    b.push(v as u8);
    b.extend_from_slice(&body[11..]);
    let e = Model::from_bytes(&encode(version, &serde_json::to_vec(&h).unwrap(), &b)).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Deserialize);
    assert!(e.message().contains("supported maximum"), "{e}");
}

#[test]
fn mutated_model_files_never_panic_or_allocate_much() {
    let files = valid_files();
    let (decoded, peak) = measure_peak(|| {
        let mut rng = Rng::new(2026);
        let mut decoded = 0;
        for (k, file) in files.iter().enumerate() {
            assert!(exercise(file).is_ok() && (Model::from_bytes(file).is_ok() != CollabModel::from_bytes(file).is_ok()));
            for case in 0..CASES_PER_MODEL {
                let bytes = mutate(&mut rng, file);
                let outcome = catch_unwind(AssertUnwindSafe(|| exercise(&bytes)));
                match outcome {
                    Ok(Ok(())) => decoded += (Model::from_bytes(&bytes).is_ok() || CollabModel::from_bytes(&bytes).is_ok()) as usize,
                    Ok(Err(e)) => panic!("file {k} case {case}: {e}"),
                    Err(_) => panic!("file {k} case {case}: decoding or using the model panicked; bytes {bytes:?}"),
                }
            }
        }
        huge_feature_count_is_refused(&files[1]);
        decoded
    });
    assert!(peak < 16 << 20, "peak allocation {} MB while decoding mutated files", peak >> 20);
    // the mutations must reach past the checksum: some decode into a (changed) model
    assert!(decoded > 50, "only {decoded} mutated files decoded");
}
