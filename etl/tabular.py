"""A read table with its columns matched to a kind's canonical names, row by row, with problem helpers."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

import pandas as pd

from etl.names import name_key, nearest
from etl.problems import Problem
from etl.readers import TableRead, normalise_header

# A loader's own rule for headers that are data (criterion codes, field numbers): header -> name or None.
DynamicMatcher = Callable[[str], "str | None"]


@dataclass(frozen=True)
class ColumnSpec:
    """A canonical column and the normalised header spellings that mean it."""

    name: str
    aliases: tuple[str, ...]
    required: bool = False


@dataclass
class Record:
    """One data row: canonical values by name, and the file row it came from."""

    sheet: "Sheet"
    row: int
    values: dict[str, str | None]

    def get(self, column: str) -> str | None:
        value = self.values.get(column)
        return None if value is None or pd.isna(value) else str(value)

    def problem(self, column: str, value, message_en: str, message_vi: str, severity: str = "error") -> Problem:
        return Problem(self.sheet.file_name, self.row, self.sheet.header_of(column),
                       None if value is None else str(value), message_en, message_vi, severity)


def _contains(tokens: list[str], alias_tokens: list[str]) -> bool:
    n = len(alias_tokens)
    return any(tokens[i:i + n] == alias_tokens for i in range(len(tokens) - n + 1))


def match_header(header: str, columns: tuple[ColumnSpec, ...], dynamic: DynamicMatcher | None = None) -> str | None:
    """The canonical name a header means, or None.

    An exact alias wins; then the loader's dynamic rule; then a header that carries more words, such as
    'Chỉ số PAR INDEX 2023 (%)', matches the longest alias it contains as whole words ('chi_so'), unless
    two columns claim it equally (then it is ambiguous and ignored).
    """
    key = normalise_header(header)
    for spec in columns:
        if key in spec.aliases:
            return spec.name
    if dynamic is not None:
        found = dynamic(key)
        if found:
            return found
    tokens = key.split("_")
    best: dict[int, set[str]] = {}
    for spec in columns:
        for alias in spec.aliases:
            alias_tokens = alias.split("_")
            if _contains(tokens, alias_tokens):
                best.setdefault(len(alias_tokens), set()).add(spec.name)
    if not best:
        return None
    names = best[max(best)]
    return next(iter(names)) if len(names) == 1 else None


class Sheet:
    """Column matching over a TableRead; unmatched headers are reported as warnings, missing ones as errors."""

    def __init__(self, table: TableRead, file_name: str, columns: tuple[ColumnSpec, ...],
                 dynamic: DynamicMatcher | None = None):
        self.table = table
        self.file_name = file_name
        self.mapping: dict[str, str] = {}
        self.problems: list[Problem] = []
        ignored = []
        for header in table.frame.columns:
            canonical = match_header(str(header), columns, dynamic)
            if canonical and canonical in self.mapping:
                self.problems.append(Problem(
                    file_name, table.header_row, str(header), None,
                    f"columns '{self.mapping[canonical]}' and '{header}' both mean '{canonical}'; keep one",
                    f"hai cột '{self.mapping[canonical]}' và '{header}' cùng có nghĩa '{canonical}'; giữ một cột"))
            elif canonical:
                self.mapping[canonical] = header
            else:
                ignored.append(str(header))
        # an unused header that nearly spells a column the file lacks ('Tinh thanhh' -> unit): said on both sides
        candidates = {name_key(spelling): spec.name for spec in columns if spec.name not in self.mapping
                      for spelling in (spec.name, *spec.aliases)}
        self.suggestions = {h: found for h in ignored if (found := nearest(h, candidates))}
        for spec in columns:
            if spec.required and spec.name not in self.mapping:
                alike = [h for h, name in self.suggestions.items() if name == spec.name]
                hint_en = f'; is it the column "{alike[0]}"? Rename it' if alike else ""
                hint_vi = f'; có phải là cột "{alike[0]}"? Hãy đổi tên cột' if alike else ""
                self.problems.append(Problem(
                    file_name, table.header_row, spec.name, None,
                    f"required column '{spec.name}' is missing (accepted headers: {', '.join(spec.aliases)}){hint_en}",
                    f"thiếu cột bắt buộc '{spec.name}' (tên cột được chấp nhận: {', '.join(spec.aliases)}){hint_vi}"))
        if ignored:
            named_en = [f'{h} (did you mean "{self.suggestions[h]}"?)' if h in self.suggestions else h for h in ignored]
            named_vi = [f'{h} (có phải "{self.suggestions[h]}"?)' if h in self.suggestions else h for h in ignored]
            self.problems.append(Problem(
                file_name, table.header_row, None, ", ".join(ignored),
                f"columns not used: {', '.join(named_en)}", f"các cột không dùng đến: {', '.join(named_vi)}",
                "warning"))

    def header_of(self, column: str) -> str:
        return self.mapping.get(column, column)

    def has(self, column: str) -> bool:
        return column in self.mapping

    def dynamic_columns(self, prefix: str) -> list[str]:
        """Canonical names matched by a dynamic rule that start with `prefix` (e.g. 'criterion:')."""
        return [name for name in self.mapping if name.startswith(prefix)]

    def records(self) -> Iterator[Record]:
        frame = self.table.frame
        columns = {name: frame[header] for name, header in self.mapping.items()}
        for position, file_row in enumerate(self.table.source_rows):
            yield Record(self, file_row, {name: series.iloc[position] for name, series in columns.items()})
