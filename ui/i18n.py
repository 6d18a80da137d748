"""Every string a user reads, in Vietnamese (default) and English, and number formats per language."""
from __future__ import annotations

import math

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
DEFAULT_LANG = "vi"

STRINGS: dict[str, tuple[str, str]] = {
    # app shell
    "app.title": ("Chỉ số cải cách hành chính", "PAR INDEX dashboard"),
    "app.caption": ("Chỉ số CCHC và đo lường sự hài lòng", "PAR INDEX and satisfaction measurement"),
    "nav.section.leaders": ("Lãnh đạo", "Leaders"),
    "nav.section.reference": ("Tham chiếu", "Reference"),
    "page.overview": ("Tổng quan", "Overview"),
    "page.units": ("Đơn vị hành chính", "Administrative units"),
    "page.data": ("Dữ liệu và nguồn", "Data and sources"),
    "page.method": ("Phương pháp", "Method"),
    "filter.lang": ("Ngôn ngữ", "Language"),
    "filter.level": ("Cấp", "Level"),
    "filter.year": ("Năm", "Year"),
    "filter.source": ("Nguồn dữ liệu", "Data source"),
    "level.province": ("Tỉnh, thành phố", "Provinces"),
    "level.ministry": ("Bộ, cơ quan ngang bộ", "Ministries"),
    "source.auto": ("Tự động (tải lên > công bố > mô phỏng)", "Automatic (upload > published > demo)"),
    "source.published": ("Dữ liệu công bố", "Published data"),
    "source.demo": ("Dữ liệu mô phỏng", "Demo (synthetic) data"),
    "source.upload": ("Dữ liệu tải lên", "Uploaded data"),
    "source.reference": ("Dữ liệu tham chiếu", "Reference data"),
    "demo.banner": ("DỮ LIỆU MÔ PHỎNG — các số liệu trên trang này là dữ liệu tổng hợp để minh họa, "
                    "không phải kết quả công bố.",
                    "DEMO DATA — the figures on this page are synthetic, for illustration, not published results."),
    "demo.sidebar": ("Đang xem dữ liệu mô phỏng", "Viewing demo data"),
    # store states
    "store.building": ("Đang tạo cơ sở dữ liệu mặc định từ thư mục data/ (lần chạy đầu tiên)…",
                       "Building the default database from data/ (first start)…"),
    "store.built": ("Đã tạo cơ sở dữ liệu.", "Database built."),
    "store.missing": ("Chưa có cơ sở dữ liệu tại {path}. Chạy: python -m etl build",
                      "No database at {path}. Run: python -m etl build"),
    "store.empty": ("Cơ sở dữ liệu {path} trống. Chạy: python -m etl build",
                    "Database {path} is empty. Run: python -m etl build"),
    "store.too_new": ("Cơ sở dữ liệu {path} được tạo bởi phiên bản mới hơn của chương trình. Hãy cập nhật chương trình.",
                      "Database {path} comes from a newer version of this program. Update the program."),
    "store.old": ("Cơ sở dữ liệu {path} dùng lược đồ cũ. Chạy: python -m etl batches --db {path} để nâng cấp.",
                  "Database {path} has an older schema. Run: python -m etl batches --db {path} to upgrade it."),
    "store.busy": ("Cơ sở dữ liệu đang được ghi bởi một tiến trình khác. Vui lòng thử lại sau giây lát.",
                   "The database is being written by another process. Please try again in a moment."),
    "store.no_data": ("Chưa có dữ liệu Chỉ số CCHC cho cấp này.", "No PAR INDEX data for this level yet."),
    # overview
    "overview.title": ("Tổng quan Chỉ số CCHC {year}: {level}", "PAR INDEX {year} overview: {level}"),
    "overview.units": ("Số đơn vị có điểm", "Units with a score"),
    "overview.units_of": ("trên tổng số {total}", "of {total}"),
    "overview.partial": ("Bảng công bố chỉ có {k}/{n} đơn vị: trung bình, thứ hạng và số lượng theo nhóm dưới đây "
                         "chỉ tính trên {k} đơn vị này.",
                         "The published table covers {k} of {n} units: the average, ranks and group counts below "
                         "are for those {k} units only."),
    "overview.average": ("Trung bình cả nước", "National average"),
    "overview.average_listed": ("Trung bình ({k}/{n} đơn vị)", "Average ({k} of {n} units)"),
    "overview.published_average": ("Trung bình cả nước (công bố)", "National average (published)"),
    "overview.top": ("Dẫn đầu", "Top 3"),
    "overview.bottom": ("Cuối bảng", "Bottom 3"),
    "overview.groups": ("Số đơn vị theo nhóm", "Units per group"),
    "overview.riser": ("Tăng mạnh nhất", "Biggest riser"),
    "overview.faller": ("Giảm mạnh nhất", "Biggest faller"),
    "overview.no_mover": ("Không có đơn vị so sánh được với năm trước", "No unit comparable with the previous year"),
    "overview.framework_changed": ("Bộ tiêu chí năm {year} khác năm {prev}: mức tăng, giảm không hoàn toàn so sánh được.",
                                   "The {year} criteria set differs from {prev}'s: changes are not strictly comparable."),
    "overview.merger_note": ("So với năm trước chỉ tính các đơn vị giữ nguyên khi sắp xếp năm 2025; "
                             "đơn vị hợp nhất không có giá trị so sánh trực tiếp.",
                             "Changes are shown only for units left whole by the 2025 reorganisation; "
                             "merged units have no direct comparison."),
    "overview.points": ("điểm", "points"),
    "overview.ranks": ("bậc", "ranks"),
    "overview.source_line": ("Nguồn: {source} · lô dữ liệu {batches} · {method}",
                             "Source: {source} · batch {batches} · {method}"),
    "overview.method_scores": ("chỉ số = tổng điểm đạt được / điểm tối đa × 100, xếp hạng theo chỉ số (2 chữ số thập phân, đồng hạng)",
                               "index = points achieved / maximum points × 100, ranked by index (2 decimals, ties share a rank)"),
    "overview.method_totals": ("giá trị và thứ hạng như công bố", "values and ranks as published"),
    "overview.framework": ("Bộ tiêu chí: {title}", "Criteria set: {title}"),
    "overview.illustrative": ("điểm tối đa theo tiêu chí là minh họa", "per-criterion maximum points are illustrative"),
    "col.rank": ("Hạng", "Rank"),
    "col.unit": ("Đơn vị", "Unit"),
    "col.index": ("Chỉ số (%)", "Index (%)"),
    "col.group": ("Nhóm", "Group"),
    "col.region": ("Vùng", "Region"),
    "col.code": ("Mã", "Code"),
    "col.system": ("Hệ mã", "Code system"),
    "col.kind": ("Loại", "Kind"),
    "col.successors": ("Đơn vị kế thừa", "Successors"),
    "col.predecessors": ("Đơn vị tiền thân", "Predecessors"),
    "col.name": ("Tên", "Name"),
    # units page
    "units.title": ("Đơn vị hành chính và sắp xếp năm 2025", "Administrative units and the 2025 reorganisation"),
    "units.intro": ("Mỗi đơn vị được xác định bằng (hệ mã, mã), ví dụ vn63:80 là Long An trước 1/7/2025 "
                    "còn vn34:80 là Tây Ninh sau sắp xếp.",
                    "A unit is identified by (code system, code): vn63:80 is Long An before 2025-07-01, "
                    "vn34:80 is Tây Ninh after the reorganisation."),
    "units.system": ("Hệ mã", "Code system"),
    "units.search": ("Tìm theo tên (có hoặc không dấu)", "Search by name (with or without diacritics)"),
    "units.count": ("{n} đơn vị", "{n} units"),
    "units.lineage": ("Sắp xếp, hợp nhất", "Mergers and successors"),
    "units.relation.continued": ("giữ nguyên", "continued whole"),
    "units.relation.merged_into": ("hợp nhất vào", "merged into"),
    "units.relation.main_successor": ("chức năng chuyển chủ yếu sang", "functions mainly moved to"),
    "units.download": ("Tải CSV", "Download CSV"),
    "units.source": ("Nguồn: Nghị quyết 202/2025/QH15 (tỉnh), Nghị quyết 176/2025/QH15 (bộ); xem Dữ liệu và nguồn.",
                     "Sources: Resolution 202/2025/QH15 (provinces), Resolution 176/2025/QH15 (ministries); "
                     "see Data and sources."),
    # data page
    "data.title": ("Dữ liệu và nguồn", "Data and sources"),
    "data.batches": ("Các lô dữ liệu đã nạp", "Loaded batches"),
    "data.batches_intro": ("Mỗi lần nạp là một lô có nguồn gốc: loại, nguồn, tệp, mã băm sha256, số dòng, người nạp, thời điểm.",
                           "Every load is a batch with provenance: kind, source, file, sha256, rows, who and when."),
    "data.show_retired": ("Hiện cả lô đã thay thế hoặc đã gỡ", "Show retired and removed batches"),
    "data.sources": ("Nguồn số liệu công bố", "Sources of the published figures"),
    "data.licences": ("Bản quyền dữ liệu", "Data licences"),
    "data.download": ("Tải danh sách lô (CSV)", "Download batch list (CSV)"),
    # method page
    "method.title": ("Phương pháp", "Method"),
    "method.par": ("Chỉ số CCHC (PAR INDEX)", "PAR INDEX"),
    "method.par_text": ("Chỉ số (%) = điểm đạt được / điểm tối đa × 100. Xếp hạng theo chỉ số, giảm dần, "
                        "tỉnh và bộ riêng; so sánh ở độ chính xác công bố (2 chữ số thập phân), bằng nhau thì đồng hạng. "
                        "Nhóm theo khoảng điểm của bộ tiêu chí.",
                        "Index (%) = points achieved / maximum points × 100. Ranked by index, descending, provinces "
                        "and ministries separately, compared at the published precision (2 decimals); equal values "
                        "share a rank. Groups follow the criteria set's bands."),
    "method.frameworks": ("Các bộ tiêu chí", "Criteria sets"),
    "method.framework_pick": ("Bộ tiêu chí", "Criteria set"),
    "method.fields": ("Lĩnh vực và điểm tối đa", "Fields and maximum points"),
    "method.bands": ("Nhóm xếp loại", "Groups"),
    "method.instruments": ("Bộ công cụ khảo sát", "Survey instruments"),
    "method.instrument_items": ("{n} câu hỏi, thang {min}–{max}", "{n} items, scale {min}–{max}"),
    "method.na_code": ("mã {code} = không sử dụng / không ý kiến, loại khỏi mẫu số",
                       "code {code} = did not use / no opinion, left out of every denominator"),
    "method.glossary": ("Thuật ngữ", "Glossary"),
    "method.years": ("Áp dụng: {first}–{last}", "Applies: {first}–{last}"),
    "method.illustrative": ("Điểm tối đa theo lĩnh vực và tiêu chí trong tệp này là minh họa (chưa tìm thấy bản chính thức dạng văn bản).",
                            "Per-field and per-criterion maximum points in this file are illustrative (the official "
                            "points were not found in text form)."),
    "method.appraisal_survey": ("Điểm thẩm định {a} + điểm điều tra XHH {s}", "Appraisal {a} + survey {s} points"),
    "kind.province": ("Tỉnh", "Province"),
    "kind.city": ("Thành phố trực thuộc TW", "Centrally-run city"),
    "kind.ministry": ("Bộ", "Ministry"),
    "kind.agency": ("Cơ quan ngang bộ", "Ministerial-level agency"),
    "col.batch_id": ("Lô", "Batch"),
    "col.source": ("Nguồn", "Source"),
    "col.dataset_key": ("Bộ dữ liệu", "Dataset"),
    "col.file_name": ("Tệp", "File"),
    "col.sha256": ("SHA-256", "SHA-256"),
    "col.rows": ("Số dòng", "Rows"),
    "col.status": ("Trạng thái", "Status"),
    "col.replaces_batch_id": ("Thay cho lô", "Replaces batch"),
    "col.loaded_at": ("Thời điểm nạp (UTC)", "Loaded at (UTC)"),
    "col.user": ("Người nạp", "Loaded by"),
    "col.note": ("Ghi chú", "Note"),
    "col.field_code": ("Lĩnh vực", "Field"),
    "col.max_points": ("Điểm tối đa", "Maximum points"),
    "col.appraisal_max": ("Điểm thẩm định tối đa", "Appraisal maximum"),
    "col.survey_max": ("Điểm điều tra XHH tối đa", "Survey maximum"),
    "col.criteria": ("Số tiêu chí", "Criteria"),
    "col.min_index": ("Chỉ số từ (%)", "Index from (%)"),
    "col.label": ("Tên nhóm", "Group name"),
    "col.from": ("Đơn vị cũ", "Former unit"),
    "col.relation": ("Quan hệ", "Relation"),
    "col.to": ("Đơn vị mới", "New unit"),
    "col.effective_date": ("Hiệu lực từ", "In force from"),
    "col.legal_act": ("Văn bản", "Legal act"),
    "status.current": ("hiện hành", "current"),
    "status.retired": ("đã thay thế", "retired"),
    "status.removed": ("đã gỡ", "removed"),
    "common.download_csv": ("Tải CSV", "Download CSV"),
    "common.yes": ("có", "yes"),
    "common.no": ("không", "no"),
}


# The six socio-economic regions (Resolution 81/2023/QH15), keyed by their Vietnamese names.
REGIONS_EN = {
    "dong bang song hong": "Red River Delta",
    "trung du va mien nui phia bac": "Northern Midlands and Mountains",
    "bac trung bo va duyen hai mien trung": "North Central and Central Coast",
    "tay nguyen": "Central Highlands",
    "dong nam bo": "South East",
    "dong bang song cuu long": "Mekong River Delta",
}


def region_name(region: str | None, lang: str) -> str | None:
    """A region's name in the language; unknown names are shown as written."""
    if region is None or (isinstance(region, float) and math.isnan(region)) or lang == "vi":
        return region
    from etl.names import name_key

    return REGIONS_EN.get(name_key(region), region)


def t(key: str, lang: str = DEFAULT_LANG, **values) -> str:
    """The string for `key` in `lang`, with `{name}` placeholders filled."""
    vi, en = STRINGS[key]
    text = vi if lang == "vi" else en
    return text.format(**values) if values else text


def fmt_number(value: float | None, lang: str, decimals: int = 2) -> str:
    """86.98 -> '86,98' (vi) or '86.98' (en); thousands with '.' (vi) or ',' (en); None -> '—'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def fmt_pct(value: float | None, lang: str, decimals: int = 2) -> str:
    """86.98 -> '86,98 %' (vi) / '86.98 %' (en)."""
    text = fmt_number(value, lang, decimals)
    return text if text == "—" else f"{text} %"


def fmt_signed(value: float | None, lang: str, decimals: int = 2) -> str:
    """+1,23 / -0,50 with an explicit sign (ASCII minus, which st.metric reads as a fall)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    sign = "+" if value > 0 else ("-" if value < 0 else "±")
    return f"{sign}{fmt_number(abs(value), lang, decimals)}"
