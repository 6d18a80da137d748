"""SIPAS: the overview (elements, policy groups, the overall two ways), published figures, SIPAS vs PAR."""
from __future__ import annotations

import duckdb
import pandas as pd

from metrics import stats
from metrics.par_index import available_datasets, unit_results
from metrics.satisfaction.instrument import OVERALL
from metrics.satisfaction.sources import CURRENT
from metrics.satisfaction.tables import satisfaction_table
from metrics.satisfaction.units import parse_unit


def published_sipas(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, pd.DataFrame]:
    """SIPAS figures as MoHA published them (labelled 'published'): national headline figures and the
    provinces' published index, with their source references."""
    national = con.execute(
        f"""SELECT year, metric, value_text, value_num, note, source_ref, 'published' AS source FROM published_stat
        WHERE dataset = 'sipas_national' AND year = ? AND batch_id IN ({CURRENT}) ORDER BY metric""", [year]).df()
    provinces = con.execute(
        f"""SELECT unit_system AS code_system, unit_code AS code, sipas_pct, rank, rank_basis, note, source_ref,
        'published' AS source FROM published_sipas WHERE year = ? AND batch_id IN ({CURRENT})
        ORDER BY rank NULLS LAST, code""", [year]).df()
    return {"national": national, "provinces": provinces}


def sipas_overview(con: duckdb.DuckDBPyConnection, year: int, *, unit: str | None = None,
                   source: str | None = None, table: pd.DataFrame | None = None, **options) -> dict:
    """The SIPAS page for the country or one province: the five service elements and the three policy
    groups (each with intervals), the overall two ways (all service items pooled; plain mean of the five
    elements), each named, and the published figures beside them, labelled as published.

    `table`: a `satisfaction_table` of SIPAS for that year that holds the scope's row (e.g. the one by
    province the page already shows), so the answers are not aggregated twice.
    """
    scope = parse_unit(unit, "sipas")
    if table is None:
        level = "national" if scope.kind == "national" else "province"
        table = satisfaction_table(con, "sipas", year, level=level, unit=unit, source=source, **options)
    if scope.kind == "national":
        total = table[table["row_level"] == "national"]
    else:
        total = table[(table["code_system"] == scope.system) & (table["code"] == scope.code)]
    chosen = total["source"].iloc[0] if len(total) else None
    elements = total[(total["set_kind"] == "dimension") & (total["part"] == "service")]
    policies = total[(total["part"] == "policy")]
    head = total[total["set_kind"] == "overall"]
    overall = pd.DataFrame(
        [{"method": "pooled", "name_vi": r.set_vi, "name_en": r.set_en, "pct_satisfied": r.pct_satisfied,
          "pct_ci_low": r.pct_ci_low, "pct_ci_high": r.pct_ci_high, "n_respondents": r.n_respondents, "flag": r.flag}
         for r in head.itertuples()]
        + [{"method": "mean_of_elements", "name_vi": "Chung (trung bình cộng của 5 yếu tố)",
            "name_en": "Overall (plain mean of the 5 elements)", "pct_satisfied": r.pct_elements_mean,
            "pct_ci_low": r.elements_ci_low, "pct_ci_high": r.elements_ci_high, "n_respondents": r.n_respondents,
            "flag": r.flag} for r in head.itertuples()])
    published = published_sipas(con, year)
    if scope.kind == "province":
        mine = published["provinces"]
        published["provinces"] = mine[(mine["code_system"] == scope.system) & (mine["code"] == scope.code)]
    return {"source": chosen, "elements": elements.reset_index(drop=True), "policies": policies.reset_index(drop=True),
            "overall": overall, "published_national": published["national"],
            "published_unit": published["provinces"].reset_index(drop=True)}


def sipas_vs_par(con: duckdb.DuckDBPyConnection, year: int, *, source: str | None = None,
                 par_source: str | None = None, **options) -> dict:
    """Scatter data of provinces (SIPAS overall percent satisfied vs PAR INDEX) with Pearson and Spearman
    correlations and p-values. Demo SIPAS pairs only with demo PAR scores and real data only with real
    data (upload or published), so no figure mixes synthetic and real numbers."""
    table = satisfaction_table(con, "sipas", year, level="province", source=source, **options)
    empty = {"points": pd.DataFrame(), "sipas_source": None, "par_source": None, **stats.correlation([], [])}
    if table.empty:
        return empty
    chosen = table["source"].iloc[0]
    datasets = available_datasets(con, "province")
    allowed = ("demo",) if chosen == "demo" else ("upload", "published")
    if par_source is None:
        present = set(datasets.loc[datasets["year"] == year, "source"])
        par_source = next((s for s in allowed if s in present), None)
    elif par_source not in allowed:
        raise ValueError(f"SIPAS from {chosen} is not compared with PAR INDEX from {par_source}")
    if par_source is None:
        return {**empty, "sipas_source": chosen}
    par = unit_results(con, "province", year, par_source)[["code_system", "code", "index", "rank"]]
    sipas = table[(table["row_level"] == "province") & (table["set_code"] == OVERALL)]
    points = sipas[["code_system", "code", "name_vi", "name_en", "n_respondents", "pct_satisfied", "pct_ci_low",
                    "pct_ci_high", "flag"]].merge(par.rename(columns={"index": "par_index", "rank": "par_rank"}),
                                                  on=["code_system", "code"], how="inner")
    usable = points[(points["flag"] != "suppressed") & points["par_index"].notna()]
    return {"points": points.reset_index(drop=True), "sipas_source": chosen, "par_source": par_source,
            **stats.correlation(usable["pct_satisfied"], usable["par_index"])}


