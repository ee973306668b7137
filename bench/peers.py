"""Peer libraries on the benchmark dataset written by `mp-bench gen` (same rows, same split, same seeds).

usage: python bench/peers.py --data FILE --lib xgboost|lightgbm|lightgbm-rf|sklearn-hgb|sklearn-rf|sklearn-lr
                             --threads N [--trees 100] [--depth 6] [--rows N]
Prints one JSON line: fit/predict seconds, test AUC and log-loss, RSS before and peak during the fit.
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


def model_for(lib, threads, trees, depth, seed):
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
                                  subsample=0.632, subsample_freq=1, colsample_bynode=0.2, max_bin=255,
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
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=200)), sklearn.__version__
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
    a = ap.parse_args()
    from threadpoolctl import threadpool_limits
    from sklearn.metrics import log_loss, roc_auc_score

    x, y, xt, yt = read(a.data, a.rows or None)
    if a.lib.startswith("sklearn") and a.lib != "sklearn-rf":
        import os
        os.environ["OMP_NUM_THREADS"] = str(a.threads)
    model, version = model_for(a.lib, a.threads, a.trees, a.depth, a.seed)
    if a.lib == "sklearn-lr":
        x, xt = np.nan_to_num(x), np.nan_to_num(xt)
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


if __name__ == "__main__":
    main()
