"""The feature catalogue of ts/src/features/columns.ts, built with pandas groupby/merge from training
rows only, and the correlation pruning of ts/src/features/select.ts."""
import math
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
PRUNE_THRESHOLD = 0.95  # |r| at which the later of two columns is dropped (features/select.ts)


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
