"""Survey statistics on arrays and moment sums: pure functions, no database, no Streamlit.

The respondent is the unit of every variance. A respondent's answers to several items are correlated, so an
estimate over an item set is a ratio of per-respondent sums (answers at 4-5 over valid answers), and its
standard error comes from Taylor linearisation over respondents, not from a proportion of answers.
Everything a query can aggregate (sums of w*x, w^2*x*y, ...) is passed in as moment sums, so 1,000,000
respondents cost one SQL pass and a few vector operations here.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

# sps: scipy.stats, imported on first use (see metrics.survey_design)
from metrics.survey_design import sps, t_value

LEVEL = 0.95            # confidence level of every interval
MIN_RESPONDENTS = 30    # fewer respondents than this: estimate suppressed
MAX_RSE = 0.30          # relative standard error at or above this: estimate flagged unreliable
SIGNIFICANCE = 0.05     # differences are marked only when p < this


def z_value(level: float = LEVEL) -> float:
    """The two-sided normal quantile of a confidence level (1.959964 for 95 %)."""
    return float(sps.norm.ppf(0.5 + level / 2))


def wilson_interval(successes, n, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion (as 0..1); NaN where n is 0.

    centre = (p + z^2/2n) / (1 + z^2/n), half-width = z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n).
    """
    x = np.asarray(successes, dtype="float64")
    n = np.asarray(n, dtype="float64")
    z = z_value(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(np.clip(p * (1 - p) / n + z * z / (4 * n * n), 0, None)) / denom
    low, high = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    bad = ~(n > 0)
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


def ratio_se(sum_wy, sum_wx, s_yy, s_xy, s_xx, n) -> tuple[np.ndarray, np.ndarray]:
    """Ratio R = sum(w y) / sum(w x) and its Taylor-linearised standard error, from moment sums.

    With residuals z_i = w_i (y_i - R x_i) / sum(w x) (they sum to 0), SE^2 = n/(n-1) sum(z_i^2) for one
    stratum without clusters; sum(z_i^2) expands to (s_yy - 2 R s_xy + R^2 s_xx) / sum(w x)^2 with
    s_yy = sum(w^2 y^2), s_xy = sum(w^2 x y), s_xx = sum(w^2 x^2). NaN SE below 2 respondents.
    """
    sum_wy, sum_wx = np.asarray(sum_wy, dtype="float64"), np.asarray(sum_wx, dtype="float64")
    n = np.asarray(n, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = sum_wy / sum_wx
        resid = (np.asarray(s_yy, dtype="float64") - 2 * ratio * np.asarray(s_xy, dtype="float64")
                 + ratio * ratio * np.asarray(s_xx, dtype="float64")) / (sum_wx * sum_wx)
        # The expansion can dip a hair below 0 by rounding when every residual is 0 (all answers 5).
        var = np.where(n > 1, n / (n - 1) * np.clip(resid, 0, None), np.nan)
    return ratio, np.sqrt(var)


def respondent_moments(y, x, w=None) -> dict[str, float]:
    """The moment sums of `ratio_se` from per-respondent arrays (y and x per respondent, optional weights)."""
    y, x = np.asarray(y, dtype="float64"), np.asarray(x, dtype="float64")
    w = np.ones_like(x) if w is None else np.asarray(w, dtype="float64")
    return {"sum_wy": float((w * y).sum()), "sum_wx": float((w * x).sum()), "s_yy": float((w * w * y * y).sum()),
            "s_xy": float((w * w * x * y).sum()), "s_xx": float((w * w * x * x).sum()), "n": int(len(x))}


def ratio_estimate(y, x, w=None) -> tuple[float, float]:
    """Ratio estimate and Taylor SE from per-respondent arrays: y and x summed over each respondent's items."""
    ratio, se = ratio_se(**respondent_moments(y, x, w))
    return float(ratio), float(se)


def mean_of_ratios(sum_wy, sum_wx, s_yy, s_yx, s_xx, n) -> tuple[float, float]:
    """Plain mean of K ratios R_k (e.g. the five SIPAS elements) and its Taylor SE over respondents.

    sum_wy, sum_wx: length K; s_yy[k, l] = sum(w^2 y_k y_l), s_yx[k, l] = sum(w^2 y_k x_l),
    s_xx[k, l] = sum(w^2 x_k x_l). A respondent's residual is z_i = (1/K) sum_k w_i (y_ik - R_k x_ik) / X_k, so
    sum(z_i^2) = (1/K^2) sum_kl C_kl / (X_k X_l) with C_kl = s_yy - R_l s_yx - R_k s_yx' + R_k R_l s_xx.
    """
    y, x = np.asarray(sum_wy, dtype="float64"), np.asarray(sum_wx, dtype="float64")
    s_yy, s_yx, s_xx = (np.asarray(a, dtype="float64") for a in (s_yy, s_yx, s_xx))
    k = len(y)
    if not (x > 0).all():       # an element nobody answered: the mean of the elements is undefined
        return float("nan"), float("nan")
    r = y / x
    cross = s_yy - s_yx * r[None, :] - s_yx.T * r[:, None] + np.outer(r, r) * s_xx
    total = (cross / np.outer(x, x)).sum() / (k * k)
    var = n / (n - 1) * max(total, 0.0) if n > 1 else np.nan
    return float(r.mean()), float(np.sqrt(var))


def design_effect(se, p, m) -> np.ndarray:
    """Variance over the variance of a simple random sample of m answers: se^2 / (p (1 - p) / m)."""
    p, m = np.asarray(p, dtype="float64"), np.asarray(m, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        srs = p * (1 - p) / m
        return np.where(srs > 0, np.asarray(se, dtype="float64") ** 2 / srs, np.nan)


def flags(n, rse, min_n: int = MIN_RESPONDENTS, max_rse: float = MAX_RSE) -> tuple[np.ndarray, np.ndarray]:
    """('suppressed', reason) below min_n respondents, ('unreliable', reason) at RSE >= max_rse, else ('', '')."""
    n = np.asarray(n, dtype="float64")
    rse = np.asarray(rse, dtype="float64")
    flag = np.full(n.shape, "", dtype=object)
    reason = np.full(n.shape, "", dtype=object)
    unreliable = (n >= min_n) & (rse >= max_rse)
    flag[unreliable] = "unreliable"
    reason[unreliable] = [f"RSE {r * 100:.0f} % >= {max_rse * 100:.0f} %" for r in rse[unreliable]]
    small = n < min_n
    flag[small] = "suppressed"
    reason[small] = [f"n_respondents {int(v)} < {min_n}" for v in n[small]]
    return flag, reason


ESTIMATE_COLUMNS = ["pct_satisfied", "pct_se", "pct_ci_low", "pct_ci_high", "ci_method", "deff", "rse",
                    "mean_score", "mean_se", "mean_ci_low", "mean_ci_high",
                    "pct_all_satisfied", "all_ci_low", "all_ci_high", "flag", "reason", "design", "df"]


def estimates(moments: pd.DataFrame, *, min_n: int = MIN_RESPONDENTS, max_rse: float = MAX_RSE,
              level: float = LEVEL) -> pd.DataFrame:
    """Percent satisfied, mean score and share of respondents satisfied with everything, with 95 % intervals.

    `moments` has one row per group and item set, with: n (respondents with a valid answer), m (valid
    answers), ys (answers at 4-5, unweighted), weighted, single_item, likert, and the weighted sums wx, wys,
    wyv (x = valid answers, ys = answers at 4-5, yv = sum of values, per respondent), sw, swa, na (a =
    respondent's valid answers all at 4-5). Design-based variances come as var_pct, var_mean, var_all with
    `df` and `design` (see metrics.survey_design); without them the respondents are taken as a simple random
    sample, from the squares w2xx, w2xys, w2ysys, w2xyv, w2yvyv, sw2, sw2a (df = n - 1).
    Intervals: estimate +- t(df) SE, except Wilson for one unweighted item under simple random sampling;
    where the variance is 0 (everyone at 4-5, or nobody) or undefined (one respondent, one PSU) a Wald
    interval has no width, so Wilson on the respondents is used instead. Rows under `min_n` respondents
    keep n and the reason, no estimates.
    """
    m = moments
    n = m["n"].to_numpy(dtype="float64")
    likert = m["likert"].to_numpy(dtype=bool)
    if "var_pct" in m:
        with np.errstate(divide="ignore", invalid="ignore"):
            p = m["wys"].to_numpy(dtype="float64") / m["wx"].to_numpy(dtype="float64")
            mean = m["wyv"].to_numpy(dtype="float64") / m["wx"].to_numpy(dtype="float64")
            a = m["swa"].to_numpy(dtype="float64") / m["sw"].to_numpy(dtype="float64")
        p_se, mean_se, a_se = (np.sqrt(m[c].to_numpy(dtype="float64")) for c in ("var_pct", "var_mean", "var_all"))
        df = m["df"].to_numpy(dtype="float64")
        design = m["design"].to_numpy(dtype=object)
    else:
        p, p_se = ratio_se(m["wys"], m["wx"], m["w2ysys"], m["w2xys"], m["w2xx"], n)
        mean, mean_se = ratio_se(m["wyv"], m["wx"], m["w2yvyv"], m["w2xyv"], m["w2xx"], n)
        a, a_se = ratio_se(m["swa"], m["sw"], m["sw2a"], m["sw2a"], m["sw2"], n)
        df = n - 1
        design = np.full(len(m), "srs", dtype=object)
    t = t_value(df, level)
    srs = design == "srs"
    weighted = m["weighted"].to_numpy(dtype=bool)
    wilson = m["single_item"].to_numpy(dtype=bool) & ~weighted & srs
    w_low, w_high = wilson_interval(np.where(wilson, m["ys"], p * n), np.where(wilson, m["m"], n), level)
    degenerate = ~wilson & ((p_se == 0) | np.isnan(p_se)) & (n > 0)
    use_wilson = wilson | degenerate
    low = np.where(use_wilson, w_low, np.clip(p - t * p_se, 0, 1))
    high = np.where(use_wilson, w_high, np.clip(p + t * p_se, 0, 1))
    taylor_all = (weighted | ~srs) & (a_se > 0)
    aw_low, aw_high = wilson_interval(np.where(weighted | ~srs, a * n, m["na"]), n, level)
    a_low = np.where(taylor_all, np.clip(a - t * a_se, 0, 1), aw_low)
    a_high = np.where(taylor_all, np.clip(a + t * a_se, 0, 1), aw_high)
    with np.errstate(divide="ignore", invalid="ignore"):
        rse = np.where(likert, np.where(p > 0, p_se / p, np.nan), np.where(mean > 0, mean_se / mean, np.nan))
    out = pd.DataFrame(index=m.index)
    pct = {"pct_satisfied": p * 100, "pct_se": p_se * 100, "pct_ci_low": low * 100, "pct_ci_high": high * 100,
           "deff": design_effect(p_se, p, m["m"]), "pct_all_satisfied": a * 100,
           "all_ci_low": a_low * 100, "all_ci_high": a_high * 100}
    for column, values in pct.items():
        out[column] = np.where(likert, values, np.nan)     # a percent item (0-200) has no "satisfied"
    out["ci_method"] = np.where(likert, np.where(use_wilson, "wilson", "taylor"), "taylor")
    out["rse"] = rse
    out["mean_score"] = mean
    out["mean_se"] = mean_se
    out["mean_ci_low"] = mean - t * mean_se
    out["mean_ci_high"] = mean + t * mean_se
    flag, reason = flags(n, rse, min_n, max_rse)
    out["flag"], out["reason"] = flag, reason
    hidden = [c for c in ESTIMATE_COLUMNS if c not in ("ci_method", "flag", "reason", "design", "df")]
    out.loc[flag == "suppressed", hidden] = np.nan
    out["flag"] = out["flag"].astype("str")
    out["reason"] = out["reason"].astype("str")
    out["design"] = pd.Series(design, index=m.index, dtype="str")
    out["df"] = df
    return out[ESTIMATE_COLUMNS]


def likert_shares(counts) -> np.ndarray:
    """Share (0..100) of answers at each scale point from (weighted) counts, rows summing to 100."""
    counts = np.asarray(counts, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return counts / counts.sum(axis=-1, keepdims=True) * 100


def cronbach_alpha(matrix) -> tuple[float, int, int]:
    """Cronbach's alpha of a respondents x items matrix, rows with any missing value left out (listwise).

    alpha = k/(k-1) (1 - sum of item variances / variance of the total), variances with n - 1.
    Returns (alpha, n, k).
    """
    data = np.asarray(matrix, dtype="float64")
    data = data[~np.isnan(data).any(axis=1)]
    n, k = data.shape
    if n < 2 or k < 2:
        return float("nan"), n, k
    total_var = data.sum(axis=1).var(ddof=1)
    alpha = k / (k - 1) * (1 - data.var(axis=0, ddof=1).sum() / total_var) if total_var > 0 else float("nan")
    return float(alpha), n, k


def cronbach_alpha_from_sums(n: int, item_sum, item_sumsq, total_sum: float, total_sumsq: float) -> float:
    """Cronbach's alpha from sums over complete respondents (what SQL aggregates): per item sum(v) and
    sum(v^2), and sum(T), sum(T^2) of each respondent's total T."""
    item_sum, item_sumsq = np.asarray(item_sum, dtype="float64"), np.asarray(item_sumsq, dtype="float64")
    k = len(item_sum)
    if n < 2 or k < 2:
        return float("nan")
    item_var = (item_sumsq - item_sum ** 2 / n) / (n - 1)
    total_var = (total_sumsq - total_sum ** 2 / n) / (n - 1)
    return float(k / (k - 1) * (1 - item_var.sum() / total_var)) if total_var > 0 else float("nan")


def feldt_interval(alpha: float, n: int, k: int, level: float = LEVEL) -> tuple[float, float]:
    """Feldt (1965) interval of alpha: 1 - (1 - alpha) F, F from F(n-1, (n-1)(k-1)) at (1 +- level)/2."""
    if not (n > 1 and k > 1) or np.isnan(alpha):
        return float("nan"), float("nan")
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - level) / 2
    low = 1 - (1 - alpha) * sps.f.ppf(1 - tail, df1, df2)
    high = 1 - (1 - alpha) * sps.f.ppf(tail, df1, df2)
    return float(low), float(high)


def difference_test(est_a: float, se_a: float, est_b: float, se_b: float,
                    significance: float = SIGNIFICANCE, df: float | None = None) -> dict:
    """Test of a - b for two independent samples with their design-based standard errors.

    The statistic is (a - b) / sqrt(se_a^2 + se_b^2); its p-value is from Student's t with `df` degrees of
    freedom when given (e.g. the smaller of the two designs' df), else from the normal. Each side keeps its
    own SE, so a clustered or weighted sample is not treated as simple random. The two sides must not share
    respondents: test a unit against the rest of the country, not against the country (see
    metrics.satisfaction.compare).
    """
    diff = est_a - est_b
    se = float(np.hypot(se_a, se_b))
    if not np.isfinite(se) or se == 0:
        return {"difference": diff, "se": se, "z": float("nan"), "p_value": float("nan"), "significant": False}
    z = diff / se
    if df is not None and np.isfinite(df) and df >= 1:
        p = float(2 * sps.t.sf(abs(z), df))
    else:
        p = float(2 * sps.norm.sf(abs(z)))
    return {"difference": diff, "se": se, "z": float(z), "p_value": p, "significant": bool(p < significance)}


def mann_whitney(values_a, counts_a, values_b, counts_b, significance: float = SIGNIFICANCE) -> dict:
    """Two-sided Mann-Whitney U (scipy, normal approximation with tie correction) of two distributions given
    as values and their counts; `prob_a_higher` is U / (n_a n_b)."""
    a = np.repeat(np.asarray(values_a, dtype="float64"), np.asarray(counts_a, dtype="int64"))
    b = np.repeat(np.asarray(values_b, dtype="float64"), np.asarray(counts_b, dtype="int64"))
    if len(a) == 0 or len(b) == 0:
        return {"u": float("nan"), "p_value": float("nan"), "significant": False, "prob_a_higher": float("nan"),
                "n_a": len(a), "n_b": len(b)}
    result = sps.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic")
    p = float(result.pvalue)
    return {"u": float(result.statistic), "p_value": p, "significant": bool(p < significance),
            "prob_a_higher": float(result.statistic) / (len(a) * len(b)), "n_a": len(a), "n_b": len(b)}


def correlation(x, y) -> dict:
    """Pearson and Spearman correlations with two-sided p-values over the pairs where both are known."""
    x, y = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep], y[keep]
    out = {"n": int(len(x)), "pearson_r": float("nan"), "pearson_p": float("nan"),
           "spearman_rho": float("nan"), "spearman_p": float("nan")}
    if len(x) >= 3 and np.ptp(x) > 0 and np.ptp(y) > 0:
        pearson = sps.pearsonr(x, y)
        spearman = sps.spearmanr(x, y)
        out.update(pearson_r=float(pearson.statistic), pearson_p=float(pearson.pvalue),
                   spearman_rho=float(spearman.statistic), spearman_p=float(spearman.pvalue))
    return out


def rank_intervals(estimate, se, *, coverage: float = 0.90, draws: int = 2000, seed: int = 20250) -> pd.DataFrame:
    """Nominal rank (1 = highest, ties share the best rank) and a `coverage` interval of the rank, from
    normal draws of every estimate around its value with its SE (fixed seed: the same inputs, the same
    interval)."""
    est = np.asarray(estimate, dtype="float64")
    sd = np.nan_to_num(np.asarray(se, dtype="float64"), nan=0.0)
    nominal = sps.rankdata(-est, method="min")
    if len(est) == 0:
        return pd.DataFrame({"rank": [], "rank_low": [], "rank_high": []}, dtype="Int64")
    rng = np.random.default_rng(seed)
    sims = est[None, :] + rng.standard_normal((draws, len(est))) * sd[None, :]
    ranks = sps.rankdata(-sims, axis=1, method="min")
    tail = (1 - coverage) / 2
    low = np.floor(np.quantile(ranks, tail, axis=0))
    high = np.ceil(np.quantile(ranks, 1 - tail, axis=0))
    return pd.DataFrame({"rank": nominal, "rank_low": np.minimum(low, nominal),
                         "rank_high": np.maximum(high, nominal)}).astype("Int64")
