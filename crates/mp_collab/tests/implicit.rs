//! Implicit ALS: ranks held-out positives above unrated items on planted data (near popularity, far above chance; the exact solves are checked in src/implicit.rs), cold start,
//! determinism, negative values and bad params coded, extreme values stay finite.
use mp_collab::planted::planted;
use mp_collab::{ImplicitModel, ImplicitParams, Ratings};
use mp_core::{ErrorCode, NoopObserver};
use std::collections::HashSet;

fn params() -> ImplicitParams {
    ImplicitParams { factors: 8, iterations: 10, l2: 0.1, alpha: 5.0, seed: 3, ..ImplicitParams::default() }
}

#[test]
fn ranks_held_out_likes_above_unrated_items() {
    // likes = the planted ratings above 3.3 (a low-rank preference), observed with value 1
    let d = planted(300, 100, 50, 3, 0.1, 21);
    let likes: Vec<usize> = (0..d.values.len()).filter(|&k| d.truth[k] > 3.3).collect();
    let (train, test): (Vec<usize>, Vec<usize>) = likes.iter().partition(|&&k| k % 5 != 0);
    let pick = |ks: &[usize], v: &[i32]| -> Vec<i32> { ks.iter().map(|&k| v[k]).collect() };
    let r = Ratings::new(&pick(&train, &d.users), &pick(&train, &d.items), &vec![1.0; train.len()]).unwrap();
    let m = ImplicitModel::fit(&r, &params(), &mut NoopObserver).unwrap();
    let rated: HashSet<(i32, i32)> = (0..d.values.len()).map(|k| (d.users[k], d.items[k])).collect();
    // each held-out like against an item the user never rated
    let mut popularity = std::collections::HashMap::new();
    for &k in &train {
        *popularity.entry(d.items[k]).or_insert(0usize) += 1;
    }
    let pop = |i: i32| popularity.get(&i).copied().unwrap_or(0);
    let (mut wins, mut pop_wins, mut total) = (0usize, 0usize, 0usize);
    for &k in &test {
        let u = d.users[k];
        let unrated = (0..100).map(|j| -(((k + j) % 100) as i32) - 1).find(|&i| !rated.contains(&(u, i)));
        let Some(o) = unrated else { continue };
        let s = m.predict(&[u, u], &[d.items[k], o]).unwrap();
        wins += (s[0] > s[1]) as usize;
        pop_wins += (pop(d.items[k]) > pop(o)) as usize;
        total += 1;
    }
    // the planted likes lean on item biases, so popularity is strong here (~75%); chance is 50%
    assert!(total > 100 && wins as f64 > 0.65 * total as f64 && wins as f64 > 0.9 * pop_wins as f64, "{wins} of {total} (popularity: {pop_wins})");
    assert!(m.observed_rmse.last().unwrap() < &m.observed_rmse[0], "{:?}", m.observed_rmse);
    let cold = m.parts(&[d.users[0], 5], &[d.items[0], d.items[0]]).unwrap();
    assert_eq!((cold[1], &cold[2..]), (0.0, &[1.0, 0.0, 1.0, 1.0][..]));
}

#[test]
fn deterministic_at_one_and_two_threads() {
    let d = planted(200, 60, 20, 3, 0.2, 22);
    let r = Ratings::new(&d.users, &d.items, &d.values).unwrap();
    let fit = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| postcard::to_allocvec(&ImplicitModel::fit(&r, &params(), &mut NoopObserver).unwrap()).unwrap())
    };
    assert_eq!(fit(1), fit(2));
}

#[test]
fn negative_values_and_bad_params_are_coded_and_extremes_stay_finite() {
    let r = Ratings::new(&[1, 2], &[1, 1], &[1.0, -2.0]).unwrap();
    let e = ImplicitModel::fit(&r, &params(), &mut NoopObserver).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidLabel);
    assert!(e.message().contains("[0, 1e6]") && e.message().contains("-2"), "{e}");
    let r = Ratings::new(&[1, 2], &[1, 1], &[1.0, 2e6]).unwrap();
    assert_eq!(ImplicitModel::fit(&r, &params(), &mut NoopObserver).unwrap_err().code(), ErrorCode::InvalidLabel);
    let r = Ratings::new(&[1, 2, 2], &[1, 1, 2], &[1e6, 1.0, 0.0]).unwrap();
    for (p, name) in [
        (ImplicitParams { factors: 0, ..params() }, "factors"),
        (ImplicitParams { l2: 0.0, ..params() }, "l2"),
        (ImplicitParams { alpha: 1e5, ..params() }, "alpha"),
        (ImplicitParams { cg_steps: 0, ..params() }, "cg_steps"),
        (ImplicitParams { iterations: 0, ..params() }, "iterations"),
    ] {
        let e = ImplicitModel::fit(&r, &p, &mut NoopObserver).unwrap_err();
        assert!(e.message().contains(&format!("`{name}`")), "{e}");
    }
    for (l2, alpha) in [(1e-6, 1e4), (1e6, 0.0)] {
        let m = ImplicitModel::fit(&r, &ImplicitParams { l2, alpha, ..params() }, &mut NoopObserver).unwrap();
        assert!(m.is_valid(), "l2 {l2} alpha {alpha}");
    }
}
