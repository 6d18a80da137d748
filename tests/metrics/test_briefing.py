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

import pytest
from docx import Document as WordDocument
from markdown_it import MarkdownIt

from metrics.briefing.build import NoBriefing, briefing_filename, build_briefing, render, unit_document
from metrics.briefing.facts_national import national_facts, plans_summary
from metrics.briefing.fonts import missing_glyphs
from metrics.briefing.model import Data, Document, Section, Table, plain, rich
from metrics.briefing.render_md import code_span, render_md
from metrics.briefing.text_national import compose_national
from metrics.briefing.text_unit import compose_unit
from metrics.cli import main as metrics_main
from metrics.compliance import compliance
from metrics.decision import unit_decision
from metrics.leaders import rule_sets
from metrics.overview import build_overview
from metrics.par_index import unit_results
from metrics.profile import unit_history
from metrics.projects import project_status
from metrics.ranking import regional_averages
from metrics.satisfaction import OVERALL, satisfaction_table
from tests.conftest import PROJECT
from ui import format as fmt
from ui.i18n import region_name, t

ARTIFACTS = Path(os.environ.get("PAR_TEST_ARTIFACTS", PROJECT / "tests" / "artifacts"))
AS_OF = date(2026, 1, 15)
TODAY = date(2026, 1, 20)
LANGS = ("vi", "en")
KINDS = ["province", "ministry", "national", "national-ministry", "published"]
# A unit's briefing per kind: (code system, code, year, source); `published` is Hà Nội's published 2024 result
# in a store that also holds demo data of that year.
UNITS = {"province": ("vn34", "22", 2025, None), "ministry": ("ministry-2021", "BTP", 2023, None),
         "published": ("vn63", "01", 2024, "published")}
# Every precomposed Vietnamese letter, lower and upper case: the embedded face must carry each one.
VIETNAMESE = ("aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ")


def _pdf_tool(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True, timeout=60).stdout


def _normal(text: str) -> str:
    """Whitespace as one space (line breaks of a justified paragraph, the no-break space before '%')."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@pytest.fixture(scope="module")
def store(demo_reader):
    return demo_reader


@pytest.fixture(scope="module")
def cases(store, tmp_path_factory):
    """Five briefings (a province and a ministry, the provinces nationally on demo data, the ministries nationally
    on published data, a province's published year), each in both languages, composed and rendered once in the
    three formats with the PDF's text read back once (whole and per page); every test reads these."""
    folder = tmp_path_factory.mktemp("briefings")
    out = {}
    for kind, (system, code, year, source) in UNITS.items():
        decision = unit_decision(store, system, code, year, source=source)
        for lang in LANGS:
            out[(kind, lang)] = {"decision": decision, "document": unit_document(
                store, system, code, year, lang, source=source, decision=decision, today=TODAY)}
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
        raw = _pdf_tool("pdftotext", "-enc", "UTF-8", str(path), "-")
        pages = [_normal(page) for page in raw.split("\f") if page.strip()]     # a form feed ends each page
        case.update(pdf=path, text=_normal(raw), page_texts=pages, docx=render(document, "docx"),
                    md=render(document, "md").decode("utf-8"), pages=len(pages))
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


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("lang", LANGS)
def test_every_number_in_the_pdf_is_the_pages_number(pages, cases, kind, lang):
    case = cases[(kind, lang)]
    missing = [n for n in expected_numbers(pages, kind, case, lang) if _normal(n) not in case["text"]]
    assert not missing, missing
    # Vietnamese writes the decimal comma: no figure in the Vietnamese text carries a decimal point.
    if lang == "vi":
        assert not re.search(r"\b\d{1,3}\.\d{2} ?%", case["text"])


@pytest.mark.parametrize("kind", KINDS)
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
    assert case["pages"] == int(re.search(r"Pages:\s+(\d+)", _pdf_tool("pdfinfo", str(case["pdf"]))).group(1))


def test_the_font_carries_every_vietnamese_letter():
    assert missing_glyphs([VIETNAMESE, VIETNAMESE.upper(), "₫–—“”‘’·…"]) == set()


@pytest.mark.parametrize("kind, demo", [("province", True), ("ministry", False), ("national", True),
                                        ("national-ministry", False), ("published", False)])
def test_demo_data_is_stamped_on_every_page(cases, kind, demo):
    for lang in LANGS:
        case = cases[(kind, lang)]
        assert case["document"].demo is demo
        stamp = _normal(t("brief.stamp", lang))
        for page, text in enumerate(case["page_texts"], start=1):
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


def test_a_published_unit_briefing_has_no_demo_figure(store, cases):
    """Hà Nội 2024 from the published table, in a store that also holds demo results, answers, plan tasks and
    history for that year: every figure shown is published, no page is stamped, no demo survey is named."""
    demo_year = unit_results(store, "province", 2024, "demo")
    demo_index = demo_year.loc[demo_year["code"] == "01", "index"].iloc[0]
    demo_tasks = store.execute("SELECT t.task FROM plan_task t JOIN batch b USING (batch_id) WHERE b.source = 'demo' "
                               "AND t.unit_system = 'vn63' AND t.unit_code = '01' AND t.year = 2024").fetchall()
    # The demo data the briefing must leave out are there: index, plan tasks, history points.
    assert demo_tasks and "demo" in set(unit_history(store, "vn63", "01")["source"])
    for lang in LANGS:
        case = cases[("published", lang)]
        d, document = case["decision"], case["document"]
        assert d["source"] == "published" and not d["demo"] and not document.demo
        assert {p["source"] for p in d["provenance"]} == {"published"}
        assert set(d["history"]["source"]) == {"published"} and d["tasks"].empty
        assert fmt.percent(d["index"], lang, 2) in case["text"]
        assert fmt.percent(demo_index, lang, 2) not in case["text"] and demo_index != d["index"]
        assert not any(_normal(task) in case["text"] for (task,) in demo_tasks)
        for word in ("brief.stamp", "source.demo"):
            assert _normal(t(word, lang)) not in case["text"] and t(word, lang) not in case["md"]
        # Only the published SIPAS index: no estimate from the demo answers of any survey.
        assert list(d["satisfaction"]["survey"]) == ["sipas_published"]
        assert "Patient satisfaction" not in case["text"] and "Hài lòng của người bệnh" not in case["text"]


def test_the_head_is_judged_under_the_rule_sets_title(store, cases):
    titles = rule_sets(store).set_index("name").loc["default"]
    for lang in LANGS:
        sections = cases[("province", lang)]["document"].sections
        text = plain(next(s for s in sections if s.heading == t("brief.h.leader", lang)).paragraphs[0])
        assert f"“{titles[f'title_{lang}']}”" in text and "“default”" not in text


def _lost_table_reads(d: dict, lang: str) -> tuple[str, str, dict, str]:
    """The lost-points table's title, first column and rows (name -> maximum, scored, lost) and the sentence of
    the lost-points section, as composed for `d`."""
    document = compose_unit(d, lang, TODAY)
    rows = {plain(r[0]): [plain(c) for c in r[1:]] for r in document.table.rows}
    section = next(s for s in document.sections if s.heading == t("brief.h.lost", lang))
    return document.table.title, document.table.header[0], rows, plain(section.paragraphs[0])


def _expected_rows(lost, lang: str) -> dict:
    name = "name_vi" if lang == "vi" else "name_en"
    return {r[name]: [fmt.number(r[k], lang) for k in ("max_points", "points", "lost")] for _, r in lost.iterrows()}


def test_the_four_published_parts_have_their_own_table(store):
    """Kon Tum 2023 (published): only the four parts are known, so the points lost are per part, titled so."""
    d = unit_decision(store, "vn63", "62", 2023, source="published")
    assert list(d["lost"]["kind"].unique()) == ["component"]
    assert sorted(d["lost"]["max_points"]) == [6.5, 10, 22, 61.5]
    for lang, title, head, basis in (("vi", "Điểm bị mất theo thành phần của Chỉ số", "Thành phần",
                                      "Chỉ có điểm của bốn thành phần được công bố"),
                                     ("en", "Points lost by part of the index", "Part",
                                      "Only the four parts published since 2023 are known")):
        read = _lost_table_reads(d, lang)
        assert read[:3] == (title, head, _expected_rows(d["lost"], lang)) and basis in read[3]


def test_points_lost_by_field_are_titled_by_field(cases):
    """Where only field indices are known, the rows are fields (points = index x maximum, as the profile does)."""
    d = dict(cases[("province", "en")]["decision"])
    fields = d["fields"]
    points = (fields["index"] * fields["max_points"] / 100).round(2)
    d["lost"] = fields.assign(kind="field", code=fields["field_code"], points=points,
                              lost=(fields["max_points"] - points).round(2))[list(d["lost"].columns)]
    for lang, title, head, basis in (("vi", "Điểm bị mất theo lĩnh vực", "Lĩnh vực", "Chỉ có điểm theo lĩnh vực"),
                                     ("en", "Points lost by field", "Field", "Only field scores are known")):
        read = _lost_table_reads(d, lang)
        assert read[:3] == (title, head, _expected_rows(d["lost"], lang)) and basis in read[3]


@pytest.mark.parametrize("kind", KINDS)
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


def _markdown_tokens(md: str) -> list:
    """Every token of `md` read as CommonMark with GitHub's tables and strikethrough, inline ones included."""
    tokens = []
    for token in MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(md):
        tokens += [token] + list(token.children or [])
    return tokens


def test_markdown_has_the_figures_and_reads_cleanly(cases):
    """Names as written, web addresses as autolinks showing exactly their address, nothing backslash-escaped."""
    case = cases[("published", "vi")]
    d, md = case["decision"], case["md"]
    assert d["unit"]["name_vi"] in md and fmt.percent(d["index"], "vi", 2) in md and "| Năm |" in md
    references = d["national"]["source_ref"].split(" ; ")          # the published average's sources
    assert len(references) == 2 and " ; ".join(f"<{r}>" for r in references) in md
    assert "\\:" not in md and "\\/" not in md
    links = [tok.attrs["href"] for tok in _markdown_tokens(md) if tok.type == "link_open"]
    assert set(references) <= set(links) and all(link.startswith("https://") for link in links)
    assert not [tok for tok in _markdown_tokens(md) if tok.type in ("image", "html_inline", "html_block")]


def test_the_rank_interval_is_written_in_both_languages(cases):
    d = dict(cases[("province", "vi")]["decision"])
    d["uncertainty"] = {"rank_low": 9, "rank_high": 16, "rank_median": 12, "coverage": 0.9, "draws": 1000, "seed": 1}
    assert "between 9th and 16th in 90 % of 1000 draws" in _normal(plain(
        [seg for s in compose_unit(d, "en", TODAY).sections for p in s.paragraphs for seg in p]))
    assert "từ thứ 9 đến thứ 16 trong 90 % số lần mô phỏng" in _normal(plain(
        [seg for s in compose_unit(d, "vi", TODAY).sections for p in s.paragraphs for seg in p]))


def test_text_from_data_stays_text_in_every_format():
    hostile = "<b>X</b> [link](http://example.invalid) &amp; ![i](http://example.invalid/a.png) ``a|b` *e* ~~s~~"
    at_start = "1. # - > heading?"
    address = "https://example.invalid/a_b?c=1&d=2"
    document = Document(
        lang="vi", title="T", subtitle=rich(Data(hostile)), meta=rich("m"), headline=rich("Tên: ", Data(hostile)),
        sections=[Section("H", [rich(Data(hostile + "\x07")), rich(Data(at_start))])], charts=[],
        table=Table("Bảng", ["A", "B"], [[rich(Data(hostile)), rich(Data(address))]], [False, False], [0.5, 0.5]),
        provenance=[rich(Data(at_start), ": ", Data(address + " ; " + address))], demo=False, stamp="", footer="f",
        page_label="{page}/{pages}", provenance_title="P")
    pdf = render(document, "pdf")
    text = _normal(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode())
    assert hostile in text
    word = WordDocument(io.BytesIO(render(document, "docx")))
    assert any(hostile in p.text for p in word.paragraphs)
    # Markdown: every piece of data is a code span showing it exactly, or an autolink to the address it shows;
    # no link, image, HTML, emphasis, list, heading or extra table cell comes from data.
    tokens = _markdown_tokens(render_md(document))
    code = [tok.content for tok in tokens if tok.type == "code_inline"]
    assert code.count(hostile) == 4 and code.count(at_start) == 2
    links = [tok.attrs["href"] for tok in tokens if tok.type == "link_open"]
    assert links == [address] * 3 and [tok.markup for tok in tokens if tok.type == "link_open"] == ["autolink"] * 3
    kinds = [tok.type for tok in tokens]
    assert not set(kinds) & {"image", "html_inline", "html_block", "s_open", "ordered_list_open", "blockquote_open",
                             "code_block", "fence"}
    # Only our own markup: bold subtitle and headline, italic meta line, four headings, one list, the rule above
    # the footer, two cells.
    assert [kinds.count(k) for k in ("strong_open", "em_open", "bullet_list_open", "hr")] == [2, 1, 1, 1]
    assert [tok.tag for tok in tokens if tok.type == "heading_open"] == ["h1", "h2", "h3", "h3"]
    assert kinds.count("td_open") == 2
    assert code_span("``a`") == "``` ``a` ```" and code_span("a|b", in_table=True) == "`a\\|b`"


def test_screenshots_of_every_pdf_page(cases):
    """Pages rendered to images (pdftoppm) into tests/artifacts/, e.g. briefing-province-vi-1.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for (kind, lang), case in cases.items():
        for old in ARTIFACTS.glob(f"briefing-{kind}-{lang}-*.png"):
            old.unlink()
        _pdf_tool("pdftoppm", "-r", "100", "-png", str(case["pdf"]), str(ARTIFACTS / f"briefing-{kind}-{lang}"))
        shots = sorted(ARTIFACTS.glob(f"briefing-{kind}-{lang}-*.png"))
        assert len(shots) == case["pages"] and all(s.stat().st_size > 20_000 for s in shots)


def test_build_briefing_and_its_file_name(store, cases):
    # The profile page's way: its own decision, so only the document is written (the command line test below
    # writes a national one from scratch).
    data = build_briefing(store, "ministry-2021:BTP", 2023, "md", "en", decision=cases[("ministry", "en")]["decision"])
    assert data.decode("utf-8").startswith("# PAR INDEX 2023: BRIEFING")
    assert fmt.percent(cases[("ministry", "en")]["decision"]["index"], "en", 2) in data.decode("utf-8")
    assert briefing_filename("vn34:22", 2025, "pdf", "vi") == "briefing-vn34-22-2025-vi.pdf"
    assert briefing_filename("national", 2023, "docx", "en", "ministry") == "briefing-national-ministry-2023-en.docx"
    assert briefing_filename("x:../../e\tc", 2025, "md", "vi") == "briefing-x-e-c-2025-vi.md"
    with pytest.raises(NoBriefing) as refused:          # refused before any figure is computed
        build_briefing(store, "vn34:22", 2023, "pdf", "vi")
    assert refused.value.text("vi") == "Không có Chỉ số CCHC của vn34:22 năm 2023."
    assert str(refused.value) == "No PAR INDEX for vn34:22 in 2023."
    with pytest.raises(ValueError):
        build_briefing(store, "vn34:22", 2025, "rtf", "vi")


def test_command_line_writes_each_format_and_refuses_clearly(demo_db, tmp_path, capsys):
    db = str(demo_db)       # a copy: this module holds the master open in another configuration
    out = tmp_path / "b.docx"
    assert metrics_main(["brief", "--unit", "national", "--level", "ministry", "--year", "2023", "--format", "docx",
                         "--lang", "en", "--db", db, "--out", str(out)]) == 0
    assert WordDocument(str(out)).paragraphs[0].text == "PAR INDEX 2023: BRIEFING"
    assert "written in" in capsys.readouterr().err
    # Errors in the language asked for (Vietnamese by default), with the exit code of their kind.
    refusals = [(["--unit", "vn34:99", "--year", "2025"], 2, "Lỗi: Không có đơn vị vn34:99.",
                 "Error: No unit vn34:99."),
                (["--unit", "national", "--year", "2023", "--level", "ministry", "--source", "upload"], 1,
                 "Lỗi: Không có dữ liệu nguồn upload cho bộ, cơ quan ngang bộ năm 2023; nguồn có dữ liệu: "
                 "published, demo.",
                 "Error: No upload data for ministries in 2023; sources with data: published, demo."),
                (["--unit", "vn34:22", "--year", "2025", "--rules", "nope"], 2, "Lỗi: Không có bộ quy tắc 'nope'.",
                 "Error: No rule set 'nope'."),
                (["--unit", "vn34", "--year", "2025"], 2, "Lỗi: Đơn vị phải có dạng HỆ_MÃ:MÃ (ví dụ vn34:22) hoặc "
                 "national, không phải 'vn34'.",
                 "Error: The unit must be SYSTEM:CODE (e.g. vn34:22) or 'national', not 'vn34'."),
                (["--unit", "vn34:22", "--year", "2025", "--db", str(tmp_path / "none.duckdb")], 1,
                 "Lỗi cơ sở dữ liệu: Chưa có cơ sở dữ liệu", "Database error: No database at")]
    for arguments, code, vi, en in refusals:
        for lang, expected in (("vi", vi), ("en", en)):
            arguments = ["--db", db, *arguments] if "--db" not in arguments else arguments
            assert metrics_main(["brief", *arguments, "--lang", lang, "--out", str(out)]) == code, arguments
            assert capsys.readouterr().err.strip().splitlines()[-1].startswith(expected), (lang, arguments)
