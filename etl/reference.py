"""Reference data from data/: units and their lineage, frameworks, instruments, the 16 projects."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from etl.batches import batch_transaction, file_sha256
from etl.codesystems import MINISTRY_SWITCH, PROVINCE_SWITCH, SYSTEMS
from etl.data_yaml import read_yaml
from etl.marks import MarkError, read_mark, wording_source
from etl.names import name_key, strip_diacritics
from etl.paths import DATA_DIR
from etl.rules import save_rule_set

REFERENCE = DATA_DIR / "reference"
UNITS = DATA_DIR / "units"
CENTRAL_CITIES_VN63 = {"01", "31", "48", "79", "92"}
PROVINCE_MERGER_ACT = "Nghị quyết 202/2025/QH15"
MINISTRY_MERGER_ACT = "Nghị quyết 176/2025/QH15"
ROADMAP = "Thực hiện theo lộ trình"


class ReferenceError(Exception):
    """The reference files under data/ are inconsistent; the message names the file and the problem."""


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False).apply(lambda s: s.str.strip())


def _day_before(d: date) -> date:
    return date.fromordinal(d.toordinal() - 1)


def province_units() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(units, names, lineage) for vn63 and vn34 from the reference CSVs."""
    regions = _csv(REFERENCE / "provinces_vn63_regions.csv")
    merger = _csv(REFERENCE / "province_merger_2025.csv")
    vn34 = _csv(UNITS / "provinces_vn34.csv")
    history = _csv(UNITS / "name_history.csv")
    aliases = _csv(UNITS / "aliases.csv")
    if len(regions) != 63 or regions["code"].duplicated().any():
        raise ReferenceError("provinces_vn63_regions.csv must list 63 distinct provinces")
    if sorted(merger["old_code"]) != sorted(regions["code"]):
        raise ReferenceError("province_merger_2025.csv must map exactly the 63 provinces")
    if sorted(set(merger["new_code"])) != sorted(vn34["code"]):
        raise ReferenceError("provinces_vn34.csv codes must equal the new codes of province_merger_2025.csv")
    old_end = _day_before(PROVINCE_SWITCH)
    # One English spelling per name: a province whose Vietnamese name the 34-province list also has (Hà Nội,
    # Hải Phòng, Hồ Chí Minh, ...) takes that list's English name (Hanoi, Haiphong, Ho Chi Minh City); the others
    # are written without diacritics.
    english_of = dict(zip(vn34["name"], vn34["name_en"]))
    units_63 = pd.DataFrame({
        "code_system": "vn63", "code": regions["code"], "name_vi": regions["name"],
        "name_en": [english_of.get(name) or strip_diacritics(name) for name in regions["name"]],
        "kind": regions["code"].map(lambda c: "city" if c in CENTRAL_CITIES_VN63 else "province"),
        "region": regions["region"], "assessed": True, "valid_from": None, "valid_to": old_end,
    })
    region_of = dict(zip(regions["code"], regions["region"]))
    merged_regions = merger.assign(region=merger["old_code"].map(region_of)).groupby("new_code")["region"]
    # A new province keeps a region only when all its predecessors were in the same one.
    region_34 = merged_regions.agg(lambda s: s.iloc[0] if s.nunique() == 1 else None)
    units_34 = pd.DataFrame({
        "code_system": "vn34", "code": vn34["code"], "name_vi": vn34["name"], "name_en": vn34["name_en"],
        "kind": vn34["kind"], "region": vn34["code"].map(region_34), "assessed": True,
        "valid_from": PROVINCE_SWITCH, "valid_to": None,
    })
    units = pd.concat([units_63, units_34], ignore_index=True)

    names = []
    renamed = {(r.code_system, r.code) for r in history.itertuples()}
    for u in units.itertuples():
        # A renamed unit's names (and their diacritic-free English forms) come from name_history.csv only,
        # so an old name stops resolving when it stopped being valid.
        if (u.code_system, u.code) not in renamed:
            names.append((u.code_system, u.code, u.name_vi, u.valid_from, u.valid_to, True, None))
            names.append((u.code_system, u.code, u.name_en, u.valid_from, u.valid_to, False, "English"))
    for h in history.itertuples():
        names.append((h.code_system, h.code, h.name, h.valid_from or None, h.valid_to or None, True, h.note))
        names.append((h.code_system, h.code, strip_diacritics(h.name), h.valid_from or None, h.valid_to or None,
                      False, "English"))
    for a in aliases[aliases["code_system"].isin(["vn63", "vn34"])].itertuples():
        span = units.loc[(units.code_system == a.code_system) & (units.code == a.code), ["valid_from", "valid_to"]]
        if span.empty:
            raise ReferenceError(f"aliases.csv: unknown unit {a.code_system}:{a.code}")
        # An alias is valid as long as its unit unless the file narrows it (aliases of a former name).
        names.append((a.code_system, a.code, a.alias, a.valid_from or span.iloc[0, 0], a.valid_to or span.iloc[0, 1],
                      False, a.note))

    predecessors = merger.groupby("new_code")["old_code"].count()
    lineage = pd.DataFrame({
        "from_system": "vn63", "from_code": merger["old_code"], "to_system": "vn34", "to_code": merger["new_code"],
        "effective_date": PROVINCE_SWITCH, "legal_act": PROVINCE_MERGER_ACT,
        "relation": merger["new_code"].map(lambda c: "continued" if predecessors[c] == 1 else "merged_into"),
        "note": merger["note"].replace("", None),
    })
    return units, _names_frame(names), lineage


def ministry_units() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(units, names, lineage) for ministry-2021 and ministry-2025 from ministries_2021_2025.csv."""
    table = _csv(REFERENCE / "ministries_2021_2025.csv")
    assessed_2023 = _csv(REFERENCE / "par_index_ministries_2023.csv")
    aliases = _csv(UNITS / "aliases.csv")
    before = table[~table["in_government"].str.startswith("from")]
    after = table[~table["in_government"].str.startswith("until")]
    code_2025 = dict(zip(after["name_vi"], after["code"]))
    assessed_keys = {name_key(n) for n in assessed_2023["ministry"]}
    assessed_old = {c for c, n in zip(before["code"], before["name_vi"]) if name_key(n) in assessed_keys}
    if len(assessed_old) != 17:
        raise ReferenceError("par_index_ministries_2023.csv must name the 17 assessed ministries")
    successor = {}
    for r in before.itertuples():
        if r.successor_from_2025_03_01 not in code_2025:
            raise ReferenceError(f"ministries_2021_2025.csv: successor of {r.code} is not a 2025 ministry")
        successor[r.code] = code_2025[r.successor_from_2025_03_01]
    assessed_new = {successor[c] for c in assessed_old}

    def frame(rows: pd.DataFrame, system: str, assessed: set, valid_from, valid_to) -> pd.DataFrame:
        return pd.DataFrame({
            "code_system": system, "code": rows["code"], "name_vi": rows["name_vi"], "name_en": rows["name_en"],
            "kind": rows["kind"].map(lambda k: "agency" if "agency" in k else "ministry"),
            "region": None, "assessed": rows["code"].isin(assessed), "valid_from": valid_from, "valid_to": valid_to,
        })

    units = pd.concat([
        frame(before, "ministry-2021", assessed_old, None, _day_before(MINISTRY_SWITCH)),
        frame(after, "ministry-2025", assessed_new, MINISTRY_SWITCH, None),
    ], ignore_index=True)
    names = []
    for u in units.itertuples():
        names.append((u.code_system, u.code, u.name_vi, u.valid_from, u.valid_to, True, None))
        names.append((u.code_system, u.code, u.name_en, u.valid_from, u.valid_to, False, "English"))
    for a in aliases[aliases["code_system"].str.startswith("ministry")].itertuples():
        match = units[(units.code_system == a.code_system) & (units.code == a.code)]
        if match.empty:
            raise ReferenceError(f"aliases.csv: unknown unit {a.code_system}:{a.code}")
        names.append((a.code_system, a.code, a.alias, a.valid_from or match.iloc[0]["valid_from"],
                      a.valid_to or match.iloc[0]["valid_to"], False, a.note))
    # Labour, Invalids and Social Affairs and the Ethnic Minority Committee were split: "main successor".
    split = {"BLDTBXH", "UBDT"}
    merged_count = pd.Series(successor).value_counts()
    lineage = pd.DataFrame([
        {"from_system": "ministry-2021", "from_code": old, "to_system": "ministry-2025", "to_code": new,
         "effective_date": MINISTRY_SWITCH, "legal_act": MINISTRY_MERGER_ACT,
         "relation": "main_successor" if old in split else ("continued" if merged_count[new] == 1 else "merged_into"),
         "note": "functions split; main successor given" if old in split else None}
        for old, new in successor.items()
    ])
    return units, _names_frame(names), lineage


def _names_frame(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["code_system", "code", "name", "valid_from", "valid_to", "is_official", "note"])
    frame["name_key"] = frame["name"].map(name_key)
    for col in ("valid_from", "valid_to"):
        frame[col] = pd.to_datetime(frame[col].replace("", None)).dt.date
    return frame.drop_duplicates(subset=["code_system", "code", "name", "valid_from", "valid_to"])


def code_systems() -> pd.DataFrame:
    return pd.DataFrame([
        {"code_system": k, "unit_level": v[0], "valid_from": v[1], "valid_to": v[2], "name_vi": v[3], "name_en": v[4]}
        for k, v in SYSTEMS.items()
    ])


def read_framework(path: Path) -> dict:
    """A framework YAML, checked: fields, criteria, components and points add up."""
    doc = read_yaml(path)
    where = path.name
    # framework_field and framework_band have no key: a code written twice would be two rows, and scoring would
    # count a field's maximum, or the groups a band, twice
    for kind, entries, key in (("field", doc["fields"], "code"), ("band", doc["bands"], "group")):
        written = [str(e[key]) for e in entries]
        twice = sorted({c for c in written if written.count(c) > 1})
        if twice:
            raise ReferenceError(f"{where}: {kind} {', '.join(twice)} {'is' if len(twice) == 1 else 'are'} listed "
                                 "more than once")
    fields = {str(f["code"]): f for f in doc["fields"]}
    for c in doc["criteria"]:
        if str(c["field"]) not in fields:
            raise ReferenceError(f"{where}: criterion {c['code']} names unknown field {c['field']}")
        if c["component"] not in ("appraisal", "survey") or float(c["max_points"]) <= 0:
            raise ReferenceError(f"{where}: criterion {c['code']} needs component appraisal|survey and points > 0")
    for code, f in fields.items():
        total = sum(float(c["max_points"]) for c in doc["criteria"] if str(c["field"]) == code)
        if abs(total - float(f["max_points"])) > 1e-6:
            raise ReferenceError(f"{where}: field {code} max {f['max_points']} != sum of its criteria {total}")
    for component in ("appraisal", "survey"):
        total = sum(float(c["max_points"]) for c in doc["criteria"] if c["component"] == component)
        if abs(total - float(doc[f"{component}_max"])) > 1e-6:
            raise ReferenceError(f"{where}: {component}_max {doc[f'{component}_max']} != sum of criteria {total}")
    codes = [str(c["code"]) for c in doc["criteria"]]
    if len(codes) != len(set(codes)):
        raise ReferenceError(f"{where}: duplicate criterion codes")
    _check_survey_kinds(doc, where)
    _check_marks(doc, where)
    return doc


SURVEY_KINDS = {"sipas": "sipas", "leaders": "leaders_survey"}   # survey_kind -> its part in `components`


def _check_survey_kinds(doc: dict, where: str) -> None:
    """`survey_kind` (sipas | leaders) says which survey a survey criterion's points come from: on every survey
    criterion or on none, never on an appraisal one; with a four-part breakdown the kinds add up to its parts."""
    survey = [c for c in doc["criteria"] if c["component"] == "survey"]
    for c in doc["criteria"]:
        kind = c.get("survey_kind")
        if kind is not None and (c["component"] != "survey" or kind not in SURVEY_KINDS):
            raise ReferenceError(f"{where}: criterion {c['code']}: survey_kind must be sipas|leaders, on a survey "
                                 "criterion only")
    kinds = [c.get("survey_kind") for c in survey]
    if not any(kinds):
        return
    if not all(kinds):
        raise ReferenceError(f"{where}: survey_kind is on some survey criteria only: it needs every one or none")
    parts = {c["code"]: float(c["max_points"]) for c in doc.get("components") or []}
    for kind, part in SURVEY_KINDS.items():
        total = sum(float(c["max_points"]) for c in survey if c["survey_kind"] == kind)
        if part in parts and abs(total - parts[part]) > 1e-6:
            raise ReferenceError(f"{where}: the {kind} criteria add up to {total:g}, not the {parts[part]:g} of "
                                 f"component {part}")


def _check_marks(doc: dict, where: str) -> None:
    """Every number and name of a framework says whether it is official (and from where) or illustrative."""
    sources = doc.get("sources") or {}
    try:
        for key in ("appraisal_max", "survey_max"):
            read_mark(doc.get(f"{key}_basis"), sources, f"{where}: {key}")
        for name, fact in (doc.get("counts") or {}).items():
            read_mark(fact.get("basis"), sources, f"{where}: count of {name}")
        for kind, items in (("field", doc["fields"]), ("criterion", doc["criteria"])):
            for item in items:
                read_mark(item.get("name_basis"), sources, f"{where}: {kind} {item['code']} name")
                read_mark(item.get("points_basis"), sources, f"{where}: {kind} {item['code']} max_points")
                if item.get("survey_kind"):
                    read_mark(item.get("survey_kind_basis"), sources, f"{where}: {kind} {item['code']} survey_kind")
        components = doc.get("components") or []
        for c in components:
            read_mark(c.get("basis"), sources, f"{where}: component {c['code']}")
            if c.get("part") not in ("appraisal", "survey") or float(c["max_points"]) <= 0:
                raise ReferenceError(f"{where}: component {c['code']} needs part appraisal|survey and points > 0")
        if components and abs(sum(float(c["max_points"]) for c in components) - 100) > 1e-6:
            raise ReferenceError(f"{where}: the components' maxima must add up to 100")
    except MarkError as exc:
        raise ReferenceError(str(exc)) from exc


def _marked(item: dict, key: str, sources: dict) -> dict:
    mark = read_mark(item.get(key), sources, key)
    return {"official": mark.official, "source": mark.text}


def framework_frames(doc: dict) -> dict[str, pd.DataFrame]:
    fid = doc["id"]
    sources = doc.get("sources") or {}
    facts = [{"framework_id": fid, "fact": key, "value": float(doc[key]), "note": None,
              **_marked(doc, f"{key}_basis", sources)} for key in ("appraisal_max", "survey_max")]
    facts += [{"framework_id": fid, "fact": f"count_{name}", "value": float(fact["value"]), "note": None,
               **_marked(fact, "basis", sources)} for name, fact in (doc.get("counts") or {}).items()]
    return {
        "framework": pd.DataFrame([{
            "framework_id": fid, "level": doc["level"], "first_year": doc["first_year"],
            "last_year": doc.get("last_year"), "decision": doc.get("decision"), "title_vi": doc["title_vi"],
            "title_en": doc["title_en"], "appraisal_max": doc["appraisal_max"], "survey_max": doc["survey_max"],
            "points_illustrative": bool(doc.get("points_illustrative", False)),
            "known_facts": doc.get("known_facts"), "note": doc.get("note"),
        }]),
        "framework_band": pd.DataFrame([
            {"framework_id": fid, "group_code": b["group"], "min_index": float(b["min_index"]),
             "label_vi": b["label_vi"], "label_en": b["label_en"]} for b in doc["bands"]
        ]),
        "framework_field": pd.DataFrame([
            {"framework_id": fid, "field_code": str(f["code"]), "name_vi": f["name_vi"], "name_en": f["name_en"],
             "max_points": float(f["max_points"]), "position": i} for i, f in enumerate(doc["fields"], 1)
        ]),
        "framework_criterion": pd.DataFrame([
            {"framework_id": fid, "criterion_code": str(c["code"]), "field_code": str(c["field"]),
             "parent_code": c.get("parent"), "component": c["component"], "name_vi": c["name_vi"],
             "name_en": c["name_en"], "max_points": float(c["max_points"]), "position": i,
             "survey_kind": c.get("survey_kind")}
            for i, c in enumerate(doc["criteria"], 1)
        ]),
        "content_mark": pd.DataFrame([
            {"content": "framework", "content_id": fid, "item_kind": kind, "item_code": str(entry["code"]),
             "aspect": aspect, **_marked(entry, key, sources)}
            for kind, entries in (("field", doc["fields"]), ("criterion", doc["criteria"]))
            for entry in entries for aspect, key in (("name", "name_basis"), ("max_points", "points_basis"),
                                                     ("survey_kind", "survey_kind_basis"))
            if aspect != "survey_kind" or entry.get("survey_kind")
        ]),
        "framework_component": pd.DataFrame([
            {"framework_id": fid, "component": c["code"], "part": c["part"], "name_vi": c["name_vi"],
             "name_en": c["name_en"], "max_points": float(c["max_points"]), "position": i,
             **_marked(c, "basis", sources)}
            for i, c in enumerate(doc.get("components") or [], 1)
        ]),
        "framework_fact": pd.DataFrame(facts),
    }


def read_instrument(path: Path) -> dict:
    """An instrument YAML, checked: items name known dimensions; every dimension name, item wording and
    structure entry is marked official (with its source) or illustrative."""
    doc = read_yaml(path)
    dims = {d["code"] for d in doc["dimensions"]}
    sources = doc.get("sources") or {}
    try:
        for d in doc["dimensions"]:
            read_mark(d.get("name_basis"), sources, f"{path.name}: dimension {d['code']} name")
        for item in doc["items"]:
            if item["dimension"] not in dims:
                raise ReferenceError(f"{path.name}: item {item['code']} names unknown dimension {item['dimension']}")
            read_mark(item.get("wording_basis"), sources, f"{path.name}: item {item['code']} wording")
        for part, entries in (doc.get("structure") or {}).items():
            for i, entry in enumerate(entries, 1):
                read_mark(entry.get("basis"), sources, f"{path.name}: structure {part} {i}")
    except MarkError as exc:
        raise ReferenceError(str(exc)) from exc
    return doc


def instrument_frames(path: Path) -> dict[str, pd.DataFrame]:
    doc = read_instrument(path)
    scale = doc["scale"]
    sources = doc.get("sources") or {}
    return {
        "instrument": pd.DataFrame([{
            "instrument_id": doc["id"], "survey": doc["survey"], "form": doc["form"], "title_vi": doc["title_vi"],
            "title_en": doc["title_en"], "method": doc.get("method"), "scale_min": scale["min"],
            "scale_max": scale["max"], "satisfied_min": scale["satisfied_min"], "na_code": doc.get("na_code"),
        }]),
        "instrument_dimension": pd.DataFrame([
            {"instrument_id": doc["id"], "dimension_code": d["code"], "part": d["part"], "name_vi": d["name_vi"],
             "name_en": d["name_en"], "position": i} for i, d in enumerate(doc["dimensions"], 1)
        ]),
        "instrument_item": pd.DataFrame([
            {"instrument_id": doc["id"], "item_code": it["code"], "dimension_code": it["dimension"],
             "item_kind": it.get("kind", "likert"), "value_min": it.get("min", scale["min"]),
             "value_max": it.get("max", scale["max"]), "wording_vi": it.get("wording_vi"),
             "wording_en": it.get("wording_en"), "wording_source": wording_source(it, sources), "position": i}
            for i, it in enumerate(doc["items"], 1)
        ]),
        "content_mark": pd.DataFrame(
            [{"content": "instrument", "content_id": doc["id"], "item_kind": "dimension", "item_code": d["code"],
              "aspect": "name", **_marked(d, "name_basis", sources)} for d in doc["dimensions"]]
            + [{"content": "instrument", "content_id": doc["id"], "item_kind": "item", "item_code": str(it["code"]),
                "aspect": "wording", **_marked(it, "wording_basis", sources)} for it in doc["items"]]),
    }


def national_projects(ministry_names: pd.DataFrame) -> pd.DataFrame:
    """The 16 projects of Appendix 2, lead agency resolved to a ministry-2021 code where it is one."""
    table = _csv(REFERENCE / "national_projects_2021_2030.csv")
    keys = ministry_names[ministry_names["code_system"] == "ministry-2021"]
    by_key = dict(zip(keys["name_key"], keys["code"]))
    roadmap = table["deadline"] == ROADMAP
    return pd.DataFrame({
        "project_no": table["no"].astype(int), "name_vi": table["name_vi"], "lead_agency_vi": table["lead_agency_vi"],
        "lead_system": table["lead_agency_vi"].map(lambda n: "ministry-2021" if name_key(n) in by_key else None),
        "lead_code": table["lead_agency_vi"].map(lambda n: by_key.get(name_key(n))),
        "deadline_year": pd.to_numeric(table["deadline"].where(~roadmap), errors="coerce").astype("Int64"),
        "on_roadmap": roadmap, "source": table["source"],
    })


def load_reference(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Load every reference table, one batch per source file group. Returns rows per group."""
    counts = {}
    con.register("_systems", code_systems())
    con.execute("INSERT INTO code_system BY NAME SELECT * FROM _systems")
    con.unregister("_systems")

    p_units, p_names, p_lineage = province_units()
    m_units, m_names, m_lineage = ministry_units()
    groups = [
        ("units-provinces", ["provinces_vn63_regions.csv", "province_merger_2025.csv"],
         {"unit": p_units, "unit_name": p_names, "unit_lineage": p_lineage}),
        ("units-ministries", ["ministries_2021_2025.csv"],
         {"unit": m_units, "unit_name": m_names, "unit_lineage": m_lineage}),
    ]
    for path in sorted((DATA_DIR / "frameworks").glob("*.yaml")):
        groups.append((f"framework:{path.stem}", [f"../frameworks/{path.name}"], framework_frames(read_framework(path))))
    for path in sorted((DATA_DIR / "instruments").glob("*.yaml")):
        groups.append((f"instrument:{path.stem}", [f"../instruments/{path.name}"], instrument_frames(path)))
    groups.append(("national-projects", ["national_projects_2021_2030.csv"],
                   {"national_project": national_projects(m_names)}))
    for kind, files, frames in groups:
        paths = [(REFERENCE / f).resolve() for f in files]
        with batch_transaction(
            con, kind=kind, source="reference", file_name=", ".join(p.name for p in paths),
            sha256=file_sha256(paths[0]), user="build",
        ) as writer:
            for table, frame in frames.items():
                writer.insert(table, frame)
            counts[kind] = writer.rows
    for path in sorted((DATA_DIR / "rules").glob("*.yaml")):
        save_rule_set(con, path.read_text("utf-8"), file_name=f"rules/{path.name}", source="reference", user="build")
        counts[f"rules:{path.stem}"] = 1
    return counts
