"""Regenerate the illustrative framework YAML files in data/frameworks (the committed YAML is the source of truth;
run this only to rebuild them from scratch: python scripts/make_frameworks.py)."""
import math
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "data"
FIELDS_VI = {
 1: ("Công tác chỉ đạo, điều hành cải cách hành chính", "Leadership and direction of PAR"),
 2: ("Cải cách thể chế", "Institutional reform"),
 3: ("Cải cách thủ tục hành chính", "Administrative procedure reform"),
 4: ("Cải cách tổ chức bộ máy hành chính nhà nước", "Reform of the state administrative apparatus"),
 5: ("Cải cách chế độ công vụ", "Civil service reform"),
 6: ("Cải cách tài chính công", "Public finance reform"),
 7: ("Xây dựng và phát triển Chính phủ điện tử, Chính phủ số", "E-government and digital government"),
 8: ("Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội của tỉnh",
     "Impact of PAR on people, organisations and local socio-economic development"),
}
BANDS = [dict(group="A", min_index=90, label_vi="Nhóm A (từ 90 %)", label_en="Group A (90 % and above)"),
         dict(group="B", min_index=80, label_vi="Nhóm B (80 % đến dưới 90 %)", label_en="Group B (80 % to < 90 %)"),
         dict(group="C", min_index=70, label_vi="Nhóm C (70 % đến dưới 80 %)", label_en="Group C (70 % to < 80 %)"),
         dict(group="D", min_index=0, label_vi="Dưới 70 %", label_en="Below 70 %")]

def split(total, n, step=0.25):
    base = math.floor(total / n / step) * step
    parts = [base] * n
    parts[-1] = round(total - base * (n - 1), 2)
    return parts

def make(fid, level, first, last, decision, title_vi, title_en, spec, note, known):
    fields, criteria = [], []
    for f, (appr, surv, n_appr, n_surv) in spec.items():
        vi, en = FIELDS_VI[f]
        if level == "ministry" and f == 7:
            pass
        fields.append(dict(code=str(f), name_vi=vi, name_en=en, max_points=round(appr + surv, 2)))
        k = 0
        for p in split(appr, n_appr):
            k += 1
            criteria.append(dict(code=f"{f}.{k}", field=str(f), component="appraisal", max_points=p,
                                 name_vi=f"Tiêu chí {f}.{k} (thẩm định, minh họa)",
                                 name_en=f"Criterion {f}.{k} (appraisal, illustrative)"))
        for p in split(surv, n_surv):
            k += 1
            criteria.append(dict(code=f"{f}.{k}", field=str(f), component="survey", max_points=p,
                                 name_vi=f"Tiêu chí {f}.{k} (điều tra xã hội học, minh họa)",
                                 name_en=f"Criterion {f}.{k} (sociological survey, illustrative)"))
    doc = dict(id=fid, level=level, first_year=first, last_year=last, decision=decision,
               title_vi=title_vi, title_en=title_en, points_illustrative=True,
               known_facts=known, note=note, bands=BANDS, fields=fields, criteria=criteria)
    doc["appraisal_max"] = round(sum(c["max_points"] for c in criteria if c["component"] == "appraisal"), 2)
    doc["survey_max"] = round(sum(c["max_points"] for c in criteria if c["component"] == "survey"), 2)
    path = f"{DATA}/frameworks/{fid}.yaml"
    with open(path, "w") as fh:
        fh.write("# PAR INDEX criteria framework. Edit by hand; loaded by `python -m etl build`.\n")
        fh.write("# Field names are the official ones; criterion names and ALL per-field and per-criterion\n")
        fh.write("# points are illustrative (official per-criterion points were not found in text form).\n")
        yaml.safe_dump(doc, fh, allow_unicode=True, sort_keys=False, width=120)
    print(fid, len(fields), len(criteria), doc["appraisal_max"], doc["survey_max"])

NOTE = ("Per-field and per-criterion maximum points are ILLUSTRATIVE: the official points were not found in "
        "text form. Load your own framework file with the official points to score real sheets.")
# 2022-2023, Decision 876/QĐ-BNV: provinces 8 fields, 37 criteria, 68 + 32
prov_876 = {1: (6.5, 2.5, 5, 1), 2: (7, 3, 3, 1), 3: (9.5, 3.5, 4, 1), 4: (6.5, 3.5, 2, 1),
            5: (9.5, 3.5, 5, 1), 6: (6, 3, 2, 1), 7: (11, 3, 5, 1), 8: (12, 10, 2, 2)}
min_876 = {1: (8.5, 2.5, 5, 1), 2: (10, 4, 4, 1), 3: (11.5, 4.5, 5, 1), 4: (7.5, 4.5, 4, 1),
           5: (10.5, 4.5, 5, 1), 6: (8, 4, 3, 1), 7: (12.5, 7.5, 5, 1)}
make("par-province-2022", "province", 2022, 2023, "Quyết định 876/QĐ-BNV",
     "Bộ tiêu chí Chỉ số CCHC cấp tỉnh (Quyết định 876/QĐ-BNV)",
     "Provincial PAR INDEX criteria (Decision 876/QĐ-BNV)", prov_876, NOTE,
     "Official: 8 fields, 37 criteria, 88 sub-criteria; 100 points = 68 appraisal + 32 survey. "
     "This file lists the 37 criteria as leaves (sub-criteria not listed).")
make("par-ministry-2022", "ministry", 2022, 2023, "Quyết định 876/QĐ-BNV",
     "Bộ tiêu chí Chỉ số CCHC cấp bộ (Quyết định 876/QĐ-BNV)",
     "Ministerial PAR INDEX criteria (Decision 876/QĐ-BNV)", min_876, NOTE,
     "Official: 7 fields, 38 criteria, 97 sub-criteria; 100 points = 68.5 appraisal + 31.5 survey. "
     "This file lists the 38 criteria as leaves (sub-criteria not listed).")
# before 2022 (Decision 1149/QĐ-BNV): structure not verified; illustrative split
prov_1149 = {1: (6, 3, 4, 1), 2: (7, 3, 3, 1), 3: (9, 4, 4, 1), 4: (6, 3, 2, 1),
             5: (9, 4, 4, 1), 6: (6, 3, 2, 1), 7: (11, 3, 4, 1), 8: (14, 9, 2, 2)}
min_1149 = {1: (9, 2.5, 4, 1), 2: (10, 4, 3, 1), 3: (11, 5, 4, 1), 4: (8, 4, 3, 1),
            5: (10, 5, 4, 1), 6: (8, 4, 3, 1), 7: (12.5, 7, 4, 1)}
NOTE_OLD = NOTE + (" The appraisal/survey split and the number of criteria of this version were not verified "
                   "in our sources either: the whole structure is illustrative.")
make("par-province-2021", "province", 2012, 2021, "Quyết định 1149/QĐ-BNV",
     "Bộ tiêu chí Chỉ số CCHC cấp tỉnh trước 2022 (Quyết định 1149/QĐ-BNV)",
     "Provincial PAR INDEX criteria before 2022 (Decision 1149/QĐ-BNV)", prov_1149, NOTE_OLD,
     "Official: 8 fields for provinces. Other structure not verified.")
make("par-ministry-2021", "ministry", 2012, 2021, "Quyết định 1149/QĐ-BNV",
     "Bộ tiêu chí Chỉ số CCHC cấp bộ trước 2022 (Quyết định 1149/QĐ-BNV)",
     "Ministerial PAR INDEX criteria before 2022 (Decision 1149/QĐ-BNV)", min_1149, NOTE_OLD,
     "Official: 7 fields for ministries. Other structure not verified.")
# from 2024: amended criteria set (MoHA, for the 2024 assessment); document number not in our sources
prov_2024 = {1: (6.5, 2.5, 5, 1), 2: (7, 3, 3, 1), 3: (9.5, 3.5, 4, 1), 4: (6, 3.5, 2, 1),
             5: (9.5, 3.5, 5, 1), 6: (6, 3, 2, 1), 7: (11.5, 3, 6, 1), 8: (12, 10, 2, 2)}
min_2024 = {1: (8.5, 2.5, 5, 1), 2: (10, 4, 4, 1), 3: (11.5, 4.5, 5, 1), 4: (7, 4.5, 4, 1),
            5: (10.5, 4.5, 5, 1), 6: (8, 4, 3, 1), 7: (13, 7.5, 6, 1)}
NOTE_2024 = NOTE + (" This is the amended criteria set MoHA approved for the 2024 assessment; its document number "
                    "and structure are not in our sources, so the 68 + 32 (provinces) and 68.5 + 31.5 (ministries) "
                    "split of Decision 876 is assumed unchanged.")
make("par-province-2024", "province", 2024, None, "Bộ tiêu chí sửa đổi áp dụng từ năm 2024",
     "Bộ tiêu chí Chỉ số CCHC cấp tỉnh sửa đổi (từ năm 2024)",
     "Provincial PAR INDEX criteria, amended set (from 2024)", prov_2024, NOTE_2024,
     "Official: a new/amended criteria set approved by MoHA for 2024 (par_index_national_summary.csv).")
make("par-ministry-2024", "ministry", 2024, None, "Bộ tiêu chí sửa đổi áp dụng từ năm 2024",
     "Bộ tiêu chí Chỉ số CCHC cấp bộ sửa đổi (từ năm 2024)",
     "Ministerial PAR INDEX criteria, amended set (from 2024)", min_2024, NOTE_2024,
     "Official: a new/amended criteria set approved by MoHA for 2024 (par_index_national_summary.csv).")
NOTE_LOCAL = ("A template for the index a province or ministry builds for its own departments, districts and "
              "communes (Official Letter 3759/BNV-CCHC asks each to build one). Each issues its own criteria: "
              "fields, criteria and points here are ILLUSTRATIVE; load your own framework file for real scoring.")
make("par-local-2021", "local", 2021, None, "Mẫu tham khảo (mỗi tỉnh, bộ tự ban hành)",
     "Bộ tiêu chí mẫu cho chỉ số CCHC của sở, ngành, huyện, xã (minh họa)",
     "Template criteria for a province's or ministry's own units (illustrative)", min_876, NOTE_LOCAL,
     "No official national set: each province or ministry issues its own criteria for its units.")
