"""Strings of the content feature (published coverage, row sources, official/illustrative marks):
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
}
