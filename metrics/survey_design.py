"""Design-based variances of ratio estimators from sufficient statistics: pure functions, no database.

The design: strata (column `stratum`; none given = one stratum) and primary sampling units (PSUs, column
`psu`), first stage treated as drawn with replacement, no finite population correction. A ratio
R = sum(w y) / sum(w x) (percent satisfied, mean score, share satisfied with everything) is linearised:
z_i = w_i (y_i - R x_i) / sum(w x). With Z_hi the sum of z over PSU i of stratum h and n_h PSUs in h,

    v(R) = sum_h n_h / (n_h - 1) * (sum_i Z_hi^2 - (sum_i Z_hi)^2 / n_h)

and the interval is R +- t(df) sqrt(v), df = number of PSUs - number of strata (respondents - 1 for a
simple random sample). sum_i Z_hi^2 only needs, per stratum, the sums of squares and cross-products of
the PSU totals Y_hi = sum(w y) and X_hi = sum(w x), so DuckDB aggregates per group x stratum x PSU and
this module finishes in a few vector operations, whatever the number of respondents.

PSU, by default: the `psu` column; where it is empty, the survey's default cluster (the hospital for
health, the school for education); where that is empty too, the respondent (a simple random sample
within the stratum). Those respondent-PSUs arrive as one row whose squares are summed per respondent
(`cl` empty), so a million of them cost one row.

Each estimate row is its own sample: its strata and PSUs are those holding its respondents with a valid
answer to the item set (a province's sample is drawn within the province; breakdown cells such as a
respondent group are treated the same way, conditionally on the cell).

Single-PSU strata (rule "certainty", samplics' SinglePSUEst.certainty): a stratum with one PSU is taken
as selected with certainty and its respondents serve as its PSUs (so one hospital on its own is a simple
random sample of its patients). A stratum left with a single respondent contributes no variance. A row
with fewer than 2 PSUs in all, or df < 1, has no variance (NaN).

Design labels: "srs" (one stratum, respondents as PSUs), "cluster" (one stratum, clustered PSUs),
"stratified" (strata, respondents as PSUs), "stratified cluster" (strata and clustered PSUs).
"""
from __future__ import annotations

import numpy as np
import pandas as pd


class _LazyScipyStats:
    """scipy.stats, imported on first use: the import takes about half a second that code reaching this module only
    for its names (a survey load's statistics step, via metrics.satisfaction) does not need."""

    def __getattr__(self, name: str):
        from scipy import stats

        return getattr(stats, name)


sps = _LazyScipyStats()

DESIGNS = ("srs", "cluster", "stratified", "stratified cluster")
SINGLE_PSU_RULE = "certainty"
STRATUM, CLUSTER = "stratum", "cl"


def t_value(df, level: float = 0.95) -> np.ndarray:
    """Two-sided Student t quantile for `level` at `df` degrees of freedom (NaN where df < 1)."""
    df = np.asarray(df, dtype="float64")
    with np.errstate(invalid="ignore"):
        return np.where(df >= 1, sps.t.ppf(0.5 + level / 2, np.where(df >= 1, df, 1)), np.nan)


def design_label(stratified, clustered) -> np.ndarray:
    """'srs', 'cluster', 'stratified' or 'stratified cluster' from two boolean arrays."""
    s, c = np.asarray(stratified, dtype=bool), np.asarray(clustered, dtype=bool)
    return np.select([s & c, s, c], ["stratified cluster", "stratified", "cluster"], "srs").astype(object)


def stratum_sums(frame: pd.DataFrame, keys: list[str], totals: list[str],
                 squares: dict[tuple[str, str], str], other: list[str] = ()) -> pd.DataFrame:
    """Per row (`keys`) and stratum: summed totals, PSU-level squares and the stratum's PSU count `n_h`.

    `frame` has one row per finest group, `stratum` and `cl` (the cluster id; empty = each respondent is
    its own PSU), with the linear totals (`totals`), their respondent-level squares (`squares`, mapping a
    pair of totals to the column holding sum over respondents of the product) and `n` (respondents).
    Output columns: keys, stratum, totals, each squares column (now a sum over PSUs of the product of PSU
    totals, after the single-PSU rule), n, n_h, clustered (bool); `other` columns are summed as they are.
    """
    cols = list(dict.fromkeys(list(totals) + list(squares.values()) + ["n"] + list(other)))
    psu = (frame.groupby(keys + [STRATUM, CLUSTER], dropna=False, sort=False)[cols].sum().reset_index())
    clustered = psu[CLUSTER].notna().to_numpy()
    products = {}
    for (a, b), col in squares.items():
        products[f"psu__{col}"] = np.where(clustered, psu[a].to_numpy() * psu[b].to_numpy(), psu[col].to_numpy())
    psu = pd.concat([psu, pd.DataFrame(products, index=psu.index)], axis=1)
    psu["n_cl"] = clustered.astype("int64")
    psu["n_free"] = np.where(clustered, 0, psu["n"].to_numpy())
    summed = cols + list(products) + ["n_cl", "n_free"]
    h = psu.groupby(keys + [STRATUM], dropna=False, sort=False)[summed].sum().reset_index()
    # Certainty rule: one cluster alone in its stratum -> its respondents are the PSUs.
    single = ((h["n_cl"] == 1) & (h["n_free"] == 0)).to_numpy()
    out = {col: np.where(single, h[col].to_numpy(), h[f"psu__{col}"].to_numpy()) for col in squares.values()}
    h = h.drop(columns=list(products)).assign(**out)
    h["n_h"] = np.where(single, h["n"], h["n_cl"] + h["n_free"]).astype("float64")
    h["clustered"] = (h["n_cl"] > 0).to_numpy() & ~single
    return h.drop(columns=["n_cl", "n_free"])


def _row_index(h: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, int]:
    if not keys:
        return np.zeros(len(h), dtype="int64"), 1
    codes = h.groupby(keys, dropna=False, sort=False).ngroup().to_numpy()
    return codes, int(codes.max()) + 1 if len(codes) else 0


def _by_row(values: np.ndarray, index: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(index, weights=values, minlength=size)


def _stratified(contrib_sq: np.ndarray, contrib_lin: np.ndarray, n_h: np.ndarray) -> np.ndarray:
    """n_h/(n_h - 1) (sum Z^2 - (sum Z)^2 / n_h) per stratum; 0 where n_h < 2."""
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(n_h > 1, n_h / (n_h - 1) * (contrib_sq - contrib_lin ** 2 / n_h), 0.0)
    return c


def design_columns(h: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per row: n_psu (PSUs after the single-PSU rule), n_strata, df = n_psu - n_strata, design label.
    Rows in the order of first appearance of their keys in `h`."""
    index, size = _row_index(h, keys)
    n_psu = _by_row(h["n_h"].to_numpy(dtype="float64"), index, size)
    n_strata = np.bincount(index, minlength=size).astype("float64")
    stratified = _by_row(h[STRATUM].notna().to_numpy(dtype="float64"), index, size) > 0
    clustered = _by_row(h["clustered"].to_numpy(dtype="float64"), index, size) > 0
    return pd.DataFrame({"n_psu": n_psu.astype("int64"), "n_strata": n_strata.astype("int64"),
                         "df": n_psu - n_strata, "design": design_label(stratified, clustered)})


def ratio_variance(h: pd.DataFrame, keys: list[str], y: str, x: str, yy: str, yx: str, xx: str) -> np.ndarray:
    """Variance of R = sum(Y)/sum(X) per row of `stratum_sums` output (rows in order of first appearance).

    yy, yx, xx: columns with sum over PSUs of Y^2, Y X, X^2 in each stratum. NaN with under 2 PSUs or df < 1.
    """
    index, size = _row_index(h, keys)
    Y, X = h[y].to_numpy(dtype="float64"), h[x].to_numpy(dtype="float64")
    tot_y, tot_x = _by_row(Y, index, size), _by_row(X, index, size)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (tot_y / tot_x)[index]
        q = (h[yy].to_numpy(dtype="float64") - 2 * r * h[yx].to_numpy(dtype="float64")
             + r * r * h[xx].to_numpy(dtype="float64"))
        d = Y - r * X
        n_h = h["n_h"].to_numpy(dtype="float64")
        var = _by_row(_stratified(q, d, n_h), index, size) / (tot_x * tot_x)
    info = design_columns(h, keys)
    ok = (info["n_psu"].to_numpy() > 1) & (info["df"].to_numpy() >= 1)
    # The expansion can dip a hair below 0 by rounding when every residual is 0.
    return np.where(ok, np.clip(var, 0, None), np.nan)


def mean_of_ratios_variance(h: pd.DataFrame, keys: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Plain mean of k ratios R_a = sum(em_y_a)/sum(em_x_a) and its design variance, per row.

    Columns: em_y_a, em_x_a (totals), em_yy_a_b, em_xx_a_b (a <= b) and em_yx_a_b (all a, b): sums over
    PSUs of the products of PSU totals. A PSU's residual is Z = (1/k) sum_a (Y_a - R_a X_a) / X_a.
    """
    index, size = _row_index(h, keys)
    Y = np.column_stack([h[f"em_y_{a}"].to_numpy(dtype="float64") for a in range(k)])
    X = np.column_stack([h[f"em_x_{a}"].to_numpy(dtype="float64") for a in range(k)])
    tot_y = np.column_stack([_by_row(Y[:, a], index, size) for a in range(k)])
    tot_x = np.column_stack([_by_row(X[:, a], index, size) for a in range(k)])
    with np.errstate(divide="ignore", invalid="ignore"):
        r = tot_y / tot_x
        ri, xi = r[index], tot_x[index]
        sq = np.zeros(len(h))
        for a in range(k):
            for b in range(k):
                lo, hi = min(a, b), max(a, b)
                c = (h[f"em_yy_{lo}_{hi}"].to_numpy(dtype="float64") - ri[:, b] * h[f"em_yx_{a}_{b}"].to_numpy(dtype="float64")
                     - ri[:, a] * h[f"em_yx_{b}_{a}"].to_numpy(dtype="float64")
                     + ri[:, a] * ri[:, b] * h[f"em_xx_{lo}_{hi}"].to_numpy(dtype="float64"))
                sq += c / (xi[:, a] * xi[:, b])
        lin = ((Y - ri * X) / xi).sum(axis=1)
        n_h = h["n_h"].to_numpy(dtype="float64")
        var = _by_row(_stratified(sq / k ** 2, lin / k, n_h), index, size)
    info = design_columns(h, keys)
    ok = (info["n_psu"].to_numpy() > 1) & (info["df"].to_numpy() >= 1) & (tot_x > 0).all(axis=1)
    est = np.where((tot_x > 0).all(axis=1), r.mean(axis=1), np.nan)
    return est, np.where(ok, np.clip(var, 0, None), np.nan)


RATIO_SQUARES = {("y", "y"): "yy", ("y", "x"): "yx", ("x", "x"): "xx"}


def ratio_estimate(y, x, w=None, stratum=None, psu=None, level: float = 0.95) -> dict:
    """Ratio estimate sum(w y)/sum(w x) with its design SE, df, design and interval, from per-respondent
    arrays (the production path: the same sufficient statistics and functions). `psu` None or missing
    values mean the respondent is its own PSU; `stratum` None means one stratum."""
    y, x = np.asarray(y, dtype="float64"), np.asarray(x, dtype="float64")
    w = np.ones_like(x) if w is None else np.asarray(w, dtype="float64")
    n = len(x)
    frame = pd.DataFrame({
        STRATUM: pd.Series([None] * n if stratum is None else list(stratum), dtype="object"),
        CLUSTER: pd.Series([None] * n if psu is None else list(psu), dtype="object"),
        "y": w * y, "x": w * x, "yy": w * w * y * y, "yx": w * w * y * x, "xx": w * w * x * x, "n": 1.0})
    h = stratum_sums(frame, [], ["y", "x"], RATIO_SQUARES)
    var = ratio_variance(h, [], "y", "x", "yy", "yx", "xx")[0]
    info = design_columns(h, []).iloc[0]
    est, se = float(frame["y"].sum() / frame["x"].sum()), float(np.sqrt(var))
    t = float(t_value(info["df"], level))
    return {"estimate": est, "se": se, "df": float(info["df"]), "design": info["design"],
            "n_psu": int(info["n_psu"]), "n_strata": int(info["n_strata"]),
            "ci_low": est - t * se, "ci_high": est + t * se}
