"""The error report: every problem with file, row, column, value and what to do, in Vietnamese and English."""
from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file. `row` is the 1-based row of the file as a spreadsheet shows it."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message_en: str
    message_vi: str
    severity: str = "error"  # error | warning

    def message(self, lang: str = "en") -> str:
        return self.message_vi if lang == "vi" else self.message_en


class LoadRejected(Exception):
    """A load refused as a whole: nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{len(errors)} problem(s) found; nothing was loaded")


@dataclass
class LoadResult:
    """What a successful load did."""

    batch_id: int
    kind: str
    rows: int
    file_name: str
    warnings: list[Problem] = field(default_factory=list)
    replaced_batch_id: int | None = None


REPORT_COLUMNS = ("severity", "file", "row", "column", "value", "problem")


def report_rows(problems: list[Problem], lang: str = "en") -> list[dict]:
    return [
        {
            "severity": p.severity,
            "file": p.file,
            "row": "" if p.row is None else p.row,
            "column": p.column or "",
            "value": "" if p.value is None else p.value,
            "problem": p.message(lang),
        }
        for p in problems
    ]


def format_report(problems: list[Problem], lang: str = "en") -> str:
    """Plain-text report for a terminal, one problem per line."""
    lines = []
    for r in report_rows(problems, lang):
        where = r["file"]
        if r["row"] != "":
            where += f", row {r['row']}" if lang == "en" else f", dòng {r['row']}"
        if r["column"]:
            where += f", column {r['column']}" if lang == "en" else f", cột {r['column']}"
        value = f" [{r['value']}]" if r["value"] != "" else ""
        label = {"error": ("ERROR", "LỖI"), "warning": ("WARNING", "CẢNH BÁO")}[r["severity"]][lang == "vi"]
        lines.append(f"{label}: {where}{value}: {r['problem']}")
    return "\n".join(lines)


def report_csv(problems: list[Problem], lang: str = "en") -> str:
    """CSV text of the report, every cell through etl.output.neutralise (a file name or value written by whoever
    made the input must not run as a formula when the report is opened in a spreadsheet); callers add the BOM."""
    from etl.output import neutralise  # local import: etl.output pulls in pandas, the report itself does not

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REPORT_COLUMNS)
    writer.writeheader()
    writer.writerows({k: neutralise(v) for k, v in row.items()} for row in report_rows(problems, lang))
    return buffer.getvalue()


def as_dicts(problems: list[Problem]) -> list[dict]:
    return [asdict(p) for p in problems]
