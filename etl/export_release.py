"""A release's open data package: every published table as CSV and Parquet, a data dictionary in Vietnamese and
English, method notes, the licence and a Frictionless `datapackage.json`.

The tables come from metrics.release_figures.release_tables, the functions the pages use, on the store as the
release shows it: the package holds the pages' numbers. CSV goes through etl.output.render (formulas neutralised,
numbers printed as the pages print them) with a byte-order mark, so Excel reads the Vietnamese names; Parquet keeps
the same values typed, written by DuckDB's own writer (no SQL text: the folder a user names never enters SQL).
"""
from __future__ import annotations

import io
import json
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pandas as pd

from etl.output import SATISFACTION_DECIMALS, render, tidy_numbers
from metrics.release_figures import release_tables
from metrics.releases import release_info
from ui.strings.releases import STRINGS
from ui.text import md_escape

CSV_ENCODING = "utf-8-sig"
LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
TEXT_FILES = ("README.md", "METHOD.md", "LICENCE.md", "datapackage.json")


def _text(key: str, lang: str, **values) -> str:
    vi, en = STRINGS[key]
    text = vi if lang == "vi" else en
    return text.format(**values) if values else text


def _both(key: str, **values) -> str:
    """A text in Vietnamese, then English: the package is read in both languages."""
    return _text(key, "vi", **values) + "\n\n---\n\n" + _text(key, "en", **values)


def field_description(name: str, lang: str) -> str:
    """The data dictionary's entry for a column (field_N columns share one)."""
    if name.startswith("field_"):
        return _text("pkg.field.field_n", lang, n=name.split("_", 1)[1])
    return _text(f"pkg.field.{name}", lang)


def _frictionless_type(tidy: pd.Series, original: pd.Series) -> str:
    """The Table Schema type of a column as render writes it."""
    dtype = str(tidy.dtype)
    if dtype in ("Int64", "int64", "int32", "Int32"):
        return "integer"
    if pd.api.types.is_bool_dtype(original.dtype):
        return "boolean"
    if pd.api.types.is_float_dtype(original.dtype) or str(original.dtype) == "Float64":
        return "number"
    if pd.api.types.is_datetime64_any_dtype(original.dtype):
        times = original.dropna()
        return "date" if (times == times.dt.normalize()).all() else "datetime"
    return "string"


def _decimals(name: str) -> dict[str, int] | None:
    return SATISFACTION_DECIMALS if name == "satisfaction" else None


def _schema(name: str, frame: pd.DataFrame) -> dict:
    tidy = tidy_numbers(frame, _decimals(name))
    return {"fields": [{"name": str(c), "type": _frictionless_type(tidy[c], frame[c]),
                        "title": field_description(str(c), "vi"), "description": field_description(str(c), "en")}
                       for c in frame.columns]}


def _dictionary(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rows = []
    for name, frame in tables.items():
        schema = _schema(name, frame)
        rows += [[name, f["name"], f["type"], f["title"], f["description"]] for f in schema["fields"]]
    return pd.DataFrame(rows, columns=["table", "field", "type", "description_vi", "description_en"])


def export_release(con: duckdb.DuckDBPyConnection, release_id: int, folder: Path, lang: str = "vi") -> Path:
    """Write the package of `release_id` into `folder` (new or empty); unit names in `lang`. Returns the folder."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise FileExistsError(f"{folder} is not an empty folder; choose a new folder for the package")
    info = release_info(con, release_id)
    tables = release_tables(con, release_id, lang)
    tables["dictionary"] = _dictionary(tables)
    folder.mkdir(parents=True, exist_ok=True)
    resources = []
    for name, frame in tables.items():
        (folder / f"{name}.csv").write_text(render(frame, "csv", _decimals(name)) + "\n", encoding=CSV_ENCODING)
        con.from_df(frame).write_parquet(str(folder / f"{name}.parquet"))
        resources.append({"name": name, "path": f"{name}.csv", "format": "csv", "mediatype": "text/csv",
                          "encoding": CSV_ENCODING, "title": _text(f"pkg.table.{name}", "vi"),
                          "description": _text(f"pkg.table.{name}", "en"), "schema": _schema(name, frame),
                          "parquet": f"{name}.parquet"})
    _write_texts(folder, info, resources)
    return folder


def _release_facts(info: dict, lang: str) -> dict:
    """The README's facts of the release. The analyst's own words (title, decision number, errata) are escaped, so
    Markdown shows them as typed and never as links, images or headings."""
    scope = _text(f"rel.scope.{info['scope_key']}", lang, year=int(info["year"]))
    errata = ""
    if info["status"] == "superseded":
        errata = _text("pkg.readme_errata", lang, errata=md_escape(info["errata"]), by=int(info["superseded_by"]))
    return {"id": int(info["release_id"]), "title": md_escape(info["title"]), "scope": scope,
            "decision": md_escape(info["decision"]),
            "decision_date": _day(info["decision_date"]), "date": _day(info["release_date"]),
            "status": _text(f"rel.status.{info['status']}", lang), "errata": errata}


def _day(value) -> str:
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _write_texts(folder: Path, info: dict, resources: list[dict]) -> None:
    files = ", ".join(f"`{r['path']}`" for r in resources)
    readme = "\n\n---\n\n".join(_text("pkg.readme", lang, files=files, **_release_facts(info, lang))
                                for lang in ("vi", "en"))
    (folder / "README.md").write_text(readme + "\n", encoding="utf-8")
    (folder / "METHOD.md").write_text(_both("pkg.method"), encoding="utf-8")
    (folder / "LICENCE.md").write_text(_both("pkg.licence", id=int(info["release_id"]),
                                             decision=md_escape(info["decision"])), encoding="utf-8")
    package = {
        "name": f"par-index-release-{int(info['release_id'])}",
        "title": info["title"],
        "description": _release_facts(info, "en")["scope"] + f", decision {info['decision']}",
        "version": str(int(info["release_id"])),
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "licenses": [LICENCE],
        "resources": resources,
        "release": {"id": int(info["release_id"]), "scope": info["scope"], "scope_key": info["scope_key"],
                    "year": int(info["year"]), "decision": info["decision"],
                    "decision_date": _day(info["decision_date"]), "release_date": _day(info["release_date"]),
                    "status": info["status"], "errata": info["errata"],
                    "superseded_by": None if pd.isna(info["superseded_by"]) else int(info["superseded_by"]),
                    "batches": _ids(info["batches"]), "baseline_batches": _ids(info["baseline_batches"])},
    }
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=1), encoding="utf-8")


def _ids(text) -> list[int]:
    return [int(x) for x in str(text).split(", ")] if isinstance(text, str) and text else []


def package_zip(con: duckdb.DuckDBPyConnection, release_id: int, lang: str = "vi") -> bytes:
    """The package of `release_id` as the bytes of a .zip file (the data page's download)."""
    with tempfile.TemporaryDirectory(prefix="par-release-") as work:
        folder = export_release(con, release_id, Path(work) / "package", lang)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, f"release-{release_id}/{path.name}")
        return buffer.getvalue()
