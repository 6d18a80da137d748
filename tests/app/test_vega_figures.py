"""The overview's Vega-Lite charts (ui.vega_figures): rows, wording, axes and colours as the Plotly charts had them."""
import subprocess
import sys

import pandas as pd
import pytest

from tests.conftest import PROJECT
from ui.chart_style import GROUP_COLOURS
from ui.vega_figures import groups_bar_spec, index_bar_spec


def results() -> pd.DataFrame:
    return pd.DataFrame({
        "code_system": ["vn63"] * 4, "code": ["01", "79", "48", "02"],
        "name_vi": ["Hà Nội", "Hồ Chí Minh", "Đà Nẵng", "Hà Giang"],
        "name_en": ["Ha Noi", "Ho Chi Minh", "Da Nang", "Ha Giang"],
        "index": [88.5, 91.25, 84.0, None], "rank": [2, 1, None, None], "group": ["B", "A", None, None]})


def layer(spec: dict, mark: str) -> list[dict]:
    return [entry for entry in spec["layer"] if entry["mark"]["type"] == mark]


def test_index_bars_best_first_with_values_ranks_and_group_colours_as_written():
    chart = index_bar_spec(results(), "vi")
    assert chart.rows["unit"].tolist() == ["Hồ Chí Minh", "Hà Nội", "Đà Nẵng"]   # no value: no bar
    assert chart.rows["label"].tolist() == ["91,25 %", "88,50 %", "84,00 %"]
    assert chart.rows["rank"].tolist() == ["1", "2", "—"] and chart.rows["group"].tolist() == ["A", "B", "—"]
    assert chart.rows["colour"].tolist() == [GROUP_COLOURS["A"], GROUP_COLOURS["B"], GROUP_COLOURS[None]]
    bars = layer(chart.spec, "bar")[0]["encoding"]
    assert bars["y"]["sort"] is None and bars["color"] == {"field": "colour", "scale": None}
    assert [t["title"] for t in bars["tooltip"]] == ["Đơn vị", "Chỉ số (%)", "Hạng", "Nhóm"]


@pytest.mark.parametrize("lang, title, axis", [
    ("vi", "Chỉ số CCHC theo đơn vị", "Chỉ số (%) (trục bắt đầu từ 80 %)"),
    ("en", "PAR INDEX by unit", "Index (%) (axis starts at 80 %)")])
def test_index_chart_speaks_the_language_and_says_where_its_axis_starts(lang, title, axis):
    chart = index_bar_spec(results(), lang)
    assert chart.spec["title"]["text"] == chart.alt == title
    x = layer(chart.spec, "bar")[0]["encoding"]["x"]
    assert x["scale"]["domain"] == [80.0, 100] and x["title"] == axis
    assert index_bar_spec(results(), lang, title="Năm <2025>").spec["title"]["text"] == "Năm <2025>"


def test_the_average_is_one_dashed_line_with_its_value_and_only_when_given():
    chart = index_bar_spec(results(), "vi", 87.78)
    rule, = layer(chart.spec, "rule")
    assert rule["encoding"]["x"]["datum"] == 87.78 and rule["mark"]["strokeDash"]
    label = [e for e in layer(chart.spec, "text") if "value" in e["encoding"].get("text", {})]
    assert label[0]["encoding"]["text"]["value"] == "Trung bình cả nước 87,78 %"
    assert all(e["data"] == {"values": [{}]} for e in [rule] + label)   # drawn once, not once per unit
    assert layer(index_bar_spec(results(), "vi").spec, "rule") == []


def test_units_that_share_a_name_keep_their_own_bars():
    frame = results().assign(code_system=["vn63", "vn34", "vn63", "vn63"],
                             name_vi=["Huế", "Huế", "Đà Nẵng", "x"])
    assert index_bar_spec(frame, "vi").rows["unit"].tolist() == ["Huế (vn34)", "Huế (vn63)", "Đà Nẵng (vn63)"]


def test_names_from_data_go_to_the_rows_as_written():
    # as written: Vega-Lite draws labels as SVG text and its tooltips escape HTML (checked by hand in Chromium)
    hostile = results().assign(name_vi=['<a href="http://example.invalid">x</a>', "**đậm**", "Đà Nẵng", "y"])
    chart = index_bar_spec(hostile, "vi")
    assert chart.rows["unit"].tolist() == ["**đậm**", '<a href="http://example.invalid">x</a>', "Đà Nẵng"]


def test_groups_in_band_order_with_counts_colours_and_wording():
    groups = pd.DataFrame({"group_code": ["A", "B", "C"], "label_vi": ["Nhóm A", "Nhóm B", "Nhóm C"],
                           "label_en": ["Group A", "Group B", "Group C"], "units": [6.0, 28.0, 0.0]})
    chart = groups_bar_spec(groups, "en")
    assert chart.rows["group"].tolist() == ["Group A", "Group B", "Group C"]
    assert chart.rows["units"].tolist() == [6, 28, 0] and str(chart.rows["units"].dtype).startswith("int")
    assert chart.rows["colour"].tolist() == [GROUP_COLOURS[g] for g in "ABC"]
    assert chart.spec["title"]["text"] == "Units per group"
    assert layer(chart.spec, "bar")[0]["encoding"]["x"]["sort"] is None   # the framework's order, not alphabetical


def test_a_few_units_keep_some_height_and_no_group_is_grey():
    chart = index_bar_spec(results(), "vi")
    assert chart.spec["height"] == {"step": 22 * 8 / 3}    # 3 units with a value: the height of 8
    assert chart.rows["colour"].iloc[-1] == GROUP_COLOURS[None]


def test_the_chart_module_itself_builds_nothing_with_plotly():
    done = subprocess.run([sys.executable, "-c", "import sys, ui.vega_figures; print('plotly' in sys.modules)"],
                          cwd=PROJECT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
