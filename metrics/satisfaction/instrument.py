"""Survey instruments as data: items, dimensions and the item sets estimates are made for."""
from __future__ import annotations

import duckdb
import pandas as pd

from metrics.satisfaction.sources import CURRENT

OVERALL = ""    # set_code of the headline overall (education has a dimension coded 'overall': question HL1)

# The headline ("overall") item set of each survey, and extra pooled sets. Named by method, because the
# official SIPAS weights are not published: the pooled figure is not the published index.
HEADLINE = {
    "sipas": {"parts": ("service",), "exclude": (),
              "name_vi": "Chung (gộp mọi câu hỏi của 5 yếu tố dịch vụ)",
              "name_en": "Overall (all service items pooled)"},
    "health": {"parts": ("section",), "exclude": (), "name_vi": "Chung (gộp mọi câu hỏi A-E)",
               "name_en": "Overall (all items A-E pooled)"},
    "education": {"parts": ("dimension",), "exclude": ("overall",),
                  "name_vi": "Chung (gộp mọi câu hỏi của 5 nội dung)",
                  "name_en": "Overall (items of the 5 dimensions pooled)"},
}
EXTRA_SETS = {"sipas": [("policy", ("policy",), "Chính sách (gộp mọi câu hỏi của 3 nhóm)",
                         "Policies (all policy items pooled)")]}


def instrument_items(con: duckdb.DuckDBPyConnection, survey: str, form: str | None = None) -> pd.DataFrame:
    """Items of a survey's instruments (all forms, or one): dimension, part, kind, valid range, wording."""
    return con.execute(
        f"""
        SELECT i.instrument_id AS form, i.item_code, i.dimension_code, d.part, i.item_kind, i.value_min, i.value_max,
               s.satisfied_min, i.position, i.wording_vi, i.wording_en, d.name_vi AS dimension_vi,
               d.name_en AS dimension_en, d.position AS dimension_position
        FROM instrument_item i JOIN instrument s USING (instrument_id)
        JOIN instrument_dimension d ON d.instrument_id = i.instrument_id AND d.dimension_code = i.dimension_code
        WHERE s.survey = ? AND (? IS NULL OR i.instrument_id = ?)
          AND i.batch_id IN ({CURRENT}) AND s.batch_id IN ({CURRENT}) AND d.batch_id IN ({CURRENT})
        ORDER BY i.instrument_id, i.position
        """, [survey, form, form]).df()


def item_sets(items: pd.DataFrame, survey: str) -> pd.DataFrame:
    """The item sets estimates are made for: the headline overall, extra pooled parts, each dimension.

    Columns: set_kind, set_code, set_vi, set_en, part, position, dims (dimension codes), likert, single_item
    (no respondent answers more than one item of the set: Wilson applies).
    """
    per_form = items.groupby(["form", "dimension_code"]).size().groupby("dimension_code").max()
    dims = (items.groupby("dimension_code", sort=False)
            .agg(part=("part", "first"), set_vi=("dimension_vi", "first"), set_en=("dimension_en", "first"),
                 position=("dimension_position", "min"), likert=("item_kind", lambda k: bool((k == "likert").all())))
            .reset_index().sort_values(["position", "dimension_code"]))
    head = HEADLINE[survey]
    headline = dims[dims["part"].isin(head["parts"]) & ~dims["dimension_code"].isin(head["exclude"])]
    rows = [{"set_kind": "overall", "set_code": OVERALL, "set_vi": head["name_vi"], "set_en": head["name_en"],
             "part": "", "position": 0, "dims": list(headline["dimension_code"]), "likert": True,
             "single_item": bool(headline["dimension_code"].map(per_form).sum() <= 1)}]
    for code, parts, name_vi, name_en in EXTRA_SETS.get(survey, []):
        members = list(dims.loc[dims["part"].isin(parts), "dimension_code"])
        if not members:             # an instrument without that part (a test form, a partial upload)
            continue
        rows.append({"set_kind": "part", "set_code": code, "set_vi": name_vi, "set_en": name_en, "part": code,
                     "position": 0, "dims": members, "likert": True, "single_item": len(members) == 1
                     and per_form[members[0]] == 1})
    for d in dims.itertuples():
        rows.append({"set_kind": "dimension", "set_code": d.dimension_code, "set_vi": d.set_vi, "set_en": d.set_en,
                     "part": d.part, "position": int(d.position), "dims": [d.dimension_code], "likert": d.likert,
                     "single_item": bool(per_form[d.dimension_code] == 1)})
    return pd.DataFrame(rows)
