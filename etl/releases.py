"""Releases: the datasets of one year and level (or one survey year) frozen as announced, and their corrections.

A release records the exact batches it holds (and, for the PAR INDEX, the previous year's batches its changes are
computed against). Its rows never change. While a release is in force its batches cannot be replaced or removed
(`refuse_if_released`, called by etl.batches); a correction is opened with `open_correction` (errata text), after
which the data may be replaced, and the next release of the same scope supersedes it. A superseded release stays
viewable: its batches are kept, never removed. Every release and supersession leaves an audit row.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

import duckdb

from etl.access import Actor, local_actor, write_audit
from etl.db import first_row, transaction

PAR_LEVELS = ("province", "ministry")
SURVEY_KINDS = ("sipas", "health", "education")
MAX_TEXT = 500   # a title, a decision number, an errata text: one paragraph, not a document


@dataclass(frozen=True)
class Scope:
    """What a release covers: the PAR INDEX of a level and year, or a survey's year."""

    kind: str   # par | survey
    key: str    # province | ministry, or sipas | health | education
    year: int

    def __post_init__(self):
        allowed = PAR_LEVELS if self.kind == "par" else SURVEY_KINDS if self.kind == "survey" else ()
        if self.key not in allowed:
            raise ReleaseRefused(f"no release scope {self.kind} {self.key}",
                                 f"không có phạm vi bản công bố {self.kind} {self.key}")

    def label(self, lang: str = "en") -> str:
        names = {"province": ("Chỉ số CCHC cấp tỉnh", "PAR INDEX, provinces"),
                 "ministry": ("Chỉ số CCHC cấp bộ", "PAR INDEX, ministries"),
                 "sipas": ("SIPAS", "SIPAS"), "health": ("Hài lòng người bệnh", "Patient satisfaction"),
                 "education": ("Hài lòng về giáo dục", "Education satisfaction")}
        vi, en = names[self.key]
        return f"{vi if lang == 'vi' else en} {self.year}"


class ReleaseRefused(ValueError):
    """A release command that cannot be carried out; nothing was changed. English message, `message_vi` beside."""

    def __init__(self, message_en: str, message_vi: str):
        super().__init__(message_en)
        self.message_vi = message_vi

    def text(self, lang: str) -> str:
        return self.message_vi if lang == "vi" else str(self)


class ReleasedBatch(ReleaseRefused):
    """A replacement or removal that would change a released figure; names the release that holds the batch."""

    def __init__(self, batch_id: int, release_id: int, title: str, action: str):
        self.batch_id, self.release_id, self.title = batch_id, release_id, title
        if action == "remove":
            en = (f"batch {batch_id} belongs to release {release_id} ({title}); a released batch is never removed, "
                  "so that the release stays as announced")
            vi = (f"lô {batch_id} thuộc bản công bố {release_id} ({title}); lô đã công bố không bao giờ bị gỡ, để "
                  "bản công bố giữ nguyên như đã công bố")
        else:
            en = (f"batch {batch_id} holds figures of release {release_id} ({title}); replacing it would change "
                  f"released figures. To correct them, open a correction first: python -m etl release supersede "
                  f"{release_id} --errata TEXT, then load with --replace and create the new release")
            vi = (f"lô {batch_id} chứa số liệu của bản công bố {release_id} ({title}); thay lô này sẽ làm thay đổi số "
                  f"liệu đã công bố. Muốn đính chính, trước hết mở đính chính: python -m etl release supersede "
                  f"{release_id} --errata NỘI_DUNG, rồi nạp với --replace và tạo bản công bố mới")
        super().__init__(en, vi)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def scope_of(con: duckdb.DuckDBPyConnection, release_id: int) -> Scope:
    row = first_row(con, "SELECT scope, scope_key, year FROM release WHERE release_id = ?", [release_id])
    if row is None:
        raise ReleaseRefused(f"no release {release_id}", f"không có bản công bố {release_id}")
    return Scope(row[0], row[1], int(row[2]))


def scope_batches(con: duckdb.DuckDBPyConnection, scope: Scope, *, current_only: bool = True) -> list[int]:
    """The batches holding rows of a scope (PAR: criterion points, results tables and field indices of that level
    and year, every stage and source; survey: respondents of that survey and year); current ones only by default."""
    if scope.kind == "par":
        sql = """SELECT batch_id FROM par_score WHERE level = ? AND year = ?
                 UNION SELECT batch_id FROM par_total WHERE level = ? AND year = ?
                 UNION SELECT batch_id FROM par_field_index WHERE level = ? AND year = ?"""
        params = [scope.key, scope.year] * 3
    else:
        sql = "SELECT DISTINCT batch_id FROM survey_respondent WHERE survey = ? AND year = ?"
        params = [scope.key, scope.year]
    status = "AND b.status = 'current'" if current_only else ""
    rows = con.execute(f"SELECT b.batch_id FROM batch b WHERE b.batch_id IN ({sql}) {status} ORDER BY 1",
                       params).fetchall()
    return [r[0] for r in rows]


def in_force(con: duckdb.DuckDBPyConnection, scope: Scope) -> int | None:
    """The release in force for a scope: the newest one not superseded (a correction may be open on it)."""
    row = first_row(con, """
        SELECT r.release_id FROM release r
        LEFT JOIN release_correction c ON c.release_id = r.release_id
        WHERE r.scope = ? AND r.scope_key = ? AND r.year = ? AND c.successor_id IS NULL
        ORDER BY r.release_id DESC LIMIT 1""", [scope.kind, scope.key, scope.year])
    return row[0] if row else None


def release_members(con: duckdb.DuckDBPyConnection, release_id: int, role: str = "data") -> list[int]:
    """The batches a release holds in `role`: 'data' (its own figures) or 'baseline' (the year its changes compare
    against), in id order."""
    return [r[0] for r in con.execute("SELECT batch_id FROM release_batch WHERE release_id = ? AND role = ? "
                                      "ORDER BY 1", [release_id, role]).fetchall()]


def _correction_open(con: duckdb.DuckDBPyConnection, release_id: int) -> bool:
    return first_row(con, "SELECT 1 FROM release_correction WHERE release_id = ?", [release_id]) is not None


def _text(value: str | None, name_en: str, name_vi: str, required: bool = True) -> str | None:
    value = " ".join(str(value or "").split())
    if not value:
        if required:
            raise ReleaseRefused(f"{name_en} is required", f"cần có {name_vi}")
        return None
    if len(value) > MAX_TEXT:
        raise ReleaseRefused(f"{name_en} is longer than {MAX_TEXT} characters",
                             f"{name_vi} dài quá {MAX_TEXT} ký tự")
    return value


def create_release(con: duckdb.DuckDBPyConnection, scope: Scope, *, title: str, decision: str,
                   release_date: date | None = None, decision_date: date | None = None, errata: str | None = None,
                   actor: Actor | None = None) -> int:
    """Freeze the current batches of `scope` as a new release; returns its id.

    When a release of the same scope is in force, the new one supersedes it: with its correction already opened
    (`open_correction`) or, if not, with `errata` given here. A release identical to the one in force (the same
    batches) is refused, as is one with no data. Runs in one transaction with its audit rows.
    """
    actor = actor or local_actor()
    actor.require("release")
    title = _text(title, "a title", "tiêu đề")
    decision = _text(decision, "the decision number", "số quyết định")
    errata = _text(errata, "the errata", "nội dung đính chính", required=False)
    release_date = release_date or date.today()
    with transaction(con):
        batches = scope_batches(con, scope)
        if not batches:
            raise ReleaseRefused(f"nothing to release: no current data for {scope.label('en')}",
                                 f"không có gì để công bố: chưa có dữ liệu hiện hành cho {scope.label('vi')}")
        # Last year's batches, as stored: a batch holding both years is recorded once, as data.
        baseline = ([b for b in scope_batches(con, Scope(scope.kind, scope.key, scope.year - 1)) if b not in batches]
                    if scope.kind == "par" else [])
        previous = in_force(con, scope)
        if previous is not None and not _correction_open(con, previous):
            if (release_members(con, previous) == batches
                    and release_members(con, previous, "baseline") == baseline):
                raise ReleaseRefused(
                    f"release {previous} already holds exactly these datasets of {scope.label('en')}",
                    f"bản công bố {previous} đã gồm đúng các bộ dữ liệu này của {scope.label('vi')}")
            if errata is None:
                raise ReleaseRefused(
                    f"release {previous} is in force for {scope.label('en')}; a new release supersedes it: "
                    "say what it corrects with --errata TEXT",
                    f"bản công bố {previous} đang có hiệu lực cho {scope.label('vi')}; bản mới sẽ thay thế nó: "
                    "ghi nội dung đính chính bằng --errata NỘI_DUNG")
            _open(con, previous, errata, actor)
        release_id = con.execute("SELECT nextval('release_id_seq')").fetchall()[0][0]
        con.execute("INSERT INTO release VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [release_id, scope.kind, scope.key, scope.year, title, decision, decision_date or release_date,
                     release_date, _now(), actor.user])
        con.executemany("INSERT INTO release_batch VALUES (?, ?, ?)",
                        [[release_id, b, "data"] for b in batches]
                        + [[release_id, b, "baseline"] for b in baseline])
        write_audit(con, actor, "release", kind=f"{scope.kind}:{scope.key}",
                    detail=f"release {release_id}: {scope.label('en')}, decision {decision}, "
                           f"batches {', '.join(map(str, batches))}")
        if previous is not None:
            con.execute("UPDATE release_correction SET successor_id = ?, superseded_at = ? WHERE release_id = ?",
                        [release_id, _now(), previous])
            write_audit(con, actor, "supersede", kind=f"{scope.kind}:{scope.key}",
                        detail=f"release {previous} superseded by release {release_id}")
    return release_id


def _open(con: duckdb.DuckDBPyConnection, release_id: int, errata: str, actor: Actor) -> None:
    con.execute("INSERT INTO release_correction VALUES (?, ?, ?, ?, NULL, NULL)", [release_id, errata, _now(),
                                                                                   actor.user])
    write_audit(con, actor, "correction", detail=f"release {release_id} opened for correction: {errata}")


def open_correction(con: duckdb.DuckDBPyConnection, release_id: int, errata: str,
                    actor: Actor | None = None) -> Scope:
    """Open the correction of the release in force for its scope (`etl release supersede ID --errata TEXT`): its
    batches may then be replaced (never removed), and the next release of the scope supersedes it. The release
    stays in force, and on the pages, until then."""
    actor = actor or local_actor()
    actor.require("release")
    errata = _text(errata, "the errata", "nội dung đính chính")
    with transaction(con):
        scope = scope_of(con, release_id)
        current = in_force(con, scope)
        if current != release_id:
            raise ReleaseRefused(
                f"release {release_id} is already superseded by release {current}" if current else
                f"release {release_id} is already superseded",
                f"bản công bố {release_id} đã được thay thế bởi bản {current}" if current else
                f"bản công bố {release_id} đã được thay thế")
        if _correction_open(con, release_id):
            raise ReleaseRefused(f"a correction of release {release_id} is already open",
                                 f"bản công bố {release_id} đang được đính chính")
        _open(con, release_id, errata, actor)
    return scope


def refuse_if_released(con: duckdb.DuckDBPyConnection, batch_id: int, action: str) -> None:
    """Raise ReleasedBatch when replacing (`action` 'replace') or removing ('remove') `batch_id` would change a
    released figure.

    A removal deletes rows: refused for a batch of any release, superseded or not (a superseded release stays
    viewable). A replacement keeps the rows but changes what the year shows: refused while a release holding the
    batch is in force, unless a correction of the release whose own data it is has been opened.
    """
    rows = con.execute("""
        SELECT r.release_id, r.title, m.role, c.release_id IS NOT NULL AS correcting, c.successor_id
        FROM release_batch m JOIN release r USING (release_id)
        LEFT JOIN release_correction c ON c.release_id = r.release_id
        WHERE m.batch_id = ? ORDER BY r.release_id DESC""", [batch_id]).fetchall()
    if not rows:
        return
    if action == "remove":
        release_id, title = rows[0][0], rows[0][1]
        raise ReleasedBatch(batch_id, release_id, title, action)
    if any(role == "data" and correcting and successor is None for _r, _t, role, correcting, successor in rows):
        return   # its own release is being corrected
    for release_id, title, _role, correcting, successor in rows:
        if not correcting:
            raise ReleasedBatch(batch_id, release_id, title, action)
