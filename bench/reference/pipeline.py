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
from dataclasses import dataclass

import numpy as np

MOVIELENS_GENRES = [
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama",
    "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
]
# Known level orders of categoricals (csv-columns.ts); other columns: sorted distinct values.
VOCAB = {
    "subscription": ["basic", "standard", "premium"],
    "budget_tier": ["low", "medium", "high"],
    "device": ["mobile", "tv", "desktop", "tablet"],
}
SMOOTHING = 10.0  # pseudo-count of every smoothed rate (features/context.ts)
HOUR_BUCKETS = 4  # night 0-5, morning 6-11, afternoon 12-17, evening 18-23
AGE_BUCKETS = 5  # <25, 25-34, 35-44, 45-54, 55+
PERMUTATION_ROWS = 5_000
PRUNE_THRESHOLD = 0.95  # |r| at which the later of two columns is dropped (features/select.ts)

# Our FULL grids (ts/src/pipeline/grids.ts). Our `l2` penalizes the summed log-loss: C = 1 / l2.
LR_L2 = [0.01, 0.1, 1, 10, 100]
RF_GRID = {"n_estimators": [200], "max_depth": [10, 16], "min_samples_leaf": [1, 5]}
XGB_GRID = {"n_estimators": [200, 400], "max_depth": [4, 6], "learning_rate": [0.05, 0.1]}


class InputError(Exception):
    """A problem with the input files: reported as one line, exit code 2."""


def log(msg):
    print(f"[reference] {msg}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------------------- load

def read_csv(pd, path, required, types):
    """One CSV file with the schema's missing-value rules; numbers validated, strings trimmed."""
    name = os.path.basename(path)
    if not os.path.isfile(path):
        raise InputError(f"{path}: file not found")
    try:
        df = pd.read_csv(path, keep_default_na=False, na_values=["", "NA", "NaN"], dtype=str,
                         encoding="utf-8-sig", skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise InputError(f"{name}: the file is empty (expected a header line)") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as e:
        raise InputError(f"{name}: cannot parse the CSV: {str(e).strip()}") from None
    df.columns = [str(c).strip() for c in df.columns]
    for col in required:
        if col not in df.columns:
            found = ", ".join(json.dumps(c) for c in df.columns)
            raise InputError(f'{name}: required column "{col}" is missing (found: {found})')
    if len(df) == 0:
        raise InputError(f"{name}: the file has a header but no data rows")
    out = {}
    for col, kind in types.items():
        if col not in df.columns:
            continue
        s = df[col].str.strip()
        s = s.mask(s.isin(["", "NA", "NaN"]))
        if kind == "id":
            if s.isna().any():
                raise InputError(f'{name} line {int(s.isna().to_numpy().argmax()) + 2}, column "{col}": missing id')
            v = number(pd, s, name, col)
            bad = (v != np.floor(v)) | (v < -(2**31)) | (v >= 2**31)
            if bad.any():
                i = int(bad.to_numpy().argmax())
                raise InputError(f'{name} line {i + 2}, column "{col}": {s.iloc[i]!r} is not a 32-bit integer id')
            out[col] = v.astype("int64")
        elif kind == "number":
            out[col] = number(pd, s, name, col)
        elif kind == "date":  # days since epoch (ISO date or datetime)
            out[col] = days(pd, s, name, col)
        elif kind == "timestamp":  # unix seconds, or ISO datetime
            v = pd.to_numeric(s, errors="coerce")
            iso = v.isna() & s.notna()
            if iso.any():
                v = v.copy()
                v[iso] = days(pd, s[iso], name, col) * 86400.0
            out[col] = v.astype("float64")
        else:
            out[col] = s
    return pd.DataFrame(out)


def number(pd, s, file, col):
    v = pd.to_numeric(s, errors="coerce").astype("float64")
    bad = v.isna() & s.notna()
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise InputError(f'{file} line {i + 2}, column "{col}": {s.iloc[i]!r} is not a number')
    return v


def days(pd, s, file, col):
    t = pd.to_datetime(s, errors="coerce", utc=True, format="ISO8601")
    bad = t.isna() & s.notna()
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise InputError(f'{file} line {s.index[i] + 2}, column "{col}": {s.iloc[i]!r} is not an ISO date')
    epoch = pd.Timestamp("1970-01-01", tz="UTC")
    return ((t - epoch).dt.total_seconds() / 86400.0).astype("float64")


def load(pd, data_dir):
    if not os.path.isdir(data_dir):
        raise InputError(f"{data_dir}: not a directory")
    users = read_csv(pd, os.path.join(data_dir, "users.csv"), ["user_id"], {
        "user_id": "id", "age": "number", "gender": "text", "region": "text", "subscription": "text",
        "signup_date": "date", "favorite_genres": "text", "activity_level": "number", "occupation": "text"})
    movies = read_csv(pd, os.path.join(data_dir, "movies.csv"), ["movie_id"], {
        "movie_id": "id", "title": "text", "genres": "text", "release_year": "number", "duration_min": "number",
        "imdb_rating": "number", "cast_popularity": "number", "budget_tier": "text"})
    ratings = read_csv(pd, os.path.join(data_dir, "ratings.csv"), ["user_id", "movie_id"], {
        "user_id": "id", "movie_id": "id", "rating": "number", "liked": "number", "timestamp": "timestamp",
        "device": "text", "hour": "number", "p_like": "number"})
    for df, file, col in ((users, "users.csv", "user_id"), (movies, "movies.csv", "movie_id")):
        dup = df[col].duplicated()
        if dup.any():
            i = int(dup.to_numpy().argmax())
            raise InputError(f'{file} line {i + 2}, column "{col}": duplicate {col} {df[col].iloc[i]}')
    for col, ref, file in (("user_id", users, "users.csv"), ("movie_id", movies, "movies.csv")):
        unknown = ~ratings[col].isin(ref[col])
        if unknown.any():
            i = int(unknown.to_numpy().argmax())
            raise InputError(f'ratings.csv line {i + 2}, column "{col}": unknown {col} {ratings[col].iloc[i]} (not in {file})')
    # Label as the TS loader does (data/csv.ts): the CSV's `liked` where given, else rating >= 4.
    if "rating" not in ratings and "liked" not in ratings:
        raise InputError('ratings.csv: needs a "rating" (1-5) or "liked" (0/1) column')
    rating = ratings["rating"] if "rating" in ratings else pd.Series(np.nan, index=ratings.index)
    label = ratings["liked"] if "liked" in ratings else pd.Series(np.nan, index=ratings.index)
    bad = label.notna() & ~label.isin([0, 1])
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise InputError(f'ratings.csv line {i + 2}, column "liked": {label.iloc[i]} is not 0 or 1')
    neither = label.isna() & rating.isna()
    if neither.any():
        raise InputError(f'ratings.csv line {int(neither.to_numpy().argmax()) + 2}, column "liked": neither a rating nor a liked label is given')
    ratings["rating"] = rating
    ratings["liked"] = label.where(label.notna(), (rating >= 4).astype("float64")).astype("int8")
    for col in ("timestamp", "hour"):
        if col not in ratings:
            ratings[col] = np.nan
    return users, movies, ratings


# ----------------------------------------------------------------------------------- base row frame

def split_genres(s):
    return s.fillna("").str.replace(r"\s*\|\s*", "|", regex=True).str.strip("| ")


def genre_vocabulary(*series):
    names = set()
    for s in series:
        for v in split_genres(s):
            names.update(g for g in v.split("|") if g)
    return [g for g in MOVIELENS_GENRES if g in names] + sorted(names - set(MOVIELENS_GENRES))


def levels(s, col):
    seen = sorted(set(s.dropna()))
    vocab = VOCAB.get(col)
    return list(vocab) if vocab and all(v in vocab for v in seen) else seen


def base_frame(pd, users, movies, ratings):
    """One row per interaction with the user's and movie's attributes merged on, plus the per-row
    indicator columns the groupby aggregates sum (genre one-hots, hour buckets, rating squares...)."""
    genres = genre_vocabulary(movies.get("genres", pd.Series(dtype=str)), users.get("favorite_genres", pd.Series(dtype=str)))
    mg = split_genres(movies.get("genres", pd.Series("", index=movies.index))).str.get_dummies(sep="|")
    mg = mg.reindex(columns=genres, fill_value=0).astype("float64")
    mg.columns = [f"g_{g}" for g in genres]
    fav = split_genres(users.get("favorite_genres", pd.Series("", index=users.index))).str.get_dummies(sep="|")
    fav = fav.reindex(columns=genres, fill_value=0).astype("float64")
    fav.columns = [f"fav_{g}" for g in genres]
    u = pd.concat([users.drop(columns=["favorite_genres"], errors="ignore"), fav], axis=1)
    m = pd.concat([movies.drop(columns=["genres", "title"], errors="ignore"), mg], axis=1)
    b = ratings.drop(columns=["p_like"], errors="ignore")
    b = b.merge(u, on="user_id", how="left", validate="many_to_one")
    b = b.merge(m, on="movie_id", how="left", validate="many_to_one")
    for col in ("age", "signup_date", "activity_level", "release_year", "duration_min", "imdb_rating", "cast_popularity"):
        if col not in b:
            b[col] = np.nan
    for col in ("gender", "region", "subscription", "occupation", "budget_tier", "device"):
        if col not in b:
            b[col] = pd.Series(pd.NA, index=b.index, dtype="str")
    b["day"] = b["timestamp"] / 86400.0
    b["hb"] = np.where(b["hour"].isna(), -1, np.minimum(HOUR_BUCKETS - 1, np.floor(b["hour"].fillna(0) / 6))).astype("int64")
    b["age_bucket"] = np.where(b["age"].isna(), -1, np.clip(np.floor((b["age"].fillna(0) - 15) / 10), 0, AGE_BUCKETS - 1)).astype("int64")
    # Summands of the aggregates.
    b["one"] = 1.0
    b["rated"] = b["rating"].notna().astype("float64")
    b["rating_f"] = b["rating"].fillna(0.0)
    b["rating2"] = b["rating_f"] ** 2
    b["imdb_n"] = b["imdb_rating"].notna().astype("float64")
    b["imdb_f"] = b["imdb_rating"].fillna(0.0)
    for k in range(HOUR_BUCKETS):
        b[f"hb{k}"] = (b["hb"] == k).astype("float64")
    liked = b["liked"].to_numpy(dtype="float64")
    gl = pd.DataFrame(b[[f"g_{g}" for g in genres]].to_numpy() * liked[:, None], columns=[f"gl_{g}" for g in genres], index=b.index)
    b = pd.concat([b, gl], axis=1)
    return b, genres


# ------------------------------------------------------------------------------- statistics/features

@dataclass
class Stats:
    users: object
    movies: object
    age_genre: object
    hour_genre: object
    sub_budget: object
    prior_like: float
    prior_rating: float
    active_users: int


def fit_stats(pd, b, gc, gl):
    """Per-user, per-movie and segment-cross sums over the rows `b` (groupby only)."""
    ucols = ["one", "liked", "rated", "rating_f", "rating2", "imdb_f", "imdb_n", "recent"] + [f"hb{k}" for k in range(HOUR_BUCKETS)] + gc + gl
    users = b.groupby("user_id", sort=False)[ucols].sum()
    movies = b.groupby("movie_id", sort=False)[["one", "liked", "rated", "rating_f", "rating2", "recent"]].sum()
    age_genre = b[b["age_bucket"] >= 0].groupby("age_bucket")[gc + gl].sum().reindex(range(AGE_BUCKETS), fill_value=0.0)
    hour_genre = b[b["hb"] >= 0].groupby("hb")[gc + gl].sum().reindex(range(HOUR_BUCKETS), fill_value=0.0)
    sub_budget = b.dropna(subset=["subscription", "budget_tier"]).groupby(["subscription", "budget_tier"])[["one", "liked"]].sum()
    n, rated = len(b), float(b["rated"].sum())
    return Stats(users, movies, age_genre, hour_genre, sub_budget,
                 prior_like=float(b["liked"].sum()) / n if n else 0.5,
                 prior_rating=float(b["rating_f"].sum()) / rated if rated else 3.0,
                 active_users=max(1, int((users["one"] > 0).sum())))


def rate(hits, n, prior):
    return (hits + SMOOTHING * prior) / (n + SMOOTHING)


def div(a, b):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1.0), np.nan)


def std(s, s2, n):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n >= 2, np.sqrt(np.maximum(0.0, s2 / np.maximum(n, 1) - (s / np.maximum(n, 1)) ** 2)), np.nan)


def over_genres(mg, values):
    """Mean of values[i, g] over the genres g of row i's movie (NaN when it has none)."""
    cnt = mg.sum(axis=1)
    s = np.where(mg > 0, values, 0.0).sum(axis=1)
    return div(s, cnt)


def one_hot(b, col, prefix, lv):
    """One 0/1 column per level (NaN where missing); none when there are no or more than 32 levels."""
    if not lv or len(lv) > 32:
        return {}
    s = b[col]
    miss = s.isna().to_numpy()
    return {f"{prefix}={v}": np.where(miss, np.nan, (s == v).fillna(False).to_numpy(dtype="float64")) for v in lv}


def features(pd, b, st, genres, window_days, cats):
    """The feature catalogue of ts/src/features/columns.ts for the rows `b`, with the statistics `st`."""
    gc = [f"g_{g}" for g in genres]
    gl = [f"gl_{g}" for g in genres]
    G = len(genres)
    U = st.users.reindex(b["user_id"].to_numpy()).fillna(0.0)
    M = st.movies.reindex(b["movie_id"].to_numpy()).fillna(0.0)
    ucount, mcount = U["one"].to_numpy(), M["one"].to_numpy()
    ugc, ugl = U[gc].to_numpy(), U[gl].to_numpy()
    mg = b[gc].to_numpy()
    fav = b[[f"fav_{g}" for g in genres]].to_numpy()
    pl, pr = st.prior_like, st.prior_rating
    user_like = rate(U["liked"].to_numpy(), ucount, pl)
    user_rating = rate(U["rating_f"].to_numpy(), U["rated"].to_numpy(), pr)
    movie_like = rate(M["liked"].to_numpy(), mcount, pl)
    movie_rating = rate(M["rating_f"].to_numpy(), M["rated"].to_numpy(), pr)
    quality_pref = div(U["imdb_f"].to_numpy(), U["imdb_n"].to_numpy())
    hours = U[[f"hb{k}" for k in range(HOUR_BUCKETS)]].to_numpy()
    utotal = ugc.sum(axis=1)
    top = ugc.argmax(axis=1) if G else np.zeros(len(b), dtype=int)
    has_top = (ugc.max(axis=1) > 0) if G else np.zeros(len(b), dtype=bool)
    rows = np.arange(len(b))
    day = b["day"].to_numpy()
    hb = b["hb"].to_numpy()
    ab = b["age_bucket"].to_numpy()
    imdb = b["imdb_rating"].to_numpy()
    year = b["release_year"].to_numpy()
    wd = max(30.0, window_days)

    with np.errstate(divide="ignore", invalid="ignore"):
        q = div(ugc, utotal[:, None])
        entropy = -np.where(q > 0, q * np.log(np.where(q > 0, q, 1.0)), 0.0).sum(axis=1)
        diversity = np.where((utotal > 0) & (G >= 2), entropy / math.log(max(G, 2)), np.nan)

    def cross(table, bucket):
        c = table[gc].to_numpy()[np.maximum(bucket, 0)]
        l = table[gl].to_numpy()[np.maximum(bucket, 0)]
        return np.where(bucket >= 0, over_genres(mg, rate(l, c, pl) - pl), np.nan)

    sb = st.sub_budget.reindex(pd.MultiIndex.from_arrays([b["subscription"], b["budget_tier"]])).fillna(0.0)
    sb_ok = (b["subscription"].notna() & b["budget_tier"].notna()).to_numpy()

    f = {
        # user
        "user_engagement": np.log1p(ucount),
        "user_like_rate": user_like,
        "user_avg_rating": user_rating,
        "user_rating_std": std(U["rating_f"].to_numpy(), U["rating2"].to_numpy(), U["rated"].to_numpy()),
        "user_quality_pref": quality_pref,
        "user_night_share": div(hours[:, 0], ucount),
        "user_evening_share": div(hours[:, 3], ucount),
        "user_recent_share": div(U["recent"].to_numpy(), ucount),
        "user_genre_diversity": diversity,
        "user_top_genre_share": np.where(has_top, div(ugc[rows, top] if G else ucount * 0, ucount), np.nan),
        # movie
        "movie_popularity": np.log1p(mcount),
        "movie_like_rate": movie_like,
        "movie_avg_rating": movie_rating,
        "movie_polarization": std(M["rating_f"].to_numpy(), M["rating2"].to_numpy(), M["rated"].to_numpy()),
        "movie_user_penetration": mcount / st.active_users,
        "movie_trending": rate(M["recent"].to_numpy(), mcount, 30.0 / wd),
        "movie_viral_coefficient": (M["recent"].to_numpy() + 1) / (mcount * 30.0 / wd + 1),
        "movie_hit_potential": movie_like * np.log1p(mcount),
        "movie_release_year": year,
        "movie_duration_min": b["duration_min"].to_numpy(),
        "movie_imdb_rating": imdb,
        "movie_cast_popularity": b["cast_popularity"].to_numpy(),
        "movie_n_genres": mg.sum(axis=1),
        # demographic
        "user_age": b["age"].to_numpy(),
        "user_activity": b["activity_level"].to_numpy(),
        "user_tenure_days": day - b["signup_date"].to_numpy(),
    }
    for col, prefix in (("gender", "gender"), ("region", "region"), ("subscription", "subscription"),
                        ("occupation", "occupation"), ("budget_tier", "budget")):
        f.update(one_hot(b, col, prefix, cats[col]))
    for g in genres:
        f[f"genre={g}"] = b[f"g_{g}"].to_numpy()
    base = user_like[:, None]
    f.update({
        # user x movie interaction
        "genre_match_declared": np.where(fav.sum(axis=1) == 0, np.nan, div((fav * mg).sum(axis=1), mg.sum(axis=1))),
        "genre_affinity": over_genres(mg, rate(ugl, ugc, base) - base),
        "genre_watch_share": over_genres(mg, div(ugc, ucount[:, None])),
        "top_genre_match": np.where(has_top, mg[rows, top] if G else 0.0, np.nan),
        "age_genre_affinity": cross(st.age_genre, ab),
        "subscription_content_match": np.where(sb_ok, rate(sb["liked"].to_numpy(), sb["one"].to_numpy(), pl) - pl, np.nan),
        "time_genre_affinity": cross(st.hour_genre, hb),
        "time_pref_alignment": np.where(hb >= 0, div(hours[rows, np.maximum(hb, 0)], ucount), np.nan),
        "quality_expectation_gap": imdb - quality_pref,
        "rating_expectation_gap": movie_rating - user_rating,
        "movie_age_at_watch": 1970 + day / 365.25 - year,
        # context
        "hour": b["hour"].to_numpy(),
        "weekend": np.where(np.isnan(day), np.nan, np.isin(np.floor(np.nan_to_num(day)) % 7, (2, 3)).astype("float64")),
    })
    f.update(one_hot(b, "device", "device", cats["device"]))
    return pd.DataFrame(f, index=b.index)


def build_features(pd, base, genres, train_idx, test_idx, oof_folds, seed):
    """Features of train and test rows; statistics from training rows only. oof_folds = 0 (the seed
    pipeline): training rows get the statistics over all training rows, their own label included;
    oof_folds >= 2 (ours): each training fold gets the statistics of the other folds."""
    gc, gl = [f"g_{g}" for g in genres], [f"gl_{g}" for g in genres]
    train = base.iloc[train_idx].copy()
    test = base.iloc[test_idx].copy()
    lo, hi = train["day"].min(), train["day"].max()
    recent_from = hi - 30 if not math.isnan(hi) else math.inf
    window_days = float(hi - lo) if not (math.isnan(lo) or math.isnan(hi)) else 30.0
    for df in (train, test):
        df["recent"] = (df["day"] >= recent_from).astype("float64")
    # Categorical levels from every row (as the TS loader does), so every row set gets the same columns.
    cats = {col: levels(base[col], col) for col in ("gender", "region", "subscription", "occupation", "budget_tier", "device")}
    full = fit_stats(pd, train, gc, gl)
    if oof_folds >= 2:
        order = np.random.default_rng(seed).permutation(len(train))
        fold = np.empty(len(train), dtype=int)
        fold[order] = np.arange(len(train)) % oof_folds
        parts = []
        for k in range(oof_folds):
            inside = fold == k
            st = fit_stats(pd, train[~inside], gc, gl)
            parts.append(features(pd, train[inside], st, genres, window_days, cats))
        x_train = pd.concat(parts).reindex(train.index)
    else:
        x_train = features(pd, train, full, genres, window_days, cats)
    x_test = features(pd, test, full, genres, window_days, cats)
    # Levels present only in test rows would add columns the training table lacks.
    x_test = x_test.reindex(columns=x_train.columns)
    return x_train, x_test


def prune(x, threshold=PRUNE_THRESHOLD, max_rows=20_000):
    """Drop constant columns, then greedily every column with |r| >= threshold to a kept earlier one."""
    step = max(1, len(x) // max_rows)
    sample = x.iloc[::step]
    sd = sample.std(ddof=0).to_numpy()
    r = np.nan_to_num(np.corrcoef(sample.to_numpy(), rowvar=False)) if x.shape[1] > 1 else np.ones((1, 1))
    keep, dropped = [], []
    for j, name in enumerate(x.columns):
        if sd[j] == 0:
            dropped.append({"name": name, "reason": "constant on the training rows"})
            continue
        twin = next((k for k in keep if abs(r[j, k]) >= threshold), None)
        if twin is None:
            keep.append(j)
        else:
            dropped.append({"name": name, "reason": f"|r| = {abs(r[j, twin]):.3f} with {x.columns[twin]}"})
    return [x.columns[j] for j in keep], dropped


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
