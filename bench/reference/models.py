"""Models with our FULL grids (ts/src/pipeline/grids.ts), test metrics and business insights."""
import numpy as np

# Our FULL grids (ts/src/pipeline/grids.ts). Our `l2` penalizes the summed log-loss: C = 1 / l2.
LR_L2 = [0.01, 0.1, 1, 10, 100]
RF_GRID = {"n_estimators": [200], "max_depth": [10, 16], "min_samples_leaf": [1, 5]}
XGB_GRID = {"n_estimators": [200, 400], "max_depth": [4, 6], "learning_rate": [0.05, 0.1]}


# -------------------------------------------------------------------------------------------- models

def model_plans(seed):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from xgboost import XGBClassifier

    lr = Pipeline([("scale", StandardScaler()), ("lr", LogisticRegression(max_iter=1000))])
    rf = RandomForestClassifier(max_features="sqrt", random_state=seed, n_jobs=1)
    xgb = XGBClassifier(tree_method="hist", subsample=0.9, colsample_bytree=0.9, random_state=seed, n_jobs=1,
                        importance_type="gain", eval_metric="logloss")
    return [
        ("logistic_regression", lr, {"lr__C": [1.0 / l2 for l2 in LR_L2]}),
        ("random_forest", rf, RF_GRID),
        ("xgboost", xgb, XGB_GRID),
    ]


def clean_params(name, params):
    out = {k.split("__", 1)[-1]: (v.item() if hasattr(v, "item") else v) for k, v in params.items()}
    if name == "logistic_regression":
        out["l2"] = 1.0 / out["C"]
    return out


def test_metrics(y, p):
    from sklearn.metrics import (accuracy_score, average_precision_score, brier_score_loss, f1_score, log_loss,
                                 precision_score, recall_score, roc_auc_score)

    pred = (p >= 0.5).astype(int)
    two = len(np.unique(y)) == 2
    return {
        "accuracy": float(accuracy_score(y, pred)),
        "precision": float(precision_score(y, pred, zero_division=0)),
        "recall": float(recall_score(y, pred, zero_division=0)),
        "f1": float(f1_score(y, pred, zero_division=0)),
        "roc_auc": float(roc_auc_score(y, p)) if two else None,
        "log_loss": float(log_loss(y, np.clip(p, 1e-15, 1 - 1e-15), labels=[0, 1])),
        "average_precision": float(average_precision_score(y, p)) if two else None,
        "brier": float(brier_score_loss(y, p)),
    }


def ranked(names, values, k=15):
    order = np.argsort(-np.abs(np.asarray(values)), kind="stable")[:k]
    return [{"name": names[i], "value": float(values[i])} for i in order]


def insights(pd, base, genres):
    """A few cheap business numbers over every labeled row."""
    b = base
    age_group = pd.cut(b["age"], [0, 25, 35, 45, 55, 200], right=False, labels=["<25", "25-34", "35-44", "45-54", "55+"])
    rate_by = lambda key: {str(k): round(float(v), 4) for k, v in b.groupby(key, observed=True)["liked"].mean().items()}
    genre_rate = {g: round(float(b.loc[b[f"g_{g}"] > 0, "liked"].mean()), 4) for g in genres if (b[f"g_{g}"] > 0).any()}
    hours = b["hb"].map({-1: None, 0: "night", 1: "morning", 2: "afternoon", 3: "evening"})
    return {
        "like_rate": round(float(b["liked"].mean()), 4),
        "by_age_group": rate_by(age_group),
        "by_genre": dict(sorted(genre_rate.items(), key=lambda kv: -kv[1])),
        "by_subscription": rate_by("subscription"),
        "by_device": rate_by("device"),
        "by_time_of_day": rate_by(hours),
    }
