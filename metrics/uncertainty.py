"""How sure each PAR INDEX rank is: a Monte Carlo uncertainty and sensitivity analysis of the ranks, in the manner
of the JRC's audits of composite indicators (COINr's `get_sensitivity`: nominal rank, median and 5-95 % interval of
the simulated ranks, Sobol indices of the rank shifts).

The index is an aggregate of pillars p, each with an official weight w_p (its maximum points) and a score
s_p = (appraisal points + survey points) / w_p in [0, 1]; the official index is 100 sum_p w_p s_p / sum_p w_p.
Pillars are the fields when criterion scores are loaded (each field splits into appraisal and survey criteria, by
the framework's `component`), and the two components (appraisal, survey; maxima from the framework) when only a
results table with appraisal and survey totals exists: a table's field indices do not say how much of each field
came from the survey, so the components are the finest level at which (a) and (b) can both act.

Three sources of uncertainty, each a group of random inputs of one draw:

- sampling: a unit's survey points are multiplied by (1 + rse_u z_u), z_u standard normal, and kept within the
  survey maximum of each pillar; all of a unit's survey points move together (they rest on the same respondents).
  rse_u is the relative standard error of the unit's SIPAS overall percent satisfied, computed from its respondents
  (design-based Taylor linearisation over strata and PSUs, metrics.satisfaction; the normal approximation of
  resampling them), when SIPAS answers of that year are loaded from a source that may pair with the index's
  (demo with demo, real with real: upload SIPAS with upload or published results); else rse_u = se_u / survey_u
  from a standard error stated per unit in points of the survey component (`survey_se`); else sampling is
  'missing' for the unit, said so in the table, and its survey points do not move.
- weights: each official weight multiplied by U(1 - r, 1 + r), then renormalised to the official total
  (r = `weight_range`, default 0.25).
- aggregation: with probability `alt_probability` (default 0.5) a draw aggregates by the weighted geometric mean
  100 prod_p s_p^(w_p / sum w) (a score of 0 taken as 1e-6) instead of the official weighted sum.

Each draw's index is rounded to 2 decimals (the published precision) and ranked descending, ties sharing the best
rank (1, 2, 2, 4), among every unit of the field. From `draws` draws (default 1,000, seeded: the same inputs and
seed give the same result) come each unit's median rank and its `coverage` (default 90 %) interval: the 5 % and
95 % quantiles of its simulated ranks (inverted CDF, so the rank falls inside in at least 90 % of the draws; the
official rank need not).

Sensitivity (Saltelli et al. 2010): two independent input matrices A (the `draws` above) and B, and for each source
k the matrix A_B^k, A with source k's inputs taken from B: (2 + 3) x draws evaluations. For an output Y with
variance V over A and B, the first-order index S_k = mean(Y_B (Y_{A_B^k} - Y_A)) / V is the share of Y's variance
source k explains alone, and the total index (Jansen) T_k = mean((Y_A - Y_{A_B^k})^2) / (2 V) the share it has a
hand in, interactions included. Per unit Y is the unit's rank; overall Y is the mean absolute rank shift from the
official ranks (COINr's summary). Estimates from 1,000 draws carry noise of a few hundredths; they are clipped to
[0, 1]. A source that does not act (sampling missing everywhere, r = 0) has indices 0.

Ranks exist only for a dataset that covers the whole field (metrics.par_index.unit_results): for a partial table
the result says why there is no interval and gives none.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
from scipy import stats as sps

from metrics.par_index import framework_for, unit_results
from metrics.satisfaction import pick_survey_source, satisfaction_table

DEFAULT_DRAWS = 1000
DEFAULT_SEED = 20251
DEFAULT_WEIGHT_RANGE = 0.25
DEFAULT_ALT_PROBABILITY = 0.5
DEFAULT_COVERAGE = 0.90
SOURCES = ("sampling", "weights", "aggregation")
SCORE_FLOOR = 1e-6        # a pillar score of 0 in the geometric mean: log(0) would make every such unit last
# Which SIPAS source may give the sampling error of an index from a source (never demo with real data).
SIPAS_PAIRS = {"demo": ("demo",), "upload": ("upload",), "published": ("upload",)}
TABLE_COLUMNS = ["code_system", "code", "name_vi", "name_en", "index", "rank", "rank_median", "rank_low",
                 "rank_high", "sampling", "sampling_rse", "share_sampling", "share_weights", "share_aggregation",
                 "total_sampling", "total_weights", "total_aggregation", "note"]


@dataclass(frozen=True)
class Settings:
    """The stated choices of one analysis."""

    draws: int = DEFAULT_DRAWS
    seed: int = DEFAULT_SEED
    weight_range: float = DEFAULT_WEIGHT_RANGE
    alt_probability: float = DEFAULT_ALT_PROBABILITY
    coverage: float = DEFAULT_COVERAGE

    def check(self) -> None:
        if self.draws < 10:
            raise ValueError(f"draws must be at least 10, not {self.draws}")
        if not 0 <= self.weight_range < 1:
            raise ValueError(f"weight range must be in [0, 1), not {self.weight_range}")
        if not 0 <= self.alt_probability <= 1:
            raise ValueError(f"alternative aggregation probability must be in [0, 1], not {self.alt_probability}")
        if not 0 < self.coverage < 1:
            raise ValueError(f"coverage must be in (0, 1), not {self.coverage}")


@dataclass(frozen=True)
class Pillars:
    """A complete dataset as the simulation reads it: U units (sorted by code_system, code) x P pillars."""

    appraisal: np.ndarray        # (U, P) appraisal points
    survey: np.ndarray           # (U, P) survey points
    survey_max: np.ndarray       # (P,) maximum survey points of each pillar
    weights: np.ndarray          # (P,) official weights: the pillars' maximum points
    rse: np.ndarray              # (U,) relative SE of the survey points; NaN where sampling is missing
    nominal: np.ndarray          # (U,) official ranks

    def __post_init__(self):
        if not (self.weights > 0).all():
            raise ValueError("every pillar needs a positive maximum")


@dataclass
class RankUncertainty:
    """The analysis of one dataset. `status`: 'ok' (intervals computed), 'partial' (the table does not cover
    the whole field: no ranks, so no intervals), 'no components' (no appraisal/survey split to perturb), 'empty'.
    `table` has TABLE_COLUMNS; `shares` one row per source (first_order, total, active) for the mean absolute
    rank shift; `basis` 'fields' or 'components'; `sampling_source` the SIPAS source of the sampling errors."""

    level: str
    year: int
    source: str
    status: str
    settings: Settings
    units_covered: int
    units_total: int
    table: pd.DataFrame
    shares: pd.DataFrame
    basis: str | None = None
    pillars: list[str] = field(default_factory=list)
    sampling_source: str | None = None
    mean_shift: float | None = None      # mean absolute rank shift over the draws (COINr's summary)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def sampling_counts(self) -> dict[str, int]:
        """Units per sampling basis: respondents, stated, missing."""
        counts = self.table["sampling"].value_counts() if len(self.table) else pd.Series(dtype="int64")
        return {k: int(counts.get(k, 0)) for k in ("respondents", "stated", "missing")}


# --- the simulation: arrays in, ranks out -------------------------------------------------------------------

def _inputs(rng: np.random.Generator, draws: int, units: int, pillars: int) -> dict[str, np.ndarray]:
    """One input matrix: sampling normals (draws, U), weight uniforms (draws, P), aggregation uniforms (draws,)."""
    return {"sampling": rng.standard_normal((draws, units)), "weights": rng.random((draws, pillars)),
            "aggregation": rng.random(draws)}


def simulated_index(p: Pillars, inputs: dict[str, np.ndarray], settings: Settings) -> np.ndarray:
    """(draws, U) index of every unit in every draw of `inputs` (see the module docstring)."""
    rse = np.nan_to_num(p.rse, nan=0.0)
    factor = 1.0 + rse[None, :] * inputs["sampling"]                                   # (D, U)
    survey = np.clip(p.survey[None, :, :] * factor[:, :, None], 0.0, p.survey_max[None, None, :])
    score = (p.appraisal[None, :, :] + survey) / p.weights[None, None, :]              # (D, U, P)
    w = p.weights[None, :] * (1.0 + settings.weight_range * (2.0 * inputs["weights"] - 1.0))
    w = w / w.sum(axis=1, keepdims=True)                                               # shares of the total
    arithmetic = np.einsum("dup,dp->du", score, w)
    geometric = np.exp(np.einsum("dup,dp->du", np.log(np.maximum(score, SCORE_FLOOR)), w))
    alternative = inputs["aggregation"] < settings.alt_probability
    return 100.0 * np.where(alternative[:, None], geometric, arithmetic)


def simulated_ranks(p: Pillars, inputs: dict[str, np.ndarray], settings: Settings) -> np.ndarray:
    """(draws, U) ranks: each draw's index at 2 decimals, descending, ties sharing the best rank."""
    index = np.round(simulated_index(p, inputs, settings), 2)
    return sps.rankdata(-index, axis=1, method="min").astype(np.int32)


def rank_quantiles(ranks: np.ndarray, coverage: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per unit (column): median rank and the (1 - coverage)/2, (1 + coverage)/2 quantiles, as whole ranks
    (inverted CDF: the rank lies within [low, high] in at least `coverage` of the draws)."""
    tail = (1 - coverage) / 2
    low, median, high = np.quantile(ranks, [tail, 0.5, 1 - tail], axis=0, method="inverted_cdf")
    return median.astype(np.int64), low.astype(np.int64), high.astype(np.int64)


def _sobol(y_a: np.ndarray, y_b: np.ndarray, y_ab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First-order (Saltelli 2010) and total (Jansen) indices along axis 0; NaN where the output never varies."""
    variance = np.concatenate([y_a, y_b]).var(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        first = np.where(variance > 0, (y_b * (y_ab - y_a)).mean(axis=0) / variance, np.nan)
        total = np.where(variance > 0, ((y_a - y_ab) ** 2).mean(axis=0) / (2 * variance), np.nan)
    return np.clip(first, 0, 1), np.clip(total, 0, 1)


def active_sources(p: Pillars, settings: Settings) -> dict[str, bool]:
    """Which sources move anything: sampling where some unit has an rse, weights when r > 0 and there are two
    pillars or more, aggregation when the alternative is ever drawn."""
    return {"sampling": bool((np.nan_to_num(p.rse) > 0).any() and (p.survey > 0).any()),
            "weights": settings.weight_range > 0 and len(p.weights) > 1,
            "aggregation": settings.alt_probability > 0}


def simulate(p: Pillars, settings: Settings = Settings()) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """Intervals and sensitivity of one complete dataset. Returns (per unit: rank_median, rank_low, rank_high,
    share_<source>, total_<source>; overall: source, first_order, total, active; mean absolute rank shift)."""
    settings.check()
    rng = np.random.default_rng(settings.seed)
    units, pillars = p.appraisal.shape
    a = _inputs(rng, settings.draws, units, pillars)
    b = _inputs(rng, settings.draws, units, pillars)
    ranks_a, ranks_b = simulated_ranks(p, a, settings), simulated_ranks(p, b, settings)
    median, low, high = rank_quantiles(ranks_a, settings.coverage)
    per_unit = {"rank_median": median, "rank_low": low, "rank_high": high}

    def shift(ranks: np.ndarray) -> np.ndarray:
        return np.abs(ranks - p.nominal[None, :]).mean(axis=1)

    overall = []
    active = active_sources(p, settings)
    for source in SOURCES:
        if active[source]:
            ranks_ab = simulated_ranks(p, {**a, source: b[source]}, settings)
        else:
            ranks_ab = ranks_a      # A_B^k equals A: the source's inputs change nothing
        first, total = _sobol(ranks_a.astype("float64"), ranks_b.astype("float64"), ranks_ab.astype("float64"))
        per_unit[f"share_{source}"], per_unit[f"total_{source}"] = first, total
        first_all, total_all = _sobol(shift(ranks_a)[:, None], shift(ranks_b)[:, None], shift(ranks_ab)[:, None])
        overall.append({"source": source, "first_order": float(first_all[0]), "total": float(total_all[0]),
                        "active": active[source]})
    return pd.DataFrame(per_unit), pd.DataFrame(overall), float(shift(ranks_a).mean())


# --- from the store to pillars ------------------------------------------------------------------------------

_FIELD_POINTS_SQL = """
SELECT s.unit_system AS code_system, s.unit_code AS code, c.field_code AS pillar, c.component,
       sum(s.points) AS points
FROM par_score s JOIN batch b USING (batch_id)
JOIN framework_criterion c ON c.framework_id = s.framework_id AND c.criterion_code = s.criterion_code
WHERE b.status = 'current' AND b.source = ? AND s.level = ? AND s.year = ? AND s.stage = 'appraised'
GROUP BY ALL
"""

_PILLAR_MAX_SQL = """
SELECT c.field_code AS pillar, c.component, sum(c.max_points) AS max_points,
       any_value(coalesce(f.position, 0)) AS position
FROM framework_criterion c
LEFT JOIN framework_field f ON f.framework_id = c.framework_id AND f.field_code = c.field_code
WHERE c.framework_id = ?
GROUP BY ALL
"""


def _field_pillars(con, level: str, year: int, source: str, framework_id: str,
                   keys: pd.DataFrame) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Appraisal and survey points per unit and field from criterion scores, with the fields' maxima."""
    points = con.execute(_FIELD_POINTS_SQL, [source, level, year]).df()
    maxima = con.execute(_PILLAR_MAX_SQL, [framework_id]).df()
    order = maxima.groupby("pillar")["position"].first().sort_values(kind="stable")
    fields = list(order.index)
    wide_max = maxima.pivot_table(index="pillar", columns="component", values="max_points", aggfunc="sum").reindex(fields)
    wide = points.pivot_table(index=["code_system", "code"], columns=["component", "pillar"], values="points",
                              aggfunc="sum")
    wide = wide.reindex(pd.MultiIndex.from_frame(keys))

    def part(component: str) -> np.ndarray:
        if isinstance(wide.columns, pd.MultiIndex) and component in wide.columns.get_level_values(0):
            return wide[component].reindex(columns=fields).to_numpy(dtype="float64", na_value=0.0)
        return np.zeros((len(keys), len(fields)))

    survey_max = (wide_max["survey"] if "survey" in wide_max else pd.Series(0.0, index=fields)).fillna(0.0)
    weights = wide_max.sum(axis=1)
    return fields, part("appraisal"), part("survey"), survey_max.to_numpy(dtype="float64"), \
        weights.to_numpy(dtype="float64")


def _component_pillars(con, level: str, year: int, results: pd.DataFrame):
    """Appraisal and survey totals of a results table as two pillars, with the framework's component maxima."""
    framework = framework_for(con, level, year)
    if framework is None or results[["appraisal", "survey"]].isna().any().any():
        return None
    maxima = con.execute("SELECT component, sum(max_points) FROM framework_criterion WHERE framework_id = ? "
                         "GROUP BY 1", [framework["framework_id"]]).fetchall()
    by_component = {c: float(m) for c, m in maxima}
    if not {"appraisal", "survey"} <= set(by_component):
        return None
    n = len(results)
    appraisal = np.column_stack([results["appraisal"].to_numpy(dtype="float64"), np.zeros(n)])
    survey = np.column_stack([np.zeros(n), results["survey"].to_numpy(dtype="float64")])
    weights = np.array([by_component["appraisal"], by_component["survey"]])
    return ["appraisal", "survey"], appraisal, survey, np.array([0.0, by_component["survey"]]), weights


def sipas_errors(con: duckdb.DuckDBPyConnection, year: int, source: str) -> tuple[pd.DataFrame, str | None]:
    """Relative SE of each province's SIPAS overall percent satisfied (design-based, from its respondents), from
    the SIPAS source that pairs with an index from `source`; suppressed units (under 30 respondents) have none.
    Returns (code_system, code, rse, n_respondents) and the SIPAS source used (None: no answers loaded)."""
    for candidate in SIPAS_PAIRS.get(source, ()):
        if pick_survey_source(con, "sipas", year, candidate) is None:
            continue
        table = satisfaction_table(con, "sipas", year, level="province", source=candidate)
        rows = table[(table["row_level"] == "province") & (table["set_kind"] == "overall")]
        usable = (rows["flag"] != "suppressed") & (rows["pct_se"] > 0) & (rows["pct_satisfied"] > 0)
        rse = (rows["pct_se"] / rows["pct_satisfied"]).where(usable)
        return pd.DataFrame({"code_system": rows["code_system"], "code": rows["code"], "rse": rse,
                             "n_respondents": rows["n_respondents"]}).reset_index(drop=True), candidate
    return pd.DataFrame(columns=["code_system", "code", "rse", "n_respondents"]), None


def _check_stated(survey_se: pd.DataFrame) -> pd.DataFrame:
    missing = {"code_system", "code", "survey_se"} - set(survey_se.columns)
    if missing:
        raise ValueError(f"stated standard errors need the columns code_system, code, survey_se; missing: "
                         f"{', '.join(sorted(missing))}")
    values = pd.to_numeric(survey_se["survey_se"], errors="coerce")
    if values.isna().any() or (values < 0).any() or not np.isfinite(values).all():
        raise ValueError("survey_se must be a number >= 0 (points of the survey component) on every row")
    return survey_se.assign(survey_se=values.astype("float64"), code_system=survey_se["code_system"].astype("str"),
                            code=survey_se["code"].astype("str"))


def _explained(level, year, source, status, settings, results, note: str) -> RankUncertainty:
    covered = int(results["index"].notna().sum()) if len(results) else 0
    total = int(results["units_total"].iloc[0]) if len(results) else 0
    table = results.reindex(columns=TABLE_COLUMNS[:6]).reset_index(drop=True)
    for column in TABLE_COLUMNS[6:]:
        table[column] = np.nan if column.startswith(("share_", "total_", "sampling_rse")) else None
    table["note"] = note
    for column in ("rank", "rank_median", "rank_low", "rank_high"):
        table[column] = table[column].astype("Int64")
    shares = pd.DataFrame({"source": list(SOURCES), "first_order": np.nan, "total": np.nan, "active": False})
    return RankUncertainty(level, year, source, status, settings, covered, total, table[TABLE_COLUMNS], shares)


class NoIntervals(Exception):
    """A dataset whose ranks get no interval: `status` (empty, partial, no components) and the reason."""

    def __init__(self, status: str, results: pd.DataFrame, note: str):
        super().__init__(note)
        self.status, self.results, self.note = status, results, note


@dataclass
class Dataset:
    """A complete dataset ready to simulate: its results (sorted by code_system, code, as the pillars' rows),
    pillars, their basis and names, and each unit's sampling basis (respondents, stated, missing)."""

    results: pd.DataFrame
    pillars: Pillars
    basis: str
    names: list[str]
    sampling: pd.Series
    sampling_source: str | None


def load_dataset(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str,
                 survey_se: pd.DataFrame | None = None) -> Dataset:
    """The pillars and sampling errors of one dataset (level, year, source: never another source in its place);
    raises NoIntervals when its ranks cannot get an interval. `survey_se` as in `analyse`."""
    results = unit_results(con, level, year, source)
    if results.empty:
        raise NoIntervals("empty", results, f"no {source} data for {level} {year}")
    covered, total = int(results["index"].notna().sum()), int(results["units_total"].iloc[0])
    if covered < total or results["rank"].isna().any():
        raise NoIntervals("partial", results,
                          f"{covered} of {total} units: ranks need the whole field, so no rank interval")
    results = results.sort_values(["code_system", "code"]).reset_index(drop=True)
    keys = results[["code_system", "code"]]
    framework_id = results["framework_id"].dropna()
    scored = framework_id.size > 0 and con.execute(
        "SELECT count(*) FROM par_score s JOIN batch b USING (batch_id) WHERE b.status = 'current' AND b.source = ? "
        "AND s.level = ? AND s.year = ? AND s.stage = 'appraised'", [source, level, year]).fetchall()[0][0] > 0
    if scored:
        built = _field_pillars(con, level, year, source, str(framework_id.iloc[0]), keys)
        basis = "fields"
    else:
        built = _component_pillars(con, level, year, results)
        basis = "components"
    if built is None:
        raise NoIntervals("no components", results,
                          "the table gives no appraisal and survey totals (or no criteria set): nothing to perturb")
    names, appraisal, survey, survey_max, weights = built

    errors, sipas_source = sipas_errors(con, year, source) if level == "province" else (None, None)
    rse = pd.Series(np.nan, index=results.index)
    sampling = pd.Series("missing", index=results.index, dtype="object")
    if errors is not None and len(errors):
        found = keys.merge(errors, on=["code_system", "code"], how="left")["rse"]
        sampling[found.notna()] = "respondents"
        rse = found.astype("float64")
    if survey_se is not None:
        stated = keys.merge(_check_stated(survey_se), on=["code_system", "code"], how="left")["survey_se"]
        totals = survey.sum(axis=1)
        use = rse.isna() & stated.notna() & (totals > 0)
        rse[use] = (stated[use] / totals[use.to_numpy()]).astype("float64")
        sampling[use] = "stated"
    pillars = Pillars(appraisal, survey, survey_max, weights, rse.to_numpy(dtype="float64"),
                      results["rank"].to_numpy(dtype="int64"))
    return Dataset(results, pillars, basis, names, sampling.astype("str"), sipas_source)


def analyse(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str, *, draws: int = DEFAULT_DRAWS,
            seed: int = DEFAULT_SEED, weight_range: float = DEFAULT_WEIGHT_RANGE,
            alt_probability: float = DEFAULT_ALT_PROBABILITY, coverage: float = DEFAULT_COVERAGE,
            survey_se: pd.DataFrame | None = None) -> RankUncertainty:
    """The rank uncertainty of one dataset (level, year, source: never another source in its place).

    `survey_se`: standard errors stated per unit (code_system, code, survey_se in points of the survey
    component), used where no respondent data gives one. See the module docstring for the method.
    """
    settings = Settings(draws, seed, weight_range, alt_probability, coverage)
    settings.check()
    try:
        data = load_dataset(con, level, year, source, survey_se)
    except NoIntervals as none:
        return _explained(level, year, source, none.status, settings, none.results, none.note)
    results = data.results
    per_unit, shares, mean_shift = simulate(data.pillars, settings)
    table = pd.concat([results[["code_system", "code", "name_vi", "name_en", "index", "rank"]], per_unit], axis=1)
    table["sampling"] = data.sampling
    table["sampling_rse"] = data.pillars.rse
    table["note"] = np.where(data.sampling == "missing", "no survey sampling error: no respondent data, none stated",
                             "")
    for column in ("rank", "rank_median", "rank_low", "rank_high"):
        table[column] = table[column].astype("Int64")
    table = table.sort_values(["rank", "index"], ascending=[True, False], kind="stable").reset_index(drop=True)
    return RankUncertainty(level, year, source, "ok", settings, len(results), int(results["units_total"].iloc[0]),
                           table[TABLE_COLUMNS], shares, basis=data.basis, pillars=data.names,
                           sampling_source=data.sampling_source, mean_shift=mean_shift)


def rank_uncertainty(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str, **options) -> pd.DataFrame:
    """Per unit: code_system, code, names, index, rank, rank_median, rank_low, rank_high, sampling basis, the
    first-order (share_*) and total (total_*) Sobol indices of its rank per source, and a note; no intervals
    for a partial table (the note says why). Options as `analyse`."""
    return analyse(con, level, year, source, **options).table


def variance_shares(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str, **options) -> pd.DataFrame:
    """Per source (sampling, weights, aggregation): the share of the mean absolute rank shift's variance it
    explains alone (first_order) and with its interactions (total), and whether it acts at all."""
    return analyse(con, level, year, source, **options).shares


def unit_rank_interval(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str, code_system: str,
                       code: str, **options) -> dict | None:
    """One unit's rank, median and interval with the analysis' settings, or None (no interval: partial table,
    no data, or the unit is not in it). Keys: rank, rank_median, rank_low, rank_high, coverage, draws, seed,
    weight_range, alt_probability, units_total, sampling, share_sampling, share_weights, share_aggregation,
    source, basis."""
    result = analyse(con, level, year, source, **options)
    if not result.ok:
        return None
    row = result.table[(result.table["code_system"] == code_system) & (result.table["code"] == str(code))]
    if row.empty:
        return None
    r = row.iloc[0]
    s = result.settings
    return {"rank": int(r["rank"]), "rank_median": int(r["rank_median"]), "rank_low": int(r["rank_low"]),
            "rank_high": int(r["rank_high"]), "coverage": s.coverage, "draws": s.draws, "seed": s.seed,
            "weight_range": s.weight_range, "alt_probability": s.alt_probability, "units_total": result.units_total,
            "sampling": r["sampling"], **{f"share_{k}": float(r[f"share_{k}"]) for k in SOURCES},
            "source": source, "basis": result.basis}


def ordinal_en(n: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def sentence_values(interval: dict) -> tuple[str, dict]:
    """What the profile sentence needs: the ui string key ('uncertainty.between', or 'uncertainty.same' when the
    interval is one rank) and its values low, high, low_th, high_th (English ordinals), coverage (percent), draws:
    `key, values = sentence_values(i); t(key, lang, **values)`."""
    low, high = int(interval["rank_low"]), int(interval["rank_high"])
    key = "uncertainty.between" if low != high else "uncertainty.same"
    return key, {"low": low, "high": high, "low_th": ordinal_en(low), "high_th": ordinal_en(high),
                 "coverage": int(round(interval["coverage"] * 100)), "draws": int(interval["draws"])}


# --- for the command line -------------------------------------------------------------------------------------

CLI_COLUMNS = ["rank_median", "rank_low", "rank_high", "sampling", "share_sampling", "share_weights",
               "share_aggregation"]


def read_stated_errors(path: str) -> pd.DataFrame:
    """Standard errors stated per unit, from a CSV with the columns code_system, code, survey_se (points of the
    survey component); codes are kept as text ('01' stays '01')."""
    frame = pd.read_csv(path, dtype={"code_system": "str", "code": "str"}, encoding="utf-8-sig")
    return _check_stated(frame)


def with_intervals(frame: pd.DataFrame, result: RankUncertainty) -> pd.DataFrame:
    """A rankings frame (code_system, code, ...) with the analysis' CLI_COLUMNS joined on the unit."""
    extra = result.table[["code_system", "code", *CLI_COLUMNS]]
    return frame.merge(extra, on=["code_system", "code"], how="left")


def summary_lines(result: RankUncertainty) -> list[str]:
    """What the analysis covers and found, in English, one fact a line (the command line's stderr)."""
    s = result.settings
    head = (f"rank uncertainty, {result.source} {result.level} {result.year}: ")
    if not result.ok:
        reason = result.table["note"].iloc[0] if len(result.table) else f"no {result.source} data"
        return [head + f"no intervals ({result.status}: {reason})"]
    counts = result.sampling_counts()
    shares = "; ".join(f"{r.source} {r.first_order:.2f} (total {r.total:.2f})" + ("" if r.active else " [off]")
                       for r in result.shares.itertuples())
    return [
        head + f"{s.draws} draws, seed {s.seed}, {s.coverage:.0%} intervals; pillars = {result.basis} "
               f"({', '.join(result.pillars)})",
        f"  sampling: {counts['respondents']} units from SIPAS respondents"
        + (f" ({result.sampling_source})" if result.sampling_source else "")
        + f", {counts['stated']} from stated SEs, {counts['missing']} missing",
        f"  weights: each x U({1 - s.weight_range:g}, {1 + s.weight_range:g}), renormalised; aggregation: "
        f"geometric mean with probability {s.alt_probability:g}, else the official sum",
        f"  share of the mean absolute rank shift's variance (first-order Sobol): {shares}; "
        f"mean shift {result.mean_shift:.2f} ranks",
    ]
