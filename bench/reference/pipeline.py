"""Python reference of the seed pipeline moviepref replaces: pandas + scikit-learn + XGBoost.

usage: python bench/reference/pipeline.py --data DIR --out DIR [--seed 42] [--folds 5] [--n-jobs 2]
                                          [--test-fraction 0.2] [--oof-folds 0]

DIR holds users.csv, movies.csv and ratings.csv as written by `moviepref generate` (schema:
ts/src/data/DATA.md). Steps, each timed: load -> split -> features -> selection -> grid search per
model -> test evaluation -> importance -> insights -> save. The feature catalogue, its definitions and
the grids mirror ts/src/features/columns.ts and the FULL grids of ts/src/pipeline/grids.ts; what differs
is listed in bench/reference/README.md.

stdout: exactly one JSON line at the end (timings, sizes, best params, CV and test AUC per model).
Everything else (progress, library warnings) goes to stderr. Bad input (missing file, column, unknown
id, unparsable value): one message naming the file and column on stderr, exit code 2.
"""
import argparse
import json
import math
import os
import sys
import time
import warnings

import numpy as np

from features import base_frame, build_features, prune
from load import InputError, load
from models import clean_params, insights, model_plans, ranked, test_metrics

PERMUTATION_ROWS = 5_000


def log(msg):
    print(f"[reference] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------- main

def run(args, timings):
    import joblib
    import pandas as pd
    import sklearn
    import xgboost
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split

    t_total = time.perf_counter()

    def timed(key, fn):
        t0 = time.perf_counter()
        v = fn()
        timings[key] = time.perf_counter() - t0
        return v

    users, movies, ratings = timed("load", lambda: load(pd, args.data))
    log(f"load: {len(users)} users, {len(movies)} movies, {len(ratings)} interactions ({timings['load']:.2f} s)")

    # Stratified random 80/20 split. Ours defaults to 'user-overlap' (the same stratified split, then
    # cold-start users get one test row moved to train); a plain random split is the seed's behaviour.
    def split():
        y = ratings["liked"].to_numpy()
        idx = np.arange(len(ratings))
        stratify = y if np.bincount(y, minlength=2).min() >= 2 else None
        tr, te = train_test_split(idx, test_size=args.test_fraction, stratify=stratify, random_state=args.seed)
        return np.sort(tr), np.sort(te)

    train_idx, test_idx = timed("split", split)
    log(f"split: {len(train_idx)} train / {len(test_idx)} test")

    def feats():
        base, genres = base_frame(pd, users, movies, ratings)
        x_train, x_test = build_features(pd, base, genres, train_idx, test_idx, args.oof_folds, args.seed)
        medians = x_train.median().fillna(0.0)
        return base, genres, x_train.fillna(medians), x_test.fillna(medians), medians, int(x_train.shape[1])

    base, genres, x_train, x_test, medians, catalogue = timed("features", feats)
    keep, dropped = timed("selection", lambda: prune(x_train))
    x_train, x_test, medians = x_train[keep], x_test[keep], medians[keep]
    y_train = base["liked"].to_numpy()[train_idx].astype(int)
    y_test = base["liked"].to_numpy()[test_idx].astype(int)
    log(f"features: {len(keep)} of {catalogue} kept ({timings['features']:.2f} s + selection {timings['selection']:.2f} s)")

    xtr, xte = x_train.to_numpy(dtype="float64"), x_test.to_numpy(dtype="float64")
    cv = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=args.seed)
    fitted = {}
    for name, est, grid in model_plans(args.seed):
        n_cfg = math.prod(len(v) for v in grid.values())
        log(f"{name}: grid search, {n_cfg} configs x {args.folds} folds on {len(xtr)} rows")
        gs = GridSearchCV(est, grid, cv=cv, scoring="roc_auc", n_jobs=args.n_jobs, refit=True, error_score="raise")
        timed(f"train_{name}", lambda: gs.fit(xtr, y_train))
        fitted[name] = gs
        log(f"{name}: best {clean_params(name, gs.best_params_)} cv AUC {gs.best_score_:.4f} ({timings[f'train_{name}']:.1f} s)")

    def evaluate():
        return {name: test_metrics(y_test, gs.predict_proba(xte)[:, 1]) for name, gs in fitted.items()}

    evaluation = timed("evaluate", evaluate)
    for name, m in evaluation.items():
        log(f"{name}: test AUC {m['roc_auc']}, log-loss {m['log_loss']:.4f}")

    def importance():
        names = list(x_train.columns)
        n_perm = min(PERMUTATION_ROWS, len(xte))
        if n_perm < len(xte):
            strat = y_test if np.bincount(y_test, minlength=2).min() >= 2 else None
            rows, _ = train_test_split(np.arange(len(xte)), train_size=n_perm, stratify=strat, random_state=args.seed)
            rows = np.sort(rows)
        else:
            rows = np.arange(len(xte))
        out = {}
        for name, gs in fitted.items():
            est = gs.best_estimator_
            if name == "logistic_regression":
                coef = est.named_steps["lr"].coef_[0]  # per standardized feature
                native = np.abs(coef) / max(np.abs(coef).sum(), 1e-300)
                extra = {"coefficients": ranked(names, coef)}
            else:
                imp = np.asarray(est.feature_importances_, dtype="float64")
                native = imp / imp.sum() if imp.sum() > 0 else imp
                extra = {}
            perm = permutation_importance(est, xte[rows], y_test[rows], scoring="roc_auc", n_repeats=3,
                                          random_state=args.seed, n_jobs=args.n_jobs)
            out[name] = {"importance": ranked(names, native), "permutation": ranked(names, perm.importances_mean),
                         "permutation_rows": int(len(rows)), **extra}
        return out

    importances = timed("importance", importance)
    business = timed("insights", lambda: insights(pd, base, genres))

    versions = {"pandas": pd.__version__, "sklearn": sklearn.__version__, "xgboost": xgboost.__version__, "numpy": np.__version__}
    models = {}
    for name, gs in fitted.items():
        models[name] = {
            "best_params": clean_params(name, gs.best_params_),
            "cv_auc": float(gs.best_score_),
            "test_auc": evaluation[name]["roc_auc"],
        }

    def save():
        os.makedirs(args.out, exist_ok=True)
        for name, gs in fitted.items():
            joblib.dump({"model": gs.best_estimator_, "features": list(x_train.columns), "medians": medians.to_dict()},
                        os.path.join(args.out, f"{name}.joblib"))
        p_like = ratings["p_like"].to_numpy()[test_idx] if "p_like" in ratings and ratings["p_like"].notna().all() else None
        report = {
            "engine": "python-reference",
            "versions": versions,
            "config": {"data": os.path.abspath(args.data), "seed": args.seed, "folds": args.folds, "n_jobs": args.n_jobs,
                       "test_fraction": args.test_fraction, "oof_folds": args.oof_folds, "split": "random (stratified)"},
            "dataset": {"users": len(users), "movies": len(movies), "interactions": len(ratings),
                        "like_rate": float(ratings["liked"].mean()), "genres": len(genres)},
            "split": {"train": int(len(train_idx)), "test": int(len(test_idx))},
            "features": {"catalogue": catalogue, "kept": len(keep), "names": list(x_train.columns), "dropped": dropped},
            "bayes_auc": float(roc_auc_score(y_test, p_like)) if p_like is not None and len(np.unique(y_test)) == 2 else None,
            "models": {
                name: {
                    **models[name],
                    "cv": [{"params": clean_params(name, p), "mean_auc": float(m), "std_auc": float(s), "mean_fit_seconds": float(t)}
                           for p, m, s, t in zip(gs.cv_results_["params"], gs.cv_results_["mean_test_score"],
                                                 gs.cv_results_["std_test_score"], gs.cv_results_["mean_fit_time"])],
                    "test": evaluation[name],
                    **importances[name],
                }
                for name, gs in fitted.items()
            },
            "insights": business,
            "timings": timings,
        }
        with open(os.path.join(args.out, "report.json"), "w") as f:
            json.dump(report, f, indent=2)
            f.write("\n")

    timed("save", save)
    timings["total"] = time.perf_counter() - t_total
    return {
        "engine": "python-reference",
        "versions": versions,
        "config": {"seed": args.seed, "folds": args.folds, "n_jobs": args.n_jobs, "test_fraction": args.test_fraction,
                   "oof_folds": args.oof_folds},
        "seconds": {k: round(v, 4) for k, v in timings.items()},
        "rows": {"train": int(len(train_idx)), "test": int(len(test_idx))},
        "n_features": len(keep),
        "models": models,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="folder with users.csv, movies.csv, ratings.csv")
    ap.add_argument("--out", required=True, help="folder for the models (joblib) and report.json")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--folds", type=int, default=5, help="CV folds of the grid search")
    ap.add_argument("--n-jobs", type=int, default=2, help="GridSearchCV / permutation_importance workers")
    ap.add_argument("--test-fraction", type=float, default=0.2)
    ap.add_argument("--oof-folds", type=int, default=0,
                    help="0 (seed behaviour): training rows get in-sample aggregates; K >= 2: out-of-fold, as ours")
    args = ap.parse_args()
    if args.folds < 2:
        ap.error("--folds must be >= 2")
    if args.n_jobs < 1:
        ap.error("--n-jobs must be >= 1")
    if not 0 < args.test_fraction < 1:
        ap.error("--test-fraction must be in (0, 1)")
    if args.oof_folds == 1 or args.oof_folds < 0:
        ap.error("--oof-folds must be 0 or >= 2")

    # Keep stdout for the one JSON line: anything printed at the file-descriptor level (native
    # libraries, joblib workers, which inherit fd 1) goes to stderr.
    sys.stdout.flush()
    json_out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    warnings.filterwarnings("default")
    timings = {}
    try:
        result = run(args, timings)
        json_out.write(json.dumps(result) + "\n")
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        json_out.close()


if __name__ == "__main__":
    main()
