"""Strings of the content feature (published coverage, row origins, official/illustrative marks):
key -> (Vietnamese, English)."""

STRINGS: dict[str, tuple[str, str]] = {
    "content.coverage": ("Độ phủ của kết quả công bố", "Coverage of the published results"),
    "content.coverage_intro": (
        "Số đơn vị mà các kết quả công bố lưu ở đây nêu tên, theo năm và cấp, trên tổng số đơn vị được đánh giá năm "
        "đó. Mỗi dòng ghi nguồn riêng của nó (bài viết, trang công bố); con số cần đủ mọi đơn vị không được tính từ "
        "bảng thiếu.",
        "How many units the published results stored here name, by year and level, out of every unit assessed that "
        "year. Each row names its own source (the article or release page); no figure that needs the whole field is "
        "computed from a partial table."),
    "content.coverage_line": ("{year}: {k}/{n} {units} có kết quả công bố ở đây ({v} có giá trị, {r} có thứ hạng)",
                              "{year}: {k} of {n} {units} published here ({v} with a value, {r} with a rank)"),
    "content.dataset.par": ("Chỉ số CCHC", "PAR INDEX"),
    "content.dataset.sipas": ("Chỉ số hài lòng SIPAS", "SIPAS satisfaction index"),
    "content.units.province": ("tỉnh, thành phố", "provinces"),
    "content.units.ministry": ("bộ, cơ quan ngang bộ", "ministries"),
    "col.dataset": ("Bộ số liệu", "Dataset"),
    "col.coverage": ("Độ phủ", "Coverage"),
    "col.rows_with_source": ("Dòng có nguồn", "Rows with a source"),
    "col.source_ref": ("Nguồn của dòng", "Row source"),
    "col.max_official": ("Điểm tối đa chính thức", "Official maximum"),
    "col.max_source": ("Căn cứ điểm tối đa", "Basis of the maximum"),
    "content.official": ("chính thức", "official"),
    "content.illustrative": ("minh họa", "illustrative"),
    "content.dataset.par_field": ("Điểm lĩnh vực (Chỉ số CCHC)", "PAR INDEX field results"),
    # Where a row came from when it names no published source of its own (ui.provenance.row_origins).
    "content.origin_batch": ("lô dữ liệu {batch}", "batch {batch}"),
    "content.origin_batch_file": ("lô dữ liệu {batch} · tệp {file}", "batch {batch} · file {file}"),
    # The framework's stated figures on the method page (metrics.provenance.framework_facts).
    "content.facts": ("Các con số của bộ tiêu chí và căn cứ", "The criteria set's figures and their basis"),
    "content.facts_intro": (
        "Mỗi con số ghi là chính thức (kèm nguồn đã in con số đó) hay minh họa (kèm lý do). Điểm tối đa của từng "
        "lĩnh vực ở bảng dưới cũng ghi như vậy.",
        "Each figure says whether it is official (with the source that printed it) or illustrative (with the "
        "reason). So does each field's maximum in the table below."),
    "content.fact.appraisal_max": ("Điểm thẩm định tối đa", "Maximum appraisal points"),
    "content.fact.survey_max": ("Điểm điều tra xã hội học tối đa", "Maximum sociological survey points"),
    "content.fact.count_fields": ("Số lĩnh vực", "Number of fields"),
    "content.fact.count_criteria": ("Số tiêu chí", "Number of criteria"),
    "content.fact.count_sub_criteria": ("Số tiêu chí thành phần", "Number of sub-criteria"),
    "col.fact": ("Nội dung", "Figure"),
    "col.mark": ("Căn cứ", "Basis"),
}
