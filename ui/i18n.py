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
    "source.unavailable": ("Không có {source} cho {what}. Nguồn có dữ liệu: {others}.",
                           "There is no {source} for {what}. Sources with data: {others}."),
    "source.none": ("không có", "none"),
    "source.switch": ("Xem {source}", "Show {source}"),
    "store.open_from_home": ("Trang này mở qua trang chủ của ứng dụng.", "Open this page from the app's home page."),
    "coverage.k_of_n": ("{k}/{n} đơn vị", "{k} of {n} units"),
    "coverage.not_stated": ("Bản công bố không nêu", "Not stated in the release"),
    "overview.release_facts": ("Số liệu chính bản công bố nêu", "What the release states"),
    "basis.published": ("theo công bố", "as published"),
    "basis.computed": ("tính từ bảng đầy đủ", "computed from the complete table"),
    "rank.not_published": ("chưa công bố", "not published"),
    "rank_basis.stated": ("hạng công bố", "stated rank"),
    "rank_basis.deduced": ("hạng suy ra từ văn bản", "rank deduced from the text"),
    "rank_basis.listed": ("hạng theo thứ tự liệt kê", "rank from listed order"),
    "rank_basis.computed": ("hạng tính từ bảng đầy đủ", "rank computed from the complete table"),
    "rank_basis.not published": ("hạng chưa công bố", "rank not published"),
    "change.published": ("mức thay đổi theo công bố", "change as published"),
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
    "store.not_duckdb": ("{path} không phải là cơ sở dữ liệu DuckDB (có thể là tệp CSV, SQLite, hình ảnh hoặc tệp "
                         "trống). Đặt PAR_DB là đường dẫn tới tệp .duckdb, hoặc chạy: python -m etl build",
                         "{path} is not a DuckDB database (perhaps a CSV, SQLite, picture or empty file). Point "
                         "PAR_DB at a .duckdb file, or run: python -m etl build"),
    "store.folder": ("{path} là một thư mục, không phải tệp cơ sở dữ liệu. Đặt PAR_DB là đường dẫn tới tệp .duckdb.",
                     "{path} is a folder, not a database file. Point PAR_DB at a .duckdb file."),
    "store.unreadable": ("Không đọc được tệp cơ sở dữ liệu {path} ({detail}). Kiểm tra quyền đọc tệp.",
                         "Cannot read the database file {path} ({detail}). Check the file's read permission."),
    "store.unwritable": ("Không ghi được vào {path}: tệp hoặc thư mục chứa nó chỉ cho phép đọc. Cấp quyền ghi cho "
                         "tệp và thư mục, hoặc đặt PAR_DB là tệp ở thư mục ghi được.",
                         "Cannot write to {path}: the file or its folder is read-only. Make both writable, or point "
                         "PAR_DB at a file in a writable folder."),
    "store.config": ("PAR_DB_WAIT phải là số giây (0 trở lên). Sửa hoặc xoá biến môi trường này rồi khởi động lại "
                     "ứng dụng.",
                     "PAR_DB_WAIT must be a number of seconds (0 or more). Correct or unset it, then restart the "
                     "app."),
    "store.write_failed": ("Không lưu được gì vào {path}: {detail}. Kiểm tra dung lượng đĩa còn trống và quyền ghi, "
                           "rồi thử lại; dữ liệu đã có không bị thay đổi.",
                           "Nothing was saved to {path}: {detail}. Check the free disk space and write permission, "
                           "then try again; the data already stored is unchanged."),
    "store.unopenable": ("Không mở được cơ sở dữ liệu {path}: {detail}. Tệp có thể bị hỏng hoặc do phiên bản DuckDB "
                         "khác tạo ra: khôi phục bằng python -m etl restore, hoặc chạy python -m etl build.",
                         "Cannot open the database {path}: {detail}. The file may be damaged or made by another "
                         "DuckDB version: restore it with python -m etl restore, or run python -m etl build."),
    "store.no_data": ("Chưa có dữ liệu Chỉ số CCHC cho cấp này.", "No PAR INDEX data for this level yet."),
    # overview
    "overview.title": ("Tổng quan Chỉ số CCHC {year}: {level}", "PAR INDEX {year} overview: {level}"),
    "overview.units": ("Số đơn vị có điểm", "Units with a score"),
    "overview.units_of": ("trên tổng số {total}", "of {total}"),
    "overview.partial": ("Bảng ở đây có {k}/{n} đơn vị. Trung bình và biểu đồ chỉ gồm {k} đơn vị này; xếp hạng dẫn đầu, "
                         "cuối bảng, số đơn vị theo nhóm và mức tăng, giảm lớn nhất là số liệu chính bản công bố nêu "
                         "(nếu có), không tính từ bảng chưa đầy đủ.",
                         "The table here lists {k} of {n} units. The average and the chart cover those {k} units only; "
                         "the leaders, the last places, the group counts and the largest rise and fall are what the "
                         "release itself states (where it does), never computed from the partial table."),
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
    "overview.merger_note": ("So với năm trước: đơn vị giữ nguyên khi sắp xếp năm 2025 so với chính nó; đơn vị hợp "
                             "nhất so với bình quân (trọng số bằng nhau) chỉ số của các tỉnh tiền thân. Thứ hạng "
                             "trong 63 và trong 34 đơn vị không so sánh được nên không tính tăng, giảm bậc.",
                             "Against the previous year: units the 2025 reorganisation left whole compare with "
                             "themselves; merged units with the equal-weight mean of their predecessors' index. "
                             "Ranks among 63 and among 34 units do not compare, so no rank change is shown."),
    "change.reconstructed": ("so với bình quân các đơn vị tiền thân", "against the mean of its predecessors"),
    "change.continued": ("đơn vị giữ nguyên khi sắp xếp", "unit left whole by the reorganisation"),
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
    "report.severity.error": ("lỗi", "error"),
    "report.severity.warning": ("cảnh báo", "warning"),
    "overview.export": ("Tải bảng xếp hạng của năm", "Download the year's table"),
    "col.n_psu": ("Số đơn vị mẫu cấp 1", "PSUs"),
    "col.n_strata": ("Số tầng", "Strata"),
    "col.pct_all_satisfied": ("% hài lòng toàn diện", "% satisfied with everything"),
    "col.all_ci_low": ("KTC (toàn diện) từ", "CI (everything) from"),
    "col.all_ci_high": ("KTC (toàn diện) đến", "CI (everything) to"),
    "col.elements_ci_low": ("KTC (5 yếu tố) từ", "CI (5 elements) from"),
    "col.elements_ci_high": ("KTC (5 yếu tố) đến", "CI (5 elements) to"),
    "col.dimension_vi": ("Yếu tố", "Dimension (vi)"),
    "col.dimension_en": ("Yếu tố (tiếng Anh)", "Dimension"),
    "sat.ci": ("KTC 95 %", "95 % CI"),
    "col.pct_satisfied": ("% hài lòng", "% satisfied"),
    "col.n_respondents": ("Số người trả lời", "Respondents"),
    "col.n": ("Số lượng", "Count"),
    "col.pct_ci_low": ("KTC 95 % từ", "95 % CI from"),
    "col.pct_ci_high": ("KTC 95 % đến", "95 % CI to"),
    "col.mean_score": ("Điểm trung bình", "Mean score"),
    "col.mean_ci_low": ("Điểm TB, KTC từ", "Mean, CI from"),
    "col.mean_ci_high": ("Điểm TB, KTC đến", "Mean, CI to"),
    "col.flag": ("Ghi chú độ tin cậy", "Reliability flag"),
    "col.design": ("Thiết kế mẫu", "Sample design"),
    "col.df": ("Bậc tự do", "Degrees of freedom"),
    "col.deff": ("Hệ số thiết kế", "Design effect"),
    "col.rse": ("Sai số tương đối", "Relative SE"),
    "col.province": ("Tỉnh, thành phố", "Province"),
    "col.target": ("Chỉ tiêu", "Target"),
    "col.target_source": ("Nguồn chỉ tiêu", "Target source"),
    "col.distance": ("Khoảng cách tới chỉ tiêu", "Distance to target"),
    "col.item": ("Câu hỏi", "Item"),
    "col.item_code": ("Mã câu hỏi", "Item code"),
    "col.forms": ("Phiếu", "Form"),
    "col.form": ("Phiếu", "Form"),
    "col.change_p": ("Giá trị p", "p-value"),
    "col.change_significant": ("Có ý nghĩa thống kê", "Significant"),
    "col.criterion_code": ("Tiêu chí", "Criterion"),
    "col.deadline_year": ("Năm hoàn thành", "Deadline"),
    "col.tasks_completed_pct": ("% nhiệm vụ hoàn thành", "% tasks completed"),
    "col.tasks_completed_on_time_pct": ("% nhiệm vụ đúng hạn", "% tasks on time"),
    "col.reports_on_time_pct": ("% báo cáo đúng hạn", "% reports on time"),
    "col.units_covered": ("Số đơn vị có dữ liệu", "Units covered"),
    "col.name_vi": ("Tên", "Name (Vietnamese)"),
    "col.name_en": ("Tên (tiếng Anh)", "Name"),
    "col.code_system": ("Hệ mã", "Code system"),
    "col.pct_elements_mean": ("Bình quân 5 yếu tố (%)", "Mean of the 5 elements (%)"),
    "col.published_pct": ("Công bố (%)", "Published (%)"),
    "col.set_vi": ("Nhóm câu hỏi", "Item set (vi)"),
    "col.set_en": ("Nhóm câu hỏi (en)", "Item set"),
    "col.metric": ("Chỉ tiêu", "Metric"),
    "col.value_pct": ("Giá trị (%)", "Value (%)"),
    "col.alpha": ("Hệ số Cronbach α", "Cronbach's α"),
    "col.alpha_ci_low": ("α, KTC từ", "α, CI from"),
    "col.alpha_ci_high": ("α, KTC đến", "α, CI to"),
    "col.items": ("Số câu hỏi", "Items"),
    "col.respondents": ("Số người trả lời", "Respondents"),
    "col.pct_se": ("Sai số chuẩn (điểm %)", "Standard error (points)"),
    "col.figure": ("Chỉ tiêu", "Figure"),
    "col.value": ("Giá trị", "Value"),
    "col.rank_basis": ("Căn cứ thứ hạng", "Rank basis"),
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
    "common.download_xlsx": ("Tải Excel", "Download Excel"),
    "common.not_available": ("Chưa có", "Not available"),
    "common.all": ("Tất cả", "All"),
    # rankings
    "page.rankings": ("Xếp hạng", "Rankings"),
    "page.profile": ("Hồ sơ đơn vị", "Unit profile"),
    "page.upload": ("Nạp dữ liệu", "Load data"),
    "nav.section.analysts": ("Chuyên viên", "Analysts"),
    "rankings.title": ("Xếp hạng Chỉ số CCHC {year}: {level}", "PAR INDEX {year} rankings: {level}"),
    "rankings.table": ("Bảng xếp hạng", "Ranking table"),
    "rankings.chart": ("Chỉ số theo đơn vị", "Index by unit"),
    "rankings.map": ("Bản đồ", "Map"),
    "rankings.map_note": ("Hoàng Sa và Trường Sa thể hiện là một phần của Đà Nẵng và Khánh Hòa. Ranh giới: {source}.",
                          "Hoàng Sa (Paracels) and Trường Sa (Spratlys) shown as part of Đà Nẵng and Khánh Hòa. "
                          "Boundaries: {source}."),
    "rankings.map_source.vn63": ("geoBoundaries (CC BY 4.0)", "geoBoundaries (CC BY 4.0)"),
    "rankings.map_source.vn34": ("vietnamese-provinces-database (MIT)", "vietnamese-provinces-database (MIT)"),
    "rankings.regions": ("Trung bình theo vùng kinh tế - xã hội", "Average by socio-economic region"),
    "rankings.regions_note": ("Tính từ {k} đơn vị có điểm trong bộ dữ liệu này; tỉnh mới trải trên hai vùng không "
                              "được tính vào vùng nào.",
                              "From the {k} units with a value in this dataset; a new province spanning two regions "
                              "counts in none."),
    "rankings.self_gap": ("Tự đánh giá cao hơn kết quả thẩm định", "Self-assessment above the appraisal"),
    "rankings.self_gap_note": ("Chênh lệch = tổng điểm tự đánh giá − tổng điểm thẩm định (cùng nguồn dữ liệu).",
                               "Gap = self-assessed points − appraised points (same data source)."),
    "rankings.no_self": ("Chưa có điểm tự đánh giá cho năm và nguồn này.",
                         "No self-assessment points for this year and source."),
    "rankings.fields_missing": ("Chỉ số thành phần: chưa có (bộ dữ liệu chỉ có tổng điểm).",
                                "Field indices: not available (the dataset has totals only)."),
    "col.delta_index": ("Tăng/giảm (điểm)", "Change (points)"),
    "col.delta_rank": ("Tăng/giảm (bậc)", "Change (ranks)"),
    "col.appraisal": ("Điểm thẩm định", "Appraisal"),
    "col.survey": ("Điểm điều tra XHH", "Survey"),
    "col.total": ("Tổng điểm", "Total"),
    "col.field": ("LV {code}", "Field {code}"),
    "col.profile": ("Hồ sơ", "Profile"),
    "col.units": ("Số đơn vị", "Units"),
    "col.average": ("Trung bình (%)", "Average (%)"),
    "col.gap": ("Chênh lệch", "Gap"),
    "col.self_points": ("Tự đánh giá", "Self-assessed"),
    "col.appraised_points": ("Thẩm định", "Appraised"),
    "col.change_basis": ("Cách so sánh", "Compared with"),
    "col.complete": ("Đủ tiêu chí", "All criteria"),
    "col.criterion": ("Tiêu chí", "Criterion"),
    "col.lost": ("Điểm bị trừ", "Points lost"),
    "col.points": ("Điểm đạt", "Points"),
    "col.component": ("Thành phần", "Component"),
    "col.year": ("Năm", "Year"),
    "col.role": ("Đơn vị", "Unit"),
    "component.appraisal": ("thẩm định", "appraisal"),
    "component.survey": ("điều tra XHH", "survey"),
    # profile
    "profile.pick": ("Đơn vị", "Unit"),
    "profile.title": ("{name}: hồ sơ Chỉ số CCHC", "{name}: PAR INDEX profile"),
    "profile.identity": ("Mã {ref} · {kind} · {region}", "Code {ref} · {kind} · {region}"),
    "profile.predecessors": ("Hình thành từ: {units} ({date}, {act})", "Formed from: {units} ({date}, {act})"),
    "profile.successor": ("Từ {date} thuộc: {units} ({act})", "From {date} part of: {units} ({act})"),
    "profile.no_year": ("Không có điểm của đơn vị này năm {year} trong nguồn {source}.",
                        "No score for this unit in {year} in: {source}."),
    "profile.rank_of": ("Hạng {rank}/{n}", "Rank {rank} of {n}"),
    "profile.history": ("Chỉ số qua các năm", "Index over the years"),
    "profile.history_note": ("Mỗi điểm ghi nguồn của nó; đường chấm là đơn vị tiền thân hoặc kế thừa.",
                             "Each point names its source; dotted lines are predecessors or successors."),
    "profile.fields": ("Chỉ số thành phần so với cả nước", "Field indices against the country"),
    "profile.best": ("Đơn vị cao nhất", "Best unit"),
    "profile.drill": ("Xem theo lĩnh vực", "Drill down by field"),
    "profile.all_fields": ("Tất cả lĩnh vực", "All fields"),
    "profile.components": ("Điểm thẩm định và điều tra XHH", "Appraisal and survey points"),
    "profile.self": ("Tự đánh giá và thẩm định theo lĩnh vực", "Self-assessment and appraisal by field"),
    "profile.needs_criteria": ("Cần bảng điểm theo tiêu chí (bộ dữ liệu này chỉ có tổng điểm).",
                               "Needs criterion-level scores (this dataset has totals only)."),
    # projects and compliance
    "page.projects": ("Đề án CCHC quốc gia", "National PAR projects"),
    "page.compliance": ("Kế hoạch và báo cáo", "Plans and reports"),
    "nav.section.tracking": ("Theo dõi", "Tracking"),
    "projects.title": ("16 đề án CCHC quy mô quốc gia", "The 16 national-scale PAR projects"),
    "projects.intro": ("Theo Phụ lục 2 Công văn 3759/BNV-CCHC. Trạng thái tính theo thời hạn và ngày tham chiếu.",
                       "From Appendix 2 of Official Letter 3759/BNV-CCHC. Status computed against the deadline on "
                       "the reference date."),
    "projects.as_of": ("Ngày tham chiếu", "Reference date"),
    "projects.timeline": ("Tiến độ theo thời hạn", "Timeline against deadlines"),
    "projects.today": ("Ngày tham chiếu", "Reference date"),
    "projects.table": ("Danh sách đề án", "Projects"),
    "projects.by_agency": ("Theo cơ quan chủ trì (hiện nay)", "By lead agency (now)"),
    "projects.history": ("Lịch sử cập nhật của đề án", "A project's update history"),
    "projects.pick": ("Đề án", "Project"),
    "projects.no_updates": ("Chưa có báo cáo tiến độ đến ngày tham chiếu.", "No progress report up to the reference date."),
    "status.done": ("Hoàn thành", "Done"),
    "status.on_track": ("Đúng tiến độ", "On track"),
    "status.at_risk": ("Có nguy cơ chậm", "At risk"),
    "status.overdue": ("Quá hạn", "Overdue"),
    "status.roadmap": ("Theo lộ trình", "On a roadmap"),
    "col.no": ("Số", "No."),
    "col.project": ("Đề án", "Project"),
    "col.lead_agency": ("Cơ quan chủ trì (theo Công văn)", "Lead agency (in the letter)"),
    "col.lead_agency_now": ("Cơ quan chủ trì hiện nay", "Lead agency now"),
    "col.deadline": ("Thời hạn", "Deadline"),
    "col.percent": ("% hoàn thành", "% complete"),
    "col.last_update": ("Cập nhật gần nhất", "Last update"),
    "col.reason": ("Lý do", "Why"),
    "col.reported_status": ("Trạng thái báo cáo", "Reported status"),
    "col.report_date": ("Ngày báo cáo", "Report date"),
    "col.decision": ("Quyết định phê duyệt", "Approving decision"),
    "compliance.title": ("Kế hoạch CCHC năm {year} và báo cáo định kỳ", "{year} PAR plans and periodic reports"),
    "compliance.intro": ("Kế hoạch năm phải ban hành trước ngày 25/12 năm trước; báo cáo quý I, 6 tháng, quý III và "
                         "năm theo thời hạn. Ô 'không áp dụng' là yêu cầu thuộc đơn vị trước hoặc sau sắp xếp.",
                         "The year's plan is due by 25 December of the year before; Q1, half-year, Q3 and annual "
                         "reports by their due dates. 'n/a' cells belong to the units before or after the reorganisation."),
    "compliance.heatmap": ("Tình trạng theo đơn vị và yêu cầu", "Status by unit and requirement"),
    "compliance.late": ("Đơn vị chậm hoặc thiếu", "Late or missing"),
    "compliance.none_late": ("Không có đơn vị nào chậm hoặc thiếu.", "No unit is late or missing."),
    "compliance.summary": ("Kế hoạch đúng hạn: {plans}/{expected} · báo cáo đúng hạn: {reports} %",
                           "Plans on time: {plans} of {expected} · reports on time: {reports} %"),
    "req.plan": ("Kế hoạch", "Plan"), "req.Q1": ("Quý I", "Q1"), "req.H1": ("6 tháng", "Half-year"),
    "req.Q3": ("Quý III", "Q3"), "req.Y": ("Năm", "Year"),
    "timeliness.on_time": ("đúng hạn", "on time"), "timeliness.late": ("chậm", "late"),
    "timeliness.missing": ("thiếu", "missing"), "timeliness.not_due": ("chưa đến hạn", "not due"),
    "timeliness.n/a": ("không áp dụng", "n/a"),
    "col.contents": ("Nội dung (trên 6)", "Contents (of 6)"),
    "col.tasks": ("Nhiệm vụ", "Tasks"),
    "col.tasks_specified": ("% có sản phẩm và thời hạn", "% with output and deadline"),
    "col.tasks_completed": ("% hoàn thành", "% completed"),
    "col.tasks_on_time": ("% hoàn thành đúng hạn", "% completed on time"),
    "col.reports_on_time": ("% báo cáo đúng hạn", "% reports on time"),
    "col.days_late": ("Số ngày chậm", "Days late"),
    "col.plan_status": ("Kế hoạch", "Plan"),
    # comparisons
    "page.compare": ("So sánh qua các năm", "Compare over years"),
    "compare.title": ("So sánh qua các năm", "Compare over years"),
    "compare.intro": ("Từ 1/7/2025 63 tỉnh thành 34; các bộ sắp xếp từ 1/3/2025. Mỗi giá trị ghi rõ cách có được: "
                      "quan sát, tái tạo từ các đơn vị tiền thân, hoặc giá trị của đơn vị kế thừa.",
                      "From 2025-07-01 the 63 provinces are 34; ministries merged from 2025-03-01. Every value says how it "
                      "was obtained: observed, reconstructed from predecessors, or the successor's value."),
    "compare.system": ("Hệ mã của chuỗi", "Code system of the series"),
    "compare.units": ("Đơn vị (gõ tên, có hoặc không dấu)", "Units (type a name, with or without diacritics)"),
    "compare.years": ("Khoảng năm", "Years"),
    "compare.measure": ("Chỉ tiêu", "Measure"),
    "compare.weighting": ("Trọng số khi tái tạo", "Weighting for reconstructions"),
    "compare.predecessors": ("Hiện cả đường của các đơn vị tiền thân", "Also show the predecessors' own lines"),
    "compare.lines": ("Diễn biến", "Over the years"),
    "compare.heatmap": ("Bảng nhiệt đơn vị × năm", "Unit × year heatmap"),
    "compare.changes": ("Thay đổi giữa hai năm", "Change between two years"),
    "compare.from_year": ("Từ năm", "From year"),
    "compare.to_year": ("Đến năm", "To year"),
    "compare.framework_change": ("Bộ tiêu chí đổi năm {year} ({before} → {after}): hai bên không hoàn toàn so sánh được.",
                                 "Criteria set changed in {year} ({before} → {after}): the two sides are not strictly comparable."),
    "compare.merger_line": ("Sắp xếp 2025", "2025 reorganisation"),
    "compare.significance": ("* thay đổi có ý nghĩa thống kê ở mức 5 % (kiểm định z trên sai số chuẩn theo thiết kế; "
                             "giá trị tái tạo cộng phương sai các đơn vị tiền thân). Đường dọc: khoảng tin cậy 95 %.",
                             "* change significant at 5 % (z-test on design-based standard errors; a reconstructed "
                             "value adds up its predecessors' variances). Vertical bars: 95 % intervals."),
    "compare.notes": ("Ghi chú về giá trị không tính được", "Values that could not be computed"),
    "measure.index": ("Chỉ số CCHC (%)", "PAR INDEX (%)"), "measure.rank": ("Thứ hạng CCHC", "PAR INDEX rank"),
    "measure.sipas": ("SIPAS: % hài lòng", "SIPAS: % satisfied"), "measure.health": ("Y tế: % hài lòng", "Health: % satisfied"),
    "measure.education": ("Giáo dục: % hài lòng", "Education: % satisfied"),
    "weighting.equal": ("Bằng nhau", "Equal"), "weighting.respondents": ("Số người trả lời", "Respondents"),
    "weighting.population": ("Dân số (cần nạp bảng dân số)", "Population (needs a loaded population table)"),
    "trend_status.observed": ("quan sát", "observed"), "trend_status.reconstructed": ("tái tạo", "reconstructed"),
    "trend_status.successor": ("đơn vị kế thừa", "successor"),
    "col.status_of": ("Cách có giá trị {year}", "Basis {year}"),
    "col.value_of": ("Giá trị {year}", "Value {year}"),
    "col.change": ("Thay đổi", "Change"),
    # satisfaction
    "page.satisfaction": ("Sự hài lòng", "Satisfaction"),
    "sat.title": ("Sự hài lòng năm {year}: {survey}", "Satisfaction {year}: {survey}"),
    "sat.survey": ("Khảo sát", "Survey"),
    "sat.survey.sipas": ("SIPAS (dịch vụ hành chính công)", "SIPAS (public administrative services)"),
    "sat.survey.health": ("Người bệnh (y tế công)", "Patients (public hospitals)"),
    "sat.survey.education": ("Cha mẹ và người học (giáo dục công)", "Parents and learners (public schools)"),
    "sat.year": ("Năm khảo sát", "Survey year"),
    "sat.set": ("Yếu tố / phần", "Element / part"),
    "sat.scope": ("Phạm vi", "Scope"),
    "sat.national": ("Toàn quốc", "National"),
    "sat.pct": ("% hài lòng", "% satisfied"),
    "sat.share": ("Tỷ lệ câu trả lời", "Share of answers"),
    "sat.interval": ("Khoảng tin cậy 95 %", "95 % interval"),
    "sat.target": ("Mục tiêu", "Target"),
    "sat.suppressed_short": ("ẩn (n < 30)", "hidden (n < 30)"),
    "sat.scale_1": ("Rất không hài lòng", "Very dissatisfied"), "sat.scale_2": ("Không hài lòng", "Dissatisfied"),
    "sat.scale_3": ("Bình thường", "Neutral"), "sat.scale_4": ("Hài lòng", "Satisfied"),
    "sat.scale_5": ("Rất hài lòng", "Very satisfied"),
    "sat.tab.rank": ("Xếp hạng và bản đồ", "Ranking and map"),
    "sat.tab.items": ("Theo câu hỏi", "By item"),
    "sat.tab.trend": ("Xu hướng", "Trend"),
    "sat.tab.compare": ("So sánh", "Compare"),
    "sat.tab.drill": ("Bệnh viện, trường học", "Hospitals, schools"),
    "sat.tab.special": ("Chỉ số đặc thù", "Survey-specific"),
    "sat.tab.method": ("Phương pháp", "Method"),
    "sat.headline": ("{pct} hài lòng ({low}–{high}), {n} người trả lời", "{pct} satisfied ({low}–{high}), {n} respondents"),
    "sat.rank_note": ("Khoảng tin cậy 95 % theo thiết kế mẫu (ước lượng tỷ số tuyến tính hóa Taylor, phân phối t). "
                      "Đơn vị dưới 30 người trả lời bị ẩn; sai số tương đối từ 30 % được đánh dấu màu vàng.",
                      "95 % intervals by the sample design (Taylor-linearised ratio estimator, Student's t). Units with "
                      "fewer than 30 respondents are hidden; a relative standard error of 30 % or more is shown amber."),
    "sat.weakest": ("Câu hỏi thấp nhất", "Weakest items"), "sat.strongest": ("Câu hỏi cao nhất", "Strongest items"),
    "sat.by_dimension": ("Phân bố câu trả lời theo yếu tố", "Answers by element"),
    "sat.by_item": ("Phân bố câu trả lời theo câu hỏi", "Answers by item"),
    "sat.unit": ("Tỉnh, thành phố", "Province"),
    "sat.compare_a": ("Bên A", "Side A"), "sat.compare_b": ("Bên B", "Side B"),
    "sat.compare_result": ("Chênh lệch {diff} điểm phần trăm (p = {p}){marker}",
                           "Difference {diff} percentage points (p = {p}){marker}"),
    "sat.significant": (" — có ý nghĩa thống kê ở mức 5 %", " — significant at 5 %"),
    "sat.not_significant": (" — không có ý nghĩa thống kê ở mức 5 %", " — not significant at 5 %"),
    "sat.mann_whitney": ("Mann-Whitney: p = {p}", "Mann-Whitney: p = {p}"),
    "sat.no_data": ("Chưa có dữ liệu khảo sát này.", "No data for this survey."),
    "sat.sipas_two_ways": ("Chỉ số chung tính theo hai cách, mỗi cách ghi tên: gộp mọi câu hỏi dịch vụ; trung bình 5 "
                           "yếu tố. Trọng số chính thức chưa được công bố nên không tái tạo chỉ số SIPAS công bố.",
                           "The overall two ways, each named: all service items pooled; mean of the five elements. The "
                           "official weights are not published, so the published SIPAS is not reproduced."),
    "sat.published": ("SIPAS công bố (toàn quốc)", "Published SIPAS (national)"),
    "sat.vs_par": ("SIPAS và Chỉ số CCHC theo tỉnh", "SIPAS against the PAR INDEX by province"),
    "sat.correlation": ("Pearson r = {r} (p = {p}); Spearman ρ = {rho} (p = {sp}); {n} tỉnh",
                        "Pearson r = {r} (p = {p}); Spearman ρ = {rho} (p = {sp}); {n} provinces"),
    "sat.method_text": ("Câu trả lời hợp lệ: 1–5; 0 (không sử dụng/không ý kiến) và ô trống bị loại khỏi tử số và mẫu số. "
                        "% hài lòng = câu trả lời 4–5 / câu trả lời hợp lệ; điểm trung bình = trung bình câu trả lời hợp lệ; "
                        "số người trả lời = người có ít nhất một câu trả lời hợp lệ. Có cột trọng số thì mỗi câu trả lời "
                        "tính theo trọng số người trả lời. Khoảng tin cậy 95 %: Wilson cho một câu hỏi không trọng số, "
                        "còn lại ước lượng tỷ số tuyến tính hóa Taylor theo người trả lời (báo cáo hệ số thiết kế). "
                        "So sánh: kiểm định z hai tỷ lệ và Mann-Whitney; chỉ đánh dấu khi có ý nghĩa ở mức 5 %.",
                        "Valid answer: 1–5; 0 (did not use / no opinion) and blanks are left out of every numerator and "
                        "denominator. % satisfied = answers at 4–5 / valid answers; mean score = mean of valid answers; "
                        "respondents = those with at least one valid answer. With a weight column every answer counts with "
                        "its respondent's weight. 95 % intervals: Wilson for one unweighted item, otherwise a Taylor-"
                        "linearised ratio estimator over respondents (design effect reported). Differences: two-proportion "
                        "z-test and Mann-Whitney; marked only when significant at 5 %."),
    "sat.reliability": ("Độ tin cậy (Cronbach's alpha, khoảng Feldt 95 %)", "Reliability (Cronbach's alpha, Feldt 95 % interval)"),
    "sat.targets": ("Mục tiêu và khoảng cách", "Targets and distance"),
    "sat.design.srs": ("mẫu ngẫu nhiên đơn giản", "simple random sample"),
    "sat.design.cluster": ("mẫu chùm", "cluster sample"),
    "sat.design.stratified": ("mẫu phân tầng", "stratified sample"),
    "sat.design.stratified cluster": ("mẫu phân tầng, chùm", "stratified cluster sample"),
    "sat.design_note": ("Khoảng tin cậy 95 % theo thiết kế mẫu: {design}, t với {df} bậc tự do",
                        "95 % interval by the sample design: {design}, t with {df} degrees of freedom"),
    "sat.coverage_warning": ("Dữ liệu chỉ có {k}/{n} tỉnh, thành phố: số liệu tổng là của {k}/{n} tỉnh, không phải "
                             "toàn quốc.",
                             "The data cover only {k} of {n} provinces: the total is for those {k}, not the country."),
    "sat.form": ("Phiếu", "Form"),
    "sat.form_pooled": ("Gộp nội trú và ngoại trú", "Inpatient and outpatient pooled"),
    "sat.health_per_form": ("Bộ Y tế báo cáo riêng từng phiếu (nội trú, ngoại trú); số gộp được ghi rõ là gộp.",
                            "The Ministry of Health reports each form (inpatient, outpatient) apart; a pooled figure "
                            "says it is pooled."),
    "sat.tested_rest": ("Đơn vị được kiểm định với phần còn lại (phạm vi lớn trừ đơn vị đó), vì hai bên chồng lên nhau.",
                        "The unit is tested against the rest (the larger scope less the unit), as the two overlap."),
    "sat.design_method": ("Thiết kế mẫu: phương sai tuyến tính hóa Taylor cho mẫu phân tầng, chùm (đơn vị mẫu cấp 1 coi "
                          "như chọn có hoàn lại). Tầng lấy từ cột stratum, chùm từ cột psu; thiếu psu thì chùm là bệnh "
                          "viện (y tế) hoặc trường (giáo dục), SIPAS không có psu thì mỗi người trả lời là một đơn vị "
                          "(mẫu ngẫu nhiên đơn giản). Tầng chỉ có một chùm: chùm đó coi như chọn chắc chắn và người trả "
                          "lời trong đó là đơn vị mẫu (quy tắc 'certainty'). Khoảng tin cậy dùng phân phối t với bậc "
                          "tự do = số chùm − số tầng. Mỗi dòng ghi rõ thiết kế (design) và bậc tự do (df).",
                          "Sample design: Taylor-linearised variances for a stratified cluster sample (first stage "
                          "taken as drawn with replacement). Strata come from the stratum column, clusters from psu; "
                          "without psu the cluster is the hospital (health) or school (education), and SIPAS without "
                          "psu takes each respondent as a unit (simple random sample). A stratum with one cluster: "
                          "that cluster is taken as selected with certainty and its respondents are the units (rule "
                          "'certainty'). Intervals use Student's t with df = clusters − strata. Every row says its "
                          "design and df."),
    # access
    "auth.sign_in_needed": ("Vui lòng đăng nhập bằng tài khoản của cơ quan để xem bảng điều khiển.",
                            "Please sign in with your organisation account to use the dashboard."),
    "auth.sign_in": ("Đăng nhập", "Sign in"),
    "auth.sign_out": ("Đăng xuất", "Sign out"),
    "auth.required_not_configured": ("Máy chủ yêu cầu đăng nhập (PAR_REQUIRE_AUTH=1) nhưng chưa cấu hình [auth] trong "
                                     ".streamlit/secrets.toml. Liên hệ quản trị viên.",
                                     "This server requires sign-in (PAR_REQUIRE_AUTH=1) but [auth] is not configured in "
                                     ".streamlit/secrets.toml. Contact the administrator."),
    "auth.signed_in_as": ("Đăng nhập: {user} ({role})", "Signed in: {user} ({role})"),
    "auth.local_mode": ("Chế độ một người dùng trên máy: {user}, đủ mọi quyền. Cấu hình đăng nhập để dùng chung.",
                        "Local single-user mode: {user}, every role. Configure sign-in to share the app."),
    "auth.denied": ("Vai trò của bạn không được thực hiện thao tác này.", "Your role does not allow this."),
    "auth.refused": ("Ứng dụng đang phục vụ ra ngoài máy này ({address}) nhưng chưa cấu hình đăng nhập. Không hiển thị "
                     "dữ liệu. Quản trị viên: cấu hình [auth] trong .streamlit/secrets.toml, hoặc đặt "
                     "PAR_ALLOW_ANONYMOUS=viewer (hoặc analyst, admin) để cho phép truy cập không đăng nhập, hoặc chạy "
                     "scripts/run-app.sh để chỉ phục vụ máy này (127.0.0.1).",
                     "This app is served beyond this computer ({address}) but sign-in is not configured, so no data "
                     "is shown. Administrator: configure [auth] in .streamlit/secrets.toml, or set "
                     "PAR_ALLOW_ANONYMOUS=viewer (or analyst, admin) to allow visitors without sign-in, or start "
                     "scripts/run-app.sh to serve this computer only (127.0.0.1)."),
    "auth.bad_anonymous": ("PAR_ALLOW_ANONYMOUS='{value}' không hợp lệ: dùng viewer, analyst hoặc admin. Không hiển "
                           "thị dữ liệu.",
                           "PAR_ALLOW_ANONYMOUS='{value}' is not valid: use viewer, analyst or admin. No data is "
                           "shown."),
    "auth.bad_roles": ("Tệp vai trò không hợp lệ: {error}", "The roles file is not valid: {error}"),
    "auth.local_only": ("Chỉ máy này mở được ứng dụng (máy chủ nghe trên {address}).",
                        "Only this computer can open the app (the server listens on {address})."),
    "auth.anonymous": ("Truy cập không đăng nhập: mọi người truy cập có vai trò {role} "
                       "(PAR_ALLOW_ANONYMOUS={value}{capped}).",
                       "Anonymous access: every visitor has the role {role} (PAR_ALLOW_ANONYMOUS={value}{capped})."),
    "auth.capped": (", giới hạn bởi default_role của tệp vai trò", ", capped by the roles file's default_role"),
    "auth.unverified": ("Nhà cung cấp danh tính chưa xác minh e-mail này: chỉ có vai trò mặc định.",
                        "The identity provider has not verified this e-mail address: default role only."),
    "auth.page_denied": ("Trang này không có hoặc vai trò của bạn không được mở trang này.",
                         "This page does not exist, or your role may not open it."),
    "auth.no_router": ("Hãy mở ứng dụng từ trang chính.", "Open the app from its main page."),
    "role.viewer": ("người xem", "viewer"), "role.analyst": ("chuyên viên", "analyst"),
    "role.admin": ("quản trị", "admin"),
    "page.audit": ("Nhật ký thao tác", "Audit log"),
    "page.roles": ("Phân quyền", "Roles"),
    "nav.section.admin": ("Quản trị", "Administration"),
    "audit.title": ("Nhật ký thao tác", "Audit log"),
    "audit.intro": ("Mọi lần nạp, gỡ lô, thay đổi bộ quy tắc và phân quyền đều được ghi lại.",
                    "Every load, removal, rule-set change and role change is recorded."),
    "audit.action": ("Thao tác", "Action"), "audit.user": ("Người thực hiện", "User"),
    "audit.download": ("Tải nhật ký (CSV)", "Download the log (CSV)"),
    "roles.title": ("Phân quyền người dùng", "User roles"),
    "roles.intro": ("Vai trò: người xem (xem mọi trang), chuyên viên (nạp dữ liệu, gỡ lô của mình, sửa bộ quy tắc), "
                    "quản trị (gỡ mọi lô, xem nhật ký, phân quyền). Phân quyền ở đây được ưu tiên hơn tệp roles.yaml.",
                    "Roles: viewer (reads every page), analyst (loads, removes their own batches, edits rule sets), "
                    "admin (removes any batch, reads the audit log, manages roles). Assignments here take precedence "
                    "over the roles.yaml file."),
    "roles.subject": ("Địa chỉ e-mail hoặc miền (@ten-mien.gov.vn)", "E-mail address or domain (@example.gov.vn)"),
    "roles.role": ("Vai trò", "Role"),
    "roles.assign": ("Phân quyền", "Assign"),
    "roles.assigned": ("Đã phân quyền {subject}: {role}.", "Assigned {subject}: {role}."),
    "roles.file": ("Theo tệp cấu hình {path}", "From the configuration file {path}"),
    "data.remove": ("Gỡ lô", "Remove batch"),
    "data.remove_pick": ("Lô cần gỡ", "Batch to remove"),
    "data.removed": ("Đã gỡ lô {batch}.", "Removed batch {batch}."),
    "data.restored": ("Lô {batch} trở lại là dữ liệu hiện hành.", "Batch {batch} is current again."),
    # leaders
    "page.leaders": ("Đánh giá người đứng đầu", "Heads' evaluation"),
    "leaders.title": ("Đề xuất mức xếp loại người đứng đầu {year}: {level}", "Proposed levels for unit heads {year}: {level}"),
    "leaders.intro": ("Kết quả xếp hạng CCHC là một trong các tiêu chí quan trọng để đánh giá, xếp loại mức độ hoàn thành "
                      "nhiệm vụ của người đứng đầu (Nghị định 90/2020/NĐ-CP, sửa đổi bởi Nghị định 48/2023/NĐ-CP). Đây là "
                      "đề xuất theo bộ quy tắc đã chọn, không phải kết luận.",
                      "The PAR ranking is one of the important criteria for classifying the task completion of unit heads "
                      "(Decree 90/2020/NĐ-CP, amended by 48/2023/NĐ-CP). These are proposals under the chosen rule set, "
                      "not decisions."),
    "leaders.rules": ("Bộ quy tắc", "Rule set"),
    "leaders.scope": ("Đánh giá người đứng đầu của", "Evaluate the heads of"),
    "leaders.rules_source": ("Nguồn của bộ quy tắc: {source}", "Rule set source: {source}"),
    "leaders.filter_group": ("Lọc theo nhóm", "Filter by group"),
    "leaders.filter_level": ("Lọc theo mức đề xuất", "Filter by proposed level"),
    "leaders.provisional": ("tạm thời", "provisional"),
    "leaders.provisional_note": ("'Tạm thời': có quy tắc chưa đánh giá được vì thiếu dữ liệu (xem cột Thiếu dữ liệu).",
                                 "'Provisional': some rule could not be assessed for lack of data (see Missing)."),
    "leaders.none": ("Chưa có dữ liệu Chỉ số CCHC cho năm này.", "No PAR INDEX data for this year."),
    "leaders.manage": ("Quản lý bộ quy tắc (chuyên viên)", "Manage rule sets (analysts)"),
    "leaders.current_yaml": ("Nội dung bộ quy tắc đang chọn", "The chosen rule set"),
    "leaders.upload": ("Tải lên bộ quy tắc (YAML)", "Upload a rule set (YAML)"),
    "leaders.valid": ("Bộ quy tắc hợp lệ: {name} ({n} quy tắc).", "Valid rule set: {name} ({n} rules)."),
    "leaders.preview": ("Thay đổi so với bộ quy tắc đang chọn", "Changes against the chosen rule set"),
    "leaders.no_change": ("Không đơn vị nào thay đổi mức đề xuất.", "No unit's proposed level changes."),
    "leaders.save": ("Lưu bộ quy tắc", "Save the rule set"),
    "leaders.saved": ("Đã lưu bộ quy tắc {name} (lô {batch}).", "Saved rule set {name} (batch {batch})."),
    "col.proposed_level": ("Mức đề xuất", "Proposed level"),
    "col.previous_level": ("Mức năm trước", "Previous year"),
    "col.reasons": ("Căn cứ", "Why"),
    "col.missing": ("Thiếu dữ liệu", "Missing"),
    "col.flags": ("Lưu ý", "Flags"),
    "col.current_level": ("Mức hiện tại", "Current level"),
    "col.new_level": ("Mức mới", "New level"),
    "level_rating.excellent": ("Hoàn thành xuất sắc nhiệm vụ", "Excellent task completion"),
    "level_rating.good": ("Hoàn thành tốt nhiệm vụ", "Good task completion"),
    "level_rating.completed": ("Hoàn thành nhiệm vụ", "Task completed"),
    "level_rating.not_completed": ("Không hoàn thành nhiệm vụ", "Task not completed"),
    "level_rating.none": ("Chưa xác định", "Undetermined"),
    # upload
    "upload.title": ("Nạp dữ liệu", "Load data"),
    "upload.intro": ("Tệp được kiểm tra toàn bộ trước khi nạp. Nếu có lỗi, không dòng nào được nạp và bạn nhận "
                     "báo cáo từng lỗi (tệp, dòng, cột, giá trị, cách sửa).",
                     "The whole file is checked before anything is written. With any error nothing is loaded and "
                     "you get a report of every problem (file, row, column, value, how to fix it)."),
    "upload.kind": ("Loại dữ liệu", "Kind of data"),
    "upload.file": ("Tệp CSV hoặc Excel (.xlsx)", "CSV or Excel (.xlsx) file"),
    "upload.year": ("Năm đánh giá", "Year assessed"),
    "upload.level": ("Cấp", "Level"),
    "upload.stage": ("Giai đoạn điểm", "Points stage"),
    "upload.stage.appraised": ("Sau thẩm định", "Appraised"),
    "upload.stage.self": ("Tự đánh giá", "Self-assessment"),
    "upload.parent": ("Đơn vị cấp trên (hệ_mã:mã, ví dụ vn34:22)", "Parent unit (system:code, e.g. vn34:22)"),
    "upload.replace": ("Thay thế bộ dữ liệu đã nạp (lô cũ được giữ và có thể khôi phục)",
                       "Replace the loaded dataset (the earlier batch is kept and can come back)"),
    "upload.allow_incomplete": ("Chấp nhận đơn vị thiếu tiêu chí (đánh dấu chưa đầy đủ)",
                                "Accept units with missing criteria (marked incomplete)"),
    "upload.create_units": ("Đăng ký đơn vị mới từ tệp (cần cột mã và tên)",
                            "Register new units from the file (needs code and name columns)"),
    "upload.submit": ("Kiểm tra và nạp", "Check and load"),
    "upload.loaded": ("Đã nạp lô {batch}: {rows} dòng từ {file}.", "Loaded batch {batch}: {rows} rows from {file}."),
    "upload.replaced": ("Lô {batch} đã được thay thế (vẫn lưu, khôi phục được bằng cách gỡ lô mới).",
                        "Batch {batch} was replaced (kept; remove the new batch to bring it back)."),
    "upload.rejected": ("Tệp bị từ chối: {n} lỗi. Không có gì được nạp.", "File refused: {n} error(s). Nothing was loaded."),
    "upload.warnings": ("{n} cảnh báo", "{n} warning(s)"),
    "upload.report": ("Tải báo cáo lỗi (CSV)", "Download the problem report (CSV)"),
    "upload.kind.par-scores": ("Bảng điểm theo tiêu chí (Chỉ số CCHC)", "Criterion score sheet (PAR INDEX)"),
    "upload.kind.par-totals": ("Bảng kết quả tổng hợp (Chỉ số CCHC)", "Results table (PAR INDEX)"),
    "upload.kind.projects": ("Tiến độ các đề án quốc gia", "National project progress"),
    "upload.kind.plans": ("Kế hoạch, báo cáo, nhiệm vụ CCHC", "PAR plans, reports and tasks"),
    "upload.kind.sipas": ("Khảo sát SIPAS", "SIPAS survey"),
    "upload.kind.health": ("Khảo sát hài lòng người bệnh", "Patient satisfaction survey"),
    "upload.kind.education": ("Khảo sát hài lòng về giáo dục", "Education satisfaction survey"),
    "upload.kind.population": ("Dân số theo tỉnh và năm", "Population by province and year"),
    "report.severity": ("Mức", "Severity"), "report.file": ("Tệp", "File"), "report.row": ("Dòng", "Row"),
    "report.column": ("Cột", "Column"), "report.value": ("Giá trị", "Value"), "report.problem": ("Vấn đề và cách sửa", "Problem and fix"),
    "upload.template_csv": ("Tải mẫu CSV", "CSV template"),
    "upload.template_xlsx": ("Tải mẫu Excel (có sổ mã)", "Excel template (with codebook)"),
    "upload.survey_year": ("Năm khảo sát (0 = lấy từ cột year hoặc survey_date)", "Survey year (0 = from the year or survey_date column)"),
    "upload.survey_year_help": ("Ngày khảo sát quyết định hệ mã tỉnh: trước 1/7/2025 là 63 tỉnh, từ đó là 34 tỉnh.",
                                "The survey date decides the province code system: 63 provinces before 2025-07-01, 34 from then."),
    "upload.keep_valid": ("Nạp các dòng hợp lệ, giữ các dòng lỗi trong khu cách ly kèm lý do",
                          "Load the valid rows and keep the rejected ones in quarantine with their reasons"),
    "upload.replace_batch": ("Tệp sửa thay cho lô", "Corrected file replaces batch"),
    "upload.quarantined": ("{n} dòng lỗi được giữ trong khu cách ly.", "{n} rejected rows kept in quarantine."),
    "upload.usage": ("Thiếu hoặc sai thông tin: {error}", "Missing or wrong setting: {error}"),
    "upload.too_big": ("Tệp lớn hơn giới hạn {mb} MB.", "The file is larger than the {mb} MB limit."),
    "level.department": ("Sở, ban, ngành", "Departments"),
    "level.district": ("Cấp huyện", "Districts"),
    "level.commune": ("Cấp xã", "Communes"),
    "common.yes": ("có", "yes"),
    "common.no": ("không", "no"),
    "fig.axis_from": ("{title} (trục bắt đầu từ {start})", "{title} (axis starts at {start})"),
    "fig.index_bar": ("Chỉ số CCHC theo đơn vị", "PAR INDEX by unit"),
    "fig.groups_bar": ("Số đơn vị theo nhóm xếp loại", "Units per group"),
    "fig.province_map": ("Chỉ số CCHC theo tỉnh, thành phố", "PAR INDEX by province"),
    "fig.history": ("Chỉ số CCHC qua các năm", "PAR INDEX over the years"),
    "fig.fields": ("Chỉ số theo lĩnh vực: {unit}", "Field indices: {unit}"),
    "fig.timeline": ("Tiến độ 16 đề án đến ngày {date}", "The 16 projects on {date}"),
    "fig.compliance": ("Kế hoạch và báo cáo theo đơn vị, đến ngày {date}", "Plans and reports by unit, on {date}"),
    "fig.trend_lines": ("{measure} qua các năm", "{measure} over the years"),
    "fig.unit_year_heatmap": ("{measure} theo đơn vị và năm", "{measure} by unit and year"),
    "fig.satisfaction_bars": ("% hài lòng theo đơn vị, khoảng tin cậy 95 %", "% satisfied by unit, with 95 % intervals"),
    "fig.likert": ("Phân bố câu trả lời", "Distribution of answers"),
    "fig.trend_band": ("% hài lòng qua các năm", "% satisfied over the years"),
    "fig.map": ("Bản đồ: {what}", "Map: {what}"),
    "fig.scatter": ("{y} so với {x}", "{y} against {x}"),
    # upload progress steps (etl loaders report these codes) and the uploader's size note
    "upload.step.detecting": ("Đang nhận dạng tệp…", "Detecting the file's layout…"),
    "upload.step.transcoding": ("Đang chuyển mã sang UTF-8…", "Converting to UTF-8…"),
    "upload.step.reading": ("Đang đọc tệp…", "Reading the file…"),
    "upload.step.checking": ("Đang kiểm tra…", "Checking…"),
    "upload.step.writing": ("Đang ghi dữ liệu…", "Writing…"),
    "upload.step.done": ("Xong", "Done"),
    "upload.size_note": ("Kéo thả tệp vào ô dưới đây hoặc bấm nút để chọn tệp; mỗi tệp tối đa {mb} MB (CSV, TXT, "
                         "TSV hoặc XLSX).",
                         "Drop a file in the box below or press the button to choose one; at most {mb} MB per file "
                         "(CSV, TXT, TSV or XLSX)."),
}


# --- display of raw codes (ui/format and the reference, admin and tracking pages) ---
STRINGS.update({
    "col.audit_id": ("Mã bản ghi", "Entry"),
    "col.user_role": ("Vai trò", "Role"),
    "col.logged_at": ("Thời điểm", "Logged on"),
    "col.user_name": ("Người thực hiện", "User"),
    "col.action": ("Thao tác", "Action"),
    "col.detail": ("Chi tiết", "Detail"),
    "col.subject": ("Địa chỉ thư hoặc tên miền", "E-mail address or domain"),
    "col.assigned_by": ("Người phân quyền", "Assigned by"),
    "col.assigned_at": ("Ngày phân quyền", "Assigned on"),
    "col.term_vi": ("Thuật ngữ (tiếng Việt)", "Term (Vietnamese)"),
    "col.term_en": ("Thuật ngữ (tiếng Anh)", "Term (English)"),
    "col.units_total": ("Tổng số đề án", "Projects in all"),
    "common.yes": ("Có", "Yes"),
    "common.no": ("Không", "No"),
    "audit.action.load": ("Nạp dữ liệu", "Data load"),
    "audit.action.rules": ("Lưu bộ quy tắc", "Rule set saved"),
    "audit.action.remove": ("Gỡ lô dữ liệu", "Batch removed"),
    "audit.action.role": ("Phân quyền", "Role assigned"),
    "audit.detail.rows": ("{n} dòng, nguồn: {source}", "{n} rows, source: {source}"),
    "reported.researching": ("Đang nghiên cứu", "Researching"),
    "reported.drafting": ("Đang xây dựng dự thảo", "Drafting"),
    "reported.submitted": ("Đã trình", "Submitted"),
    "reported.approved": ("Đã phê duyệt", "Approved"),
    "reported.implementing": ("Đang triển khai", "Implementing"),
    "reported.completed": ("Đã hoàn thành", "Completed"),
    "reported.paused": ("Tạm dừng", "Paused"),
    "projects.reason.reported completed": ("đã báo cáo hoàn thành", "reported completed"),
    "projects.reason.roadmap": ("thực hiện theo lộ trình, không có năm cố định", "carried out on a roadmap, no fixed year"),
    "projects.reason.no deadline": ("chưa ghi thời hạn", "no deadline recorded"),
    "projects.reason.deadline passed": ("đã quá thời hạn năm {year}", "deadline {year} has passed"),
    "projects.reason.no report": ("chưa có báo cáo tiến độ", "no progress report yet"),
    "projects.reason.paused": ("tạm dừng", "paused"),
    "projects.reason.behind": ("hoàn thành {done} khi đã qua {gone} năm đến hạn",
                               "{done} done with {gone} of the deadline year gone"),
    "projects.reason.in time": ("đúng tiến độ", "in time"),
    "leaders.rule.bands": ("khoảng điểm", "bands"),
    "leaders.rule.group-c": ("trần theo nhóm", "group ceiling"),
    "leaders.rule.bottom-3": ("nhóm cuối bảng", "bottom places"),
    "leaders.rule.fall": ("giảm hạng, giảm điểm", "fall"),
    "leaders.rule.sipas": ("SIPAS", "SIPAS"),
    "leaders.rule.plan": ("kế hoạch CCHC năm", "annual PAR plan"),
    "leaders.rules_source.default": (
        "Viết cho phần mềm này để minh họa mọi loại quy tắc cùng lúc. Các khoảng điểm theo quy định của Quảng Ngãi "
        "năm 2018; các ngưỡng khác là lựa chọn minh họa, cần thay bằng quy định của chính đơn vị.",
        "Written for this product to show every rule kind together. Bands follow the Quảng Ngãi 2018 rule; the other "
        "thresholds are illustrative choices to be replaced by the unit's own regulation."),
    "leaders.rules_source.quang-ngai-2018": (
        "Quy định của Ủy ban nhân dân tỉnh Quảng Ngãi (2018) đối với người đứng đầu các sở, ngành và huyện, theo tóm "
        "tắt trong ghi chú nghiệp vụ của dự án (design.md chung, mục 1): chỉ số CCHC của đơn vị >= 80 hoàn thành xuất "
        "sắc; 70 đến < 80 hoàn thành tốt; 50 đến < 70 hoàn thành; < 50 không hoàn thành. Số văn bản chưa được kiểm "
        "chứng. Cung cấp như một mẫu: áp dụng cho mọi cấp và mọi năm từ 2018.",
        "Rule of the People's Committee of Quảng Ngãi province (2018) for the heads of its departments and districts, "
        "as summarised in the project's domain notes (shared design.md, section 1): unit PAR score >= 80 excellent; 70 "
        "to < 80 good; 50 to < 70 completed; < 50 not completed. The document number was not verified. Shipped as a "
        "template: it applies to any level and every year from 2018."),
    "method.decision": ("Quyết định", "Decision"),
    "data.sources_file": ("Danh mục nguồn chi tiết của từng số liệu công bố (tệp data/reference/SOURCES.md, bản "
                          "tiếng Anh) có thể tải về tại đây.",
                          "The detailed list of sources of every published figure (data/reference/SOURCES.md)."),
    "data.sources_download": ("Tải danh mục nguồn (SOURCES.md)", "Download the list of sources (SOURCES.md)"),
    "data.licences_text": (
        "- **Số liệu công bố** (`reference/par_index_*.csv`, `reference/sipas_*.csv`, `reference/papi_*.csv`): số "
        "liệu chép từ các trang, tệp công khai nêu ở cột `source` của từng dòng; xem `reference/SOURCES.md`.\n"
        "- **Bảng chuyển đổi tỉnh năm 2025** (`reference/province_merger_2025.csv`): lấy từ dữ liệu "
        "`vietnamadminunits` (giấy phép MIT), đối chiếu với danh sách của Chính phủ (Nghị quyết 202/2025/QH15).\n"
        "- **34 tỉnh, thành phố** (`units/provinces_vn34.csv`): mã và tên từ "
        "`thanglequoc/vietnamese-provinces-database`, giấy phép MIT, Bản quyền (c) 2021 Thang Le Quoc.\n"
        "- **Các đề án quốc gia** (`reference/national_projects_2021_2030.csv`): Phụ lục 2 Công văn "
        "3759/BNV-CCHC (2021), văn bản công khai của cơ quan nhà nước.\n"
        "- **Bộ tiêu chí và bộ công cụ khảo sát** (`frameworks/`, `instruments/`): soạn cho phần mềm này. Mỗi tên, "
        "điểm tối đa và câu hỏi đều ghi rõ là chính thức (kèm nguồn) hay minh họa: tên lĩnh vực, thành phần và điểm "
        "tối đa của lĩnh vực mà báo cáo kết quả của các tỉnh công bố theo phương pháp chính thức; câu hỏi phiếu người "
        "bệnh nội trú, ngoại trú là nguyên văn phiếu của Bộ Y tế (văn bản nhà nước, không thuộc đối tượng bản quyền); "
        "điểm từng tiêu chí và câu chữ phiếu SIPAS, giáo dục là diễn giải minh họa.\n"
        "- **Dữ liệu mô phỏng**: tạo bởi `etl/demo.py` với hạt giống cố định; là dữ liệu tổng hợp, không bao giờ "
        "được trình bày như số liệu công bố.",
        ""),
})


# Feature string tables (ui/strings/*.py) join the main one; a key defined twice is a mistake, caught here.
def _merge_feature_strings() -> None:
    import importlib

    for feature in ("decision", "uncertainty", "briefing", "releases", "content"):
        table = importlib.import_module(f"ui.strings.{feature}").STRINGS
        clash = set(table) & set(STRINGS)
        if clash:
            raise KeyError(f"ui/strings/{feature}.py redefines {sorted(clash)}")
        STRINGS.update(table)


_merge_feature_strings()

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
    """86.98 -> '86,98' (vi) or '86.98' (en); thousands with '.' (vi) or ',' (en); None -> '—' (ui.format, Babel)."""
    from ui.format import number

    return number(value, lang, decimals)


def fmt_pct(value: float | None, lang: str, decimals: int = 2) -> str:
    """86.98 -> '86,98 %' (vi) / '86.98 %' (en)."""
    from ui.format import percent

    return percent(value, lang, decimals)


def fmt_signed(value: float | None, lang: str, decimals: int = 2) -> str:
    """+1,23 / -0,50 with an explicit sign (ASCII minus, which st.metric reads as a fall)."""
    from ui.format import signed

    return signed(value, lang, decimals)
