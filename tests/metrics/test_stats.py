"""metrics.stats against values computed by hand or published: intervals, ratio estimator, alpha, tests."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from metrics import stats

Z = 1.959963984540054


def test_z_value_is_the_normal_quantile():
    assert stats.z_value() == pytest.approx(Z)
    assert stats.z_value(0.90) == pytest.approx(1.6448536269514722)


@pytest.mark.parametrize("successes, n, low, high", [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_matches_newcombe_1998(successes, n, low, high):
    """Newcombe RG (1998), Two-sided confidence intervals for the single proportion, Stat Med 17:857-872,
    Table II, method 3 (score interval without continuity correction), to 4 decimals."""
    got_low, got_high = stats.wilson_interval(successes, n)
    assert round(float(got_low), 4) == low and round(float(got_high), 4) == high


def test_wilson_by_formula():
    """8 of 10: p = 0.8, z^2 = 3.841459; denominator 1 + z^2/n = 1.3841459;
    centre = (0.8 + 0.1920729) / 1.3841459 = 0.7166..., half = z sqrt(0.016 + 0.0096036) / 1.3841459.
    0 of 20: the upper bound is z^2 / (n + z^2) = 3.841459 / 23.841459 = 0.16112."""
    z2 = Z * Z
    centre = (0.8 + z2 / 20) / (1 + z2 / 10)
    half = Z * np.sqrt(0.8 * 0.2 / 10 + z2 / 400) / (1 + z2 / 10)
    low, high = stats.wilson_interval(8, 10)
    assert float(low) == pytest.approx(centre - half) and float(high) == pytest.approx(centre + half)
    assert float(stats.wilson_interval(0, 20)[1]) == pytest.approx(z2 / (20 + z2))
    assert np.isnan(stats.wilson_interval(0, 0)[0])


def test_ratio_estimator_unweighted_by_hand():
    """Three respondents with (answers at 4-5, valid answers) = (2, 2), (0, 2), (3, 3).
    R = 5/7. Residuals y - R x: 2 - 10/7 = 4/7, 0 - 10/7 = -10/7, 3 - 15/7 = 6/7 (they sum to 0).
    sum of squares = (16 + 100 + 36)/49 = 152/49; divided by X^2 = 49: 152/2401;
    SE^2 = n/(n-1) * 152/2401 = 228/2401, SE = sqrt(228)/49 = 0.3081565."""
    ratio, se = stats.ratio_estimate([2, 0, 3], [2, 2, 3])
    assert ratio == pytest.approx(5 / 7)
    assert se == pytest.approx(np.sqrt(228) / 49)


def test_ratio_estimator_weighted_by_hand():
    """The same respondents with weights 1, 2, 1: R = (2 + 0 + 3)/(2 + 4 + 3) = 5/9.
    w (y - R x): 1 (2 - 10/9) = 8/9, 2 (0 - 10/9) = -20/9, 1 (3 - 15/9) = 12/9; squares (64 + 400 + 144)/81
    = 608/81, over X^2 = 81: 608/6561; SE^2 = 3/2 * 608/6561 = 912/6561, SE = sqrt(912)/81 = 0.3728313."""
    ratio, se = stats.ratio_estimate([2, 0, 3], [2, 2, 3], [1, 2, 1])
    assert ratio == pytest.approx(5 / 9)
    assert se == pytest.approx(np.sqrt(912) / 81)


def test_ratio_estimator_of_one_item_is_the_binomial_se_with_n_minus_1():
    """One answer each (x = 1): SE^2 = p(1-p)/(n-1). 1 of 30 satisfied: p(1-p) = 29/900, SE = 1/30."""
    y = np.r_[np.ones(1), np.zeros(29)]
    ratio, se = stats.ratio_estimate(y, np.ones(30))
    assert ratio == pytest.approx(1 / 30) and se == pytest.approx(1 / 30)


def test_ratio_se_is_zero_when_everyone_agrees_and_nan_for_one_respondent():
    _, se = stats.ratio_estimate([3, 2], [3, 2])
    assert se == 0
    _, se1 = stats.ratio_estimate([1], [2])
    assert np.isnan(se1)


def test_mean_of_ratios_by_hand():
    """Two elements, three respondents (x_k valid answers, y_k answers at 4-5):
    r1: (x1, y1, x2, y2) = (1, 1, 2, 1); r2: (1, 0, 2, 2); r3: (1, 1, 0, 0).
    R1 = 2/3 (X1 = 3), R2 = 3/4 (X2 = 4); mean = (2/3 + 3/4)/2 = 17/24.
    z_i = 1/2 [(y1 - R1 x1)/X1 + (y2 - R2 x2)/X2]: r1 = 1/2 (1/9 - 1/8) = -1/144, r2 = 1/2 (-2/9 + 1/8)
    = -7/144, r3 = 1/2 (1/9) = 8/144. sum z^2 = (1 + 49 + 64)/144^2; SE^2 = 3/2 * 114/20736 = 171/20736."""
    y1, x1, y2, x2 = np.array([1, 0, 1]), np.array([1, 1, 1]), np.array([1, 2, 0]), np.array([2, 2, 0])
    ys, xs = np.vstack([y1, y2]), np.vstack([x1, x2])
    est, se = stats.mean_of_ratios(ys.sum(1), xs.sum(1), ys @ ys.T, ys @ xs.T, xs @ xs.T, 3)
    assert est == pytest.approx(17 / 24)
    assert se == pytest.approx(np.sqrt(171) / 144)


def test_design_effect_by_hand():
    """SE^2 = 228/2401 for p = 5/7 over m = 7 answers: SRS variance (5/7)(2/7)/7 = 10/343; deff = 3.2571429."""
    assert float(stats.design_effect(np.sqrt(228) / 49, 5 / 7, 7)) == pytest.approx(228 * 343 / (2401 * 10))
    assert np.isnan(stats.design_effect(0.0, 1.0, 7))


def test_flags_suppress_small_samples_and_mark_high_rse():
    flag, reason = stats.flags([29, 30, 30, 500], [0.1, 0.30, 0.2999, np.nan])
    assert list(flag) == ["suppressed", "unreliable", "", ""]
    assert reason[0] == "n_respondents 29 < 30" and reason[1] == "RSE 30 % >= 30 %"
    flag, _ = stats.flags([10], [0.1], min_n=5)
    assert list(flag) == [""]


def _moments(**values):
    base = {"n": 3, "m": 7, "ys": 5, "weighted": False, "single_item": False, "likert": True}
    base.update(values)
    return pd.DataFrame([base])


def test_estimates_from_moments_multi_item_unweighted():
    """The hand example of test_ratio_estimator_unweighted_by_hand with values (9, 5, 14) per respondent:
    mean = 28/7 = 4, residuals 9 - 8 = 1, 5 - 8 = -3, 14 - 12 = 2, SE^2 = 3/2 (1 + 9 + 4)/49 = 3/7.
    Two of three respondents gave only answers at 4-5."""
    y, x, v = np.array([2, 0, 3.]), np.array([2, 2, 3.]), np.array([9, 5, 14.])
    a = (y == x).astype(float)
    m = _moments(wx=x.sum(), wys=y.sum(), wyv=v.sum(), w2xx=(x * x).sum(), w2xys=(x * y).sum(),
                 w2ysys=(y * y).sum(), w2xyv=(x * v).sum(), w2yvyv=(v * v).sum(), na=a.sum(), sw=3, sw2=3,
                 swa=a.sum(), sw2a=a.sum())
    out = stats.estimates(m, min_n=1).iloc[0]
    assert out["pct_satisfied"] == pytest.approx(500 / 7)
    assert out["pct_se"] == pytest.approx(100 * np.sqrt(228) / 49)
    # Simple random sample of 3 respondents: t with 2 df (4.3027) reaches below 0, so the interval is cut at 0.
    assert out["pct_ci_low"] == 0 and (out["design"], out["df"]) == ("srs", 2)
    assert out["mean_ci_low"] == pytest.approx(4.0 - sps.t.ppf(0.975, 2) * np.sqrt(3 / 7))
    assert out["ci_method"] == "taylor"
    assert out["mean_score"] == pytest.approx(4.0) and out["mean_se"] == pytest.approx(np.sqrt(3 / 7))
    assert out["pct_all_satisfied"] == pytest.approx(200 / 3)
    assert out["deff"] == pytest.approx(228 * 343 / 24010)
    suppressed = stats.estimates(m).iloc[0]
    assert suppressed["flag"] == "suppressed" and suppressed["reason"] == "n_respondents 3 < 30"
    assert np.isnan(suppressed["pct_satisfied"]) and np.isnan(suppressed["mean_score"])


def test_estimates_single_item_uses_wilson_and_all_fives_get_a_wilson_interval():
    one_item = _moments(n=10, m=10, ys=8, single_item=True, wx=10, wys=8, wyv=42, w2xx=10, w2xys=8, w2ysys=8,
                        w2xyv=42, w2yvyv=180, na=8, sw=10, sw2=10, swa=8, sw2a=8)
    out = stats.estimates(one_item, min_n=1).iloc[0]
    low, high = stats.wilson_interval(8, 10)
    assert out["ci_method"] == "wilson"
    assert out["pct_ci_low"] == pytest.approx(100 * low) and out["pct_ci_high"] == pytest.approx(100 * high)
    # One respondent with 3 answers, all 5: p = 100 %, Taylor SE 0, so Wilson on 1 respondent: [1/(1+z^2), 1].
    fives = _moments(n=1, m=3, ys=3, wx=3, wys=3, wyv=15, w2xx=9, w2xys=9, w2ysys=9, w2xyv=45, w2yvyv=225,
                     na=1, sw=1, sw2=1, swa=1, sw2a=1)
    out = stats.estimates(fives, min_n=1).iloc[0]
    assert out["pct_satisfied"] == 100 and out["mean_score"] == 5
    assert out["pct_ci_low"] == pytest.approx(100 / (1 + Z * Z)) and out["pct_ci_high"] == 100
    assert out["ci_method"] == "wilson"


def test_cronbach_alpha_pingouin_documentation_example():
    """The example of pingouin.cronbach_alpha as worked in Statology's "How to Calculate Cronbach's Alpha in
    Python" (10 customers, 3 items on a 1-3 scale): pingouin prints (0.7734375, array([0.336, 0.939])),
    the interval by Feldt's method.

    By hand (variances with n - 1 = 9): Q1 = 1,2,2,3,2,2,3,3,2,3, mean 2.3, sum of squared deviations 4.1;
    Q2 = 1,1,1,2,3,3,2,3,3,3, mean 2.2, SS 7.6; Q3 = 1,1,2,1,2,3,3,3,2,3, mean 2.1, SS 6.9.
    Totals 3,4,5,6,7,8,8,9,7,9, mean 6.6, SS 38.4.
    alpha = 3/2 (1 - (4.1 + 7.6 + 6.9)/38.4) = 1.5 x 19.8/38.4 = 0.7734375.
    Feldt: 1 - (1 - alpha) F, with F(9, 18) quantiles 2.9291 (97.5 %) and 0.27016 (2.5 %):
    1 - 0.2265625 x 2.9291 = 0.3364 and 1 - 0.2265625 x 0.27016 = 0.9388."""
    data = np.array([[1, 2, 2, 3, 2, 2, 3, 3, 2, 3], [1, 1, 1, 2, 3, 3, 2, 3, 3, 3],
                     [1, 1, 2, 1, 2, 3, 3, 3, 2, 3]]).T
    alpha, n, k = stats.cronbach_alpha(data)
    assert alpha == pytest.approx(0.7734375) and (n, k) == (10, 3)
    low, high = stats.feldt_interval(alpha, n, k)
    assert (round(low, 3), round(high, 3)) == (0.336, 0.939)
    assert low == pytest.approx(1 - 0.2265625 * sps.f.ppf(0.975, 9, 18))
    assert high == pytest.approx(1 - 0.2265625 * sps.f.ppf(0.025, 9, 18))
    totals = data.sum(axis=1)
    from_sums = stats.cronbach_alpha_from_sums(10, data.sum(0), (data ** 2).sum(0), totals.sum(), (totals ** 2).sum())
    assert from_sums == pytest.approx(0.7734375)


def test_cronbach_alpha_listwise_and_degenerate():
    data = np.array([[1, 2], [2, 3], [np.nan, 4], [3, 5]])
    alpha, n, k = stats.cronbach_alpha(data)
    assert n == 3 and k == 2
    assert np.isnan(stats.cronbach_alpha(np.ones((5, 1)))[0])
    assert np.isnan(stats.feldt_interval(float("nan"), 10, 3)[0])


def test_difference_test_by_hand():
    """0.80 (SE 0.03) vs 0.70 (SE 0.04): SE of the difference 0.05, z = 2, p = 2 (1 - Phi(2)) = 0.0455."""
    result = stats.difference_test(0.80, 0.03, 0.70, 0.04)
    assert result["difference"] == pytest.approx(0.1) and result["z"] == pytest.approx(2.0)
    assert result["p_value"] == pytest.approx(0.0455003, abs=1e-6) and result["significant"]
    assert not stats.difference_test(0.80, 0.05, 0.78, 0.05)["significant"]


def test_mann_whitney_from_counts_equals_scipy_on_raw_values():
    """a = 3, 4, 5 and b = 1, 2, 3: pairs with a > b: 2 + 3 + 3 = 8, one tie (3, 3) counts 1/2: U = 8.5."""
    result = stats.mann_whitney([3, 4, 5], [1, 1, 1], [1, 2, 3], [1, 1, 1])
    assert result["u"] == 8.5 and result["prob_a_higher"] == pytest.approx(8.5 / 9)
    a = np.repeat([1, 2, 3, 4, 5], [3, 5, 20, 40, 32])
    b = np.repeat([1, 2, 3, 4, 5], [6, 9, 25, 35, 25])
    expected = sps.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic")
    got = stats.mann_whitney([1, 2, 3, 4, 5], [3, 5, 20, 40, 32], [1, 2, 3, 4, 5], [6, 9, 25, 35, 25])
    assert got["u"] == expected.statistic and got["p_value"] == pytest.approx(expected.pvalue)
    assert got["significant"] == (expected.pvalue < 0.05)


def test_correlation_by_hand():
    """x = 1..5, y = 2, 4, 5, 4, 5: deviations (-2,-1,0,1,2) and (-2,0,1,0,1): r = 6/sqrt(10 x 6) = 0.774597.
    Ranks of y: 1, 2.5, 4.5, 2.5, 4.5: deviations (-2,-.5,1.5,-.5,1.5): rho = 7/sqrt(10 x 9) = 0.737865."""
    result = stats.correlation([1, 2, 3, 4, 5, np.nan], [2, 4, 5, 4, 5, 1])
    assert result["n"] == 5
    assert result["pearson_r"] == pytest.approx(6 / np.sqrt(60))
    assert result["spearman_rho"] == pytest.approx(7 / np.sqrt(90))
    assert result["pearson_p"] == pytest.approx(sps.pearsonr([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]).pvalue)


def test_rank_intervals():
    ranks = stats.rank_intervals([90, 80, 80, 70], [0, 0, 0, 0])
    assert list(ranks["rank"]) == [1, 2, 2, 4]
    assert list(ranks["rank_low"]) == [1, 2, 2, 4] and list(ranks["rank_high"]) == [1, 2, 2, 4]
    wide = stats.rank_intervals([80, 79.9, 70], [2, 2, 0.1])
    assert wide["rank_low"][0] == 1 and wide["rank_high"][0] == 2 and wide["rank_low"][2] == 3


def test_likert_shares_sum_to_100():
    shares = stats.likert_shares([[0, 0, 1, 2, 2], [1, 1, 1, 1, 0]])
    assert shares[0].tolist() == [0, 0, 20, 40, 40] and shares[1].sum() == pytest.approx(100)
