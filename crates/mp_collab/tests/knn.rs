//! Item kNN with baselines: equals a brute-force reference, beats the baseline on planted data, cold
//! start, determinism, the catalogue cap and coded errors.
use mp_collab::planted::planted;
use mp_collab::{KnnModel, KnnParams, Ratings, KNN_PARTS, MAX_ITEMS, MAX_SIMILARITY_ENTRIES};
use mp_core::{ErrorCode, NoopObserver};
use std::collections::BTreeMap;

/// The model's formulas written out directly over a map of ratings (f64 throughout).
fn reference(users: &[i32], items: &[i32], values: &[f32], p: &KnnParams, query: &[(i32, i32)]) -> Vec<f64> {
    let mut r: BTreeMap<(i32, i32), f64> = BTreeMap::new();
    for k in 0..values.len() {
        r.insert((users[k], items[k]), values[k] as f64);
    }
    let us: Vec<i32> = { let mut v = users.to_vec(); v.sort(); v.dedup(); v };
    let is: Vec<i32> = { let mut v = items.to_vec(); v.sort(); v.dedup(); v };
    let mean = r.values().sum::<f64>() / r.len() as f64;
    let (mut bu, mut bi): (BTreeMap<i32, f64>, BTreeMap<i32, f64>) = (us.iter().map(|&u| (u, 0.0)).collect(), is.iter().map(|&i| (i, 0.0)).collect());
    for _ in 0..p.baseline_iterations {
        for &i in &is {
            let rs: Vec<f64> = r.iter().filter(|((_, j), _)| *j == i).map(|((u, _), v)| v - mean - bu[u]).collect();
            bi.insert(i, rs.iter().sum::<f64>() / (p.reg_item + rs.len() as f64));
        }
        for &u in &us {
            let rs: Vec<f64> = r.iter().filter(|((v, _), _)| *v == u).map(|((_, j), v)| v - mean - bi[j]).collect();
            bu.insert(u, rs.iter().sum::<f64>() / (p.reg_user + rs.len() as f64));
        }
    }
    let b = |u: i32, i: i32| mean + bu.get(&u).copied().unwrap_or(0.0) + bi.get(&i).copied().unwrap_or(0.0);
    let sim = |i: i32, j: i32| -> f64 {
        let (mut num, mut a, mut c, mut n) = (0.0, 0.0, 0.0, 0.0);
        for &u in &us {
            if let (Some(ri), Some(rj)) = (r.get(&(u, i)), r.get(&(u, j))) {
                let (di, dj) = (ri - b(u, i), rj - b(u, j));
                (num, a, c, n) = (num + di * dj, a + di * di, c + dj * dj, n + 1.0);
            }
        }
        if n < p.min_support as f64 || a == 0.0 || c == 0.0 { 0.0 } else { n / (n + p.shrinkage) * num / (a * c).sqrt() }
    };
    query
        .iter()
        .map(|&(u, i)| {
            if !bu.contains_key(&u) || !bi.contains_key(&i) {
                return b(u, i);
            }
            let mut nb: Vec<(f64, i32, f64)> =
                r.iter().filter(|((v, j), _)| *v == u && *j != i).map(|((_, j), v)| (sim(i, *j), *j, v - b(u, *j))).filter(|t| t.0 > 0.0).collect();
            nb.sort_by(|x, y| y.0.partial_cmp(&x.0).unwrap().then(x.1.cmp(&y.1)));
            nb.truncate(p.k as usize);
            let mass: f64 = nb.iter().map(|t| t.0).sum();
            if mass > 0.0 { b(u, i) + nb.iter().map(|t| t.0 * t.2).sum::<f64>() / mass } else { b(u, i) }
        })
        .collect()
}

#[test]
fn equals_a_brute_force_reference() {
    let d = planted(25, 12, 7, 2, 0.3, 11);
    for p in [
        KnnParams::default(),
        KnnParams { k: 2, shrinkage: 0.0, min_support: 2, reg_user: 0.0, reg_item: 3.0, baseline_iterations: 3 },
    ] {
        let r = Ratings::new(&d.users, &d.items, &d.values).unwrap();
        let m = KnnModel::fit(&r, &p, &mut NoopObserver).unwrap();
        let query: Vec<(i32, i32)> = d.users.iter().flat_map(|&u| d.items[..12].iter().map(move |&i| (u, i))).chain([(5, -1), (1000, 77)]).collect();
        let (qu, qi): (Vec<i32>, Vec<i32>) = query.iter().copied().unzip();
        let got = m.predict(&qu, &qi).unwrap();
        let want = reference(&d.users, &d.items, &d.values, &p, &query);
        for (k, (g, w)) in got.iter().zip(&want).enumerate() {
            assert!((*g as f64 - w).abs() < 1e-4, "{p:?} pair {:?}: {g} vs reference {w}", query[k]);
        }
        let n_items = m.items.len();
        for i in 0..n_items {
            assert_eq!(m.sim[i * n_items + i], 0.0);
            for j in 0..n_items {
                assert_eq!(m.sim[i * n_items + j], m.sim[j * n_items + i], "symmetric");
            }
        }
    }
}

#[test]
fn beats_the_baseline_on_planted_data_and_flags_cold_starts() {
    let d = planted(300, 120, 40, 3, 0.2, 12);
    let (mut tr, mut te) = ((vec![], vec![], vec![]), (vec![], vec![], vec![]));
    for k in 0..d.values.len() {
        let t = if k % 5 == 0 { &mut te } else { &mut tr };
        t.0.push(d.users[k]);
        t.1.push(d.items[k]);
        t.2.push(d.values[k]);
    }
    let r = Ratings::new(&tr.0, &tr.1, &tr.2).unwrap();
    let m = KnnModel::fit(&r, &KnnParams::default(), &mut NoopObserver).unwrap();
    let n = te.0.len();
    let parts = m.parts(&te.0, &te.1).unwrap();
    let col = |c: &str| &parts[KNN_PARTS.iter().position(|x| *x == c).unwrap() * n..][..n];
    let rmse = |p: &[f32]| (p.iter().zip(&te.2).map(|(a, b)| ((a - b) as f64).powi(2)).sum::<f64>() / n as f64).sqrt();
    let (knn, base) = (rmse(col("score")), rmse(col("baseline")));
    assert!(knn < base - 0.01, "kNN {knn} vs baseline {base}");
    assert!(col("neighbours").iter().all(|&c| c <= 32.0) && col("neighbours").iter().any(|&c| c > 20.0), "32 training ratings per user");
    let few = KnnModel::fit(&r, &KnnParams { k: 5, ..KnnParams::default() }, &mut NoopObserver).unwrap().parts(&te.0, &te.1).unwrap();
    let used = &few[2 * n..3 * n];
    assert!(used.iter().all(|&c| c <= 5.0) && used.contains(&5.0), "k caps the neighbours");
    assert!(col("similarity_mass").iter().all(|&s| s >= 0.0));
    let cold = m.parts(&[te.0[0], 5, 5], &[77, te.1[0], 77]).unwrap();
    assert_eq!(&cold[2 * 3..3 * 3], [0.0, 0.0, 0.0], "no neighbours for cold starts");
    assert_eq!(&cold[4 * 3..], [1.0, 0.0, 0.0, 0.0, 1.0, 0.0], "known_user, known_item");
    assert_eq!(cold[2], m.mean as f32);
}

#[test]
fn deterministic_at_one_and_two_threads() {
    let d = planted(200, 60, 20, 3, 0.2, 13);
    let r = Ratings::new(&d.users, &d.items, &d.values).unwrap();
    let fit = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            let m = KnnModel::fit(&r, &KnnParams::default(), &mut NoopObserver).unwrap();
            (postcard::to_allocvec(&m).unwrap(), m.predict(&d.users, &d.items).unwrap())
        })
    };
    assert_eq!(fit(1), fit(2));
}

#[test]
fn catalogues_over_the_cap_and_bad_params_are_refused() {
    assert_eq!(MAX_ITEMS * MAX_ITEMS, MAX_SIMILARITY_ENTRIES, "the published item cap is the entry cap's square root");
    let n = MAX_ITEMS as i32 + 1;
    let items: Vec<i32> = (0..n).collect();
    let r = Ratings::new(&vec![1; n as usize], &items, &vec![1.0; n as usize]).unwrap();
    let e = KnnModel::fit(&r, &KnnParams::default(), &mut NoopObserver).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidParam);
    assert!(e.message().contains("16385 items") && e.message().contains("2^28"), "{e}");
    let r = Ratings::new(&[1, 2], &[1, 1], &[1.0, 2.0]).unwrap();
    for (p, name) in [
        (KnnParams { k: 0, ..KnnParams::default() }, "k"),
        (KnnParams { shrinkage: -1.0, ..KnnParams::default() }, "shrinkage"),
        (KnnParams { min_support: 0, ..KnnParams::default() }, "min_support"),
        (KnnParams { reg_user: f64::INFINITY, ..KnnParams::default() }, "reg_user"),
        (KnnParams { reg_item: 2e6, ..KnnParams::default() }, "reg_item"),
        (KnnParams { baseline_iterations: 0, ..KnnParams::default() }, "baseline_iterations"),
    ] {
        let e = KnnModel::fit(&r, &p, &mut NoopObserver).unwrap_err();
        assert!(e.message().contains(&format!("`{name}`")), "{e}");
    }
}
