"""The shared sidebar filters (language, level, year, source), kept in the URL so every view is a link.

Widgets whose URL value is the same in both languages (language, year) use Streamlit's
`bind="query-params"`. Bound widgets write their *displayed label* to the URL, so a choice shown
in words (level, source, code system) would stop matching once the language changes; those use
`url_selectbox`, which keeps the option's code in the URL instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import streamlit as st

from metrics.par_index import available_datasets
from ui.i18n import DEFAULT_LANG, LANGUAGES, t
from ui.store import fetch

LEVELS = ("province", "ministry")
SOURCES = ("auto", "upload", "published", "demo")


@dataclass(frozen=True)
class Filters:
    lang: str
    level: str
    year: int | None
    source: str | None  # None = automatic choice (upload, published, demo)


def language_switch() -> str:
    """The language control; drawn first so every other label can use it."""
    lang = st.sidebar.segmented_control(
        "Ngôn ngữ / Language", list(LANGUAGES), format_func=LANGUAGES.get, default=DEFAULT_LANG,
        key="lang", bind="query-params", required=True,
    )
    return lang or DEFAULT_LANG


def url_selectbox(container, label: str, options: Sequence[str], format_func: Callable[[str], str], key: str,
                  default: str | None = None) -> str:
    """A selectbox whose option code (not its label) lives in the URL under `key`.

    The choice is kept in the session under its own name, so it survives page switches and the
    widget being re-created when the language (and so every label) changes; the URL is read only
    when the session has no choice yet.
    """
    default = default if default in options else options[0]
    chosen_key = f"_chosen_{key}"
    if chosen_key not in st.session_state:
        wanted = st.query_params.get(key)
        st.session_state[chosen_key] = wanted if wanted in options else default
    if st.session_state[chosen_key] not in options:
        st.session_state[chosen_key] = default
    # One widget per language: its labels differ, and a fresh widget starts from the kept choice.
    value = container.selectbox(label, options, index=list(options).index(st.session_state[chosen_key]),
                                format_func=format_func, key=f"{key}.{current_lang()}")
    st.session_state[chosen_key] = value
    if value == default:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = value
    return value


def current_lang() -> str:
    return st.session_state.get("lang") or DEFAULT_LANG


def sidebar_filters(lang: str) -> Filters:
    """Level, year and source; year and source options follow what the store holds for the level."""
    # A deep link to a unit (?unit=ministry-2021:BTP) implies its level when the link names none.
    unit_system = (st.query_params.get("unit") or "").split(":", 1)[0]
    implied = "ministry" if unit_system.startswith("ministry") else "province"
    level = url_selectbox(st.sidebar, t("filter.level", lang), LEVELS, lambda v: t(f"level.{v}", lang), "level",
                          default=implied)
    datasets = fetch(available_datasets, level)
    years = sorted({int(y) for y in datasets["year"]}, reverse=True)
    year = st.sidebar.selectbox(t("filter.year", lang), years, index=0, key="year",
                                bind="query-params") if years else None
    present = set(datasets.loc[datasets["year"] == year, "source"]) if year else set()
    options = ["auto"] + [s for s in SOURCES[1:] if s in present]
    # A source asked for (in the link or earlier in the session) that has no data this year stays chosen, so
    # the page can say so and offer the others, instead of silently showing another source's figures.
    wanted = st.session_state.get("_chosen_source") or st.query_params.get("source")
    if wanted in SOURCES[1:] and wanted not in options:
        options.append(wanted)
    source = url_selectbox(st.sidebar, t("filter.source", lang), options, lambda v: t(f"source.{v}", lang), "source")
    return Filters(lang=lang, level=level, year=year, source=None if source == "auto" else source)


def filters() -> Filters:
    """The filters as the sidebar set them in this run (pages call this; app.py draws the widgets). A page run
    without the router (a stale address after a restart) stops with a message, not a KeyError."""
    if "filters" not in st.session_state:
        st.info(t("store.open_from_home", current_lang()))
        st.page_link("app.py", label=t("page.overview", current_lang()))
        st.stop()
    return st.session_state["filters"]


def choose_source(source: str) -> None:
    """Button callback: switch the sidebar's source filter (and the URL) to `source`."""
    st.session_state["_chosen_source"] = source
    for lang in LANGUAGES:
        st.session_state.pop(f"source.{lang}", None)
    st.query_params["source"] = source
