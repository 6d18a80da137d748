"""Charts that read: labels clear of whiskers, axes that show differences, a heading on every chart,
a legend on every heatmap, rows keyed by system:code. Pure checks on the figure objects."""
from datetime import date

import pandas as pd
import pytest

from ui import figures as fg

GEOJSON = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"code": "01"},
     "geometry": {"type": "Polygon", "coordinates": [[[105, 21], [106, 21], [106, 22], [105, 21]]]}}]}


def ranked_satisfaction() -> pd.DataFrame:
    return pd.DataFrame({
        "name_vi": ["Hà Nội", "Huế", "Cà Mau", "Bạc Liêu"], "name_en": ["Ha Noi", "Hue", "Ca Mau", "Bac Lieu"],
        "pct_satisfied": [87.8, 81.3, 76.2, None], "pct_ci_low": [86.9, 79.0, 72.5, None],
        "pct_ci_high": [88.7, 83.6, 79.9, None], "flag": [None, None, "unreliable", "suppressed"],
        "n_respondents": [600, 400, 120, 12], "reason": [None, None, "rse > 30 %", "n < 30"]})


def index_results() -> pd.DataFrame:
    return pd.DataFrame({"code": ["01", "79"], "name_vi": ["Hà Nội", "Hồ Chí Minh"], "name_en": ["Ha Noi", "HCMC"],
                         "index": [91.2, 84.6], "rank": [1, 2], "group": ["A", "B"]})


def compliance_table() -> pd.DataFrame:
    """2025: the old Hà Nội (vn63) owns the plan and the early reports, the new one (vn34) the later ones."""
    return pd.DataFrame({
        "code_system": ["vn63", "vn63", "vn34", "vn34"], "code": ["01", "80", "01", "80"],
        "name": ["Hà Nội", "Long An", "Hà Nội", "Tây Ninh"],
        "plan_status": ["on_time", "late", "n/a", "n/a"], "report_Q1": ["on_time", "missing", "n/a", "n/a"],
        "report_H1": ["late", "on_time", "n/a", "n/a"], "report_Q3": ["n/a", "n/a", "on_time", "not_due"],
        "report_Y": ["n/a", "n/a", "late", "not_due"]})


def trend_series() -> pd.DataFrame:
    return pd.DataFrame({"code_system": ["vn34"] * 4, "code": ["01", "01", "80", "80"],
                         "name": ["Hà Nội", "Hà Nội", "Tây Ninh", "Tây Ninh"], "year": [2024, 2025, 2024, 2025],
                         "value": [90.1, 91.0, 85.2, 86.0], "ci_low": [None] * 4, "ci_high": [None] * 4,
                         "status": ["reconstructed", "observed", "reconstructed", "observed"],
                         "from_units": ["vn63:01", None, "vn63:70; vn63:80", None],
                         "source": ["demo"] * 4})


def projects() -> pd.DataFrame:
    long_name = ("Đề án nghiên cứu mô hình, cơ cấu tổ chức Chính phủ trong bối cảnh đẩy mạnh phát triển Chính phủ "
                 "điện tử, Chính phủ số và thích ứng với cuộc Cách mạng công nghiệp lần thứ tư")
    return pd.DataFrame({"no": [1, 2, 3], "name": [long_name, "Đề án “Phân cấp” <b>x</b>", "Đề án ba"],
                         "status": ["done", "overdue", "roadmap"], "deadline": ["2024", "2022", "roadmap"],
                         "percent_complete": [100, 40, None]})


def rank_intervals() -> pd.DataFrame:
    return pd.DataFrame({"code_system": ["vn63"] * 3, "code": ["01", "79", "92"],
                         "name_vi": ["Hà Nội", "Hồ Chí Minh", "Cần Thơ"], "name_en": ["Ha Noi", "HCMC", "Can Tho"],
                         "rank": [1, 2, 3], "rank_median": [1, 2, 3], "rank_low": [1, 1, 3], "rank_high": [2, 3, 3]})


def every_figure(lang: str):
    """(name, figure) for every builder in ui.figures."""
    history = pd.DataFrame({"code_system": ["vn63", "vn63"], "code": ["01", "01"], "name_vi": ["Hà Nội"] * 2,
                            "name_en": ["Ha Noi"] * 2, "role": ["own"] * 2, "year": [2023, 2024], "index": [88.0, 89.5],
                            "rank": [3, 2], "units_ranked": [63, 63], "source": ["published", "published"]})
    fields = pd.DataFrame({"field_code": ["1", "2"], "name_vi": ["Chỉ đạo", "Thể chế"], "name_en": ["Direction", "Institutions"],
                           "index": [90.0, 85.0], "average": [88.0, 84.0], "best": [97.0, 95.0]})
    likert = pd.DataFrame({"label": ["Tiếp cận", "Tiếp cận", "Thủ tục"], "value": [4, 5, 2], "share": [50.0, 30.0, 20.0]})
    band = pd.DataFrame({"year": [2023, 2024], "pct_satisfied": [80.0, 82.0], "pct_ci_low": [79.0, 81.0],
                         "pct_ci_high": [81.0, 83.0], "change_significant": [False, True]})
    points = pd.DataFrame({"par_index": [80.0, 85.0, 90.0], "pct_satisfied": [75.0, 80.0, 86.0], "name": ["a", "b", "c"]})
    return [
        ("index_bar", fg.index_bar(index_results(), lang, 87.0)),
        ("province_map", fg.province_map(index_results(), GEOJSON, lang)),
        ("history_chart", fg.history_chart(history, lang)),
        ("fields_chart", fg.fields_chart(fields, lang, "Hà Nội")),
        ("project_timeline", fg.project_timeline(projects(), date(2025, 6, 30), lang)),
        ("compliance_heatmap", fg.compliance_heatmap(compliance_table(), ["plan", "Q1", "H1", "Q3", "Y"], lang)),
        ("trend_lines", fg.trend_lines(trend_series(), lang, "index", [(2025, "2025")])),
        ("unit_year_heatmap", fg.unit_year_heatmap(trend_series(), lang, "index")),
        ("satisfaction_bars", fg.satisfaction_bars(ranked_satisfaction(), lang, 80.0)),
        ("likert_bars", fg.likert_bars(likert, "label", lang)),
        ("trend_band", fg.trend_band(band, lang)),
        ("value_map", fg.value_map(pd.DataFrame({"code": ["01"], "value": [80.0], "label": ["Hà Nội"]}), GEOJSON, lang,
                                   "% hài lòng")),
        ("scatter_with_fit", fg.scatter_with_fit(points, "par_index", "pct_satisfied", "name", lang, "PAR", "SIPAS")),
        ("rank_interval_chart", fg.rank_interval_chart(rank_intervals(), lang, 0.9, 1000)),
    ]


def test_every_builder_is_covered_here():
    builders = {name for name, value in vars(fg).items()
                if callable(value) and getattr(value, "__wrapped__", None) is not None}
    assert builders == {name for name, _ in every_figure("vi")}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_chart_has_a_heading_in_its_language(lang):
    for name, figure in every_figure(lang):
        assert figure.layout.title.text, name
    titles = dict((n, f.layout.title.text) for n, f in every_figure(lang))
    assert titles["satisfaction_bars"] == ("% hài lòng theo đơn vị, khoảng tin cậy 95 %" if lang == "vi"
                                           else "% satisfied by unit, with 95 % intervals")


def test_a_title_given_by_the_page_wins():
    figure = fg.compliance_heatmap(compliance_table(), ["plan"], "vi", title="Kế hoạch <2025>")
    assert figure.layout.title.text == "Kế hoạch &lt;2025&gt;"  # data in a title goes out as text


def test_satisfaction_labels_sit_beyond_the_upper_end_of_each_interval():
    figure = fg.satisfaction_bars(ranked_satisfaction(), "vi")
    bars, labels = figure.data[0], figure.data[1]
    assert bars.text is None or bars.textposition == "none"  # nothing written on the bar, under a whisker
    assert labels.mode == "text" and labels.textposition == "middle right"
    ranked = ranked_satisfaction().iloc[::-1]
    for x, high, value in zip(labels.x, ranked["pct_ci_high"], ranked["pct_satisfied"]):
        if pd.notna(high):
            assert x > high and x > value
    assert list(labels.text) == ["ẩn (n &lt; 30)", "76,2 %", "81,3 %", "87,8 %"]  # escaped: shown as "<"


def test_satisfaction_axis_starts_below_the_lowest_interval_and_says_so():
    figure = fg.satisfaction_bars(ranked_satisfaction(), "vi")
    start, end = figure.layout.xaxis.range
    assert 0 < start < 72.5 and end == 100
    assert start == 70
    assert figure.layout.xaxis.title.text == "% hài lòng (trục bắt đầu từ 70 %)"
    # the suppressed unit is a visible stub from the axis start, not a bar of 0 hidden off the axis
    stub = figure.data[0].x[0]
    assert start < stub < start + 5


def test_satisfaction_axis_starts_at_zero_when_values_are_low():
    low = ranked_satisfaction().assign(pct_satisfied=[40.0, 25.0, 20.0, None], pct_ci_low=[35.0, 20.0, 12.0, None],
                                       pct_ci_high=[45.0, 30.0, 28.0, None])
    figure = fg.satisfaction_bars(low, "en")
    assert figure.layout.xaxis.range[0] == 0
    assert figure.layout.xaxis.title.text == "% satisfied"


def test_index_axis_does_not_start_at_zero_and_states_its_start():
    figure = fg.index_bar(index_results(), "vi")
    assert figure.layout.xaxis.range[0] == 80
    assert "trục bắt đầu từ 80 %" in figure.layout.xaxis.title.text


@pytest.mark.parametrize("start,expected", [(None, 0.0), (12.0, 0.0), (84.6, 80.0), (72.5, 70.0), (80.0, 75.0)])
def test_axis_start(start, expected):
    assert fg.axis_start(start) == expected


def test_compliance_rows_are_keyed_by_system_and_code():
    figure = fg.compliance_heatmap(compliance_table(), ["plan", "Q1", "H1", "Q3", "Y"], "vi")
    trace = figure.data[0]
    assert list(trace.y) == ["Hà Nội (vn63)", "Long An (vn63)", "Hà Nội (vn34)", "Tây Ninh (vn34)"]
    assert len(set(trace.y)) == len(trace.y) == 4
    assert [row[0] for row in trace.customdata] == ["vn63:01", "vn63:80", "vn34:01", "vn34:80"]


def test_compliance_cells_show_the_tables_status():
    table = compliance_table()
    figure = fg.compliance_heatmap(table, ["plan", "Q1", "H1", "Q3", "Y"], "vi")
    trace = figure.data[0]
    columns = ["plan_status", "report_Q1", "report_H1", "report_Q3", "report_Y"]
    for row, z_row, text_row in zip(table.itertuples(), trace.z, trace.text):
        statuses = [getattr(row, c) for c in columns]
        assert list(z_row) == [fg.TIMELINESS_CODES[s] for s in statuses]
        assert None not in list(z_row)  # every cell filled, n/a included
    assert list(trace.text[0]) == ["đúng hạn", "đúng hạn", "chậm", "không áp dụng", "không áp dụng"]


def test_compliance_heatmap_has_a_legend_of_statuses():
    trace = fg.compliance_heatmap(compliance_table(), ["plan"], "en").data[0]
    assert trace.showscale is True
    assert list(trace.colorbar.ticktext) == ["on time", "not due", "late", "missing", "n/a"]
    assert list(trace.colorbar.tickvals) == [0, 1, 2, 3, 4]
    # each code maps to exactly its colour: the scale is stepped, one band per status
    assert (trace.zmin, trace.zmax) == (-0.5, 4.5)


def test_compliance_labels_are_plain_names_when_one_system():
    table = compliance_table()
    table = table[table["code_system"] == "vn34"]
    assert list(fg.compliance_heatmap(table, ["Q3"], "vi").data[0].y) == ["Hà Nội", "Tây Ninh"]


def test_unit_year_heatmap_has_a_colour_scale_with_its_measure():
    trace = fg.unit_year_heatmap(trend_series(), "vi", "index").data[0]
    assert trace.showscale is not False
    assert trace.colorbar.title.text == "Chỉ số CCHC (%)"
    assert list(trace.y) == ["Hà Nội", "Tây Ninh"]


def test_unit_year_heatmap_keeps_units_that_share_a_name_apart():
    series = trend_series().assign(name="Hà Nội")
    trace = fg.unit_year_heatmap(series, "vi", "index").data[0]
    assert list(trace.y) == ["Hà Nội (vn34:01)", "Hà Nội (vn34:80)"]


def test_every_heatmap_and_map_has_a_legend():
    for name, figure in every_figure("vi"):
        scaled = [tr for tr in figure.data if tr.type in ("heatmap", "choropleth") and tr.showscale is not False]
        if any(tr.type in ("heatmap", "choropleth") for tr in figure.data):
            assert scaled, name


def test_timeline_shows_whole_names_in_wrapped_lines():
    figure = fg.project_timeline(projects(), date(2025, 6, 30), "vi")
    labels = [y for trace in figure.data if trace.type == "bar" for y in trace.y]
    first = next(label for label in labels if label.startswith("1. "))
    assert "<br>" in first
    assert first.replace("<br>", " ").endswith("Cách mạng công nghiệp lần thứ tư")
    assert all(len(line) <= 56 for line in first.split("<br>"))
    assert figure.layout.yaxis.automargin is True
    # a name's markup is text, our line breaks stay
    second = next(label for label in labels if label.startswith("2. "))
    assert "&lt;b&gt;x&lt;/b&gt;" in second
    # projects in their number order, not grouped by status
    order = list(figure.layout.yaxis.categoryarray)
    assert [label.split(".")[0] for label in order] == ["1", "2", "3"]
    assert "Ngày tham chiếu 30/06/2025" in [trace.name for trace in figure.data]  # named in the legend, never cut


def test_rank_intervals_run_from_low_to_high_best_rank_on_top():
    figure = fg.rank_interval_chart(rank_intervals(), "en", 0.9, 1000)
    bars, medians, official = figure.data
    assert list(bars.y) == ["Can Tho", "HCMC", "Ha Noi"]          # drawn bottom-up: rank 1 at the top
    assert [b + w for b, w in zip(bars.base, bars.x)] == pytest.approx([3.4, 3.4, 2.4])
    assert list(bars.base) == pytest.approx([2.6, 0.6, 0.6]) and list(official.x) == [3, 2, 1]
    assert figure.layout.title.text == "90 % rank intervals over 1,000 draws"
    assert figure.layout.xaxis.side == "top" and list(figure.layout.xaxis.tickvals) == [1, 2, 3]
