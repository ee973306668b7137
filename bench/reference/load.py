"""Loading the CSVs of `moviepref generate` (schema: ts/src/data/DATA.md) with pandas; every problem
raises InputError naming the file, line and column."""
import json
import os

import numpy as np


class InputError(Exception):
    """A problem with the input files: reported as one line, exit code 2."""


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
