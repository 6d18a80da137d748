"""Synthetic demo data: seeded, reproducible, realistic in shape, and always loaded as source 'demo'.

Nothing here is a published figure. Every batch it writes has source 'demo', and the app marks
every view that includes it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

import duckdb
import numpy as np
import pandas as pd

from etl.batches import batch_transaction
from etl.codesystems import system_for
from etl.published import dataset_key
from etl.survey_stats.plan import SLOT_COLUMNS, survey_slots
from etl.survey_stats.store import refresh_batch, write_slots
from metrics.satisfaction.instrument import instrument_items

DEFAULT_SEED = 20251
PAR_YEARS = range(2021, 2026)
SIPAS_YEARS = range(2021, 2026)
FACILITY_YEARS = range(2023, 2026)
PLAN_YEARS = range(2022, 2027)
# Fixed, so the demo does not depend on the day it is built: nothing after this date is generated.
DEMO_AS_OF = date(2026, 10, 31)
SIPAS_PER_PROVINCE = 600
HEALTH_PER_FORM = 60
EDUCATION_PER_GROUP = 25

Progress = Callable[[str], None]


@dataclass
class DemoContext:
    """What the generator needs from the reference data already in the store."""

    units: pd.DataFrame
    lineage: pd.DataFrame
    criteria: pd.DataFrame
    frameworks: pd.DataFrame
    items: pd.DataFrame
    instruments: pd.DataFrame
    projects: pd.DataFrame

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection) -> "DemoContext":
        return cls(
            units=con.execute("SELECT * FROM unit WHERE assessed ORDER BY code_system, code").df(),
            lineage=con.execute("SELECT * FROM unit_lineage").df(),
            criteria=con.execute("SELECT * FROM framework_criterion ORDER BY framework_id, position").df(),
            frameworks=con.execute("SELECT * FROM framework").df(),
            items=con.execute("SELECT * FROM instrument_item ORDER BY instrument_id, position").df(),
            instruments=con.execute("SELECT * FROM instrument").df(),
            projects=con.execute("SELECT * FROM national_project ORDER BY project_no").df(),
        )

    def units_of(self, system: str) -> pd.DataFrame:
        return self.units[self.units["code_system"] == system].reset_index(drop=True)

    def framework_for(self, level: str, year: int) -> str:
        f = self.frameworks
        match = f[(f["level"] == level) & (f["first_year"] <= year) & (f["last_year"].isna() | (f["last_year"] >= year))]
        return match["framework_id"].iloc[0]


def unit_quality(ctx: DemoContext, rng: np.random.Generator) -> dict[tuple[str, str], float]:
    """A stable latent quality per unit; a new unit inherits the mean of its predecessors'."""
    quality = {}
    for system in ("vn63", "ministry-2021"):
        for code in ctx.units_of(system)["code"]:
            quality[(system, code)] = float(rng.normal(0, 1))
    for new_system in ("vn34", "ministry-2025"):
        for code in ctx.units_of(new_system)["code"]:
            preds = ctx.lineage[(ctx.lineage["to_system"] == new_system) & (ctx.lineage["to_code"] == code)]
            values = [quality[(r.from_system, r.from_code)] for r in preds.itertuples() if (r.from_system, r.from_code) in quality]
            quality[(new_system, code)] = float(np.mean(values)) if values else float(rng.normal(0, 1))
    return quality


def par_scores(ctx: DemoContext, rng: np.random.Generator, quality: dict, level: str, year: int) -> pd.DataFrame:
    """Criterion points for every assessed unit, both stages (self-assessment is a little generous)."""
    system = system_for(level, year=year)
    framework = ctx.framework_for(level, year)
    crit = ctx.criteria[ctx.criteria["framework_id"] == framework]
    units = ctx.units_of(system)
    base = 0.845 if level == "province" else 0.83
    field_effect = {f: rng.normal(0, 0.035) for f in crit["field_code"].unique()}
    rows = []
    for code in units["code"]:
        mean = base + 0.028 * quality[(system, code)] + 0.011 * (year - 2021) + rng.normal(0, 0.012)
        frac = mean + crit["field_code"].map(field_effect).to_numpy() + rng.normal(0, 0.07, len(crit))
        frac = np.clip(frac, 0.35, 1.0)
        appraised = np.round(frac * crit["max_points"].to_numpy(), 2)
        bonus = np.abs(rng.normal(0.04, 0.04, len(crit)))
        self_points = np.round(np.minimum(crit["max_points"].to_numpy(), appraised + bonus * crit["max_points"].to_numpy()), 2)
        for stage, points in (("appraised", appraised), ("self", self_points)):
            rows.append(pd.DataFrame({
                "year": year, "level": level, "stage": stage, "framework_id": framework, "unit_system": system,
                "unit_code": code, "criterion_code": crit["criterion_code"].to_numpy(), "points": points,
            }))
    return pd.concat(rows, ignore_index=True)


def _answers(rng: np.random.Generator, latent: np.ndarray, n_items: int, item_sd: float = 0.75) -> np.ndarray:
    """Likert answers 1..5 from each respondent's latent mean plus item noise."""
    item_effect = rng.normal(0, 0.15, n_items)
    raw = latent[:, None] + item_effect[None, :] + rng.normal(0, item_sd, (len(latent), n_items))
    return np.clip(np.rint(raw), 1, 5).astype(np.int16)


def _block(rng: np.random.Generator, n: int, survey: str, instrument: str, year: int, prefix: str,
           **fixed: object) -> dict[str, object]:
    """One block of n generated respondents: each column maps to its n values, or to one value for the whole
    block (`fixed`: the unit, facility, level, group). The random draws keep a fixed order: the seed fixes the
    data."""
    days = rng.integers(0, 200, n)
    return {
        "survey": survey, "instrument_id": instrument, "year": year,
        "respondent_id": np.array([f"{prefix}-{i:06d}" for i in range(1, n + 1)], dtype=object),
        "survey_date": np.datetime64(date(year, 4, 1), "D") + days.astype("timedelta64[D]"),
        "weight": None,
        "sex": rng.choice(["male", "female"], n),
        "age_group": rng.choice(["18-29", "30-44", "45-59", "60+"], n, p=[0.2, 0.35, 0.3, 0.15]),
        "channel": rng.choice(["in_person", "online", "post"], n, p=[0.6, 0.35, 0.05]),
        **fixed,
    }


def _respondent_frame(blocks: list[dict[str, object]]) -> pd.DataFrame:
    """The respondents of several blocks as one frame: each block maps a column to its n values or to one value
    for the whole block (built once: a frame per block cost most of the demo build's time)."""
    sizes = [len(b["respondent_id"]) for b in blocks]
    columns = {}
    for name in blocks[0]:
        parts = [np.asarray(b[name]) if np.ndim(b[name]) else
                 np.full(n, b[name], dtype=object if b[name] is None or isinstance(b[name], str) else None)
                 for b, n in zip(blocks, sizes)]
        whole = np.concatenate(parts)
        columns[name] = whole.astype(object) if whole.dtype.kind == "U" else whole
    frame = pd.DataFrame(columns)
    frame["survey_date"] = frame["survey_date"].dt.date.astype(object)
    return frame


def sipas_year(ctx: DemoContext, rng: np.random.Generator, quality: dict, year: int) -> pd.DataFrame:
    """Respondent rows (with each respondent's latent satisfaction) for one SIPAS year."""
    system = system_for("province", year=year)
    units = ctx.units_of(system)
    n = SIPAS_PER_PROVINCE
    blocks = []
    for code in units["code"]:
        block = _block(rng, n, "sipas", "sipas", year, f"S{year}-{system}-{code}", unit_system=system, unit_code=code)
        block["latent"] = 4.15 + 0.12 * quality[(system, code)] + 0.05 * (year - 2021) + rng.normal(0, 0.55, n)
        blocks.append(block)
    return _respondent_frame(blocks)


def facility_year(ctx: DemoContext, rng: np.random.Generator, quality: dict, survey: str, year: int) -> pd.DataFrame:
    """Respondents of health (hospital x form) or education (school x group) surveys for one year."""
    system = system_for("province", year=year)
    blocks = []
    for u in ctx.units_of(system).itertuples():
        q = quality[(system, u.code)]
        if survey == "health":
            specs = [(f"BV-{system}-{u.code}-{h}", f"Bệnh viện đa khoa {u.name_vi} số {h} (mô phỏng)", form, None, None,
                      HEALTH_PER_FORM) for h in (1, 2) for form in ("inpatient", "outpatient")]
        else:
            levels = ("primary", "lower_secondary", "upper_secondary")
            specs = [(f"TR-{system}-{u.code}-{i}", f"Trường {lvl.replace('_', ' ')} {u.name_vi} (mô phỏng)", "school",
                      lvl, group, EDUCATION_PER_GROUP) for i, lvl in enumerate(levels, 1) for group in ("parent", "learner")]
        for facility_id, name, form, level, group, n in specs:
            instrument = f"health-{form}" if survey == "health" else "education"
            block = _block(rng, n, survey, instrument, year, f"{facility_id}-{year}-{form}-{group or ''}",
                           unit_system=system, unit_code=u.code, facility_id=facility_id, facility_name=name,
                           school_level=level, respondent_group=group)
            block["latent"] = 4.1 + 0.1 * q + 0.04 * (year - 2023) + rng.normal(0, 0.5, n)
            blocks.append(block)
    return _respondent_frame(blocks)


def write_survey(writer, con: duckdb.DuckDBPyConnection, rng: np.random.Generator, ctx: DemoContext,
                 respondents: pd.DataFrame) -> None:
    """Insert respondents, their facilities and their answers (generated per instrument, stored compactly in the
    survey's slot layout) under one batch, then the batch's sufficient statistics."""
    start = con.execute("SELECT coalesce(max(respondent_key), 0) + 1 FROM survey_respondent").fetchall()[0][0]
    respondents = respondents.assign(respondent_key=np.arange(start, start + len(respondents), dtype=np.int64))
    survey = respondents["survey"].iloc[0]
    if "facility_id" in respondents:
        kind = "hospital" if survey == "health" else "school"
        known = set(con.execute("SELECT facility_id FROM facility").df()["facility_id"])
        fac = respondents.drop_duplicates("facility_id")[["facility_id", "facility_name", "unit_system", "unit_code"]]
        fac = fac[~fac["facility_id"].isin(known)].rename(columns={"facility_name": "name"})
        writer.insert("facility", fac.assign(facility_type=kind), count=False)
    slots = survey_slots(instrument_items(con, survey))
    n = len(respondents)
    answers = {column: pd.arrays.IntegerArray(np.zeros(n, dtype=np.int16), np.ones(n, dtype=bool))
               for column in SLOT_COLUMNS[:len(slots)]}
    for instrument, block in respondents.groupby("instrument_id", sort=True):
        items = ctx.items[ctx.items["instrument_id"] == instrument]
        likert = items[items["item_kind"] == "likert"]["item_code"].tolist()
        values = _answers(rng, block["latent"].to_numpy(), len(likert))
        na_code = ctx.instruments.set_index("instrument_id").loc[instrument, "na_code"]
        if pd.notna(na_code):  # health forms: some answers are "did not use / no opinion"
            values[rng.random(values.shape) < 0.04] = int(na_code)
        codes = likert
        if (items["item_kind"] == "percent").any():
            pct = np.clip(np.rint(block["latent"].to_numpy() * 22 + rng.normal(0, 8, len(block))), 0, 200)
            values = np.column_stack([values, pct.astype(np.int16)])
            codes = likert + items[items["item_kind"] == "percent"]["item_code"].tolist()
        rows = respondents.index.get_indexer(block.index)
        for j, code in enumerate(codes):
            answers[SLOT_COLUMNS[slots.index(code)]][rows] = values[:, j]
    columns = ["respondent_key", "survey", "instrument_id", "year", "respondent_id", "survey_date", "unit_system",
               "unit_code", "weight", "sex", "age_group", "channel"]
    columns += [c for c in ("facility_id", "school_level", "respondent_group") if c in respondents]
    writer.insert("survey_respondent", pd.concat([respondents[columns].reset_index(drop=True),
                                                  pd.DataFrame(answers)], axis=1))
    write_slots(con, writer.batch_id, slots)
    refresh_batch(con, writer.batch_id)


PROJECT_STATUSES = ("not_started", "researching", "drafting", "submitted", "approved", "implementing", "completed")


def project_updates(ctx: DemoContext, rng: np.random.Generator) -> pd.DataFrame:
    """A few progress reports per national project, moving forward in time and status."""
    rows = []
    for p in ctx.projects.itertuples():
        deadline = int(p.deadline_year) if not pd.isna(p.deadline_year) else 2030
        speed = rng.uniform(0.6, 1.3)
        day = date(2021, 9, 30)
        stage, pct = 1, 0.0
        while day <= DEMO_AS_OF:
            pct = min(100.0, pct + rng.uniform(8, 22) * speed)
            stage = min(len(PROJECT_STATUSES) - 1, max(stage, int(pct / 100 * (len(PROJECT_STATUSES) - 1))))
            status = PROJECT_STATUSES[stage]
            approved = status in ("approved", "implementing", "completed")
            rows.append({
                "project_no": p.project_no, "report_date": day, "status": status, "percent_complete": round(pct, 0),
                "decision_no": f"{100 + p.project_no * 7}/QĐ-TTg (mô phỏng)" if approved else None,
                "decision_date": day - timedelta(days=20) if approved else None,
                "note": "Dữ liệu mô phỏng",
            })
            if status == "completed" or (deadline < 2030 and day.year > deadline + 1 and rng.random() < 0.4):
                break
            day = day + timedelta(days=int(rng.integers(150, 260)))
    return pd.DataFrame(rows)


REPORT_DUE = (("Q1", 3, 15), ("H1", 6, 15), ("Q3", 9, 15), ("Y", 12, 15))
CONTENTS = ("institutional", "procedures", "apparatus", "civil_service", "public_finance", "digital")


TASK_OUTPUTS = ("Quyết định", "Báo cáo", "Kế hoạch", "Hệ thống phần mềm", "Đề án", "Văn bản hướng dẫn")


def plan_tasks(rng: np.random.Generator, system: str, code: str, year: int) -> list[dict]:
    """A plan's tasks in the shape of Appendix 1: content, output, lead unit, deadline, then progress."""
    tasks = []
    for number in range(1, int(rng.integers(4, 9)) + 1):
        content = CONTENTS[int(rng.integers(0, len(CONTENTS)))]
        deadline = date(year, int(rng.integers(3, 13)), 28) if rng.random() > 0.08 else None
        done = rng.random() < 0.75
        completed = None
        if done and deadline is not None:
            completed = deadline + timedelta(days=int(rng.integers(-60, 40)))
        if completed is not None and completed > DEMO_AS_OF:
            completed, done = None, False
        tasks.append({"unit_system": system, "unit_code": code, "year": year, "task_no": f"{number}",
                      "content_area": content, "task": f"Nhiệm vụ {number} (mô phỏng)",
                      "expected_output": TASK_OUTPUTS[int(rng.integers(0, len(TASK_OUTPUTS)))] if rng.random() > 0.1 else None,
                      "lead_unit": "Sở Nội vụ (mô phỏng)", "deadline": deadline,
                      "status": "completed" if done else ("in_progress" if rng.random() < 0.7 else "not_started"),
                      "completed_date": completed})
    return tasks


def plans_and_reports(ctx: DemoContext, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Annual plans (due 25 December of the year before) with their tasks, and periodic reports, each
    by the unit in force on its due date."""
    plans, reports, tasks = [], [], []
    for level in ("province", "ministry"):
        for year in PLAN_YEARS:
            due = date(year - 1, 12, 25)
            if due > DEMO_AS_OF:
                continue
            system = system_for(level, on_date=due)
            for code in ctx.units_of(system)["code"]:
                late = rng.random() < 0.15
                issued = due + timedelta(days=int(rng.integers(1, 40))) if late else due - timedelta(days=int(rng.integers(0, 30)))
                covers = rng.random(len(CONTENTS)) > 0.06
                plans.append({"unit_system": system, "unit_code": code, "year": year, "issued_date": issued,
                              "plan_number": f"{int(rng.integers(10, 400))}/KH (mô phỏng)",
                              **{f"covers_{c}": bool(v) for c, v in zip(CONTENTS, covers)}})
                tasks += plan_tasks(rng, system, code, year)
            for period, month, day in REPORT_DUE:
                due_r = date(year, month, day)
                if due_r > DEMO_AS_OF:
                    continue
                r_system = system_for(level, on_date=due_r)
                for code in ctx.units_of(r_system)["code"]:
                    roll = rng.random()
                    submitted = None if roll < 0.03 else due_r + timedelta(
                        days=int(rng.integers(1, 25)) if roll < 0.2 else -int(rng.integers(0, 10)))
                    reports.append({"unit_system": r_system, "unit_code": code, "year": year, "period": period,
                                    "due_date": due_r, "submitted_date": submitted})
    return pd.DataFrame(plans), pd.DataFrame(reports), pd.DataFrame(tasks)


def load_demo(con: duckdb.DuckDBPyConnection, *, seed: int = DEFAULT_SEED, progress: Progress | None = None) -> dict[str, int]:
    """Generate and load every demo dataset, one batch (one transaction) each. Returns rows per batch kind."""
    say = progress or (lambda _msg: None)
    rng = np.random.default_rng(seed)
    ctx = DemoContext.read(con)
    quality = unit_quality(ctx, rng)
    counts: dict[str, int] = {}

    def batch(kind: str, note: str, key: str | None = None):
        return batch_transaction(con, kind=kind, source="demo", file_name=f"demo (seed {seed})",
                                 dataset_key=key, user="build", note=note)

    for level in ("province", "ministry"):
        for year in PAR_YEARS:
            say(f"demo PAR scores {level} {year}")
            frame = par_scores(ctx, rng, quality, level, year)
            for stage, part in frame.groupby("stage"):
                with batch("par-scores", f"demo criterion scores, {level} {year}, {stage}",
                           dataset_key(year, level, stage, "demo")) as writer:
                    writer.insert("par_score", part)
                    counts["par-scores"] = counts.get("par-scores", 0) + writer.rows
    for year in SIPAS_YEARS:
        say(f"demo SIPAS {year}")
        with batch("sipas", f"demo SIPAS survey {year}") as writer:
            write_survey(writer, con, rng, ctx, sipas_year(ctx, rng, quality, year))
            counts["sipas"] = counts.get("sipas", 0) + writer.rows
    for survey in ("health", "education"):
        for year in FACILITY_YEARS:
            say(f"demo {survey} {year}")
            with batch(survey, f"demo {survey} survey {year}") as writer:
                write_survey(writer, con, rng, ctx, facility_year(ctx, rng, quality, survey, year))
                counts[survey] = counts.get(survey, 0) + writer.rows
    say("demo projects, plans and reports")
    with batch("projects", "demo progress updates of the 16 national projects") as writer:
        writer.insert("project_update", project_updates(ctx, rng))
        counts["projects"] = writer.rows
    plans, reports, tasks = plans_and_reports(ctx, rng)
    with batch("plans", "demo annual PAR plans, their tasks and report submissions") as writer:
        writer.insert("par_plan", plans)
        writer.insert("plan_report", reports)
        writer.insert("plan_task", tasks)
        counts["plans"] = writer.rows
    return counts
