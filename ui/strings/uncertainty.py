"""Strings of the uncertainty feature: key -> (Vietnamese, English)."""

STRINGS: dict[str, tuple[str, str]] = {
    "uncertainty.title": ("Thứ hạng chắc chắn đến đâu", "How sure each rank is"),
    "uncertainty.col.interval": ("Khoảng hạng {coverage} %", "{coverage} % rank interval"),
    "uncertainty.col.median": ("Hạng trung vị (mô phỏng)", "Median rank (simulated)"),
    "uncertainty.col.low": ("Khoảng hạng: từ hạng", "Rank interval: from"),
    "uncertainty.col.high": ("Khoảng hạng: đến hạng", "Rank interval: to"),
    # The profile's sentence: fill with metrics.uncertainty.sentence_values(interval) (its `key` picks one).
    "uncertainty.between": ("từ hạng {low} đến hạng {high} trong {coverage} % số lần mô phỏng",
                            "between {low_th} and {high_th} in {coverage} % of draws"),
    "uncertainty.same": ("giữ hạng {low} trong {coverage} % số lần mô phỏng", "{low_th} in {coverage} % of draws"),
    "uncertainty.range": ("{low}–{high}", "{low}–{high}"),
    "uncertainty.sampling.respondents": ("từ người trả lời SIPAS", "from SIPAS respondents"),
    "uncertainty.sampling.stated": ("sai số chuẩn được nêu", "stated standard error"),
    "uncertainty.sampling.missing": ("chưa có", "missing"),
    "uncertainty.chart": ("Khoảng hạng {coverage} % qua {draws} lần mô phỏng",
                          "{coverage} % rank intervals over {draws} draws"),
    "uncertainty.axis": ("Thứ hạng (1 = cao nhất)", "Rank (1 = best)"),
    "uncertainty.legend.interval": ("Khoảng hạng {coverage} %", "{coverage} % rank interval"),
    "uncertainty.legend.official": ("Hạng chính thức", "Official rank"),
    "uncertainty.legend.median": ("Hạng trung vị", "Median rank"),
    "uncertainty.hover": ("Hạng {rank}; {coverage} % số lần: hạng {low}–{high}; trung vị {median}",
                          "Rank {rank}; {coverage} % of draws: {low}–{high}; median {median}"),
    "uncertainty.lead": (
        "Một phần điểm đến từ khảo sát chọn mẫu người dân, tổ chức (SIPAS) nên có sai số chọn mẫu, và trọng số các "
        "lĩnh vực là một lựa chọn: hạng 12 và hạng 15 chưa chắc khác nhau. Mỗi đơn vị có khoảng hạng mà nó rơi vào "
        "trong {coverage} % của {draws} lần tính lại chỉ số với sai số chọn mẫu, trọng số và cách tổng hợp thay đổi.",
        "Part of the points come from a sample survey of people and organisations (SIPAS), with sampling error, and "
        "the field weights are a choice: rank 12 and rank 15 may not differ. Each unit's interval holds its rank in "
        "{coverage} % of {draws} recomputations of the index with sampling error, weights and aggregation varied."),
    "uncertainty.method": (
        "Phương pháp (Monte Carlo, như các đánh giá chỉ số tổng hợp của JRC, gói COINr): mỗi lần mô phỏng, (a) điểm "
        "SIPAS của đơn vị (điểm điều tra lãnh đạo, quản lý có người trả lời khác nên giữ nguyên) nhân với "
        "(1 + sai số tương đối × z), z chuẩn tắc, sai số tương đối của tỷ lệ "
        "hài lòng SIPAS chung tính từ người trả lời (theo thiết kế mẫu) hoặc sai số chuẩn được nêu; (b) trọng số mỗi "
        "{basis} nhân với U({w_low}; {w_high}) rồi chuẩn hóa về tổng chính thức; (c) với xác suất {alt} dùng trung bình "
        "nhân có trọng số thay cho tổng có trọng số chính thức. Chỉ số làm tròn 2 chữ số rồi xếp hạng (đồng hạng). "
        "{draws} lần, hạt giống {seed}: cùng dữ liệu cho cùng kết quả.",
        "Method (Monte Carlo, in the manner of the JRC's audits of composite indicators, COINr): in each draw, "
        "(a) the unit's SIPAS points (the survey of leaders and managers has other respondents and stays as "
        "scored) are multiplied by (1 + relative SE × z), z standard normal, the relative SE "
        "of its SIPAS overall percent satisfied from its respondents (design-based) or a stated standard error; "
        "(b) each {basis} weight is multiplied by U({w_low}, {w_high}) and renormalised to the official total; "
        "(c) with probability {alt} the weighted geometric mean replaces the official weighted sum. The index is "
        "rounded to 2 decimals and ranked (ties share a rank). {draws} draws, seed {seed}: the same data give the "
        "same result."),
    "uncertainty.basis.fields": ("lĩnh vực", "field"),
    "uncertainty.basis.components": ("phần điểm (thẩm định, điều tra; bảng không có điểm từng lĩnh vực)",
                                     "component (appraisal, survey; the table gives no field points)"),
    "uncertainty.shares": (
        "Phần biến động thứ hạng do từng nguồn (chỉ số Sobol bậc nhất của mức dịch chuyển hạng trung bình, "
        "trung bình {shift} hạng): sai số chọn mẫu {sampling}, trọng số {weights}, cách tổng hợp {aggregation}. "
        "Phần còn lại đến từ tác động đồng thời của các nguồn.",
        "Share of the rank change each source explains (first-order Sobol index of the mean absolute rank shift, "
        "{shift} ranks on average): sampling error {sampling}, weights {weights}, aggregation {aggregation}. The "
        "rest comes from the sources acting together."),
    "uncertainty.sampling_missing": (
        "Chưa có sai số chọn mẫu cho {k}/{n} đơn vị (không có dữ liệu người trả lời SIPAS cùng nguồn, không có sai số "
        "chuẩn được nêu): khoảng hạng của các đơn vị này chưa tính phần đó nên có thể hẹp hơn thực tế.",
        "No sampling error for {k} of {n} units (no SIPAS respondents from a matching source, no stated standard "
        "error): their intervals leave it out and may be narrower than they should be."),
    "uncertainty.col.sampling_points": ("Điểm chịu sai số chọn mẫu", "Points moved by sampling error"),
    "uncertainty.sampled.sipas": (
        "Sai số chọn mẫu chỉ tác động đến điểm SIPAS: {items} (tối đa {points} trong {survey} điểm điều tra xã hội "
        "học); điểm điều tra lãnh đạo, quản lý và điểm thẩm định giữ nguyên.",
        "Sampling error moves the SIPAS points only: {items} (at most {points} of the {survey} survey points); the "
        "survey of leaders and managers and the appraisal stay as scored."),
    "uncertainty.items.criteria": ("tiêu chí {codes}", "criteria {codes}"),
    "uncertainty.items.component": ("phần SIPAS của bảng kết quả", "the results table's SIPAS part"),
    "uncertainty.sampled.survey": (
        "Bộ, ngành không có SIPAS: điểm điều tra xã hội học chỉ thay đổi theo sai số chuẩn được nêu (dòng lệnh "
        "--survey-se).",
        "Ministries have no SIPAS: their survey points move only by a stated standard error (command line "
        "--survey-se)."),
    "uncertainty.sampled.none.framework_unmarked": (
        "Không tính sai số chọn mẫu: bộ tiêu chí không đánh dấu tiêu chí nào mang điểm SIPAS (cơ sở dữ liệu được tạo "
        "trước khi có dấu này; hãy tạo lại).",
        "No sampling error: the criteria set does not mark which criteria carry SIPAS (a database built before the "
        "marks existed; rebuild it)."),
    "uncertainty.sampled.none.no_breakdown": (
        "Không tính sai số chọn mẫu: bảng kết quả chỉ có tổng điểm điều tra xã hội học, không tách riêng phần SIPAS.",
        "No sampling error: the results table gives the survey total only, not its SIPAS part."),
    "uncertainty.sampled.none.no_sipas": (
        "Không tính sai số chọn mẫu: bộ tiêu chí không có tiêu chí SIPAS.",
        "No sampling error: the criteria set has no SIPAS criteria."),
    "uncertainty.sampling_from": ("Sai số chọn mẫu từ người trả lời SIPAS: {source}.",
                                  "Sampling errors from SIPAS respondents: {source}."),
    "uncertainty.partial": (
        "Không tính khoảng hạng: bảng chỉ có {k}/{n} đơn vị, mà thứ hạng và khoảng hạng cần đủ mọi đơn vị.",
        "No rank intervals: the table has {k} of {n} units, and ranks and their intervals need the whole field."),
    "uncertainty.no_components": (
        "Không tính khoảng hạng: bảng không có điểm thẩm định và điểm điều tra riêng, không có gì để thay đổi.",
        "No rank intervals: the table gives no appraisal and survey points, so there is nothing to vary."),
    "uncertainty.none": ("—", "—"),
}
