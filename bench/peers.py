"""Peer libraries on the benchmark dataset written by `mp-bench gen` (same rows, same split, same seeds).

usage: python bench/peers.py --data FILE --lib xgboost|lightgbm|lightgbm-rf|sklearn-hgb|sklearn-rf|sklearn-lr
                             --threads N [--trees 100] [--depth 6] [--rows N] [--grid JSON --folds 5]
Prints one JSON line: fit/predict seconds, test AUC and log-loss, RSS before and peak during the fit.
With --grid (a {param: [values]} object in the library's own names): scikit-learn GridSearchCV over
that grid with stratified --folds, ROC-AUC scoring, n_jobs = threads (one thread per fit), best refit;
prints fits, seconds and fits per second instead.
"""
import argparse
import json
import math
import resource
import sys
import time

import numpy as np

MAGIC = b"MPDATA01"


def read(path, rows=None):
    with open(path, "rb") as f:
        if f.read(8) != MAGIC:
            sys.exit(f"{path}: not an MPDATA01 benchmark file")
        n_train, n_test, k = np.frombuffer(f.read(24), dtype="<u8").astype(int)
        body = np.fromfile(f, dtype="<f4")
    at = 0

    def take(n):
        nonlocal at
        v = body[at : at + n]
        at += n
        return v

    x_train = take(n_train * k).reshape(k, n_train).T
    y_train = take(n_train)
    x_test = take(n_test * k).reshape(k, n_test).T
    y_test = take(n_test)
    if rows:
        x_train, y_train = x_train[:rows], y_train[:rows]
    return np.ascontiguousarray(x_train), y_train, np.ascontiguousarray(x_test), y_test


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024


def model_for(lib, threads, trees, depth, seed, n_features):
    if lib == "xgboost":
        import xgboost as xgb

        return xgb.XGBClassifier(tree_method="hist", n_estimators=trees, max_depth=depth, learning_rate=0.1,
                                 max_bin=256, reg_lambda=1.0, min_child_weight=1.0, n_jobs=threads,
                                 random_state=seed), xgb.__version__
    if lib == "lightgbm":
        import lightgbm as lgb

        return lgb.LGBMClassifier(n_estimators=trees, max_depth=depth, num_leaves=2**depth, learning_rate=0.1,
                                  max_bin=255, reg_lambda=1.0, min_child_weight=1.0, min_child_samples=1,
                                  n_jobs=threads, random_state=seed, verbose=-1), lgb.__version__
    if lib == "lightgbm-rf":
        import lightgbm as lgb

        return lgb.LGBMClassifier(boosting_type="rf", n_estimators=trees, max_depth=depth, num_leaves=2**depth,
                                  subsample=0.632, subsample_freq=1, max_bin=255,
                                  colsample_bynode=math.sqrt(n_features) / n_features,  # = sqrt features per split
                                  min_child_samples=1, n_jobs=threads, random_state=seed, verbose=-1), lgb.__version__
    if lib == "sklearn-hgb":
        import sklearn
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier(max_iter=trees, max_depth=depth, max_leaf_nodes=2**depth,
                                              learning_rate=0.1, max_bins=255, l2_regularization=1.0,
                                              early_stopping=False, random_state=seed), sklearn.__version__
    if lib == "sklearn-rf":
        import sklearn
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(n_estimators=trees, max_depth=depth, max_features="sqrt", n_jobs=threads,
                                      random_state=seed), sklearn.__version__
    if lib == "sklearn-lr":
        import sklearn
        from sklearn.linear_model import LogisticRegression
        from sklearn.impute import SimpleImputer
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        # The same treatment as ours: training-median imputation, standardization, C = 1/l2 = 1.
        return make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                             LogisticRegression(C=1.0, max_iter=200)), sklearn.__version__
    sys.exit(f"unknown --lib {lib}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--lib", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--trees", type=int, default=100)
    ap.add_argument("--depth", type=int, default=6)
    ap.add_argument("--rows", type=int, default=0)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--grid", default="")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--fixed", default="{}", help="JSON: parameters set on the model before the grid search")
    a = ap.parse_args()
    if a.grid:
        return grid_search(a)
    from threadpoolctl import threadpool_limits
    from sklearn.metrics import log_loss, roc_auc_score

    x, y, xt, yt = read(a.data, a.rows or None)
    if a.lib.startswith("sklearn") and a.lib != "sklearn-rf":
        import os
        os.environ["OMP_NUM_THREADS"] = str(a.threads)
    model, version = model_for(a.lib, a.threads, a.trees, a.depth, a.seed, x.shape[1])
    before = rss_mb()
    reset = reset_peak()
    with threadpool_limits(limits=a.threads):
        t = time.perf_counter()
        model.fit(x, y)
        fit_s = time.perf_counter() - t
        peak = peak_mb()
        t = time.perf_counter()
        p = model.predict_proba(xt)[:, 1]
        pred_s = time.perf_counter() - t
    print(json.dumps({
        "engine": a.lib, "version": version, "threads": a.threads, "n_train": int(len(y)), "n_features": int(x.shape[1]),
        "fit_seconds": fit_s, "predict_seconds": pred_s,
        "test_auc": float(roc_auc_score(yt, p)), "test_logloss": float(log_loss(yt, np.clip(p, 1e-15, 1 - 1e-15))),
        "rss_before_fit_mb": before, "rss_peak_fit_mb": peak if reset else None,
        "fit_extra_mb": (peak - before) if reset else None,
    }))


def grid_search(a):
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    x, y, _, _ = read(a.data, a.rows or None)
    grid = json.loads(a.grid)
    model, version = model_for(a.lib, 1, a.trees, a.depth, a.seed, x.shape[1])
    model.set_params(**json.loads(a.fixed))
    if a.lib == "sklearn-lr":
        grid = {f"logisticregression__{k}": v for k, v in grid.items()}
    configs = math.prod(len(v) for v in grid.values())
    search = GridSearchCV(model, grid, scoring="roc_auc", n_jobs=a.threads, refit=True,
                          cv=StratifiedKFold(a.folds, shuffle=True, random_state=a.seed))
    t = time.perf_counter()
    search.fit(x, y)
    seconds = time.perf_counter() - t
    fits = configs * a.folds + 1
    print(json.dumps({
        "engine": f"{a.lib} GridSearchCV", "version": version, "threads": a.threads, "n_train": int(len(y)),
        "configs": configs, "folds": a.folds, "fits": fits, "seconds": seconds, "fits_per_second": fits / seconds,
        "best_cv_auc": float(search.best_score_), "best_params": search.best_params_,
    }))


if __name__ == "__main__":
    main()
