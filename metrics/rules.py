"""The leader rule engine: each rule's outcome for one unit's facts, and the proposed level.

Pure: a validated rule set (etl.rules.parse_rule_set) and a table of facts in, outcomes out.
"""
from __future__ import annotations

import math

import pandas as pd

from etl.rules import LEVELS
from metrics.rounding import quantize, to_decimal
# Facts a rule may need, one row per unit: index, rank, units_ranked, group, delta_rank, delta_index,
# sipas_pct, plan_status (on_time, late, missing, not_due, or None when no plan data is loaded); optionally
# rank_basis ('not published' when the results table gives no rank and covers only part of the field) and
# units_covered. Values are compared with band limits exactly, half-up at 2 decimals (79.995 is 80.00).


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


_VI = (("no PAR INDEX value", "chưa có Chỉ số CCHC"), ("below every band", "thấp hơn mọi khoảng"),
       ("no group", "chưa có nhóm"), ("rank not published", "thứ hạng chưa được công bố"),
       ("the table lists", "bảng chỉ có"), (" units", " đơn vị"), ("no rank", "chưa có thứ hạng"), ("is in the last", "thuộc nhóm cuối"),
       ("no comparable previous year", "không có năm trước so sánh được"), ("ranks", "bậc"), ("points", "điểm"),
       ("fell", "giảm"), ("no SIPAS result loaded", "chưa có kết quả SIPAS"), ("annual PAR plan late",
       "kế hoạch CCHC năm ban hành chậm"), ("annual PAR plan missing", "chưa có kế hoạch CCHC năm"),
       ("no plan data for the year", "chưa có dữ liệu kế hoạch của năm"), ("index", "chỉ số"), ("group", "nhóm"),
       ("rank", "hạng"), (" of ", " trên "))


def reason_vi(reason: str) -> str:
    """The Vietnamese wording of an English reason (fixed phrases; numbers and codes kept)."""
    for en, vi in _VI:
        reason = reason.replace(en, vi)
    return reason


def _outcome(rule: dict, result: str, value, level: str | None = None, reason: str = "") -> dict:
    """result: level (sets the level), ceiling (caps it), flag, pass, not_assessable."""
    return {"rule": rule["id"], "kind": rule["kind"], "result": result, "level": level, "value": value,
            "reason": reason, "reason_vi": reason_vi(reason)}


def _ceiling(rule: dict, value, why: str) -> dict:
    if rule.get("flag"):
        return _outcome(rule, "flag", value, None, why)
    return _outcome(rule, "ceiling", value, rule["max_level"], why)


def evaluate_rule(rule: dict, facts: dict) -> dict:
    """One rule against one unit's facts; missing data gives 'not_assessable' with the reason."""
    kind = rule["kind"]
    if kind == "index_band":
        index = facts.get("index")
        if _missing(index):
            return _outcome(rule, "not_assessable", None, reason="no PAR INDEX value")
        exact = quantize(to_decimal(index))
        value = float(exact)
        for band in rule["bands"]:
            if exact >= to_decimal(band["min"]):
                return _outcome(rule, "level", value, band["level"], f"index {value:.2f} >= {band['min']:g}")
        return _outcome(rule, "not_assessable", value, reason=f"index {value:.2f} below every band")
    if kind == "group_ceiling":
        group = facts.get("group")
        if _missing(group):
            return _outcome(rule, "not_assessable", None, reason="no group")
        if group in rule["groups"]:
            return _outcome(rule, "ceiling", group, rule["groups"][group], f"group {group}")
        return _outcome(rule, "pass", group)
    if kind == "bottom_n":
        rank, ranked = facts.get("rank"), facts.get("units_ranked")
        if _missing(rank) or _missing(ranked):
            if facts.get("rank_basis") == "not published":
                covered = facts.get("units_covered")
                listed = (f": the table lists {int(covered)} of {int(ranked)} units"
                          if not _missing(covered) and not _missing(ranked) else "")
                return _outcome(rule, "not_assessable", None, reason=f"rank not published{listed}")
            return _outcome(rule, "not_assessable", None, reason="no rank")
        if int(rank) > int(ranked) - int(rule["n"]):
            return _outcome(rule, "ceiling", int(rank), rule["max_level"],
                            f"rank {int(rank)} of {int(ranked)} is in the last {int(rule['n'])}")
        return _outcome(rule, "pass", int(rank))
    if kind == "rank_fall":
        checks, unknown = [], []
        for field, fact, label in (("min_ranks", "delta_rank", "ranks"), ("min_points", "delta_index", "points")):
            if field not in rule:
                continue
            change = facts.get(fact)
            if _missing(change):
                unknown.append(label)
            elif -float(change) >= rule[field]:
                checks.append(f"fell {-float(change):g} {label} (>= {rule[field]:g})")
        if checks:
            return _ceiling(rule, "; ".join(checks), "; ".join(checks))
        if unknown and len(unknown) == sum(f in rule for f in ("min_ranks", "min_points")):
            return _outcome(rule, "not_assessable", None, reason=f"no comparable previous year ({', '.join(unknown)})")
        return _outcome(rule, "pass", None)
    if kind == "satisfaction_below":
        pct = facts.get("sipas_pct")
        if _missing(pct):
            return _outcome(rule, "not_assessable", None, reason="no SIPAS result loaded")
        exact = quantize(to_decimal(pct))
        value = float(exact)
        if exact < to_decimal(rule["threshold"]):
            return _ceiling(rule, value, f"SIPAS {value:.2f} % < {rule['threshold']:g} %")
        return _outcome(rule, "pass", value)
    if kind == "plan_late":
        status = facts.get("plan_status")
        if _missing(status) or status in ("n/a", "not_due"):
            return _outcome(rule, "not_assessable", status, reason="no plan data for the year")
        if status in ("late", "missing"):
            return _ceiling(rule, status, f"annual PAR plan {status}")
        return _outcome(rule, "pass", status)
    raise ValueError(f"unknown rule kind {kind}")


def propose(rule_set: dict, facts: dict) -> dict:
    """Every rule's outcome and the proposed level: the band's level capped by every ceiling (the most
    restrictive wins). Provisional when any rule was not assessable; flags are listed, never applied."""
    # A rule may name the unit levels it applies to (SIPAS, say, surveys provinces, not ministries).
    applicable = [r for r in rule_set["rules"] if "levels" not in r or facts.get("level") in r["levels"]]
    outcomes = [evaluate_rule(rule, facts) for rule in applicable]
    levels = [o["level"] for o in outcomes if o["result"] in ("level", "ceiling")]
    has_band = any(o["result"] == "level" for o in outcomes)
    proposed = max(levels, key=LEVELS.index) if has_band else None
    def listed(results: tuple[str, ...], key: str) -> list[str]:
        return [f"{o['rule']}: {o[key]}" for o in outcomes if o["result"] in results]

    return {"proposed_level": proposed, "provisional": any(o["result"] == "not_assessable" for o in outcomes),
            "missing": listed(("not_assessable",), "reason"), "missing_vi": listed(("not_assessable",), "reason_vi"),
            "flags": [o["reason"] for o in outcomes if o["result"] == "flag"],
            "flags_vi": [o["reason_vi"] for o in outcomes if o["result"] == "flag"],
            "reasons": listed(("level", "ceiling", "flag"), "reason"),
            "reasons_vi": listed(("level", "ceiling", "flag"), "reason_vi"), "outcomes": outcomes}


def propose_all(rule_set: dict, facts: pd.DataFrame) -> pd.DataFrame:
    """`propose` for every unit: facts columns plus proposed_level, provisional, reasons, missing, flags."""
    rows = []
    for record in facts.to_dict("records"):
        result = propose(rule_set, record)
        rows.append({**record, "proposed_level": result["proposed_level"], "provisional": result["provisional"],
                     **{key: " | ".join(result[key]) for key in ("reasons", "reasons_vi", "missing", "missing_vi",
                                                                 "flags", "flags_vi")},
                     "outcomes": result["outcomes"]})
    return pd.DataFrame(rows)
