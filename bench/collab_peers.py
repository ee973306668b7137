"""Collaborative-filtering peers on the pipeline's own split (a file written by bench/ratings-export.ts).

usage: python bench/collab_peers.py --data FILE --lib surprise-svd|surprise-svdpp|surprise-knn-baseline|implicit-als
                                    [--threads N] [--seed 42]
Prints one JSON line: fit and predict seconds, test RMSE (rating models), test AUC of the liked label
from the predicted score, how many test rows had a user or item unseen in training (cold, scored with
the global mean for rating models, 0 for ALS), RSS before and peak during the fit.

Settings are each library's defaults except where named: Surprise SVD / SVD++ (100 / 20 factors,
20 epochs, lr 0.005 / 0.007, reg 0.02), KNNBaseline item-based with pearson_baseline similarity (k 40,
ALS baselines); implicit ALS 64 factors, 15 iterations, regularization 0.01, trained on the liked
training pairs (implicit feedback: a like is a positive, everything else unobserved), score = user .
item factor dot product. Building each library's training structure (Surprise's trainset, the sparse
matrix) is data loading, outside the fit time.
"""
import argparse
import json
import math
import sys
import time

import numpy as np

from peers import peak_mb, reset_peak, rss_mb

HEADER = "set,user,item,rating,liked"


def read(path):
    import pandas as pd

    with open(path) as f:
        if f.readline().strip() != HEADER:
            sys.exit(f"{path}: line 1 must be '{HEADER}' (a file written by bench/ratings-export.ts)")
    df = pd.read_csv(path)
    bad = ~df["set"].isin(["train", "test"])
    if bad.any():
        sys.exit(f"{path}: line {int(np.argmax(bad.values)) + 2}: set must be train or test")
    return df[df["set"] == "train"].reset_index(drop=True), df[df["set"] == "test"].reset_index(drop=True)


def surprise_algo(lib, seed):
    import surprise

    if lib == "surprise-svd":
        return surprise.SVD(random_state=seed), surprise.__version__
    if lib == "surprise-svdpp":
        return surprise.SVDpp(random_state=seed), surprise.__version__
    if lib == "surprise-knn-baseline":
        return surprise.KNNBaseline(sim_options={"name": "pearson_baseline", "user_based": False}, verbose=False), surprise.__version__
    sys.exit(f"unknown --lib {lib}")


def fit_surprise(lib, seed, train, test):
    """Returns (version, fit s, predict s, scores, cold rows, peak MB or None, RSS before)."""
    from surprise import Dataset, Reader

    trainset = Dataset.load_from_df(train[["user", "item", "rating"]], Reader(rating_scale=(1, 5))).build_full_trainset()
    algo, version = surprise_algo(lib, seed)
    before = rss_mb()
    reset = reset_peak()
    t = time.perf_counter()
    algo.fit(trainset)
    fit_s = time.perf_counter() - t
    peak = peak_mb() if reset else None
    t = time.perf_counter()
    # Surprise's own unknown handling: an unseen user or item falls back to the global mean (plus the
    # known side's bias for the baseline-based models); the estimate is clipped to the rating scale.
    scores = np.fromiter((algo.predict(u, i).est for u, i in zip(test["user"].tolist(), test["item"].tolist())), dtype=np.float64, count=len(test))
    pred_s = time.perf_counter() - t
    known_u = set(train["user"].tolist())
    known_i = set(train["item"].tolist())
    cold = sum(1 for u, i in zip(test["user"].tolist(), test["item"].tolist()) if u not in known_u or i not in known_i)
    return version, fit_s, pred_s, scores, cold, peak, before


def fit_als(seed, threads, train, test):
    import implicit
    import scipy.sparse as sp
    from implicit.als import AlternatingLeastSquares

    users = {u: k for k, u in enumerate(sorted(set(train["user"].tolist())))}
    items = {i: k for k, i in enumerate(sorted(set(train["item"].tolist())))}
    liked = train[train["liked"] == 1]
    m = sp.csr_matrix(
        (np.ones(len(liked), dtype=np.float32), ([users[u] for u in liked["user"]], [items[i] for i in liked["item"]])),
        shape=(len(users), len(items)),
    )
    model = AlternatingLeastSquares(factors=64, regularization=0.01, iterations=15, random_state=seed, num_threads=threads, use_gpu=False)
    before = rss_mb()
    reset = reset_peak()
    t = time.perf_counter()
    model.fit(m, show_progress=False)
    fit_s = time.perf_counter() - t
    peak = peak_mb() if reset else None
    t = time.perf_counter()
    uf, itf = np.asarray(model.user_factors), np.asarray(model.item_factors)
    ui = np.array([users.get(u, -1) for u in test["user"].tolist()])
    ii = np.array([items.get(i, -1) for i in test["item"].tolist()])
    known = (ui >= 0) & (ii >= 0)
    scores = np.zeros(len(test))
    scores[known] = np.einsum("ij,ij->i", uf[ui[known]], itf[ii[known]])
    pred_s = time.perf_counter() - t
    return implicit.__version__, fit_s, pred_s, scores, int((~known).sum()), peak, before


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--lib", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    from sklearn.metrics import roc_auc_score
    from threadpoolctl import threadpool_limits

    train, test = read(a.data)
    with threadpool_limits(limits=a.threads):
        if a.lib == "implicit-als":
            version, fit_s, pred_s, scores, cold, peak, before = fit_als(a.seed, a.threads, train, test)
            rmse, threads = None, a.threads
        else:
            version, fit_s, pred_s, scores, cold, peak, before = fit_surprise(a.lib, a.seed, train, test)
            rmse, threads = math.sqrt(float(np.mean((scores - test["rating"].to_numpy()) ** 2))), 1  # Surprise is single-threaded
    print(json.dumps({
        "engine": a.lib, "version": version, "threads": threads, "n_train": int(len(train)), "n_test": int(len(test)),
        "fit_seconds": fit_s, "predict_seconds": pred_s, "test_rmse": rmse,
        "test_auc": float(roc_auc_score(test["liked"].to_numpy(), scores)), "cold_rows": cold,
        "rss_before_fit_mb": before, "rss_peak_fit_mb": peak, "fit_extra_mb": (peak - before) if peak is not None else None,
    }))


if __name__ == "__main__":
    main()
