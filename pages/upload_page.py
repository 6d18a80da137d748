"""Analysts load a file: options, the all-or-nothing check, the full problem report, templates."""
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from etl.access import AccessDenied
from etl.load import DEFAULT_MAX_BYTES, KindNotAvailable, load_file
from etl.loaders import OptionError, SURVEY_KINDS
from etl.problems import LoadRejected, report_rows
from etl.templates import template_csv, template_xlsx
from metrics.provenance import batches
from ui.auth import actor
from ui.export import problems_csv
from ui.i18n import t
from ui.state import filters
from ui.store import db_path, fetch
from ui.tables import show_table
from ui.text import md_escape


def report_table(problems, lang: str) -> pd.DataFrame:
    """The problem report with headers in the reader's language."""
    frame = pd.DataFrame(report_rows(problems, lang))
    if "severity" in frame:
        frame["severity"] = frame["severity"].map(lambda s: t(f"report.severity.{s}", lang))
    return frame.rename(columns={c: t(f"report.{c}", lang) for c in frame.columns})


def step_label(step: str, lang: str) -> str:
    """A loader's progress step code ('detecting', 'checking', ...) in the reader's language; an unknown code as
    written rather than a crash mid-load."""
    try:
        return t(f"upload.step.{step}", lang)
    except KeyError:
        return step


UPLOAD_MB = DEFAULT_MAX_BYTES // (1024 * 1024)
KINDS = ("par-scores", "par-totals", "sipas", "health", "education", "plans", "projects", "population")
LEVELS = ("province", "ministry", "department", "district", "commune")

lang = filters().lang
st.title(t("upload.title", lang))
if not actor().can("load"):
    st.error(t("auth.denied", lang))
    st.stop()
st.caption(t("upload.intro", lang))
kind = st.selectbox(t("upload.kind", lang), KINDS, format_func=lambda k: t(f"upload.kind.{k}", lang), key="upload_kind")
if kind in SURVEY_KINDS:
    left, right, _ = st.columns([1, 1, 3])
    left.download_button(t("upload.template_csv", lang), template_csv(None, kind), file_name=f"mau_{kind}.csv",
                         mime="text/csv")
    right.download_button(t("upload.template_xlsx", lang), template_xlsx(None, kind), file_name=f"mau_{kind}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
options: dict = {}
with st.form("upload"):
    if kind.startswith("par-"):
        left, middle, right = st.columns(3)
        options["year"] = left.number_input(t("upload.year", lang), min_value=2012, max_value=2100,
                                            value=filters().year or 2025, step=1)
        levels = LEVELS if kind == "par-scores" else LEVELS[:2]
        options["level"] = middle.selectbox(t("upload.level", lang), levels, format_func=lambda v: t(f"level.{v}", lang))
        options["stage"] = right.selectbox(t("upload.stage", lang), ("appraised", "self"),
                                           format_func=lambda v: t(f"upload.stage.{v}", lang))
        if kind == "par-scores":
            options["parent"] = st.text_input(t("upload.parent", lang)) or None
            options["allow_incomplete"] = st.checkbox(t("upload.allow_incomplete", lang))
            options["create_units"] = st.checkbox(t("upload.create_units", lang))
        options["replace"] = st.checkbox(t("upload.replace", lang))
    if kind in SURVEY_KINDS:
        year = st.number_input(t("upload.survey_year", lang), min_value=0, max_value=2100, value=0, step=1,
                               help=t("upload.survey_year_help", lang))
        options["year"] = int(year) or None
        options["keep_valid"] = st.checkbox(t("upload.keep_valid", lang))
        current = fetch(batches)
        mine = current[current["kind"] == kind]
        replace = st.selectbox(t("upload.replace_batch", lang), [None] + mine["batch_id"].tolist(),
                               format_func=lambda b: "—" if b is None else
                               f"{b} · {mine.set_index('batch_id').loc[b, 'file_name']}")
        options["replace_batch"] = replace
    # Streamlit 1.67 draws the uploader's own words ('Drag and drop', 'Upload', 'Limit … per file') in English
    # with no setting to change them: the caption says the same in the reader's language, and the widget's limit
    # is the loaders' own, so the two never disagree.
    st.caption(t("upload.size_note", lang, mb=UPLOAD_MB))
    uploaded = st.file_uploader(t("upload.file", lang), type=["csv", "txt", "tsv", "xlsx"], max_upload_size=UPLOAD_MB)
    submitted = st.form_submit_button(t("upload.submit", lang), type="primary")

if submitted and uploaded is not None:
    if uploaded.size > DEFAULT_MAX_BYTES:
        st.error(t("upload.too_big", lang, mb=DEFAULT_MAX_BYTES // (1024 * 1024)))
        st.stop()
    # The upload's own name is only a label: the bytes go to a file whose path we choose.
    refusal: Exception | None = None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.bin"
        path.write_bytes(uploaded.getbuffer())
        # The bar lives in a slot that is cleared before anything else is drawn: cleared after st.stop() (in a
        # `finally`) it stayed on screen, since Streamlit sends nothing once the script is stopping.
        slot = st.empty()
        bar = slot.progress(0.0, text=step_label("detecting", lang))
        try:
            result = load_file(db_path(), kind, path, display_name=uploaded.name, options=options, actor=actor(),
                               progress=lambda fraction, step: bar.progress(min(max(fraction, 0.0), 1.0),
                                                                            text=step_label(step, lang)))
        except (OptionError, KindNotAvailable, AccessDenied, LoadRejected) as exc:
            refusal = exc
        finally:
            slot.empty()
    if isinstance(refusal, AccessDenied):
        st.error(t("auth.denied", lang))
        st.stop()
    if isinstance(refusal, LoadRejected):
        errors = [p for p in refusal.problems if p.severity == "error"]
        st.error(t("upload.rejected", lang, n=len(errors)))
        st.dataframe(report_table(refusal.problems, lang), hide_index=True, width="stretch")
        st.download_button(t("upload.report", lang), problems_csv(refusal.problems, lang),
                           file_name="problems.csv", mime="text/csv")
        st.stop()
    if refusal is not None:  # OptionError, KindNotAvailable
        st.error(t("upload.usage", lang, error=md_escape(refusal)))
        st.stop()
    st.cache_data.clear()  # the store changed: every cached figure is stale
    st.success(t("upload.loaded", lang, batch=result.batch_id, rows=result.rows, file=md_escape(result.file_name)))
    if getattr(result, "rejected", 0):
        st.warning(t("upload.quarantined", lang, n=result.rejected))
    if getattr(result, "breakdown", None):
        breakdown = pd.DataFrame(result.breakdown, columns=[result.breakdown_of, "n"])
        show_table(st, breakdown.rename(columns={"n": "n_respondents"}), lang)
    if result.replaced_batch_id:
        st.info(t("upload.replaced", lang, batch=result.replaced_batch_id))
    if result.warnings:
        st.warning(t("upload.warnings", lang, n=len(result.warnings)))
        st.dataframe(report_table(result.warnings, lang), hide_index=True, width="stretch")
