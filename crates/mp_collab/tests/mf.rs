//! Biased MF by ALS: convergence, recovery of a planted low-rank matrix, cold start, determinism, errors.
use mp_collab::planted::{planted, Planted};
use mp_collab::{MfModel, MfParams, Ratings, MF_PARTS};
use mp_core::{Control, ErrorCode, NoopObserver, Observer};

fn split(d: &Planted, every: usize) -> (Planted, Planted) {
    let (mut tr, mut te) = (Planted { users: vec![], items: vec![], values: vec![], truth: vec![] }, Planted { users: vec![], items: vec![], values: vec![], truth: vec![] });
    for k in 0..d.values.len() {
        let t = if k % every == 0 { &mut te } else { &mut tr };
        t.users.push(d.users[k]);
        t.items.push(d.items[k]);
        t.values.push(d.values[k]);
        t.truth.push(d.truth[k]);
    }
    (tr, te)
}

fn rmse(a: &[f32], b: &[f32]) -> f64 {
    (a.iter().zip(b).map(|(x, y)| (*x as f64 - *y as f64).powi(2)).sum::<f64>() / a.len() as f64).sqrt()
}

fn params(factors: u32, iterations: u32) -> MfParams {
    MfParams { factors, iterations, seed: 7, ..MfParams::default() }
}

#[test]
fn als_recovers_a_planted_low_rank_matrix() {
    let d = planted(300, 200, 60, 4, 0.1, 1);
    let (tr, te) = split(&d, 5);
    let r = Ratings::new(&tr.users, &tr.items, &tr.values).unwrap();
    let m = MfModel::fit(&r, &MfParams { l2_factors: 0.02, l2_bias: 0.02, ..params(4, 20) }, &mut NoopObserver).unwrap();
    let pred = m.predict(&te.users, &te.items).unwrap();
    let test = rmse(&pred, &te.values);
    let bias_only = {
        let b = MfModel::fit(&r, &MfParams { factors: 1, init_scale: 0.0, ..params(1, 10) }, &mut NoopObserver).unwrap();
        rmse(&b.predict(&te.users, &te.items).unwrap(), &te.values)
    };
    assert!(test < 0.13, "test RMSE {test} should be close to the noise 0.1 (bias only: {bias_only})");
    assert!(bias_only > 0.18, "{bias_only}");
    // training RMSE falls (allowing tiny wiggles) over the sweeps
    for w in m.train_rmse.windows(2) {
        assert!(w[1] <= w[0] + 1e-4, "{:?}", m.train_rmse);
    }
    assert!(m.train_rmse.last().unwrap() < &(m.train_rmse[0] * 0.8), "{:?}", m.train_rmse);
}

#[test]
fn unknown_users_and_items_fall_back_to_known_biases() {
    let d = planted(40, 30, 10, 2, 0.1, 2);
    let r = Ratings::new(&d.users, &d.items, &d.values).unwrap();
    let m = MfModel::fit(&r, &params(3, 5), &mut NoopObserver).unwrap();
    let (u, i) = (d.users[0], d.items[0]);
    let parts = m.parts(&[u, 99, u, 99], &[i, i, 12345, 12345]).unwrap();
    let col = |name: &str| -> Vec<f32> {
        let c = MF_PARTS.iter().position(|n| *n == name).unwrap();
        parts[c * 4..(c + 1) * 4].to_vec()
    };
    assert_eq!(col("known_user"), [1.0, 0.0, 1.0, 0.0]);
    assert_eq!(col("known_item"), [1.0, 1.0, 0.0, 0.0]);
    let (ui, ii) = (m.users.index(u).unwrap(), m.items.index(i).unwrap());
    let mean = m.mean as f32;
    let score = col("score");
    assert_eq!(score[1], (m.mean + m.item_bias[ii] as f64) as f32);
    assert_eq!(score[2], (m.mean + m.user_bias[ui] as f64) as f32);
    assert_eq!(score[3], mean);
    assert_eq!(&col("dot")[1..], [0.0, 0.0, 0.0]);
    let s0 = col("user_bias")[0] as f64 + col("item_bias")[0] as f64 + col("dot")[0] as f64 + m.mean;
    assert!((score[0] as f64 - s0).abs() < 1e-5);
    assert_eq!(m.predict(&[u, 99], &[i, i]).unwrap(), score[..2]);
}

#[test]
fn same_seed_same_bytes_and_the_seed_matters() {
    let d = planted(150, 80, 20, 3, 0.2, 3);
    let r = Ratings::new(&d.users, &d.items, &d.values).unwrap();
    let bytes = |seed| postcard::to_allocvec(&MfModel::fit(&r, &MfParams { seed, ..params(5, 4) }, &mut NoopObserver).unwrap()).unwrap();
    assert_eq!(bytes(1), bytes(1));
    assert_ne!(bytes(1), bytes(2));
}

#[test]
fn the_observer_sees_each_sweep_and_can_stop() {
    struct StopAt(u32, Vec<f64>);
    impl Observer for StopAt {
        fn on_iter(&mut self, it: u32, m: &[(&str, f64)]) -> Control {
            assert_eq!(m[0].0, "train_rmse");
            self.1.push(m[0].1);
            if it + 1 == self.0 { Control::Stop } else { Control::Continue }
        }
    }
    let d = planted(30, 20, 8, 2, 0.1, 4);
    let r = Ratings::new(&d.users, &d.items, &d.values).unwrap();
    let mut obs = StopAt(3, vec![]);
    let m = MfModel::fit(&r, &params(2, 10), &mut obs).unwrap();
    assert_eq!(m.train_rmse, obs.1);
    assert_eq!(m.train_rmse.len(), 3);
}

#[test]
fn bad_params_are_named() {
    let d = planted(5, 5, 2, 1, 0.1, 5);
    let r = Ratings::new(&d.users, &d.items, &d.values).unwrap();
    for (p, name) in [
        (MfParams { factors: 0, ..MfParams::default() }, "factors"),
        (MfParams { factors: 257, ..MfParams::default() }, "factors"),
        (MfParams { iterations: 0, ..MfParams::default() }, "iterations"),
        (MfParams { iterations: 1001, ..MfParams::default() }, "iterations"),
        (MfParams { l2_factors: 0.0, ..MfParams::default() }, "l2_factors"),
        (MfParams { l2_bias: f64::NAN, ..MfParams::default() }, "l2_bias"),
        (MfParams { l2_bias: 1e7, ..MfParams::default() }, "l2_bias"),
        (MfParams { init_scale: -1.0, ..MfParams::default() }, "init_scale"),
    ] {
        let e = MfModel::fit(&r, &p, &mut NoopObserver).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidParam);
        assert!(e.message().contains(&format!("`{name}`")), "{e}");
    }
    let m = MfModel::fit(&r, &params(1, 1), &mut NoopObserver).unwrap();
    assert_eq!(m.predict(&[1], &[1, 2]).unwrap_err().code(), ErrorCode::ShapeMismatch);
}

#[test]
fn huge_values_and_penalties_stay_finite() {
    let d = planted(20, 10, 5, 2, 0.1, 6);
    let values: Vec<f32> = d.values.iter().map(|v| v * 1e30).collect();
    let r = Ratings::new(&d.users, &d.items, &values).unwrap();
    for (l2, w) in [(1e-6, false), (1e6, true)] {
        let m = MfModel::fit(&r, &MfParams { l2_factors: l2, l2_bias: l2, weighted_lambda: w, ..params(8, 3) }, &mut NoopObserver).unwrap();
        let mx = |v: &[f32]| v.iter().fold(0f32, |a, b| a.max(b.abs()));
        assert!(m.is_valid(), "non-finite model at l2 {l2}: {} {} {} {}", mx(&m.p), mx(&m.q), mx(&m.user_bias), mx(&m.item_bias));
    }
}

#[test]
fn one_and_two_threads_give_the_same_bytes() {
    let d = planted(400, 150, 30, 3, 0.2, 8);
    let r = Ratings::new(&d.users, &d.items, &d.values).unwrap();
    let fit = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| postcard::to_allocvec(&MfModel::fit(&r, &params(6, 3), &mut NoopObserver).unwrap()).unwrap())
    };
    assert_eq!(fit(1), fit(2));
}
