"""Strings of the releases feature: key -> (Vietnamese, English).

Also the open data package's data dictionary (`pkg.field.*`), method notes and licence (`pkg.*`): etl.export_release
writes them into every package, both languages side by side.
"""

STRINGS: dict[str, tuple[str, str]] = {
    # navigation, audit log
    "page.releases": ("Bản công bố và đính chính", "Releases and corrections"),
    "audit.action.release": ("Công bố số liệu", "Release created"),
    "audit.action.correction": ("Mở đính chính", "Correction opened"),
    "audit.action.supersede": ("Thay thế bản công bố", "Release superseded"),
    "audit.action.releases_dropped": ("Bỏ bản công bố khi tạo lại hoặc khôi phục (--force)",
                                      "Releases dropped by a forced rebuild or restore"),
    # sidebar filter and the status line of a view
    "rel.filter": ("Bản công bố", "Release"),
    "rel.option.latest": ("Bản công bố mới nhất (mặc định)", "Latest release (default)"),
    "rel.option.draft": ("Dữ liệu làm việc (bản nháp)", "Working data (draft)"),
    "rel.option.release": ("Số {id} · {scope} · {decision}{status}", "No. {id} · {scope} · {decision}{status}"),
    "rel.option.superseded": (" (đã được thay thế)", " (superseded)"),
    "rel.shown": ("Bản công bố số {id}: {title} (Quyết định {decision}, ngày {date})",
                  "Release no. {id}: {title} (decision {decision} of {date})"),
    "rel.shown_superseded": ("đã được thay thế bởi bản số {by}", "superseded by release no. {by}"),
    "rel.shown_correcting": ("đang đính chính", "correction under way"),
    "rel.draft": ("Bản nháp, chưa công bố", "Draft, not released"),
    "rel.draft_note": ("{scope}: dữ liệu làm việc, chưa có bản công bố.",
                       "{scope}: working data, no release yet."),
    "rel.rules_current": ("Mức xếp loại đề xuất tính theo bộ quy tắc hiện hành “{rules}” (lô {batch}, lưu ngày "
                          "{date}): bản công bố giữ nguyên số liệu, không giữ bộ quy tắc.",
                          "Proposed levels follow the current rule set “{rules}” (batch {batch}, saved {date}): a "
                          "release freezes the figures, not the rules."),
    "rel.rules_changed": ("Bộ quy tắc đã thay đổi sau khi bản công bố số {id} được tạo",
                          "The rule set changed after release no. {id} was made"),
    "rel.unknown": ("Không có bản công bố số {id}; trang trở lại bản công bố mới nhất.",
                    "There is no release no. {id}; the page returns to the latest release."),
    "rel.scope.province": ("Chỉ số CCHC cấp tỉnh {year}", "PAR INDEX, provinces {year}"),
    "rel.scope.ministry": ("Chỉ số CCHC cấp bộ {year}", "PAR INDEX, ministries {year}"),
    "rel.scope.sipas": ("SIPAS {year}", "SIPAS {year}"),
    "rel.scope.health": ("Hài lòng người bệnh {year}", "Patient satisfaction {year}"),
    "rel.scope.education": ("Hài lòng về giáo dục {year}", "Education satisfaction {year}"),
    # the releases page
    "rel.title": ("Bản công bố và đính chính", "Releases and corrections"),
    "rel.intro": ("Một bản công bố giữ nguyên số liệu của một năm và một cấp (hoặc một năm khảo sát) như đã công bố "
                  "theo quyết định: đúng các lô dữ liệu nó gồm. Sau khi công bố, nạp lại hay gỡ lô không làm thay đổi "
                  "nó; sai sót được sửa bằng một bản công bố mới thay thế bản cũ, kèm nội dung đính chính. Bản cũ vẫn "
                  "xem được.",
                  "A release keeps the figures of one year and level (or one survey year) as a decision announced "
                  "them: exactly the data batches it holds. Later loads and removals leave it as it is; an error is "
                  "corrected by a new release that supersedes the old one, with the errata. The old one stays "
                  "viewable."),
    "rel.none": ("Chưa có bản công bố nào. Mọi số liệu trên các trang là dữ liệu làm việc (bản nháp).",
                 "No release yet. Every figure on the pages is working data (a draft)."),
    "rel.list": ("Các bản công bố", "Releases"),
    "rel.pick": ("Xem bản công bố", "Show release"),
    "rel.col.release_id": ("Số", "No."),
    "rel.col.scope": ("Phạm vi", "Scope"),
    "rel.col.title": ("Tiêu đề", "Title"),
    "rel.col.decision": ("Quyết định", "Decision"),
    "rel.col.decision_date": ("Ngày quyết định", "Decision date"),
    "rel.col.release_date": ("Ngày công bố", "Release date"),
    "rel.col.status": ("Tình trạng", "Status"),
    "rel.col.superseded_by": ("Được thay bởi", "Superseded by"),
    "rel.col.batches": ("Các lô", "Batches"),
    "rel.col.created_by": ("Người công bố", "Released by"),
    "rel.status.in_force": ("đang có hiệu lực", "in force"),
    "rel.status.correcting": ("đang đính chính", "correction under way"),
    "rel.status.superseded": ("đã được thay thế", "superseded"),
    "rel.detail": ("Bản công bố số {id}: {title}", "Release no. {id}: {title}"),
    "rel.detail_line": ("{scope} · Quyết định {decision} ngày {decision_date} · công bố ngày {date} · các lô {batches}"
                        "{baseline} · {who}",
                        "{scope} · decision {decision} of {decision_date} · released {date} · batches {batches}"
                        "{baseline} · {who}"),
    "rel.baseline": (" (so với năm trước: lô {batches})", " (compared with the year before: batches {batches})"),
    "rel.view_pages": ("Xem số liệu của bản này trên trang {page}", "See this release's figures on the {page} page"),
    "rel.correction": ("Đính chính: bản số {old} → bản số {new}", "Correction: release no. {old} → no. {new}"),
    "rel.correction_open": ("Đang đính chính bản này: {errata}", "A correction of this release is under way: {errata}"),
    "rel.errata": ("Nội dung đính chính", "Errata"),
    "rel.diff_count": ("{n} số liệu thay đổi", "{n} figures changed"),
    "rel.diff_none": ("Không có số liệu nào thay đổi giữa hai bản.", "No figure differs between the two releases."),
    "rel.col.unit": ("Đơn vị", "Unit"),
    "rel.col.detail": ("Chi tiết", "Detail"),
    "rel.col.measure": ("Chỉ tiêu", "Measure"),
    "rel.col.old": ("Bản số {id}", "Release no. {id}"),
    "rel.col.new": ("Bản số {id}", "Release no. {id}"),
    "rel.col.source": ("Nguồn", "Source"),
    "rel.download_diff": ("Tải danh sách thay đổi (CSV)", "Download the changes (CSV)"),
    "rel.package": ("Gói dữ liệu mở", "Open data package"),
    "rel.package_note": ("CSV và Parquet của mọi bảng công bố, từ điển dữ liệu (Việt, Anh), ghi chú phương pháp, giấy "
                         "phép và datapackage.json (Frictionless Data Package).",
                         "CSV and Parquet of every published table, a data dictionary (Vietnamese, English), method "
                         "notes, the licence and datapackage.json (Frictionless Data Package)."),
    "rel.package_download": ("Tải gói dữ liệu của bản số {id} (.zip)", "Download the package of release no. {id} (.zip)"),
    "rel.package_pick": ("Bản công bố", "Release"),
    "rel.measure.rank": ("Thứ hạng", "Rank"),
    "rel.measure.index": ("Chỉ số (%)", "Index (%)"),
    "rel.measure.group": ("Nhóm", "Group"),
    "rel.measure.appraisal": ("Điểm thẩm định", "Appraisal points"),
    "rel.measure.survey": ("Điểm điều tra XHH", "Survey points"),
    "rel.measure.delta_index": ("Thay đổi chỉ số", "Index change"),
    "rel.measure.delta_rank": ("Thay đổi thứ hạng", "Rank change"),
    "rel.measure.rank_basis": ("Cơ sở thứ hạng", "Rank basis"),
    "rel.measure.field": ("Chỉ số lĩnh vực {code}", "Field {code} index"),
    "rel.measure.n_respondents": ("Số người trả lời", "Respondents"),
    "rel.measure.pct_satisfied": ("Tỷ lệ hài lòng (%)", "Satisfied (%)"),
    "rel.measure.pct_ci_low": ("Cận dưới 95 %", "95 % lower bound"),
    "rel.measure.pct_ci_high": ("Cận trên 95 %", "95 % upper bound"),
    "rel.measure.mean_score": ("Điểm trung bình", "Mean score"),
    "rel.measure.flag": ("Cảnh báo", "Flag"),
    # forms (analysts and admins)
    "rel.create": ("Tạo bản công bố", "Create a release"),
    "rel.create_note": ("Giữ nguyên các lô hiện hành của phạm vi đã chọn. Nếu phạm vi đã có bản công bố đang hiệu lực, "
                        "bản mới thay thế bản đó và cần nội dung đính chính.",
                        "Freezes the current batches of the chosen scope. If the scope has a release in force, the "
                        "new one supersedes it and needs the errata."),
    "rel.form.kind": ("Loại", "Kind"),
    "rel.form.kind.par": ("Chỉ số CCHC", "PAR INDEX"),
    "rel.form.kind.survey": ("Khảo sát hài lòng", "Satisfaction survey"),
    "rel.form.level": ("Cấp", "Level"),
    "rel.form.survey": ("Khảo sát", "Survey"),
    "rel.form.year": ("Năm", "Year"),
    "rel.form.title": ("Tiêu đề", "Title"),
    "rel.form.decision": ("Số quyết định", "Decision number"),
    "rel.form.decision_date": ("Ngày quyết định", "Decision date"),
    "rel.form.date": ("Ngày công bố", "Release date"),
    "rel.form.errata": ("Nội dung đính chính (khi thay thế bản đang hiệu lực)",
                        "Errata (when superseding the release in force)"),
    "rel.form.submit": ("Công bố", "Release"),
    "rel.created": ("Đã tạo bản công bố số {id}.", "Created release no. {id}."),
    "rel.open": ("Mở đính chính", "Open a correction"),
    "rel.open_note": ("Sau khi mở đính chính, các lô của bản công bố được phép thay (nạp với --replace); bản công bố "
                      "tiếp theo của cùng phạm vi sẽ thay thế nó. Đến lúc đó các trang vẫn hiện bản này.",
                      "Once a correction is open, the release's batches may be replaced (load with --replace); the "
                      "next release of the same scope supersedes it. Until then the pages keep showing it."),
    "rel.open_pick": ("Bản công bố cần đính chính", "Release to correct"),
    "rel.open_errata": ("Nội dung đính chính", "Errata"),
    "rel.open_submit": ("Mở đính chính", "Open the correction"),
    "rel.opened": ("Đã mở đính chính bản công bố số {id}.", "Opened the correction of release no. {id}."),
    "rel.no_open": ("Không có bản công bố nào đang hiệu lực để đính chính.", "No release in force to correct."),
    # data page block
    "rel.data_block": ("Gói dữ liệu mở theo bản công bố", "Open data package of a release"),
    "rel.data_none": ("Chưa có bản công bố nào; gói dữ liệu mở được tạo cho từng bản công bố.",
                      "No release yet; an open data package is made for each release."),
    # leader proposals
    "rel.leaders_from": ("Đề xuất dựa trên: {what}", "Proposals based on: {what}"),
    # the open data package: README, method notes, licence
    "pkg.readme": ("# Gói dữ liệu mở: {title}\n\nBản công bố số {id} · {scope} · Quyết định {decision} ngày "
                   "{decision_date} · công bố ngày {date} · tình trạng: {status}.{errata}\n\nCác tệp: {files}. Mỗi bảng "
                   "có bản CSV (UTF-8, mở được bằng Excel) và Parquet với cùng số liệu; `dictionary.csv` giải thích "
                   "từng cột; `datapackage.json` mô tả gói theo chuẩn Frictionless Data Package.",
                   "# Open data package: {title}\n\nRelease no. {id} · {scope} · decision {decision} of "
                   "{decision_date} · released {date} · status: {status}.{errata}\n\nFiles: {files}. Every table "
                   "comes as CSV (UTF-8, opens in Excel) and Parquet holding the same figures; `dictionary.csv` "
                   "explains each column; `datapackage.json` describes the package as a Frictionless Data Package."),
    "pkg.readme_errata": ("\n\nĐính chính: {errata} (thay bằng bản số {by}).",
                          "\n\nErrata: {errata} (superseded by release no. {by})."),
    "pkg.method": ("# Ghi chú phương pháp\n\n"
                   "- Các con số là đúng những gì trang web và lệnh `python -m metrics` hiện cho bản công bố này: cùng "
                   "các hàm tính, trên đúng các lô dữ liệu bản công bố gồm.\n"
                   "- Chỉ số CCHC = điểm đạt / điểm tối đa × 100, làm tròn nửa lên ở 2 chữ số thập phân bằng số học "
                   "thập phân chính xác. Nhóm theo khoảng: A ≥ 90, B 80 đến dưới 90, C 70 đến dưới 80.\n"
                   "- Thứ hạng: như bản công bố nêu (`stated`, `deduced`, `listed`), hoặc tính với quy tắc đồng hạng "
                   "(1, 2, 2, 4) chỉ khi bảng có đủ mọi đơn vị được đánh giá (`computed`); nếu không thì `not "
                   "published`. `units_covered`/`units_total` cho biết bảng phủ bao nhiêu đơn vị.\n"
                   "- Mức thay đổi so với năm trước tính với năm trước mà bản công bố này so sánh (các lô ghi trong "
                   "`datapackage.json`); qua đợt sắp xếp 2025, tỉnh hợp nhất được so với bình quân đều của các tỉnh cũ "
                   "khi có đủ giá trị.\n"
                   "- Sự hài lòng: tỷ lệ trả lời 4 hoặc 5 trên thang 5 mức, khoảng tin cậy 95 % theo thiết kế mẫu (cột "
                   "`design`, `df`); dưới 30 người trả lời thì không công bố (`suppressed`).\n"
                   "- Chuỗi theo năm: mỗi điểm ghi nguồn (`source`), độ phủ (`coverage`) và bản công bố mà nó lấy từ "
                   "(`release_id`, trống là dữ liệu làm việc chưa công bố).\n"
                   "- Nguồn: `published` là kết quả Bộ Nội vụ công bố; `upload` là dữ liệu cơ quan nạp; `demo` là dữ "
                   "liệu mô phỏng, không phải kết quả thật.\n",
                   "# Method notes\n\n"
                   "- The figures are exactly those the web pages and `python -m metrics` show for this release: the "
                   "same functions, on exactly the data batches the release holds.\n"
                   "- PAR INDEX = points achieved / maximum points × 100, rounded half-up at 2 decimals in exact "
                   "decimal arithmetic. Groups by band: A ≥ 90, B 80 to < 90, C 70 to < 80.\n"
                   "- Ranks: as the release states them (`stated`, `deduced`, `listed`), or computed with ties (1, 2, "
                   "2, 4) only from a table covering every assessed unit (`computed`); else `not published`. "
                   "`units_covered`/`units_total` say what the table covers.\n"
                   "- Changes against the previous year use the previous year this release compares with (batches in "
                   "`datapackage.json`); across the 2025 reorganisation a merged province is compared with the equal "
                   "mean of its predecessors when all have a value.\n"
                   "- Satisfaction: share of answers 4 or 5 on the 5-point scale, 95 % intervals under the sample "
                   "design (columns `design`, `df`); fewer than 30 respondents are not shown (`suppressed`).\n"
                   "- Series over years: each point names its source (`source`), coverage (`coverage`) and the "
                   "release it comes from (`release_id`; empty for working data not released).\n"
                   "- Sources: `published` are MoHA's published results; `upload` data loaded by an agency; `demo` "
                   "synthetic data, not real results.\n"),
    "pkg.licence": ("# Giấy phép\n\nSố liệu trong gói này được phát hành theo giấy phép Creative Commons Ghi công 4.0 "
                    "Quốc tế (CC BY 4.0): được sao chép, phân phối và sử dụng lại, kể cả cho mục đích thương mại, với "
                    "điều kiện ghi rõ nguồn là bản công bố số {id} ({decision}). Kết quả công bố của Bộ Nội vụ là văn "
                    "bản công khai của Nhà nước; nguồn từng dòng ghi trong cột nguồn. Dữ liệu mô phỏng (`demo`) là dữ "
                    "liệu tổng hợp, không được trình bày như kết quả thật.\n",
                    "# Licence\n\nThe data in this package are released under the Creative Commons Attribution 4.0 "
                    "International licence (CC BY 4.0): you may copy, distribute and reuse them, commercially too, "
                    "crediting release no. {id} ({decision}) as the source. MoHA's published results are public "
                    "government documents; each row names its source. Demo data (`demo`) are synthetic and must not "
                    "be presented as real results.\n"),
    "pkg.table.rankings": ("Bảng xếp hạng Chỉ số CCHC, kèm chỉ số lĩnh vực", "PAR INDEX rankings with field indices"),
    "pkg.table.satisfaction": ("Mức độ hài lòng theo đơn vị và khía cạnh, kèm khoảng tin cậy 95 %",
                               "Satisfaction by unit and dimension, with 95 % intervals"),
    "pkg.table.series": ("Chuỗi theo năm qua đợt sắp xếp 2025", "Series over years across the 2025 reorganisation"),
    "pkg.table.units": ("Đơn vị hành chính và quan hệ kế thừa", "Administrative units with successors"),
    "pkg.table.lineage": ("Quan hệ đơn vị cũ → đơn vị mới", "Links from old units to new units"),
    "pkg.table.dictionary": ("Từ điển dữ liệu", "Data dictionary"),
    # the data dictionary: one entry per column name
    "pkg.field.rank": ("Thứ hạng (số nguyên; trống khi chưa công bố)", "Rank (integer; empty when not published)"),
    "pkg.field.code_system": ("Hệ mã đơn vị (vn63, vn34, ministry-2021, ministry-2025)",
                              "Unit code system (vn63, vn34, ministry-2021, ministry-2025)"),
    "pkg.field.code": ("Mã đơn vị trong hệ mã (trống ở dòng toàn quốc)", "Unit code within its system (empty: national)"),
    "pkg.field.name": ("Tên đơn vị", "Unit name"),
    "pkg.field.index": ("Chỉ số CCHC (%), 2 chữ số thập phân", "PAR INDEX (%), 2 decimals"),
    "pkg.field.group": ("Nhóm theo khoảng chỉ số (A, B, C, D)", "Group by index band (A, B, C, D)"),
    "pkg.field.appraisal": ("Điểm thẩm định", "Appraisal points"),
    "pkg.field.survey": ("Điểm điều tra xã hội học", "Sociological survey points"),
    "pkg.field.delta_index": ("Thay đổi chỉ số so với năm trước (điểm %)", "Index change against the previous year (points)"),
    "pkg.field.delta_rank": ("Thay đổi thứ hạng (dương là tăng hạng)", "Rank change (positive: rose)"),
    "pkg.field.field_n": ("Chỉ số lĩnh vực {n} (%)", "Field {n} index (%)"),
    "pkg.field.rank_basis": ("Cơ sở của thứ hạng: stated, deduced, listed, computed, not published",
                             "How the rank was obtained: stated, deduced, listed, computed, not published"),
    "pkg.field.change_basis": ("Cơ sở của mức thay đổi: same, continued, reconstructed, published",
                               "How the change was obtained: same, continued, reconstructed, published"),
    "pkg.field.complete": ("Đơn vị có đủ điểm mọi tiêu chí", "The unit has points for every criterion"),
    "pkg.field.units_covered": ("Số đơn vị có giá trị trong bảng", "Units with a value in the table"),
    "pkg.field.units_total": ("Tổng số đơn vị được đánh giá", "Units assessed in all"),
    "pkg.field.source": ("Nguồn dữ liệu: published, upload, demo", "Data source: published, upload, demo"),
    "pkg.field.release_id": ("Số bản công bố (trống: dữ liệu làm việc chưa công bố)",
                             "Release number (empty: working data, not released)"),
    "pkg.field.dimension": ("Khía cạnh (trống: tổng thể)", "Dimension (empty: overall)"),
    "pkg.field.item": ("Câu hỏi", "Item"),
    "pkg.field.n_respondents": ("Số người trả lời", "Respondents"),
    "pkg.field.pct_satisfied": ("Tỷ lệ hài lòng (%)", "Satisfied (%)"),
    "pkg.field.pct_ci_low": ("Cận dưới khoảng tin cậy 95 % của tỷ lệ hài lòng", "95 % interval, lower bound of % satisfied"),
    "pkg.field.pct_ci_high": ("Cận trên khoảng tin cậy 95 % của tỷ lệ hài lòng", "95 % interval, upper bound of % satisfied"),
    "pkg.field.mean_score": ("Điểm trung bình (thang 1-5)", "Mean score (1-5 scale)"),
    "pkg.field.flag": ("Cảnh báo: suppressed (dưới 30 người), unreliable (sai số tương đối từ 30 %)",
                       "Flag: suppressed (under 30 respondents), unreliable (relative error 30 % or more)"),
    "pkg.field.mean_ci_low": ("Cận dưới khoảng tin cậy 95 % của điểm trung bình", "95 % interval, lower bound of the mean"),
    "pkg.field.mean_ci_high": ("Cận trên khoảng tin cậy 95 % của điểm trung bình", "95 % interval, upper bound of the mean"),
    "pkg.field.deff": ("Hệ số thiết kế", "Design effect"),
    "pkg.field.rse": ("Sai số chuẩn tương đối", "Relative standard error"),
    "pkg.field.reason": ("Lý do cảnh báo", "Reason for the flag"),
    "pkg.field.label": ("Tên khía cạnh hoặc nội dung câu hỏi", "Dimension name or item wording"),
    "pkg.field.form": ("Phiếu (y tế: nội trú, ngoại trú, pooled là gộp)", "Form (health: inpatient, outpatient, pooled)"),
    "pkg.field.design": ("Thiết kế mẫu giả định cho khoảng tin cậy", "Sample design the interval assumes"),
    "pkg.field.df": ("Bậc tự do", "Degrees of freedom"),
    "pkg.field.pct_elements_mean": ("SIPAS: bình quân đều năm yếu tố (%)", "SIPAS: plain mean of the five elements (%)"),
    "pkg.field.elements_ci_low": ("Cận dưới 95 % của bình quân năm yếu tố", "95 % lower bound of the elements mean"),
    "pkg.field.elements_ci_high": ("Cận trên 95 % của bình quân năm yếu tố", "95 % upper bound of the elements mean"),
    "pkg.field.published_pct": ("Chỉ số SIPAS Bộ Nội vụ công bố (%)", "SIPAS index as MoHA published it (%)"),
    "pkg.field.year": ("Năm", "Year"),
    "pkg.field.value": ("Giá trị của năm", "Value of the year"),
    "pkg.field.ci_low": ("Cận dưới khoảng tin cậy 95 %", "95 % interval, lower bound"),
    "pkg.field.ci_high": ("Cận trên khoảng tin cậy 95 %", "95 % interval, upper bound"),
    "pkg.field.status": ("observed (quan sát), reconstructed (tái dựng từ đơn vị cũ), successor (đơn vị kế thừa)",
                         "observed, reconstructed (from the old units), successor"),
    "pkg.field.from_units": ("Các đơn vị tạo nên giá trị (hệ_mã:mã)", "Units the value comes from (system:code)"),
    "pkg.field.coverage": ("Độ phủ của năm: k/n đơn vị có giá trị", "Coverage of the year: k/n units with a value"),
    "pkg.field.note": ("Ghi chú", "Note"),
    "pkg.field.kind": ("Loại đơn vị", "Kind of unit"),
    "pkg.field.region": ("Vùng kinh tế - xã hội", "Socio-economic region"),
    "pkg.field.successors": ("Đơn vị kế thừa (hệ_mã:mã, cách nhau bởi ;)", "Successor units (system:code, ; separated)"),
    "pkg.field.predecessors": ("Đơn vị tiền thân (hệ_mã:mã, cách nhau bởi ;)",
                               "Predecessor units (system:code, ; separated)"),
    "pkg.field.from_system": ("Hệ mã của đơn vị cũ", "Code system of the old unit"),
    "pkg.field.from_code": ("Mã đơn vị cũ", "Code of the old unit"),
    "pkg.field.from_name": ("Tên đơn vị cũ", "Name of the old unit"),
    "pkg.field.to_system": ("Hệ mã của đơn vị mới", "Code system of the new unit"),
    "pkg.field.to_code": ("Mã đơn vị mới", "Code of the new unit"),
    "pkg.field.to_name": ("Tên đơn vị mới", "Name of the new unit"),
    "pkg.field.relation": ("Quan hệ: continued, merged_into, main_successor", "Link: continued, merged_into, main_successor"),
    "pkg.field.effective_date": ("Ngày hiệu lực", "Effective date"),
    "pkg.field.legal_act": ("Văn bản pháp lý", "Legal act"),
    "pkg.field.table": ("Tên bảng (tệp)", "Table (file) name"),
    "pkg.field.field": ("Tên cột", "Column name"),
    "pkg.field.type": ("Kiểu dữ liệu (Frictionless)", "Data type (Frictionless)"),
    "pkg.field.description_vi": ("Mô tả tiếng Việt", "Description in Vietnamese"),
    "pkg.field.description_en": ("Mô tả tiếng Anh", "Description in English"),
}
