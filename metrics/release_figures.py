"""A release's published tables, and every figure a correction changed.

The tables are made by the very functions the pages and `python -m metrics` use (ranking_frame, satisfaction_frame,
trend, list_units, lineage) on the store as the release shows it (metrics.releases.release_view), so the open data
package and the diff hold the pages' numbers by construction.
"""
from __future__ import annotations

import pandas as pd

from etl.output import SATISFACTION_DECIMALS, tidy_numbers
from etl.releases import Scope
from metrics.cli import ranking_frame, satisfaction_frame
from metrics.par_index import LEVEL_SYSTEMS, SOURCE_PRIORITY, available_datasets, system_for_year
from metrics.releases import release_info, release_view, shown_release
from metrics.satisfaction import survey_datasets
from metrics.trend import trend
from metrics.units import lineage, list_units

# The figures a diff compares, per scope kind: the keys of a row, and the measures.
PAR_KEYS = ["source", "code_system", "code"]
PAR_MEASURES = ["rank", "index", "group", "appraisal", "survey", "delta_index", "delta_rank", "rank_basis"]
SURVEY_KEYS = ["source", "code_system", "code", "dimension", "form"]
SURVEY_MEASURES = ["n_respondents", "pct_satisfied", "pct_ci_low", "pct_ci_high", "mean_score", "flag"]
DIFF_COLUMNS = ["source", "code_system", "code", "unit", "detail", "measure", "old", "new"]


def scope_of_release(info: dict) -> Scope:
    return Scope(info["scope"], info["scope_key"], int(info["year"]))


def view_status(con, kind: str, key: str, year: int) -> dict | None:
    """The release whose figures the connection shows for a scope (list_releases' columns), or None for working
    data (a draft, not released). Called through ui.store.fetch, it answers for the page's release filter."""
    release_id = shown_release(con, kind, key, year)
    return None if release_id is None else release_info(con, release_id)


def release_rules(con, level: str, year: int, rules_name: str) -> dict | None:
    """For leader proposals shown from a release: the rule set they follow, which is always the current one (a
    release freezes data batches, not rule sets): {'release_id', 'batch_id', 'saved_at', 'changed_since'}, the last
    true when the rule set was saved after the release was made. None when the view shows no release for the
    level and year, or there is no such rule set. Called through ui.store.fetch, it answers for the page's filter."""
    release_id = shown_release(con, "par", level, year)
    if release_id is None:
        return None
    row = con.execute("""
        SELECT r.batch_id, b.loaded_at, b.loaded_at > rel.created_at
        FROM rule_set r JOIN batch b USING (batch_id), release rel
        WHERE r.name = ? AND b.status = 'current' AND rel.release_id = ?""", [rules_name, release_id]).fetchall()
    if not row:
        return None
    batch_id, saved_at, changed = row[0]
    return {"release_id": release_id, "batch_id": int(batch_id), "saved_at": saved_at, "changed_since": bool(changed)}


def _sources(con, scope: Scope) -> list[str]:
    """The sources with data for the scope, as the connection's view shows them, in the automatic order."""
    if scope.kind == "par":
        datasets = available_datasets(con, scope.key)
    else:
        datasets = survey_datasets(con, scope.key)
    present = set(datasets.loc[datasets["year"] == scope.year, "source"])
    return [s for s in SOURCE_PRIORITY if s in present]


def _first_year(con, scope: Scope) -> int:
    datasets = available_datasets(con, scope.key) if scope.kind == "par" else survey_datasets(con, scope.key)
    years = [int(y) for y in datasets["year"] if int(y) <= scope.year]
    return min(years) if years else scope.year


def release_tables(con, release_id: int, lang: str = "vi") -> dict[str, pd.DataFrame]:
    """The release's published tables: `rankings` (PAR INDEX, every source it holds, with field indices) or
    `satisfaction` (by unit and dimension, with 95 % intervals), `series` (every year up to the release's across
    the 2025 reorganisation, each point with its source and the release it comes from), `units` and `lineage`."""
    info = release_info(con, release_id)
    scope = scope_of_release(info)
    with release_view(con, release_id):
        tables: dict[str, pd.DataFrame] = {}
        sources = _sources(con, scope)
        if scope.kind == "par":
            frames = [ranking_frame(con, scope.key, scope.year, source, lang) for source in sources]
            tables["rankings"] = _stack(frames)
            system = system_for_year(scope.key, scope.year)
            systems = LEVEL_SYSTEMS[scope.key]
            series = trend(con, system, _first_year(con, scope), scope.year, "index", "equal", None)
        else:
            frames = [satisfaction_frame(con, scope.key, scope.year, "dimension", None, source, lang)
                      for source in sources]
            tables["satisfaction"] = _stack(frames)
            system = system_for_year("province", scope.year)
            systems = LEVEL_SYSTEMS["province"]
            series = trend(con, system, _first_year(con, scope), scope.year, scope.key, "equal", None)
        released = {y: shown_release(con, scope.kind, scope.key, y) for y in series["year"].unique()}
        series = series.assign(release_id=pd.array([released[y] for y in series["year"]], dtype="Int64"))
        tables["series"] = series.drop(columns=[c for c in ("se",) if c in series])
        tables["units"] = pd.concat([list_units(con, s, lang) for s in systems], ignore_index=True)
        links = lineage(con)
        tables["lineage"] = links[links["from_system"].isin(systems)].reset_index(drop=True)
    for name in ("rankings", "satisfaction"):
        if name in tables:
            tables[name] = tables[name].assign(release_id=release_id)
    return tables


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _as_text(frame: pd.DataFrame, decimals: dict[str, int] | None) -> pd.DataFrame:
    """Figures as the pages print them (fixed decimals half-up, ranks as integers), so a diff never reports binary
    noise as a change."""
    text = tidy_numbers(frame, decimals).astype(object)
    return text.where(text.notna(), None)


def release_diff(con, old_id: int, new_id: int, lang: str = "vi") -> pd.DataFrame:
    """Every figure that differs between two releases of one scope: source, unit, detail (dimension and form for
    surveys), measure, old and new value as printed (None where a release has no such figure)."""
    old_info, new_info = release_info(con, old_id), release_info(con, new_id)
    scope = scope_of_release(old_info)
    if scope_of_release(new_info) != scope:
        raise ValueError(f"releases {old_id} and {new_id} are of different years or levels")
    name = "rankings" if scope.kind == "par" else "satisfaction"
    keys, measures = (PAR_KEYS, PAR_MEASURES) if scope.kind == "par" else (SURVEY_KEYS, SURVEY_MEASURES)
    decimals = None if scope.kind == "par" else SATISFACTION_DECIMALS
    old, new = release_tables(con, old_id, lang)[name], release_tables(con, new_id, lang)[name]
    if scope.kind == "par":
        measures = measures + sorted({c for f in (old, new) for c in f.columns if c.startswith("field_")})
    rows = []
    merged = _long(old, keys, measures, decimals).merge(_long(new, keys, measures, decimals), how="outer",
                                                       on=keys + ["measure"], suffixes=("_old", "_new"))
    for row in merged.itertuples(index=False):
        record = row._asdict()
        before, after = (v if isinstance(v, str) else None for v in (record["value_old"], record["value_new"]))
        if before == after:
            continue
        unit = record["unit_new"] if isinstance(record["unit_new"], str) else record["unit_old"]
        detail = " · ".join(str(record[k]) for k in keys[3:] if isinstance(record.get(k), str) and record[k])
        rows.append([record["source"], record["code_system"], record["code"], unit, detail, record["measure"],
                     before, after])
    return pd.DataFrame(rows, columns=DIFF_COLUMNS)


def _long(frame: pd.DataFrame, keys: list[str], measures: list[str], decimals) -> pd.DataFrame:
    """One row per unit (keys) and measure: the value as printed, and the unit's name."""
    if frame.empty:
        return pd.DataFrame(columns=keys + ["measure", "value", "unit"])
    present = [m for m in measures if m in frame.columns]
    text = _as_text(frame[keys + present], decimals)
    for key in keys:
        text[key] = text[key].map(lambda v: "" if v is None else str(v))
    text["unit"] = frame["name"].astype(object).to_numpy()
    long = text.melt(id_vars=keys + ["unit"], value_vars=present, var_name="measure", value_name="value")
    long["value"] = long["value"].map(lambda v: None if v is None or (isinstance(v, float) and pd.isna(v))
                                      else str(v))
    return long
