"""Blank survey templates for analysts: the columns `python -m etl load sipas|health|education` reads, as CSV
(UTF-8 with BOM, so Excel shows the Vietnamese) and as Excel with a codebook of every item.

Headers carry the Vietnamese label and the code, 'Tỉnh/thành phố (province)'; items are headed by their code
('C1', 'A1'), their wording being in the codebook. A template loads back as it is once rows are filled in.
"""
from __future__ import annotations

import csv
import io
from typing import Iterable

import duckdb
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from etl.loaders.survey_instruments import Instrument, instruments_from_store, instruments_from_yaml
from etl.loaders.survey_spec import KINDS, VALUE_LABELS_VI, VOCABULARY, Column
from etl.output import neutralise

# The order columns appear in a template: who, when, where, the facility, who answered, then the answers.
COLUMN_ORDER = ("respondent_id", "survey_date", "year", "province", "hospital_id", "hospital_name", "form",
                "school_id", "school_name", "school_level", "respondent_group", "weight", "stratum", "psu", "sex",
                "age_group", "channel")
_CODED = ("form", "school_level", "respondent_group", "sex", "channel")
_NOTES = {
    "respondent_id": ("Duy nhất trong một khảo sát và năm", "Unique within a survey and year"),
    "survey_date": ("dd/mm/yyyy hoặc yyyy-mm-dd; quyết định hệ mã tỉnh (63 hay 34 tỉnh)",
                    "dd/mm/yyyy or yyyy-mm-dd; decides the province code system (63 or 34 provinces)"),
    "year": ("Năm khảo sát, nếu không có ngày (hoặc nạp với --year)", "Survey year if no date (or load with --year)"),
    "province": ("Mã hoặc tên tỉnh theo hệ mã hiệu lực vào ngày/năm khảo sát",
                 "Province code or name in the code system in force on the survey date or year"),
    "weight": ("Không bắt buộc; số lớn hơn 0. Điền cho mọi dòng, hoặc để trống cả cột nếu khảo sát không dùng "
               "trọng số",
               "Optional; a number greater than 0. Fill it on every row, or leave the whole column blank for an "
               "unweighted survey"),
    "stratum": ("Không bắt buộc; tầng chọn mẫu của người trả lời (ví dụ: thành thị/nông thôn, huyện). Điền cho mọi "
                "dòng, hoặc để trống cả cột nếu mẫu không phân tầng",
                "Optional; the sampling stratum the respondent was drawn from (e.g. urban/rural, district). Fill it "
                "on every row, or leave the whole column blank if the sample was not stratified"),
    "psu": ("Không bắt buộc; đơn vị mẫu cấp 1 (cụm, địa bàn) được chọn ở bước đầu, ví dụ xã/phường hay thôn. Điền "
            "cho mọi dòng, hoặc để trống cả cột; khi để trống, khảo sát y tế lấy bệnh viện và giáo dục lấy trường "
            "làm cụm",
            "Optional; the primary sampling unit (cluster) drawn at the first stage, e.g. a commune or village. Fill "
            "it on every row, or leave the whole column blank; when blank, health surveys take the hospital and "
            "education surveys the school as the cluster"),
    "hospital_id": ("Mã bệnh viện; đăng ký lần đầu xuất hiện (mã, tên, tỉnh)",
                    "Hospital ID; registered the first time it appears (id, name, province)"),
    "school_id": ("Mã trường; đăng ký lần đầu xuất hiện (mã, tên, tỉnh)",
                  "School ID; registered the first time it appears (id, name, province)"),
}
PARAPHRASE_VI = "Diễn giải từ phương pháp công bố, không phải câu hỏi nguyên văn"
PARAPHRASE_EN = "Paraphrased from the published method, not the official wording"
OFFICIAL_VI = "Câu hỏi nguyên văn của phiếu chính thức"
OFFICIAL_EN = "Official questionnaire wording"


def _instruments(source, survey: str) -> list[Instrument]:
    """From a store connection, one instrument, a list of them, or None (the YAML files in data/instruments)."""
    if isinstance(source, duckdb.DuckDBPyConnection):
        return instruments_from_store(source, survey)
    if isinstance(source, Instrument):
        return [source]
    if source is None:
        return instruments_from_yaml(survey)
    return [i for i in source if i.survey == survey]


def _columns(survey: str) -> list[Column]:
    kind = KINDS[survey]
    present = {c.name: c for c in kind.columns}
    return [present[name] for name in COLUMN_ORDER if name in present]


def _item_codes(instruments: Iterable[Instrument]) -> list[str]:
    return list(dict.fromkeys(code for i in instruments for code in i.item_codes()))


def template_headers(source, survey: str) -> list[str]:
    """The header row of a template: 'Vietnamese label (code)' for each column, then the item codes."""
    if survey not in KINDS:
        raise ValueError(f"unknown survey {survey!r}; choose one of: {', '.join(KINDS)}")
    instruments = _instruments(source, survey)
    return [f"{c.label_vi} ({c.name})" for c in _columns(survey)] + _item_codes(instruments)


def template_csv(source, survey: str) -> bytes:
    """A CSV template: UTF-8 with BOM, comma-separated, header row only."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([neutralise(h) for h in template_headers(source, survey)])
    return buffer.getvalue().encode("utf-8-sig")


def _allowed(column: str, instruments: list[Instrument]) -> list[str]:
    if column == "form":
        return [i.form for i in instruments]
    if column == "school_level":
        return list(dict.fromkeys(v for i in instruments for v in i.school_levels))
    if column == "respondent_group":
        return list(dict.fromkeys(v for i in instruments for v in i.respondent_groups))
    return list(VOCABULARY[column])


def _scale_text(instrument: Instrument, item, lang: str) -> str:
    text = f"{item.value_min}–{item.value_max}"
    if item.kind == "percent":
        text += " (%)"
    if instrument.accepts_na(item):
        text += (f"; {instrument.na_code} = không sử dụng / không ý kiến" if lang == "vi"
                 else f"; {instrument.na_code} = did not use / no opinion")
    return text


def _labels(instrument: Instrument, item, lang: str) -> str:
    labels = instrument.labels_vi if lang == "vi" else instrument.labels_en
    if item.kind != "likert" or not labels:
        return ""
    return "; ".join(f"{instrument.scale_min + i} = {label}" for i, label in enumerate(labels))


def _append(ws, row: list) -> None:
    """One row of a sheet, every cell through etl.output.neutralise: item codes and wording come from instrument
    files, and a cell that starts like a formula must stay text when the template is opened."""
    ws.append([neutralise(value) for value in row])


def _style_header(ws, row: int, width: int) -> None:
    for col in range(1, width + 1):
        cell = ws.cell(row=row, column=col)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def template_xlsx(source, survey: str) -> bytes:
    """An Excel template: the data sheet first (header row, drop-down lists for coded columns), then the
    codebook (every item's wording, scale and dimension, paraphrased wording marked) and the columns."""
    instruments = _instruments(source, survey)
    headers = template_headers(instruments, survey)
    columns = _columns(survey)
    book = Workbook()
    data = book.active
    data.title = "Dữ liệu"
    _append(data, headers)
    _style_header(data, 1, len(headers))
    data.freeze_panes = "B2"
    for i, header in enumerate(headers, 1):
        data.column_dimensions[get_column_letter(i)].width = max(8, min(28, len(header) + 2))
    for i, column in enumerate(columns, 1):
        if column.name in _CODED:
            letter = get_column_letter(i)
            rule = DataValidation(type="list", formula1='"' + ",".join(_allowed(column.name, instruments)) + '"',
                                  allow_blank=True, showErrorMessage=False)
            rule.add(f"{letter}2:{letter}100000")
            data.add_data_validation(rule)

    codebook = book.create_sheet("Bộ mã (codebook)")
    title = instruments[0].title_vi if len(instruments) == 1 else KINDS[survey].name_vi
    _append(codebook, [f"Bộ mã câu hỏi — {title}"])
    _append(codebook, [f"Phương pháp / method: {'; '.join(sorted({i.method or '' for i in instruments}))}. "
                     f"Câu chữ đánh dấu \"{PARAPHRASE_VI}\" / \"{PARAPHRASE_EN}\" hoặc \"{OFFICIAL_VI}\" / "
                     f"\"{OFFICIAL_EN}\" kèm nguồn."])
    head = ["Phiếu (form)", "Mã câu hỏi (item)", "Mã nhóm (dimension)", "Nhóm", "Dimension", "Phần (part)",
            "Nội dung câu hỏi", "Wording", "Nguồn câu chữ (wording source)", "Thang đo (scale)",
            "Nhãn thang đo", "Scale labels"]
    _append(codebook, head)
    _style_header(codebook, 3, len(head))
    for instrument in instruments:
        for item in instrument.items:
            dimension = instrument.dimension(item.dimension)
            source_text = item.wording_source or ""
            if source_text == "paraphrase":
                source_text = f"{PARAPHRASE_VI} ({PARAPHRASE_EN})"
            elif source_text:
                source_text = f"{OFFICIAL_VI} ({OFFICIAL_EN}): {source_text}"
            _append(codebook, [
                instrument.form, item.code, item.dimension, dimension.name_vi if dimension else "",
                dimension.name_en if dimension else "", dimension.part if dimension else "",
                item.wording_vi or "", item.wording_en or "", source_text, _scale_text(instrument, item, "vi"),
                _labels(instrument, item, "vi"), _labels(instrument, item, "en")])
    for letter, width in zip("ABCDEFGHIJKL", (12, 10, 18, 32, 28, 10, 48, 44, 36, 24, 40, 40)):
        codebook.column_dimensions[letter].width = width

    sheet = book.create_sheet("Cột (columns)")
    _append(sheet, ["Tiêu đề (header)", "Mã (code)", "Bắt buộc (required)", "Giá trị (values)", "Ghi chú", "Note"])
    _style_header(sheet, 1, 6)
    for column in columns:
        values = ""
        if column.name in _CODED:
            values = ", ".join(f"{v} ({VALUE_LABELS_VI.get(v, v)})" for v in _allowed(column.name, instruments))
        note_vi, note_en = _NOTES.get(column.name, ("", ""))
        _append(sheet, [f"{column.label_vi} ({column.name})", column.name, "có / yes" if column.required else "",
                      values, note_vi, note_en])
    for letter, width in zip("ABCDEF", (36, 18, 14, 60, 50, 50)):
        sheet.column_dimensions[letter].width = width

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
