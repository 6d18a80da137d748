"""Leader rule sets: parse and validate the YAML analysts write, and save them as batches."""
from __future__ import annotations

import hashlib
import re

import duckdb
import pandas as pd
import yaml

from etl.access import Actor
from etl.batches import batch_transaction

LEVELS = ("excellent", "good", "completed", "not_completed")   # best first (Decree 90/2020/NĐ-CP)
UNIT_LEVELS = ("province", "ministry", "department", "district", "commune")
KINDS = ("index_band", "group_ceiling", "bottom_n", "rank_fall", "satisfaction_below", "plan_late")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,60}$")


class RuleError(ValueError):
    """A rule file that cannot be used; the message says where and how to fix it (vi and en)."""

    def __init__(self, where: str, message_en: str, message_vi: str):
        self.where, self.message_en, self.message_vi = where, message_en, message_vi
        super().__init__(f"{where}: {message_en}")

    def message(self, lang: str = "en") -> str:
        return f"{self.where}: {self.message_vi if lang == 'vi' else self.message_en}"


def _number(value, where: str, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RuleError(where, f"'{field}' must be a number, not {value!r}", f"'{field}' phải là số, không phải {value!r}")
    return float(value)


def _level(value, where: str, field: str) -> str:
    if value not in LEVELS:
        raise RuleError(where, f"'{field}' must be one of {', '.join(LEVELS)}, not {value!r}",
                        f"'{field}' phải là một trong {', '.join(LEVELS)}, không phải {value!r}")
    return value


def _ceiling_or_flag(rule: dict, where: str) -> None:
    if ("max_level" in rule) == bool(rule.get("flag")):
        raise RuleError(where, "give either 'max_level' or 'flag: true'", "ghi 'max_level' hoặc 'flag: true' (một trong hai)")
    if "max_level" in rule:
        _level(rule["max_level"], where, "max_level")


def validate_rule(rule: dict, where: str) -> dict:
    """One rule, checked field by field; returns it unchanged when valid."""
    if not isinstance(rule, dict) or "kind" not in rule or "id" not in rule:
        raise RuleError(where, "each rule needs an 'id' and a 'kind'", "mỗi quy tắc cần 'id' và 'kind'")
    kind = rule["kind"]
    if "levels" in rule and (not isinstance(rule["levels"], list) or any(lv not in UNIT_LEVELS for lv in rule["levels"])):
        raise RuleError(where, f"'levels' must list some of {', '.join(UNIT_LEVELS)}",
                        f"'levels' phải liệt kê trong {', '.join(UNIT_LEVELS)}")
    if kind not in KINDS:
        raise RuleError(where, f"unknown kind {kind!r}; use one of {', '.join(KINDS)}",
                        f"loại quy tắc {kind!r} không có; dùng một trong {', '.join(KINDS)}")
    if kind == "index_band":
        bands = rule.get("bands")
        if not isinstance(bands, list) or not bands:
            raise RuleError(where, "'bands' must list {min, level} items", "'bands' phải liệt kê các mục {min, level}")
        mins = [_number(b.get("min"), where, "min") for b in bands]
        for b in bands:
            _level(b.get("level"), where, "level")
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise RuleError(where, "band 'min' values must go strictly down", "giá trị 'min' của các khoảng phải giảm dần")
    elif kind == "group_ceiling":
        groups = rule.get("groups")
        if not isinstance(groups, dict) or not groups:
            raise RuleError(where, "'groups' must map a group (A, B, C, D) to a level",
                            "'groups' phải gán nhóm (A, B, C, D) với một mức")
        for group, level in groups.items():
            _level(level, where, f"groups.{group}")
    elif kind == "bottom_n":
        n = _number(rule.get("n"), where, "n")
        if n < 1 or n != int(n):
            raise RuleError(where, "'n' must be a whole number from 1", "'n' phải là số nguyên từ 1")
        _level(rule.get("max_level"), where, "max_level")
    elif kind == "rank_fall":
        if "min_ranks" not in rule and "min_points" not in rule:
            raise RuleError(where, "give 'min_ranks' and/or 'min_points'", "ghi 'min_ranks' và/hoặc 'min_points'")
        for field in ("min_ranks", "min_points"):
            if field in rule and _number(rule[field], where, field) <= 0:
                raise RuleError(where, f"'{field}' must be above 0", f"'{field}' phải lớn hơn 0")
        _ceiling_or_flag(rule, where)
    elif kind == "satisfaction_below":
        if rule.get("survey") != "sipas":
            raise RuleError(where, "'survey' must be sipas", "'survey' phải là sipas")
        threshold = _number(rule.get("threshold"), where, "threshold")
        if not 0 <= threshold <= 100:
            raise RuleError(where, "'threshold' is a % from 0 to 100", "'threshold' là tỷ lệ % từ 0 đến 100")
        _ceiling_or_flag(rule, where)
    elif kind == "plan_late":
        _ceiling_or_flag(rule, where)
    return rule


def parse_rule_set(text: str, file_name: str = "rules.yaml") -> dict:
    """A rule set from YAML text, fully validated; RuleError otherwise."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f"{file_name}, line {line + 1}" if line is not None else file_name
        raise RuleError(where, f"not valid YAML: {getattr(exc, 'problem', exc)}",
                        f"không phải YAML hợp lệ: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(doc, dict):
        raise RuleError(file_name, "a rule set is a mapping with name, scope and rules",
                        "bộ quy tắc phải có name, scope và rules")
    for field in ("name", "title_vi", "title_en", "scope", "rules"):
        if field not in doc:
            raise RuleError(file_name, f"missing '{field}'", f"thiếu '{field}'")
    if not _NAME.match(str(doc["name"])):
        raise RuleError(file_name, "'name' uses lower-case letters, digits and '-' (e.g. quang-ngai-2018)",
                        "'name' chỉ gồm chữ thường, số và '-' (ví dụ quang-ngai-2018)")
    scope = doc["scope"]
    levels = scope.get("levels") if isinstance(scope, dict) else None
    if not levels or any(level not in UNIT_LEVELS for level in levels):
        raise RuleError(f"{file_name}, scope", f"'levels' must list some of {', '.join(UNIT_LEVELS)}",
                        f"'levels' phải liệt kê trong {', '.join(UNIT_LEVELS)}")
    _number(scope.get("first_year"), f"{file_name}, scope", "first_year")
    rules = doc["rules"]
    if not isinstance(rules, list) or not rules:
        raise RuleError(file_name, "'rules' must list at least one rule", "'rules' phải có ít nhất một quy tắc")
    ids = [str(r.get("id")) if isinstance(r, dict) else "?" for r in rules]
    for position, rule in enumerate(rules, 1):
        validate_rule(rule, f"{file_name}, rule {position} ({ids[position - 1]})")
    if len(set(ids)) != len(ids):
        raise RuleError(file_name, "rule ids must be unique", "'id' của các quy tắc phải khác nhau")
    if not any(r["kind"] == "index_band" for r in rules):
        raise RuleError(file_name, "a rule set needs an index_band rule to propose a level",
                        "bộ quy tắc cần một quy tắc index_band để đề xuất mức")
    return doc


def save_rule_set(con: duckdb.DuckDBPyConnection, text: str, *, file_name: str, source: str = "upload",
                  user: str | None = None, actor: Actor | None = None) -> int:
    """Validate and store a rule set as a batch; a rule set of the same name is replaced (kept, restorable)."""
    doc = parse_rule_set(text, file_name)
    with batch_transaction(con, kind="rules", source=source, file_name=file_name,
                           sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                           dataset_key=f"rules:{doc['name']}", replace=True, user=user, actor=actor,
                           permission="edit_rules",
                           note=f"leader rule set {doc['name']}") as writer:
        writer.insert("rule_set", pd.DataFrame([{"name": doc["name"], "title_vi": doc["title_vi"],
                                                 "title_en": doc["title_en"], "source": doc.get("source"),
                                                 "yaml": text}]))
    return writer.batch_id
