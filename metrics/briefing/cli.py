"""`python -m metrics brief`: write a unit's or the nation's briefing to a file (PDF, DOCX or Markdown)."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from etl.db import StoreError, open_for_reading
from etl.paths import resolve_db_path
from metrics.briefing.build import FORMATS, NoBriefing, briefing_filename, build_briefing, parse_unit
from metrics.par_index import SourceUnavailable


def add_parser(commands) -> None:
    """The `brief` subcommand on metrics' parser (its own --format: pdf, docx or md)."""
    brief = commands.add_parser("brief", help="a one- or two-page briefing of a unit or the nation (pdf, docx, md)")
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
        with open_for_reading(resolve_db_path(args.db)) as con:
            if args.rules and key is not None:
                from metrics.leaders import rule_set
                if rule_set(con, args.rules) is None:
                    raise KeyError(f"unknown rule set {args.rules!r}")
            data = build_briefing(con, args.unit, args.year, args.format, args.lang, args.rules, args.source,
                                  level=args.level)
    except StoreError as exc:
        print(f"Database error: {exc}", file=sys.stderr)
        return 1
    except (SourceUnavailable, NoBriefing) as exc:      # a requested source is never replaced by another
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except KeyError as exc:                              # an unknown unit or rule set
        print(f"Error: {exc.args[0]}", file=sys.stderr)
        return 2
    except ValueError as exc:                            # a unit that is not SYSTEM:CODE, a unit of another kind
        print(f"Error: {exc}", file=sys.stderr)
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
