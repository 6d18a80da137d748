"""What a survey file of each kind holds: its columns and their header spellings, the values of its coded
columns, and how to tell a file of one kind from another by its headers."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from etl.names import name_key
from etl.readers import normalise_header

SURVEYS = ("sipas", "health", "education")


@dataclass(frozen=True)
class Column:
    """A non-item column: its canonical name, labels for templates and messages, and header spellings
    (as etl.readers.normalise_header writes them)."""

    name: str
    label_vi: str
    label_en: str
    aliases: tuple[str, ...]
    required: bool = False


COMMON = (
    Column("respondent_id", "Mã người trả lời", "Respondent ID",
           ("respondent_id", "respondent", "ma_nguoi_tra_loi", "ma_phieu", "so_phieu", "ma_so_phieu", "phieu_so",
            "ma_ntl", "id_nguoi_tra_loi"), True),
    Column("year", "Năm khảo sát", "Survey year", ("year", "survey_year", "nam", "nam_khao_sat", "nam_dieu_tra")),
    Column("survey_date", "Ngày khảo sát", "Survey date",
           ("survey_date", "date", "ngay", "ngay_khao_sat", "ngay_dieu_tra", "ngay_phong_van", "ngay_tra_loi")),
    Column("weight", "Trọng số", "Weight", ("weight", "trong_so", "quyen_so")),
    Column("sex", "Giới tính", "Sex", ("sex", "gender", "gioi_tinh")),
    Column("age_group", "Nhóm tuổi", "Age group", ("age_group", "nhom_tuoi", "do_tuoi")),
    Column("channel", "Kênh tiếp nhận", "Channel",
           ("channel", "kenh", "kenh_tiep_nhan", "hinh_thuc_tiep_nhan", "kenh_giao_dich", "phuong_thuc_tiep_nhan")),
    Column("province", "Tỉnh/thành phố", "Province",
           ("province", "province_code", "tinh", "tinh_thanh_pho", "tinh_tp", "tinh_thanh", "ma_tinh"), True),
    # The sample design: stored as written, for the statistics to use (etl.loaders.survey_validate refuses a
    # column filled on some rows only).
    Column("stratum", "Tầng mẫu", "Stratum",
           ("stratum", "strata", "stratum_id", "sampling_stratum", "tang", "tang_mau", "ma_tang", "ma_tang_mau",
            "tang_chon_mau")),
    Column("psu", "Đơn vị mẫu cấp 1 (cụm)", "Primary sampling unit (cluster)",
           ("psu", "psu_id", "primary_sampling_unit", "cluster", "cluster_id", "cum", "ma_cum", "cum_mau",
            "dia_ban", "ma_dia_ban", "dia_ban_khao_sat", "dia_ban_dieu_tra", "don_vi_mau_cap_1", "don_vi_mau_cap1")),
)
HEALTH = (
    Column("hospital_id", "Mã bệnh viện", "Hospital ID",
           ("hospital_id", "ma_benh_vien", "ma_bv", "ma_co_so_kcb", "ma_co_so_y_te"), True),
    Column("hospital_name", "Tên bệnh viện", "Hospital name",
           ("hospital_name", "hospital", "ten_benh_vien", "ten_bv", "benh_vien", "ten_co_so_kcb", "ten_co_so_y_te"),
           True),
    Column("form", "Loại phiếu (nội trú/ngoại trú)", "Form (inpatient/outpatient)",
           ("form", "loai_phieu", "mau_phieu", "phieu", "noi_tru_ngoai_tru", "loai_nguoi_benh", "hinh_thuc_dieu_tri"),
           True),
)
EDUCATION = (
    Column("school_id", "Mã trường", "School ID", ("school_id", "ma_truong", "ma_co_so_giao_duc"), True),
    Column("school_name", "Tên trường", "School name",
           ("school_name", "school", "ten_truong", "truong", "ten_co_so_giao_duc"), True),
    Column("school_level", "Cấp học", "School level", ("school_level", "cap_hoc", "bac_hoc", "cap_truong"), True),
    Column("respondent_group", "Đối tượng trả lời", "Respondent group",
           ("respondent_group", "doi_tuong", "doi_tuong_tra_loi", "nhom_doi_tuong", "nhom_nguoi_tra_loi"), True),
)


@dataclass(frozen=True)
class SurveyKind:
    """One kind of survey file: its columns, its facility (hospital, school) if any, and the columns
    that tell its files apart from the other kinds'."""

    survey: str
    name_vi: str
    name_en: str
    columns: tuple[Column, ...]
    facility_type: str | None = None
    signature: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def facility_columns(self) -> tuple[str, str] | None:
        if self.facility_type is None:
            return None
        return f"{self.facility_type}_id", f"{self.facility_type}_name"


KINDS = {
    "sipas": SurveyKind("sipas", "khảo sát SIPAS", "SIPAS survey", COMMON),
    "health": SurveyKind("health", "khảo sát hài lòng người bệnh", "health satisfaction survey", COMMON + HEALTH,
                         "hospital", ("hospital_id", "form")),
    "education": SurveyKind("education", "khảo sát hài lòng về giáo dục", "education satisfaction survey",
                            COMMON + EDUCATION, "school", ("school_id", "school_level")),
}

# Coded columns: canonical value -> spellings met in files (compared by etl.names.name_key, so case,
# diacritics and punctuation do not matter; the canonical value itself is always accepted).
VOCABULARY: dict[str, dict[str, tuple[str, ...]]] = {
    "channel": {
        "in_person": ("in person", "trực tiếp", "tại bộ phận một cửa", "một cửa", "offline"),
        "online": ("trực tuyến", "dịch vụ công trực tuyến", "internet", "mạng"),
        "post": ("bưu chính", "bưu chính công ích", "qua bưu chính", "bưu điện", "qua bưu điện", "mail"),
    },
    "sex": {"male": ("nam", "m"), "female": ("nữ", "f"), "other": ("khác",)},
    "form": {"inpatient": ("nội trú", "in"), "outpatient": ("ngoại trú", "out")},
    "school_level": {
        "preschool": ("mầm non", "mẫu giáo", "nhà trẻ"),
        "primary": ("tiểu học",),
        "lower_secondary": ("trung học cơ sở", "thcs"),
        "upper_secondary": ("trung học phổ thông", "thpt"),
        "continuing": ("giáo dục thường xuyên", "gdtx", "giáo dục nghề nghiệp giáo dục thường xuyên"),
        "higher": ("đại học", "giáo dục đại học", "cao đẳng đại học"),
    },
    "respondent_group": {
        "parent": ("phụ huynh", "cha mẹ học sinh", "cha mẹ", "cmhs", "phụ huynh học sinh"),
        "learner": ("người học", "học sinh", "sinh viên", "học viên"),
    },
}
VALUE_LABELS_VI = {
    "in_person": "trực tiếp", "online": "trực tuyến", "post": "bưu chính", "male": "nam", "female": "nữ",
    "other": "khác", "inpatient": "nội trú", "outpatient": "ngoại trú", "preschool": "mầm non",
    "primary": "tiểu học", "lower_secondary": "THCS", "upper_secondary": "THPT", "continuing": "GDTX",
    "higher": "đại học", "parent": "phụ huynh", "learner": "người học",
}


def value_lookup(column: str, allowed: tuple[str, ...] | None = None) -> dict[str, str]:
    """name_key of every accepted spelling -> canonical value; `allowed` narrows to the instrument's list."""
    lookup = {}
    for value, spellings in VOCABULARY[column].items():
        if allowed is not None and value not in allowed:
            continue
        for spelling in (value, *spellings):
            lookup[name_key(spelling)] = value
    for value in allowed or ():  # values an instrument adds that this module has no spellings for
        lookup.setdefault(name_key(value), value)
    return lookup


def describe_values(values: tuple[str, ...] | list[str], lang: str) -> str:
    if lang == "vi":
        return ", ".join(f"{v} ({VALUE_LABELS_VI[v]})" if v in VALUE_LABELS_VI else v for v in values)
    return ", ".join(values)


_LEADING_ZEROS = re.compile(r"(?<=[a-z])0+(?=\d)")
_QUESTION_PREFIXES = ("cauhoi", "question", "cau", "q")


def item_matcher(item_codes: list[str]) -> Callable[[str], str | None]:
    """A rule from a normalised header to an item code: 'C1', 'c_1', 'Câu 1', 'cau_1', 'q1', 'Q01' are all C1
    for SIPAS (whose items share one letter); 'A1', 'a.1', 'Câu A1' are A1 for the health forms."""
    by_key = {_LEADING_ZEROS.sub("", code.lower()): code for code in item_codes}
    letters = {m.group(1) for m in (re.match(r"^([a-z]+)\d+$", key) for key in by_key) if m}
    only_letter = next(iter(letters)) if len(letters) == 1 else None

    def match(key: str) -> str | None:
        compact = _LEADING_ZEROS.sub("", key.replace("_", ""))
        if compact in by_key:
            return by_key[compact]
        for prefix in _QUESTION_PREFIXES:
            if compact.startswith(prefix) and len(compact) > len(prefix):
                rest = _LEADING_ZEROS.sub("", compact[len(prefix):])
                if rest in by_key:
                    return by_key[rest]
                if rest.isdigit() and only_letter:
                    return by_key.get(f"{only_letter}{int(rest)}")
        return None

    return match


@dataclass
class HeaderMatch:
    """Which file column (0-based position) holds each canonical column and each item."""

    columns: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    duplicates: list[tuple[str, int, int]] = field(default_factory=list)  # (name, first position, other position)
    unused: list[int] = field(default_factory=list)

    def position(self, name: str) -> int | None:
        return self.columns.get(name, self.items.get(name))


_TRAILING_CODE = re.compile(r"[(\[]\s*([^()\[\]]+?)\s*[)\]]\s*$")


def _contains(tokens: list[str], alias: list[str]) -> bool:
    n = len(alias)
    return any(tokens[i:i + n] == alias for i in range(len(tokens) - n + 1))


def match_header(header: str, columns: tuple[Column, ...], items: Callable[[str], str | None]) -> str | None:
    """The column or item a header means, or None.

    In order: an exact spelling; a code in brackets at the end ('Mã người trả lời (respondent_id)', as the
    templates write them); an item code; a longer header that contains a spelling of two or more words
    ('Tên bệnh viện/cơ sở KCB'), the longest winning, ambiguity meaning no match.
    """
    key = normalise_header(header)
    exact = {alias: c.name for c in columns for alias in c.aliases}
    if key in exact:
        return exact[key]
    coded = _TRAILING_CODE.search(header)
    if coded:
        inner = normalise_header(coded.group(1))
        if inner in exact:
            return exact[inner]
        if items(inner):
            return items(inner)
    if items(key):
        return items(key)
    tokens = key.split("_")
    best: dict[int, set[str]] = {}
    for column in columns:
        for alias in column.aliases:
            parts = alias.split("_")
            if len(parts) >= 2 and _contains(tokens, parts):  # one-word spellings ('nam') match only exactly
                best.setdefault(len(parts), set()).add(column.name)
    if not best:
        return None
    names = best[max(best)]
    return next(iter(names)) if len(names) == 1 else None


def match_headers(headers: list[str], kind: SurveyKind, item_codes: list[str]) -> HeaderMatch:
    """Match every header of a file to the kind's columns and items."""
    found = HeaderMatch()
    items = item_matcher(item_codes)
    codes = set(item_codes)
    for position, header in enumerate(headers):
        if not header:
            continue
        name = match_header(header, kind.columns, items)
        if name is None:
            found.unused.append(position)
            continue
        if name in found.columns or name in found.items:
            found.duplicates.append((name, found.position(name), position))
        elif name in codes:
            found.items[name] = position
        else:
            found.columns[name] = position
    return found


def guess_kind(headers: list[str], items_by_survey: dict[str, list[str]], loading: str) -> str | None:
    """The other survey kind a file's headers look like, or None: a health file has hospital ids and forms,
    an education file school ids and levels, a SIPAS file most of C1..C33 and no hospital or school."""
    for survey in SURVEYS:
        if survey == loading or survey not in items_by_survey:
            continue
        kind = KINDS[survey]
        match = match_headers(headers, kind, items_by_survey[survey])
        if kind.signature:
            if all(name in match.columns for name in kind.signature):
                return survey
        else:
            others = {name for k in KINDS.values() for name in k.signature}
            if not others & set(match_headers(headers, _ALL_COLUMNS, []).columns) and \
                    len(match.items) * 2 > len(items_by_survey[survey]):
                return survey
    return None


_ALL_COLUMNS = SurveyKind("any", "", "", COMMON + HEALTH + EDUCATION)
