"""A read table with its columns matched to a kind's canonical names, row by row, with problem helpers."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import pandas as pd

from etl.problems import Problem
from etl.readers import TableRead, normalise_header


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


class Sheet:
    """Column matching over a TableRead; unmatched headers are reported as warnings, missing ones as errors."""

    def __init__(self, table: TableRead, file_name: str, columns: tuple[ColumnSpec, ...]):
        self.table = table
        self.file_name = file_name
        self.mapping: dict[str, str] = {}
        self.problems: list[Problem] = []
        by_alias = {alias: spec.name for spec in columns for alias in spec.aliases}
        ignored = []
        for header in table.frame.columns:
            canonical = by_alias.get(normalise_header(str(header)))
            if canonical and canonical not in self.mapping:
                self.mapping[canonical] = header
            else:
                ignored.append(str(header))
        for spec in columns:
            if spec.required and spec.name not in self.mapping:
                self.problems.append(Problem(
                    file_name, table.header_row, spec.name, None,
                    f"required column '{spec.name}' is missing (accepted headers: {', '.join(spec.aliases)})",
                    f"thiếu cột bắt buộc '{spec.name}' (tên cột được chấp nhận: {', '.join(spec.aliases)})"))
        if ignored:
            self.problems.append(Problem(
                file_name, table.header_row, None, ", ".join(ignored),
                f"columns not used: {', '.join(ignored)}", f"các cột không dùng đến: {', '.join(ignored)}", "warning"))

    def header_of(self, column: str) -> str:
        return self.mapping.get(column, column)

    def records(self) -> Iterator[Record]:
        frame = self.table.frame
        columns = {name: frame[header] for name, header in self.mapping.items()}
        for position, file_row in enumerate(self.table.source_rows):
            yield Record(self, file_row, {name: series.iloc[position] for name, series in columns.items()})
