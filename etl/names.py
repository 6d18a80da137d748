"""Unit names as people write them, reduced to one matching key."""
from __future__ import annotations

import re
import unicodedata

# Prefixes officials put before a province or city name; they do not identify the unit.
_PROVINCE_PREFIXES = ("thanh pho truc thuoc trung uong ", "thanh pho ", "tinh ", "tp ", "t p ")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def strip_diacritics(text: str) -> str:
    """'Đắk Lắk' -> 'Dak Lak' (case kept)."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn"))


def name_key(name: str) -> str:
    """Matching key: NFC, no diacritics, lower case, punctuation and spaces folded, common prefixes dropped.

    'TP. Hồ Chí Minh', 'Thành phố Hồ Chí Minh' and 'ho chi minh' all give 'ho chi minh';
    'Bộ Y Tế' and 'Bộ Y tế' give 'bo y te'.
    """
    text = strip_diacritics(unicodedata.normalize("NFC", str(name))).lower()
    text = text.replace("&", " va ")
    text = _NON_ALNUM.sub(" ", text).strip()
    for prefix in _PROVINCE_PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix):]
            break
    return text


def nearest(written: str, candidates: dict[str, str], cutoff: float = 0.75) -> str | None:
    """The display name of the candidate closest to `written`, or None when none is close enough.

    `candidates` maps a matching key (name_key, or a normalised header) to what to show; `written` is compared
    by its name_key, so 'Quang Nihn' finds 'quang ninh' -> 'Quảng Ninh'. Callers ask once per distinct bad value,
    not per row: difflib compares against every candidate.
    """
    import difflib  # only a refused value pays for it

    key = name_key(written)
    if not key or not candidates:
        return None
    found = difflib.get_close_matches(key, list(candidates), n=1, cutoff=cutoff)
    return candidates[found[0]] if found else None


def did_you_mean(suggestion: str | None) -> tuple[str, str]:
    """The suffix of a message naming a suggestion, in (English, Vietnamese); empty strings for none."""
    if not suggestion:
        return "", ""
    return f'; did you mean "{suggestion}"?', f'; có phải "{suggestion}"?'
