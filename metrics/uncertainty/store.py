"""From the store to the simulation's arrays: one dataset's pillars (fields or components), which of its points the
survey sampling error moves (a province's SIPAS points only) and each unit's sampling error."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from metrics.par_index import framework_for, unit_results
from metrics.satisfaction import pick_survey_source, satisfaction_table
from metrics.uncertainty.simulation import Pillars

# Which SIPAS source may give the sampling error of an index from a source (never demo with real data).
SIPAS_PAIRS = {"demo": ("demo",), "upload": ("upload",), "published": ("upload",)}
# Why a province dataset's SIPAS points cannot be told apart (SampledPart.reason), as the table's note says it.
UNKNOWN_SIPAS = {
    "framework_unmarked": "the criteria set does not mark which survey criteria carry SIPAS (survey_kind): no "
                          "sampling error (a store built before the marks existed: rebuild it)",
    "no_breakdown": "the results table gives the survey total only, not its SIPAS part: no sampling error",
    "no_sipas": "the criteria set has no SIPAS criteria: no sampling error",
}
NO_ERROR_NOTE = "no survey sampling error: no SIPAS respondent data, none stated"


@dataclass(frozen=True)
class SampledPart:
    """Which points of a dataset the sampling error moves. `kind`: 'sipas' (a province's SIPAS points: the
    framework's criteria with survey_kind 'sipas', or the `sipas` part of a four-part results table), 'survey'
    (the survey points of a level without SIPAS, such as ministries: moved by stated errors only), 'none' (a
    province dataset whose SIPAS points cannot be told apart: nothing moves, `reason` a key of UNKNOWN_SIPAS).
    `items`: the criteria codes, or the component, carrying them; `max_points` their maximum of `survey_max`."""

    kind: str
    items: tuple[str, ...]
    max_points: float
    survey_max: float
    basis: str                   # 'criteria' or 'component'
    reason: str | None = None


class NoIntervals(Exception):
    """A dataset whose ranks get no interval: `status` (empty, partial, no components) and the reason."""

    def __init__(self, status: str, results: pd.DataFrame, note: str):
        super().__init__(note)
        self.status, self.results, self.note = status, results, note


@dataclass
class Dataset:
    """A complete dataset ready to simulate: its results (sorted by code_system, code, as the pillars' rows),
    pillars, their basis and names, the part the sampling error moves, each unit's sampling basis (respondents,
    stated, missing) and the points it moves (0 where none)."""

    results: pd.DataFrame
    pillars: Pillars
    basis: str
    names: list[str]
    part: SampledPart
    sampling: pd.Series
    sampling_points: np.ndarray
    sampling_source: str | None


@dataclass(frozen=True)
class _Built:
    names: list[str]
    fixed: np.ndarray
    sampled: np.ndarray
    sampled_max: np.ndarray
    weights: np.ndarray
    part: SampledPart


_FIELD_POINTS_SQL = """
SELECT s.unit_system AS code_system, s.unit_code AS code, c.field_code AS pillar, c.component, c.survey_kind,
       sum(s.points) AS points
FROM par_score s JOIN batch b USING (batch_id)
JOIN framework_criterion c ON c.framework_id = s.framework_id AND c.criterion_code = s.criterion_code
WHERE b.status = 'current' AND b.source = ? AND s.level = ? AND s.year = ? AND s.stage = 'appraised'
GROUP BY ALL
"""

_CRITERIA_SQL = """
SELECT c.criterion_code, c.field_code AS pillar, c.component, c.survey_kind, c.max_points,
       coalesce(f.position, 0) AS position
FROM framework_criterion c
LEFT JOIN framework_field f ON f.framework_id = c.framework_id AND f.field_code = c.field_code
WHERE c.framework_id = ?
ORDER BY c.position
"""

_PARTS_SQL = """
SELECT p.unit_system AS code_system, p.unit_code AS code, p.component, c.part, p.points, c.max_points
FROM par_component p JOIN batch b USING (batch_id)
JOIN framework_component c ON c.framework_id = p.framework_id AND c.component = p.component
WHERE b.status = 'current' AND b.source = ? AND p.level = ? AND p.year = ? AND p.stage = 'appraised'
"""


def _sampled_kind(level: str, criteria: pd.DataFrame) -> tuple[str, str | None]:
    """What the sampling error moves in a criteria set, and why nothing when 'none': a province's SIPAS criteria
    (the framework's survey_kind), any other level's survey criteria (it has no SIPAS)."""
    if level != "province":
        return "survey", None
    if criteria["survey_kind"].isna().all():
        return "none", "framework_unmarked"
    return ("sipas", None) if (criteria["survey_kind"] == "sipas").any() else ("none", "no_sipas")


def _sampled_rows(frame: pd.DataFrame, kind: str) -> pd.Series:
    """Rows (criteria, or points per criterion kind) whose points the sampling error moves."""
    survey = frame["component"] == "survey"
    if kind == "sipas":
        return survey & (frame["survey_kind"] == "sipas")
    return survey if kind == "survey" else survey & False


def _field_pillars(con, level: str, year: int, source: str, framework_id: str, keys: pd.DataFrame) -> _Built:
    """Points per unit and field from criterion scores, split into fixed and sampled, with the fields' maxima."""
    criteria = con.execute(_CRITERIA_SQL, [framework_id]).df()
    kind, reason = _sampled_kind(level, criteria)
    criteria["sampled"] = _sampled_rows(criteria, kind)
    fields = list(criteria.groupby("pillar")["position"].first().sort_values(kind="stable").index)
    points = con.execute(_FIELD_POINTS_SQL, [source, level, year]).df()
    points["sampled"] = _sampled_rows(points, kind)
    index = pd.MultiIndex.from_frame(keys)

    def wide(mask: pd.Series) -> np.ndarray:
        if not mask.any():
            return np.zeros((len(keys), len(fields)))
        table = points[mask].pivot_table(index=["code_system", "code"], columns="pillar", values="points",
                                         aggfunc="sum")
        return table.reindex(index=index, columns=fields).to_numpy(dtype="float64", na_value=0.0)

    maxima = criteria.groupby("pillar")["max_points"].sum().reindex(fields)
    sampled_max = criteria[criteria["sampled"]].groupby("pillar")["max_points"].sum().reindex(fields).fillna(0.0)
    part = SampledPart(kind, tuple(criteria.loc[criteria["sampled"], "criterion_code"]), float(sampled_max.sum()),
                       float(criteria.loc[criteria["component"] == "survey", "max_points"].sum()), "criteria", reason)
    return _Built(fields, wide(~points["sampled"]), wide(points["sampled"]), sampled_max.to_numpy(dtype="float64"),
                  maxima.to_numpy(dtype="float64"), part)


def _four_parts(con, level: str, year: int, source: str, keys: pd.DataFrame) -> _Built | None:
    """The two pillars from a four-part results table (published since 2023), every unit with every part: the
    appraisal and socio-economic parts fixed, the survey of leaders and managers fixed, the SIPAS part sampled."""
    parts = con.execute(_PARTS_SQL, [source, level, year]).df()
    if parts.empty:
        return None
    wide = parts.pivot_table(index=["code_system", "code"], columns="component", values="points", aggfunc="sum")
    wide = wide.reindex(pd.MultiIndex.from_frame(keys))
    if wide.isna().any().any():
        return None          # a unit without its breakdown: the totals decide
    maxima = parts.drop_duplicates("component").set_index("component")
    part_of = maxima["part"]
    appraisal = wide[[c for c in wide.columns if part_of[c] == "appraisal"]].sum(axis=1).to_numpy(dtype="float64")
    survey_max = float(maxima.loc[part_of == "survey", "max_points"].sum())
    sampled_codes = [c for c in wide.columns if part_of[c] == "survey" and (c == "sipas" or level != "province")]
    sampled = wide[sampled_codes].sum(axis=1).to_numpy(dtype="float64")
    survey = wide[[c for c in wide.columns if part_of[c] == "survey"]].sum(axis=1).to_numpy(dtype="float64")
    n = len(keys)
    sampled_points = float(maxima.loc[sampled_codes, "max_points"].sum())
    kind = "sipas" if level == "province" else "survey"
    part = SampledPart(kind if sampled_codes else "none", tuple(sampled_codes), sampled_points, survey_max,
                       "component", None if sampled_codes else "no_sipas")
    weights = np.array([float(maxima.loc[part_of == "appraisal", "max_points"].sum()), survey_max])
    return _Built(["appraisal", "survey"], np.column_stack([appraisal, survey - sampled]),
                  np.column_stack([np.zeros(n), sampled]), np.array([0.0, sampled_points]), weights, part)


def _component_pillars(con, level: str, year: int, source: str, results: pd.DataFrame,
                       keys: pd.DataFrame) -> _Built | None:
    """Appraisal and survey as two pillars: from the four published parts where every unit has them, else from
    the table's appraisal and survey totals with the framework's component maxima (a province's SIPAS part is
    then unknown: nothing is sampled)."""
    built = _four_parts(con, level, year, source, keys)
    if built is not None:
        return built
    framework = framework_for(con, level, year)
    if framework is None or results[["appraisal", "survey"]].isna().any().any():
        return None
    maxima = con.execute("SELECT component, sum(max_points) FROM framework_criterion WHERE framework_id = ? "
                         "GROUP BY 1", [framework["framework_id"]]).fetchall()
    by_component = {c: float(m) for c, m in maxima}
    if not {"appraisal", "survey"} <= set(by_component):
        return None
    n = len(results)
    appraisal = results["appraisal"].to_numpy(dtype="float64")
    survey = results["survey"].to_numpy(dtype="float64")
    weights = np.array([by_component["appraisal"], by_component["survey"]])
    fixed = np.column_stack([appraisal, np.zeros(n)])
    if level == "province":
        part = SampledPart("none", (), 0.0, by_component["survey"], "component", "no_breakdown")
        return _Built(["appraisal", "survey"], fixed + np.column_stack([np.zeros(n), survey]), np.zeros((n, 2)),
                      np.zeros(2), weights, part)
    part = SampledPart("survey", ("survey",), by_component["survey"], by_component["survey"], "component")
    return _Built(["appraisal", "survey"], fixed, np.column_stack([np.zeros(n), survey]),
                  np.array([0.0, by_component["survey"]]), weights, part)


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


def check_stated(survey_se: pd.DataFrame) -> pd.DataFrame:
    """Stated standard errors (code_system, code, survey_se >= 0 on every row), codes as text; ValueError else."""
    missing = {"code_system", "code", "survey_se"} - set(survey_se.columns)
    if missing:
        raise ValueError(f"stated standard errors need the columns code_system, code, survey_se; missing: "
                         f"{', '.join(sorted(missing))}")
    values = pd.to_numeric(survey_se["survey_se"], errors="coerce")
    if values.isna().any() or (values < 0).any() or not np.isfinite(values).all():
        raise ValueError("survey_se must be a number >= 0 (points of the sampled part) on every row")
    return survey_se.assign(survey_se=values.astype("float64"), code_system=survey_se["code_system"].astype("str"),
                            code=survey_se["code"].astype("str"))


def load_dataset(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str,
                 survey_se: pd.DataFrame | None = None) -> Dataset:
    """The pillars and sampling errors of one dataset (level, year, source: never another source in its place);
    raises NoIntervals when its ranks cannot get an interval. `survey_se`: standard errors stated per unit in
    points of the part the sampling error moves (a province's SIPAS points, a ministry's survey points), used
    where no respondent data gives one."""
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
        built = _component_pillars(con, level, year, source, results, keys)
        basis = "components"
    if built is None:
        raise NoIntervals("no components", results,
                          "the table gives no appraisal and survey totals (or no criteria set): nothing to perturb")

    moving = built.sampled.sum(axis=1)
    errors, sipas_source = (sipas_errors(con, year, source) if level == "province" and built.part.kind == "sipas"
                            else (None, None))
    rse = pd.Series(np.nan, index=results.index)
    sampling = pd.Series("missing", index=results.index, dtype="object")
    if errors is not None and len(errors):
        found = keys.merge(errors, on=["code_system", "code"], how="left")["rse"]
        sampling[found.notna()] = "respondents"
        rse = found.astype("float64")
    if survey_se is not None:
        stated = keys.merge(check_stated(survey_se), on=["code_system", "code"], how="left")["survey_se"]
        use = rse.isna() & stated.notna() & (moving > 0)
        rse[use] = (stated[use] / moving[use.to_numpy()]).astype("float64")
        sampling[use] = "stated"
    pillars = Pillars(built.fixed, built.sampled, built.sampled_max, built.weights, rse.to_numpy(dtype="float64"),
                      results["rank"].to_numpy(dtype="int64"))
    points = np.where(sampling.to_numpy() == "missing", 0.0, moving)
    return Dataset(results, pillars, basis, built.names, built.part, sampling.astype("str"), points, sipas_source)
