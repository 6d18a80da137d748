"""Facts for the leader rules, gathered per unit and year, and the proposals of a stored rule set."""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from etl.rules import parse_rule_set
from metrics.compliance import compliance
from metrics.par_index import (SOURCE_PRIORITY, SourceUnavailable, available_datasets, require_source,
                               system_for_year, unit_results, year_change)
from metrics.rules import propose_all
from metrics.satisfaction import OVERALL, pick_survey_source, published_sipas, satisfaction_table

LEADER_COLUMNS = ["code_system", "code", "name", "index", "rank", "group", "proposed_level", "reasons"]


def rule_sets(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The current rule sets: name, titles, source text, YAML and their batch."""
    return con.execute(
        "SELECT r.name, r.title_vi, r.title_en, r.source, r.yaml, r.batch_id, b.source AS batch_source "
        "FROM rule_set r JOIN batch b USING (batch_id) WHERE b.status = 'current' ORDER BY r.name").df()


def rule_set(con: duckdb.DuckDBPyConnection, name: str) -> dict | None:
    found = rule_sets(con)
    found = found[found["name"] == name]
    return parse_rule_set(found["yaml"].iloc[0], f"{name}.yaml") if len(found) else None


def sipas_by_province(con: duckdb.DuckDBPyConnection, year: int, source: str) -> pd.DataFrame:
    """The SIPAS figure per province from the same source as the PAR figures it joins: the published SIPAS
    index for published PAR data, else the satisfaction pages' overall % satisfied from that source's survey
    answers (a suppressed estimate has no value). Never another source's figure in its place."""
    if source == "published":
        rows = published_sipas(con, year)["provinces"]
        return pd.DataFrame({"unit_system": rows["code_system"], "code": rows["code"], "sipas_pct": rows["sipas_pct"],
                             "sipas_source": "published"})
    if pick_survey_source(con, "sipas", year, source) is None:
        return pd.DataFrame(columns=["unit_system", "code", "sipas_pct", "sipas_source"])
    table = satisfaction_table(con, "sipas", year, level="province", source=source)
    rows = table[(table["row_level"] == "province") & (table["set_code"] == OVERALL)]
    return pd.DataFrame({"unit_system": rows["code_system"], "code": rows["code"],
                         "sipas_pct": rows["pct_satisfied"].where(rows["flag"] != "suppressed"),
                         "sipas_source": rows["source"]})


def local_scopes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The provinces' and ministries' own indices loaded: level, code system (e.g. vn34-22-department), years."""
    return con.execute(
        "SELECT s.level, s.unit_system AS code_system, list(DISTINCT s.year ORDER BY s.year) AS years "
        "FROM par_score s JOIN batch b USING (batch_id) WHERE b.status = 'current' "
        "AND s.level IN ('department', 'district', 'commune') GROUP BY ALL ORDER BY 2").df()


def local_facts(con: duckdb.DuckDBPyConnection, level: str, system: str, year: int,
                source: str | None = None) -> tuple[pd.DataFrame, str | None]:
    """Facts for the heads of a province's own departments, districts or communes: their index, rank and
    group within that index (no year-on-year, survey or plan figures exist at this level)."""
    present = con.execute(
        "SELECT DISTINCT b.source FROM par_score s JOIN batch b USING (batch_id) WHERE b.status = 'current' "
        "AND s.unit_system = ? AND s.year = ?", [system, year]).fetchall()
    sources = [s for s in SOURCE_PRIORITY if s in {r[0] for r in present}]
    if source is not None and source not in sources:
        raise SourceUnavailable(source, f"{system} {year}", sources)
    chosen = source or next(iter(sources), None)
    if chosen is None:
        return pd.DataFrame(), None
    results = unit_results(con, level, year, chosen, system)
    facts = pd.DataFrame({"level": level, "code_system": results["code_system"], "code": results["code"],
                          "name": results["name_vi"], "name_en": results["name_en"], "index": results["index"],
                          "rank": results["rank"], "rank_basis": results["rank_basis"],
                          "units_ranked": results["units_total"], "units_covered": int(results["index"].notna().sum()),
                          "group": results["group"], "delta_rank": pd.NA, "delta_index": pd.NA})
    return facts, chosen


def unit_facts(con: duckdb.DuckDBPyConnection, level: str, year: int, source: str | None = None,
               as_of: date | None = None) -> tuple[pd.DataFrame, str | None]:
    """One row per unit with everything a rule may use, and the PAR source used (upload, published, demo)."""
    chosen = require_source(available_datasets(con, level), year, source, f"{level} {year}")
    if chosen is None:
        return pd.DataFrame(), None
    results = year_change(con, level, year, chosen)
    system = system_for_year(level, year)
    facts = pd.DataFrame({
        "level": level, "code_system": results["code_system"], "code": results["code"], "name": results["name_vi"],
        "name_en": results["name_en"], "index": results["index"], "rank": results["rank"],
        "rank_basis": results["rank_basis"], "units_ranked": results["units_total"],
        "units_covered": int(results["index"].notna().sum()), "group": results["group"], "delta_rank": results["delta_rank"], "delta_index": results["delta_index"],
    })
    if level == "province":
        facts = facts.merge(sipas_by_province(con, year, chosen)[["code", "sipas_pct", "sipas_source"]], on="code",
                            how="left")
    plans = compliance(con, year, as_of or date(year, 12, 31), level)
    plans = plans[plans["code_system"] == system][["code", "plan_status", "plan_source"]]
    if plans["plan_source"].isna().all():
        plans = plans.assign(plan_status=None)
    facts = facts.merge(plans[["code", "plan_status"]], on="code", how="left")
    return facts, chosen


def leader_proposals(con: duckdb.DuckDBPyConnection, level: str, year: int, rules_name: str,
                     source: str | None = None, system: str | None = None,
                     with_previous: bool = True) -> tuple[pd.DataFrame, str | None]:
    """Every unit's proposed level under a stored rule set, with last year's proposal for comparison
    (`with_previous` False leaves `previous_level` empty and saves computing last year's facts).
    For the heads of a province's own units give the level (department, district, commune) and `system`."""
    rules = rule_set(con, rules_name)
    if rules is None:
        raise KeyError(f"no rule set named {rules_name!r}")
    if system is not None:
        facts, chosen = local_facts(con, level, system, year, source)
        if facts.empty:
            return facts, chosen
        proposals = propose_all(rules, facts)
        try:
            previous, _ = local_facts(con, level, system, year - 1, chosen)
        except SourceUnavailable:
            previous = pd.DataFrame()
        last = propose_all(rules, previous)[["code", "proposed_level"]] if not previous.empty else None
        proposals["previous_level"] = (proposals["code"].map(dict(zip(last["code"], last["proposed_level"])))
                                       if last is not None else None)
        return proposals, chosen
    facts, chosen = unit_facts(con, level, year, source)
    if facts.empty:
        return facts, chosen
    proposals = propose_all(rules, facts)
    if not with_previous:
        return proposals.assign(previous_level=None), chosen
    try:
        previous, _ = unit_facts(con, level, year - 1, chosen)
    except SourceUnavailable:      # last year has no data from this source: no previous level
        previous = pd.DataFrame()
    if not previous.empty and system_for_year(level, year) == system_for_year(level, year - 1):
        last = propose_all(rules, previous)[["code", "proposed_level"]].rename(
            columns={"proposed_level": "previous_level"})
        proposals = proposals.merge(last, on="code", how="left")
    else:
        proposals["previous_level"] = None
    return proposals, chosen


def proposal_release(con: duckdb.DuckDBPyConnection, level: str, year: int, system: str | None = None) -> int | None:
    """The release the proposals of a level and year come from, as the connection's release view shows it
    (metrics.releases); None for working data, a draft not released, and for a province's own units (`system`),
    which are not released."""
    from metrics.releases import shown_release   # local: releases are read only here

    return shown_release(con, "par", level, year) if system is None and level in ("province", "ministry") else None
