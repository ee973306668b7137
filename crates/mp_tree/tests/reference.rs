//! Held-out quality against smartcore reference models on a seeded nonlinear problem.
mod common;
use common::{accuracy, auc, nonlinear};
use mp_core::NoopObserver;
use mp_core::Rng;
use mp_tree::{fit_forest, fit_gbt, ForestParams, GbtParams};
use smartcore::ensemble::random_forest_classifier::{RandomForestClassifier, RandomForestClassifierParameters};
use smartcore::linalg::basic::arrays::Array;
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::tree::decision_tree_classifier::{DecisionTreeClassifier, DecisionTreeClassifierParameters};

#[test]
fn gbt_and_rf_match_or_beat_smartcore() {
    let d = nonlinear(5000, 10, 21);
    let (tr, te) = d.split(3500);
    let xtr = DenseMatrix::from_2d_vec(&tr.rows_f64()).unwrap();
    let xte = DenseMatrix::from_2d_vec(&te.rows_f64()).unwrap();
    let ytr: Vec<u32> = tr.y.iter().map(|&v| v as u32).collect();

    // smartcore random forest: hard labels only -> accuracy reference.
    let sc_params = RandomForestClassifierParameters::default().with_n_trees(100).with_max_depth(10).with_seed(3);
    let sc_rf = RandomForestClassifier::fit(&xtr, &ytr, sc_params).unwrap();
    let sc_labels: Vec<f32> = sc_rf.predict(&xte).unwrap().iter().map(|&c| c as f32).collect();
    let sc_acc = accuracy(&te.y, &sc_labels);

    // Bagged smartcore decision trees with predict_proba -> AUC reference (a plain bagging forest).
    let mut rng = Rng::new(4);
    let mut sc_p = vec![0.0f64; te.n];
    let n_bag = 30;
    for _ in 0..n_bag {
        let rows: Vec<usize> = (0..tr.n).map(|_| rng.below(tr.n)).collect();
        let b = tr.take(&rows);
        let xb = DenseMatrix::from_2d_vec(&b.rows_f64()).unwrap();
        let yb: Vec<u32> = b.y.iter().map(|&v| v as u32).collect();
        let t = DecisionTreeClassifier::fit(&xb, &yb, DecisionTreeClassifierParameters::default().with_max_depth(10))
            .unwrap();
        let proba = t.predict_proba(&xte).unwrap();
        for (i, p) in sc_p.iter_mut().enumerate() {
            *p += *proba.get((i, 1)) / n_bag as f64;
        }
    }
    let sc_auc = auc(&te.y, &sc_p.iter().map(|&p| p as f32).collect::<Vec<_>>());

    let rf = fit_forest(tr.view(), &tr.y, &ForestParams::default().check().unwrap(), &mut NoopObserver).unwrap();
    let rp = rf.predict(te.view()).unwrap();
    let gp = GbtParams { n_estimators: 200, learning_rate: 0.05, max_depth: 4, ..GbtParams::default() };
    let gbt = fit_gbt(tr.view(), &tr.y, &gp.check().unwrap(), None, &mut NoopObserver).unwrap();
    let gpred = gbt.predict(te.view()).unwrap();

    let (rf_auc, rf_acc) = (auc(&te.y, &rp), accuracy(&te.y, &rp));
    let (gbt_auc, gbt_acc) = (auc(&te.y, &gpred), accuracy(&te.y, &gpred));
    let report = format!(
        "smartcore RF acc {sc_acc:.4}, bagged smartcore trees AUC {sc_auc:.4}; \
         mp_tree RF auc {rf_auc:.4} acc {rf_acc:.4}; GBT auc {gbt_auc:.4} acc {gbt_acc:.4}"
    );
    assert!(rf_auc >= sc_auc - 0.01 && gbt_auc >= sc_auc - 0.01, "{report}");
    assert!(rf_acc >= sc_acc - 0.01 && gbt_acc >= sc_acc - 0.01, "{report}");
}
