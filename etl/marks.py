"""Official-or-illustrative marks of the shipped content files (frameworks, instruments).

Every number or name a framework or instrument file gives carries one mark: `{official: S3}` names a source
listed under the file's `sources` (title and address), `{illustrative: why}` says why no official text backs
it. An optional `note` says what the source printed (the year, the unit). A missing or mixed mark is an error.
"""
from __future__ import annotations

from dataclasses import dataclass


class MarkError(ValueError):
    """A content item without a usable mark; the message names the file and the item."""


@dataclass(frozen=True)
class Mark:
    official: bool
    source: str | None   # "title · url" of the official source, else None
    text: str            # one line for display: the source (and note), or why it is illustrative


def read_mark(value, sources: dict, where: str) -> Mark:
    """The mark of one item; MarkError when it has neither or both kinds, or names an unlisted source."""
    if not isinstance(value, dict) or ("official" in value) == ("illustrative" in value):
        raise MarkError(f"{where}: needs exactly one of 'official: <source key>' or 'illustrative: <why>'")
    note = value.get("note")
    if "illustrative" in value:
        why = str(value["illustrative"] or "").strip()
        if not why:
            raise MarkError(f"{where}: 'illustrative' must say why")
        return Mark(False, None, why + (f" ({note})" if note else ""))
    key = str(value["official"])
    source = (sources or {}).get(key)
    if not isinstance(source, dict) or not source.get("url") or not source.get("title"):
        raise MarkError(f"{where}: official source {key!r} is not listed with a title and url under 'sources'")
    text = f"{source['title']} · {source['url']}"
    return Mark(True, text, text + (f" ({note})" if note else ""))


def wording_source(item: dict, sources: dict) -> str:
    """What a codebook prints as an item wording's source: the official source, else 'paraphrase'. Every
    instrument file marks every wording (etl.reference.read_instrument refuses one that does not); an unmarked
    item raises MarkError here too."""
    mark = read_mark(item.get("wording_basis"), sources, f"item {item.get('code')} wording")
    return mark.text if mark.official else "paraphrase"
