//! Stratified k-fold: every fold keeps the class balance of the whole set. The seed is required.
use mp_core::{BinaryLabels, Error, ErrorCode, Result, Rng};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    /// Ascending row indices used for fitting.
    pub train: Vec<u32>,
    /// Ascending row indices held out for scoring.
    pub test: Vec<u32>,
}

/// Shuffles each class with `seed`, then deals its rows round-robin into `k` folds (so fold sizes differ
/// by at most one per class). Fold `i`'s test set is bucket `i`; its training set is everything else.
pub fn stratified_kfold(y: &BinaryLabels, k: usize, seed: u64) -> Result<Vec<Fold>> {
    if k < 2 {
        return Err(Error::invalid_param("folds", format!("must be >= 2, got {k}")));
    }
    let minority = y.n_pos().min(y.n_neg());
    if k > minority {
        return Err(Error::new(
            ErrorCode::EmptyClass,
            format!(
                "{k} stratified folds need at least {k} rows of each class, but one class has only {minority} \
                 ({} positive, {} negative)",
                y.n_pos(),
                y.n_neg()
            ),
        ));
    }
    let mut rng = Rng::new(seed);
    let mut bucket = vec![0u32; y.len()];
    for class in [false, true] {
        let mut rows: Vec<u32> = (0..y.len() as u32).filter(|&i| y.is_pos(i as usize) == class).collect();
        rng.shuffle(&mut rows);
        for (pos, &row) in rows.iter().enumerate() {
            bucket[row as usize] = (pos % k) as u32;
        }
    }
    Ok((0..k as u32)
        .map(|f| {
            let (test, train): (Vec<u32>, Vec<u32>) = (0..y.len() as u32).partition(|&i| bucket[i as usize] == f);
            Fold { train, test }
        })
        .collect())
}

/// A stratified hold-out split: `fraction` of each class (rounded) goes to the validation rows, and
/// at least one row of each class stays in training. Returns ascending (train, valid) row indices.
pub fn stratified_holdout(y: &BinaryLabels, fraction: f64, seed: u64) -> Result<(Vec<u32>, Vec<u32>)> {
    if !(fraction > 0.0 && fraction < 1.0) {
        return Err(Error::invalid_param("validation.fraction", format!("must be in (0, 1), got {fraction}")));
    }
    let mut rng = Rng::new(seed);
    let mut held = vec![false; y.len()];
    for class in [false, true] {
        let mut rows: Vec<u32> = (0..y.len() as u32).filter(|&i| y.is_pos(i as usize) == class).collect();
        rng.shuffle(&mut rows);
        let k = ((fraction * rows.len() as f64).round() as usize).min(rows.len().saturating_sub(1));
        for &r in &rows[..k] {
            held[r as usize] = true;
        }
    }
    let (valid, train): (Vec<u32>, Vec<u32>) = (0..y.len() as u32).partition(|&i| held[i as usize]);
    if valid.is_empty() {
        return Err(Error::invalid_param(
            "validation.fraction",
            format!("{fraction} of {} rows leaves no validation row", y.len()),
        ));
    }
    Ok((train, valid))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(n: usize, every: usize) -> Vec<f32> {
        (0..n).map(|i| (i % every == 0) as u8 as f32).collect()
    }

    #[test]
    fn folds_partition_rows_and_keep_balance() {
        let y = labels(103, 4); // 26 positives, 77 negatives
        let l = BinaryLabels::new(&y, y.len()).unwrap();
        let folds = stratified_kfold(&l, 5, 9).unwrap();
        let mut seen = vec![0; y.len()];
        for f in &folds {
            assert_eq!(f.train.len() + f.test.len(), y.len());
            assert!(f.test.windows(2).all(|w| w[0] < w[1]) && f.train.windows(2).all(|w| w[0] < w[1]));
            let pos = f.test.iter().filter(|&&i| y[i as usize] == 1.0).count();
            assert!((5..=6).contains(&pos), "positives per fold {pos}");
            for &i in &f.test {
                seen[i as usize] += 1;
            }
        }
        assert!(seen.iter().all(|&c| c == 1), "each row is held out exactly once");
    }

    #[test]
    fn seed_decides_the_split() {
        let y = labels(60, 3);
        let l = BinaryLabels::new(&y, y.len()).unwrap();
        assert_eq!(stratified_kfold(&l, 3, 1).unwrap(), stratified_kfold(&l, 3, 1).unwrap());
        assert_ne!(stratified_kfold(&l, 3, 1).unwrap(), stratified_kfold(&l, 3, 2).unwrap());
    }

    #[test]
    fn holdout_is_stratified_seeded_and_keeps_both_classes_in_training() {
        let y = labels(100, 4); // 25 positives, 75 negatives
        let l = BinaryLabels::new(&y, y.len()).unwrap();
        let (train, valid) = stratified_holdout(&l, 0.2, 7).unwrap();
        assert_eq!((train.len(), valid.len()), (80, 20));
        assert_eq!(valid.iter().filter(|&&i| y[i as usize] == 1.0).count(), 5);
        assert!(train.windows(2).all(|w| w[0] < w[1]) && valid.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(stratified_holdout(&l, 0.2, 7).unwrap(), (train.clone(), valid.clone()));
        assert_ne!(stratified_holdout(&l, 0.2, 8).unwrap().1, valid);
        let tiny = [1.0, 0.0];
        let t = BinaryLabels::new(&tiny, 2).unwrap();
        assert!(stratified_holdout(&t, 0.9, 1).unwrap_err().message().contains("no validation row"));
        for f in [0.0, 1.0, f64::NAN] {
            assert!(stratified_holdout(&l, f, 1).unwrap_err().message().contains("validation.fraction"));
        }
    }

    #[test]
    fn too_few_rows_of_a_class_is_a_clear_error() {
        let y = [1.0, 0.0, 0.0, 0.0, 0.0, 1.0];
        let l = BinaryLabels::new(&y, 6).unwrap();
        let e = stratified_kfold(&l, 3, 0).unwrap_err();
        assert_eq!(e.code(), ErrorCode::EmptyClass);
        assert!(e.message().contains("only 2"), "{e}");
        assert_eq!(stratified_kfold(&l, 1, 0).unwrap_err().code(), ErrorCode::InvalidParam);
    }
}
