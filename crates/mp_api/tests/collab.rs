//! Collaborative kinds through the facade: specs, model files, info, predict/parts, coded errors.
use mp_api::codec::{decode, encode};
use mp_api::{fit, fit_collab_quiet, CollabModel, CollabSpec, ErrorCode, Model};

/// 20 users x 10 items, every third pair rated.
fn triples() -> (Vec<i32>, Vec<i32>, Vec<f32>) {
    let (mut u, mut i, mut v) = (vec![], vec![], vec![]);
    for user in 0..20 {
        for item in 0..10 {
            if (user + item) % 3 == 0 {
                u.push(user * 7);
                i.push(item + 100);
                v.push(((user * item) % 5 + 1) as f32);
            }
        }
    }
    (u, i, v)
}

const MF: &str = r#"{"kind":"mf","params":{"factors":4,"iterations":3,"seed":5}}"#;
const KNN: &str = r#"{"kind":"item_knn","params":{"k":5}}"#;

#[test]
fn specs_fill_defaults_and_name_bad_params() {
    let s = CollabSpec::from_json(r#"{"kind":"mf","params":{"seed":1}}"#).unwrap();
    assert_eq!(s.params_json()["factors"], 32);
    assert_eq!(s.params_json()["iterations"], 15);
    for (json, needle) in [
        (r#"{"kind":"mf"}"#, "`seed` is required for mf"),
        (r#"{"kind":"mf","params":{"seed":1,"factors":0}}"#, "`factors` must be in [1, 256]"),
        (r#"{"kind":"mf","params":{"seed":1,"l2_factors":-1}}"#, "l2_factors"),
        (r#"{"kind":"mf","params":{"seed":1,"rank":3}}"#, "rank"),
        (r#"{"kind":"svd"}"#, "svd"),
        (r#"{"kind":"gbt","params":{"seed":1}}"#, "collaborative kinds"),
        (r#"{"kind":"mf","extra":1}"#, "extra"),
        ("[", "not valid JSON"),
    ] {
        let e = CollabSpec::from_json(json).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidParam, "{json}");
        assert!(e.message().contains(needle), "{json}: {e}");
    }
    assert_eq!(CollabSpec::kinds(), ["mf", "item_knn", "implicit_als"]);
    let e = CollabSpec::from_json(r#"{"kind":"implicit_als","params":{"alpha":1}}"#).unwrap_err();
    assert!(e.message().contains("`seed` is required for implicit_als"), "{e}");
    let s = CollabSpec::from_json(r#"{"kind":"item_knn"}"#).unwrap();
    assert_eq!((s.params_json()["k"].as_u64(), s.params_json()["shrinkage"].as_f64()), (Some(40), Some(100.0)));
    let e = CollabSpec::from_json(r#"{"kind":"item_knn","params":{"k":1001}}"#).unwrap_err();
    assert!(e.message().contains("`k` must be in [1, 1000]"), "{e}");
    // feature-model specs do not take collaborative kinds
    assert_eq!(mp_api::ModelSpec::from_json(MF).unwrap_err().code(), ErrorCode::InvalidParam);
}

#[test]
fn model_files_round_trip_and_info_describes_the_fit() {
    let (u, i, v) = triples();
    let m = fit_collab_quiet(&u, &i, &v, MF).unwrap();
    let info: serde_json::Value = serde_json::from_str(&m.info_json()).unwrap();
    assert_eq!(info["kind"], "mf");
    assert_eq!((info["n_users"].as_u64(), info["n_items"].as_u64()), (Some(20), Some(10)));
    assert_eq!(info["fit"]["train_rmse"].as_array().unwrap().len(), 3);
    assert_eq!(info["parts"][0], "score");
    let mean = v.iter().map(|&x| x as f64).sum::<f64>() / v.len() as f64;
    assert!((info["global_mean"].as_f64().unwrap() - mean).abs() < 1e-12);
    let bytes = m.to_bytes().unwrap();
    let back = CollabModel::from_bytes(&bytes).unwrap();
    assert_eq!(back.info_json(), m.info_json());
    assert_eq!(back.to_bytes().unwrap(), bytes);
    let (pu, pi) = ([0, 7, 999, 0], [100, 103, 100, 5]);
    assert_eq!(back.parts(&pu, &pi).unwrap(), m.parts(&pu, &pi).unwrap());
    assert_eq!(m.predict(&pu, &pi).unwrap(), m.parts(&pu, &pi).unwrap()[..4]);
}

#[test]
fn implicit_als_files_round_trip() {
    let (u, i, v) = triples();
    let m = fit_collab_quiet(&u, &i, &v, r#"{"kind":"implicit_als","params":{"factors":3,"iterations":2,"seed":4}}"#).unwrap();
    let info: serde_json::Value = serde_json::from_str(&m.info_json()).unwrap();
    assert_eq!(info["parts"], serde_json::json!(["score", "known_user", "known_item"]));
    assert_eq!(info["fit"]["observed_rmse"].as_array().unwrap().len(), 2);
    let bytes = m.to_bytes().unwrap();
    let back = CollabModel::from_bytes(&bytes).unwrap();
    assert_eq!(back.to_bytes().unwrap(), bytes);
    assert_eq!(back.parts(&[0, 5], &[100, 100]).unwrap(), m.parts(&[0, 5], &[100, 100]).unwrap());
}

#[test]
fn item_knn_files_round_trip() {
    let (u, i, v) = triples();
    let m = fit_collab_quiet(&u, &i, &v, KNN).unwrap();
    let info: serde_json::Value = serde_json::from_str(&m.info_json()).unwrap();
    assert_eq!(info["kind"], "item_knn");
    assert_eq!(info["parts"], serde_json::json!(["score", "baseline", "neighbours", "similarity_mass", "known_user", "known_item"]));
    assert_eq!(info["fit"]["baseline_train_rmse"].as_array().unwrap().len(), 10);
    let bytes = m.to_bytes().unwrap();
    let back = CollabModel::from_bytes(&bytes).unwrap();
    assert_eq!(back.to_bytes().unwrap(), bytes);
    let (pu, pi) = ([0, 7, 999, 14], [100, 103, 100, 109]);
    assert_eq!(back.parts(&pu, &pi).unwrap(), m.parts(&pu, &pi).unwrap());
}

#[test]
fn the_two_model_families_refuse_each_others_files() {
    let (u, i, v) = triples();
    let collab = fit_collab_quiet(&u, &i, &v, MF).unwrap().to_bytes().unwrap();
    let x: Vec<f32> = (0..20).map(|k| k as f32).collect();
    let y: Vec<f32> = (0..20).map(|k| (k % 2) as f32).collect();
    let feature = fit(&x, 20, &y, r#"{"kind":"logistic"}"#).unwrap().to_bytes().unwrap();
    let e = Model::from_bytes(&collab).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Deserialize);
    assert!(e.message().contains("collaborative model file (mf)") && e.message().contains("collabModelFromBytes"), "{e}");
    let e = CollabModel::from_bytes(&feature).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Deserialize);
    assert!(e.message().contains("feature model file (logistic)") && e.message().contains("modelFromBytes"), "{e}");
}

#[test]
fn a_header_that_disagrees_with_the_body_is_refused() {
    let (u, i, v) = triples();
    let bytes = fit_collab_quiet(&u, &i, &v, MF).unwrap().to_bytes().unwrap();
    let (version, header, body) = decode(&bytes).unwrap();
    let edits: [(&str, serde_json::Value); 5] = [
        ("n_users", 21.into()),
        ("n_items", 0.into()),
        ("global_mean", 0.5.into()),
        ("parts", serde_json::json!(["score"])),
        ("params", serde_json::json!({"factors": 0, "seed": 5})),
    ];
    for (field, value) in edits {
        let mut h: serde_json::Value = serde_json::from_slice(header).unwrap();
        h[field] = value;
        let e = CollabModel::from_bytes(&encode(version, &serde_json::to_vec(&h).unwrap(), body)).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Deserialize, "{field}");
    }
}

#[test]
fn bad_triples_are_coded() {
    let (u, i, v) = triples();
    let e = fit_collab_quiet(&u[1..], &i, &v, MF).unwrap_err();
    assert_eq!(e.code(), ErrorCode::ShapeMismatch);
    assert!(e.message().contains("users (") && e.message().contains("values ("), "{e}");
    assert_eq!(fit_collab_quiet(&[], &[], &[], MF).unwrap_err().code(), ErrorCode::EmptyData);
    let mut bad = v.clone();
    bad[3] = f32::INFINITY;
    assert_eq!(fit_collab_quiet(&u, &i, &bad, MF).unwrap_err().code(), ErrorCode::NonFinite);
    let m = fit_collab_quiet(&u, &i, &v, MF).unwrap();
    assert_eq!(m.predict(&[1, 2], &[1]).unwrap_err().code(), ErrorCode::ShapeMismatch);
    assert_eq!(m.parts(&[1], &[]).unwrap_err().code(), ErrorCode::ShapeMismatch);
    assert!(m.predict(&[], &[]).unwrap().is_empty());
}

#[test]
fn every_header_number_reads_back_bit_exact() {
    // serde_json parses floats exactly only with `float_roundtrip`: without it, the global mean read
    // from a header could differ from the body's in the last bit and a valid file would be refused.
    let (u, i, _) = triples();
    for seed in 0..40u32 {
        let v: Vec<f32> = (0..u.len()).map(|k| 1.0 + (((k as u32).wrapping_mul(2654435761) ^ seed.wrapping_mul(97)) % 1000) as f32 / 997.0).collect();
        let m = fit_collab_quiet(&u, &i, &v, MF).unwrap();
        let back = CollabModel::from_bytes(&m.to_bytes().unwrap()).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        assert_eq!(back.info_json(), m.info_json(), "seed {seed}");
    }
}
