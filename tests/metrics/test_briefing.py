"""Briefing documents: the PDF read back with poppler-utils (text, fonts, pages, pictures), DOCX reopened with
python-docx, Markdown; every number checked against the functions the pages use (overview, profile, rankings,
satisfaction, projects, plans), formatted as the pages format them."""
from __future__ import annotations

import io
import os
import re
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest
from docx import Document as WordDocument

from metrics.briefing.build import NoBriefing, briefing_filename, build_briefing, render
from metrics.briefing.facts_national import national_facts, plans_summary
from metrics.briefing.fonts import missing_glyphs
from metrics.briefing.model import Data, Document, Section, plain, rich
from metrics.briefing.render_md import render_md
from metrics.briefing.text_national import compose_national
from metrics.briefing.text_unit import compose_unit
from metrics.cli import main as metrics_main
from metrics.compliance import compliance
from metrics.decision import unit_decision
from metrics.overview import build_overview
from metrics.projects import project_status
from metrics.ranking import regional_averages
from metrics.satisfaction import OVERALL, satisfaction_table
from tests.conftest import PROJECT
from ui import format as fmt
from ui.i18n import region_name, t
from ui.text import md_escape

ARTIFACTS = Path(os.environ.get("PAR_TEST_ARTIFACTS", PROJECT / "tests" / "artifacts"))
AS_OF = date(2026, 1, 15)
TODAY = date(2026, 1, 20)
LANGS = ("vi", "en")
# Every precomposed Vietnamese letter, lower and upper case: the embedded face must carry each one.
VIETNAMESE = ("aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ")


def _pdf_tool(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True, timeout=60).stdout


def _normal(text: str) -> str:
    """Whitespace as one space (line breaks of a justified paragraph, the no-break space before '%')."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@pytest.fixture(scope="module")
def store(demo_db_master):
    con = duckdb.connect(str(demo_db_master), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def cases(store, tmp_path_factory):
    """Four briefings (a province, a ministry, the provinces nationally on demo data, the ministries nationally on
    published data), each in both languages and three formats, with the page figures they must repeat."""
    folder = tmp_path_factory.mktemp("briefings")
    out = {}
    units = {"province": ("vn34", "22", 2025), "ministry": ("ministry-2021", "BTP", 2023)}
    for kind, (system, code, year) in units.items():
        decision = unit_decision(store, system, code, year)
        for lang in LANGS:
            out[(kind, lang)] = {"decision": decision, "document": compose_unit(decision, lang, TODAY)}
    nationals = {"national": ("province", 2025), "national-ministry": ("ministry", 2023)}
    for kind, (level, year) in nationals.items():
        facts = national_facts(store, level, year, as_of=AS_OF)
        for lang in LANGS:
            out[(kind, lang)] = {"facts": facts, "document": compose_national(facts, lang, TODAY)}
    for (kind, lang), case in out.items():
        document = case["document"]
        pdf = render(document, "pdf")
        path = folder / f"briefing-{kind}-{lang}.pdf"
        path.write_bytes(pdf)
        case.update(pdf=path, text=_normal(_pdf_tool("pdftotext", "-enc", "UTF-8", str(path), "-")),
                    docx=render(document, "docx"), md=render(document, "md").decode("utf-8"),
                    pages=int(re.search(r"Pages:\s+(\d+)", _pdf_tool("pdfinfo", str(path))).group(1)))
    return out


def _unit_numbers(d: dict, lang: str) -> list[str]:
    """What the profile shows of a unit, formatted as the pages format it."""
    numbers = [fmt.percent(d["index"], lang, 2), fmt.percent(d["national"]["average"], lang, 2),
               f"{d['rank']}/{d['units_total']}" if lang == "vi" else f"{d['rank']} of {d['units_total']}"]
    if d["change"]["index"] is not None:
        numbers.append(fmt.number(abs(d["change"]["index"]), lang))
    for _, field in d["fields"].iterrows():
        numbers.append(fmt.number(field["index"], lang))
    for _, lost in d["lost"].head(8).iterrows():
        numbers += [fmt.number(lost["lost"], lang), fmt.number(lost["max_points"], lang)]
    for _, row in d["satisfaction"].iterrows():
        numbers.append(fmt.percent(row["estimate"], lang, 2))
    return numbers


@pytest.fixture(scope="module")
def pages(store, cases):
    """The national figures as the pages compute them: overview (this year and last), rankings' regional
    averages, the satisfaction page's national rows, the projects and plans pages."""
    out = {}
    for kind in ("national", "national-ministry"):
        f = cases[(kind, "vi")]["facts"]
        figures = {"level": f.level, "view": build_overview(store, f.level, f.year, f.source)}
        if f.level == "province":
            figures["previous"] = build_overview(store, f.level, f.year - 1, f.source)
            figures["regions"] = regional_averages(figures["view"].results)
            figures["surveys"] = []
            for survey in ("sipas", "health", "education"):
                table = satisfaction_table(store, survey, f.year, level="national", source="demo")
                figures["surveys"].append(table[(table["row_level"] == "national")
                                                & (table["set_code"] == OVERALL)].iloc[0])
            figures["projects"] = project_status(store, AS_OF)["status"].value_counts()
            figures["plans"] = plans_summary(compliance(store, f.year, AS_OF, f.level))
        out[kind] = figures
    return out


def _national_numbers(figures: dict, lang: str) -> list[str]:
    """What the overview, rankings, satisfaction, projects and plans pages show, formatted as they format it."""
    view = figures["view"]
    numbers = [fmt.percent(view.average, lang, 2)]
    name = "name_vi" if lang == "vi" else "name_en"
    for table in (view.top, view.bottom):
        numbers += [f"{r['rank']}. {r[name]} ({fmt.percent(r['index'], lang, 2)})" for _, r in table.iterrows()]
    label = "label_vi" if lang == "vi" else "label_en"
    numbers += [f"{g[label]}: {int(g['units'])}" for _, g in view.groups.iterrows() if g["units"] == g["units"]]
    for mover in (view.riser, view.faller):
        if mover:
            numbers += [str(mover[name]), fmt.number(abs(mover["delta_index"]), lang)]
    if figures["level"] == "province":
        numbers.append(fmt.percent(figures["previous"].average, lang, 2))
        regions = figures["regions"]
        for row in (regions.iloc[0], regions.iloc[-1]):
            numbers.append(f"{region_name(row['region'], lang)} ({fmt.percent(row['average'], lang, 2)})")
        for head in figures["surveys"]:
            numbers += [fmt.percent(head["pct_satisfied"], lang, 2), fmt.percent(head["pct_ci_low"], lang, 2),
                        fmt.number(head["n_respondents"], lang, 0, grouped=True)]
        counts, plans = figures["projects"], figures["plans"]
        numbers += [f"{int(counts[s])} {t(f'status.{s}', lang).lower()}" for s in counts.index]
        numbers += [f"{plans['on_time']}/{plans['expected']}" if lang == "vi" else
                    f"{plans['on_time']} of {plans['expected']}", fmt.percent(plans["reports_on_time_pct"], lang, 1)]
    return numbers


def expected_numbers(pages: dict, kind: str, case: dict, lang: str) -> list[str]:
    return _unit_numbers(case["decision"], lang) if "decision" in case else _national_numbers(pages[kind], lang)


@pytest.mark.parametrize("kind", ["province", "ministry", "national", "national-ministry"])
@pytest.mark.parametrize("lang", LANGS)
def test_every_number_in_the_pdf_is_the_pages_number(pages, cases, kind, lang):
    case = cases[(kind, lang)]
    missing = [n for n in expected_numbers(pages, kind, case, lang) if _normal(n) not in case["text"]]
    assert not missing, missing
    # Vietnamese writes the decimal comma: no figure in the Vietnamese text carries a decimal point.
    if lang == "vi":
        assert not re.search(r"\b\d{1,3}\.\d{2} ?%", case["text"])


@pytest.mark.parametrize("kind", ["province", "ministry", "national", "national-ministry"])
@pytest.mark.parametrize("lang", LANGS)
def test_the_pdf_text_is_the_source_text_in_an_embedded_font(cases, kind, lang):
    case, document = cases[(kind, lang)], cases[(kind, lang)]["document"]
    # Every sentence reads back exactly, diacritics and all (a glyph the font lacked would be missing here).
    for text in [document.headline] + [p for s in document.sections for p in s.paragraphs]:
        assert _normal(plain(text)) in case["text"]
    assert _normal(plain(document.subtitle)) in case["text"]
    assert missing_glyphs(document.all_text()) == set()
    fonts = _pdf_tool("pdffonts", str(case["pdf"])).splitlines()[2:]
    assert fonts and all(re.search(r"\+DejaVuSans(-Bold)?\s+TrueType\s+\S+\s+yes\s+yes\s+yes", f) for f in fonts), fonts
    assert 1 <= case["pages"] <= 2


def test_the_font_carries_every_vietnamese_letter():
    assert missing_glyphs([VIETNAMESE, VIETNAMESE.upper(), "₫–—“”‘’·…"]) == set()


@pytest.mark.parametrize("kind, demo", [("province", True), ("ministry", False), ("national", True),
                                        ("national-ministry", False)])
def test_demo_data_is_stamped_on_every_page(cases, kind, demo):
    for lang in LANGS:
        case = cases[(kind, lang)]
        assert case["document"].demo is demo
        stamp = _normal(t("brief.stamp", lang))
        for page in range(1, case["pages"] + 1):
            text = _normal(_pdf_tool("pdftotext", "-f", str(page), "-l", str(page), str(case["pdf"]), "-"))
            assert (stamp in text) is demo, (kind, lang, page)
        word = WordDocument(io.BytesIO(case["docx"]))
        assert (stamp in word.sections[0].header.paragraphs[0].text) is demo
        assert (case["md"].count(stamp) == 2) is demo


def test_a_real_national_briefing_keeps_demo_figures_out(cases):
    """Published ministries 2023: no survey, project or plan figure of the demo data enters its text."""
    case = cases[("national-ministry", "en")]
    assert set(case["facts"].withheld) == {"projects", "plans"}
    assert "Only demo data exist for project progress" in case["text"]
    assert "Demo" not in " ".join(plain(line) for line in case["document"].provenance)


@pytest.mark.parametrize("kind", ["province", "ministry", "national", "national-ministry"])
def test_docx_opens_and_holds_the_same_numbers(pages, cases, kind):
    for lang in LANGS:
        case = cases[(kind, lang)]
        word = WordDocument(io.BytesIO(case["docx"]))
        cells = [c.text for table in word.tables for row in table.rows for c in row.cells]
        text = _normal(" ".join([p.text for p in word.paragraphs] + cells))
        chart_numbers = {fmt.number(f["index"], lang) for _, f in case["decision"]["fields"].iterrows()} \
            if "decision" in case else set()
        # The charts are pictures in Word: their labels are checked in the PDF, every other number here.
        missing = [n for n in expected_numbers(pages, kind, case, lang)
                   if _normal(n) not in text and n not in chart_numbers]
        assert not missing, missing
        assert word.core_properties.title == case["document"].title
        assert len(word.inline_shapes) == 2
        assert case["document"].title in text


def test_markdown_has_the_figures_and_escapes_names(store, cases):
    case = cases[("province", "vi")]
    d = case["decision"]
    assert md_escape(d["unit"]["name_vi"]) in case["md"]
    assert fmt.percent(d["index"], "vi", 2) in case["md"] and "| Năm |" in case["md"]


def test_the_rank_interval_is_written_in_both_languages(cases):
    d = dict(cases[("province", "vi")]["decision"])
    d["uncertainty"] = {"rank_low": 9, "rank_high": 16, "rank_median": 12, "coverage": 0.9, "draws": 1000, "seed": 1}
    assert "between 9th and 16th in 90 % of 1000 draws" in _normal(plain(
        [seg for s in compose_unit(d, "en", TODAY).sections for p in s.paragraphs for seg in p]))
    assert "từ thứ 9 đến thứ 16 trong 90 % số lần mô phỏng" in _normal(plain(
        [seg for s in compose_unit(d, "vi", TODAY).sections for p in s.paragraphs for seg in p]))


def test_text_from_data_stays_text_in_every_format():
    hostile = "<b>X</b> [link](http://example.invalid) &amp; ![i](http://example.invalid/a.png)"
    document = Document(
        lang="vi", title="T", subtitle=rich(Data(hostile)), meta=rich("m"), headline=rich("Tên: ", Data(hostile)),
        sections=[Section("H", [rich(Data(hostile + "\x07"))])], charts=[], table=None, provenance=[], demo=False,
        stamp="", footer="f", page_label="{page}/{pages}", provenance_title="P")
    pdf = render(document, "pdf")
    text = _normal(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode())
    assert hostile in text
    word = WordDocument(io.BytesIO(render(document, "docx")))
    assert any(hostile in p.text for p in word.paragraphs)
    md = render_md(document)
    assert "](http" not in md and md_escape(hostile) in md


def test_screenshots_of_every_pdf_page(cases):
    """Pages rendered to images (pdftoppm) into tests/artifacts/, e.g. briefing-province-vi-1.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for (kind, lang), case in cases.items():
        for old in ARTIFACTS.glob(f"briefing-{kind}-{lang}-*.png"):
            old.unlink()
        _pdf_tool("pdftoppm", "-r", "100", "-png", str(case["pdf"]), str(ARTIFACTS / f"briefing-{kind}-{lang}"))
        shots = sorted(ARTIFACTS.glob(f"briefing-{kind}-{lang}-*.png"))
        assert len(shots) == case["pages"] and all(s.stat().st_size > 20_000 for s in shots)


def test_build_briefing_and_its_file_name(store):
    data = build_briefing(store, "national", 2023, "md", "en", level="ministry")
    assert data.decode("utf-8").startswith("# PAR INDEX 2023: BRIEFING")
    assert briefing_filename("vn34:22", 2025, "pdf", "vi") == "briefing-vn34-22-2025-vi.pdf"
    assert briefing_filename("national", 2023, "docx", "en", "ministry") == "briefing-national-ministry-2023-en.docx"
    assert briefing_filename("x:../../e\tc", 2025, "md", "vi") == "briefing-x-e-c-2025-vi.md"
    with pytest.raises(NoBriefing):
        build_briefing(store, "vn34:22", 2023, "pdf", "vi")
    with pytest.raises(ValueError):
        build_briefing(store, "vn34:22", 2025, "rtf", "vi")


def test_command_line_writes_each_format_and_refuses_clearly(demo_db, tmp_path, capsys):
    db = str(demo_db)       # a copy: this module holds the master open in another configuration
    out = tmp_path / "b.docx"
    assert metrics_main(["brief", "--unit", "national", "--level", "ministry", "--year", "2023", "--format", "docx",
                         "--lang", "en", "--db", db, "--out", str(out)]) == 0
    assert WordDocument(str(out)).paragraphs[0].text == "PAR INDEX 2023: BRIEFING"
    assert "written in" in capsys.readouterr().err
    assert metrics_main(["brief", "--unit", "vn34:99", "--year", "2025", "--db", db, "--out", str(out)]) == 2
    assert metrics_main(["brief", "--unit", "national", "--year", "2023", "--level", "ministry", "--source",
                         "upload", "--db", db, "--out", str(out)]) == 1
    assert "no upload data" in capsys.readouterr().err
    assert metrics_main(["brief", "--unit", "vn34:22", "--year", "2025", "--rules", "nope", "--db", db,
                         "--out", str(out)]) == 2
