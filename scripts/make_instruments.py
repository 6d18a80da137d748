"""Regenerate the survey instrument YAML files in data/instruments (the committed YAML is the source of truth;
run this only to rebuild them from scratch: python scripts/make_instruments.py)."""
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "data"
HDR = ("# Survey instrument. Edit by hand; loaded by `python -m etl build`.\n"
       "# Item numbering is this product's template. Wording is a short paraphrase of the published method\n"
       "# (marked `wording_source: paraphrase`), not the official questionnaire text.\n")
def items(prefix_ranges, scale=(1, 5), na=None):
    out = []
    for dim, codes in prefix_ranges:
        for c in codes:
            out.append(dict(code=c, dimension=dim))
    return out
def dump(name, doc):
    with open(f"{DATA}/instruments/{name}.yaml", "w") as fh:
        fh.write(HDR); yaml.safe_dump(doc, fh, allow_unicode=True, sort_keys=False, width=120)
SCALE = dict(min=1, max=5, satisfied_min=4,
             labels_vi=["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"],
             labels_en=["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"])
def rng(p, a, b): return [f"{p}{i}" for i in range(a, b + 1)]
sipas_dims = [
 ("policy_information", "policy", "Thông tin và tham vấn chính sách", "Information and consultation on policies", rng("C", 1, 4)),
 ("policy_appropriateness", "policy", "Tính phù hợp của chính sách", "Appropriateness of policies", rng("C", 5, 12)),
 ("policy_impact", "policy", "Tác động của chính sách đến hộ gia đình", "Impact of policies on the household", rng("C", 13, 14)),
 ("access", "service", "Tiếp cận dịch vụ", "Access to services", rng("C", 15, 18)),
 ("procedures", "service", "Thủ tục hành chính", "Administrative procedures", rng("C", 19, 22)),
 ("civil_servants", "service", "Công chức trực tiếp giải quyết công việc", "Civil servants handling the case", rng("C", 23, 27)),
 ("results", "service", "Kết quả cung cấp dịch vụ", "Service results", rng("C", 28, 30)),
 ("feedback", "service", "Tiếp nhận, xử lý ý kiến góp ý, phản ánh, kiến nghị", "Receiving and handling feedback", rng("C", 31, 33)),
]
def build_items(dims):
    out = []
    for code, part, vi, en, codes in dims:
        for c in codes:
            out.append(dict(code=c, dimension=code, wording_vi=f"Mức độ hài lòng về: {vi.lower()} ({c})",
                            wording_en=f"Satisfaction with: {en.lower()} ({c})", wording_source="paraphrase"))
    return out
dump("sipas", dict(id="sipas", survey="sipas", form="household",
  title_vi="Chỉ số hài lòng về sự phục vụ hành chính (SIPAS)",
  title_en="Satisfaction Index of Public Administrative Services (SIPAS)",
  method="Quyết định 1001/QĐ-BNV (2023-2026); template modelled on the 2022+ questionnaire",
  scale=SCALE, na_code=None,
  dimensions=[dict(code=c, part=p, name_vi=vi, name_en=en) for c, p, vi, en, _ in sipas_dims],
  items=build_items(sipas_dims)))
H = [("A", "Khả năng tiếp cận", "Accessibility"),
     ("B", "Sự minh bạch thông tin và thủ tục khám bệnh, điều trị", "Transparency of information and procedures"),
     ("C", "Cơ sở vật chất và phương tiện phục vụ người bệnh", "Facilities and amenities"),
     ("D", "Thái độ ứng xử, năng lực chuyên môn của nhân viên y tế", "Staff attitude and competence"),
     ("E", "Kết quả cung cấp dịch vụ", "Service results")]
for form, counts, vi_form, en_form in [("inpatient", [5, 7, 11, 7, 6], "người bệnh nội trú", "inpatients"),
                                       ("outpatient", [5, 10, 8, 4, 4], "người bệnh ngoại trú", "outpatients")]:
    dims = [(s, "section", vi, en, rng(s, 1, n)) for (s, vi, en), n in zip(H, counts)]
    its = build_items(dims)
    extra = [dict(code="G1", dimension="expectations", kind="percent", min=0, max=200,
                  wording_vi="Mức đáp ứng so với mong đợi (%)", wording_en="Expectations met (%)", wording_source="paraphrase"),
             dict(code="G2", dimension="return_intention", kind="likert",
                  wording_vi="Có quay lại hoặc giới thiệu cho người khác", wording_en="Would return or recommend",
                  wording_source="paraphrase")]
    dump(f"health-{form}", dict(id=f"health-{form}", survey="health", form=form,
      title_vi=f"Khảo sát hài lòng {vi_form}", title_en=f"Satisfaction survey of {en_form}",
      method="Quyết định 3869/QĐ-BYT (2019)", scale=SCALE, na_code=0,
      dimensions=[dict(code=s, part="section", name_vi=vi, name_en=en) for s, vi, en in H] +
                 [dict(code="expectations", part="extra", name_vi="Đáp ứng mong đợi", name_en="Expectations met"),
                  dict(code="return_intention", part="extra", name_vi="Quay lại hoặc giới thiệu", name_en="Return or recommend")],
      items=its + extra))
E = [("access", "Tiếp cận dịch vụ giáo dục", "Access", rng("TC", 1, 4)),
     ("facilities", "Cơ sở vật chất, trang thiết bị", "Facilities", rng("CS", 1, 5)),
     ("environment", "Môi trường giáo dục", "School environment", rng("MT", 1, 5)),
     ("activities", "Hoạt động giáo dục", "Educational activities", rng("HD", 1, 6)),
     ("results", "Kết quả giáo dục", "Educational results", rng("KQ", 1, 4)),
     ("overall", "Hài lòng chung", "Overall satisfaction", ["HL1"])]
dims = [(c, "dimension", vi, en, codes) for c, vi, en, codes in E]
dump("education", dict(id="education", survey="education", form="school",
  title_vi="Khảo sát hài lòng của người dân về dịch vụ giáo dục công",
  title_en="Satisfaction with public education services",
  method="Quyết định 2034/QĐ-BGDĐT (2023)", scale=SCALE, na_code=None,
  school_levels=["preschool", "primary", "lower_secondary", "upper_secondary", "continuing", "higher"],
  respondent_groups=["parent", "learner"],
  dimensions=[dict(code=c, part="dimension", name_vi=vi, name_en=en) for c, vi, en, _ in E],
  items=build_items(dims)))
