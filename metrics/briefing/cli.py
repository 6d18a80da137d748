"""`python -m metrics brief`: write a unit's or the nation's briefing to a file (PDF, DOCX or Markdown)."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from etl.db import StoreError, open_for_reading
from etl.paths import resolve_db_path
from metrics.briefing.build import (FORMATS, BriefingError, NoBriefing, UnknownName, briefing_filename,
                                    build_briefing, parse_unit)
from metrics.par_index import SourceUnavailable
from metrics.releases import cli_release_note, release_view
from ui.i18n import STRINGS, t


def add_parser(commands, parents: list[argparse.ArgumentParser] = ()) -> None:
    """The `brief` subcommand on metrics' parser (its own --format: pdf, docx or md; `parents` give the options
    every metrics command shares, such as --release)."""
    brief = commands.add_parser("brief", parents=list(parents),
                                help="a one- or two-page briefing of a unit or the nation (pdf, docx, md)")
    brief.add_argument("--unit", required=True, help="SYSTEM:CODE (e.g. vn34:22, ministry-2025:BTP) or national")
    brief.add_argument("--year", type=int, required=True)
    brief.add_argument("--level", choices=("province", "ministry"), default="province",
                       help="with --unit national: the provinces' or the ministries' briefing (default province)")
    brief.add_argument("--rules", help="rule set for the head's proposed level (default: default)")
    brief.add_argument("--source", choices=("upload", "published", "demo"),
                       help="use this source only (default: upload, published, demo, as the pages do)")
    brief.add_argument("--format", choices=FORMATS, default="pdf")
    brief.add_argument("--lang", choices=("vi", "en"), default="vi")
    brief.add_argument("--out", help="file to write (default: briefing-<unit>-<year>-<lang>.<format> here; "
                                     "'-' writes to standard output)")
    brief.add_argument("--db", help="database file (default: $PAR_DB or data/par.duckdb)")


def run(args: argparse.Namespace) -> int:
    """Write the briefing; exit 0 (path and seconds on stderr), 1 (no data, store error), 2 (bad arguments)."""
    started = time.perf_counter()
    try:
        key = parse_unit(args.unit)
        with open_for_reading(resolve_db_path(args.db)) as con, release_view(con, args.release):
            note = cli_release_note(con, args)      # refuses a release of another year or level
            if note:
                print(note, file=sys.stderr)
            if args.rules and key is not None:
                from metrics.leaders import rule_set
                if rule_set(con, args.rules) is None:
                    raise UnknownName("brief.err.unknown_rules", rules=repr(args.rules))
            data = build_briefing(con, args.unit, args.year, args.format, args.lang, args.rules, args.source,
                                  level=args.level)
    except StoreError as exc:
        print(error_text(exc, args), file=sys.stderr)
        return 1
    except (SourceUnavailable, NoBriefing) as exc:      # a requested source is never replaced by another
        print(error_text(exc, args), file=sys.stderr)
        return 1
    except KeyError as exc:                              # an unknown unit or rule set
        print(error_text(exc, args), file=sys.stderr)
        return 2
    except ValueError as exc:                            # a unit that is not SYSTEM:CODE, a unit of another kind
        print(error_text(exc, args), file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    if args.out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        print(f"{args.format}, {len(data)} bytes, written in {seconds:.2f} s", file=sys.stderr)
        return 0
    path = Path(args.out or briefing_filename(args.unit, args.year, args.format, args.lang, args.level))
    path.write_bytes(data)
    print(path)
    print(f"{args.format}, {len(data)} bytes, written in {seconds:.2f} s", file=sys.stderr)
    return 0


def error_text(exc: Exception, args: argparse.Namespace) -> str:
    """The error in --lang: a briefing's own refusal (BriefingError), a requested source without data (with the
    sources that have some), a store error by its code (the pages' store.<code> message); else as raised."""
    lang = args.lang
    if isinstance(exc, BriefingError):
        text = exc.text(lang)
    elif isinstance(exc, SourceUnavailable):
        text = t("brief.err.source", lang, source=exc.requested, units=t(f"brief.units.{args.level}", lang),
                 year=args.year, others=", ".join(exc.available) or t("source.none", lang))
    elif isinstance(exc, StoreError) and f"store.{exc.code}" in STRINGS:
        cause = str(exc.__cause__ or "").strip()
        text = t(f"store.{exc.code}", lang, path=exc.path or resolve_db_path(args.db),
                 detail=cause.splitlines()[0] if cause else str(exc))
    else:
        text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
    return t("brief.err.database" if isinstance(exc, StoreError) else "brief.err.error", lang, error=text)
