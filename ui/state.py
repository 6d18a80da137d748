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
from metrics.releases import release_info, shown_release
from ui.i18n import DEFAULT_LANG, LANGUAGES, t
from ui.store import fetch, release_selection

LEVELS = ("province", "ministry")
SOURCES = ("auto", "upload", "published", "demo")
SURVEY_PAGES = ("satisfaction",)   # pages of a survey's figures: their own survey and year choose the release


@dataclass(frozen=True)
class Filters:
    lang: str
    level: str
    year: int | None
    source: str | None  # None = automatic choice (upload, published, demo)
    release: str = "latest"  # latest (each year's release in force), draft (working data) or a release id


def language_from_param(value: str | None) -> str | None:
    """The language a ?lang= value names: a code (vi, en, EN, en-US) or a label (Tiếng Việt, English); else None."""
    if not value:
        return None
    text = str(value).strip()
    for code, label in LANGUAGES.items():
        if text.casefold() == label.casefold():
            return code
    code = text.lower().replace("_", "-").split("-", 1)[0]
    return code if code in LANGUAGES else None


def language_switch() -> str:
    """The language control; drawn first so every other label can use it.

    The control is bound to the URL, which holds its label (?lang=English). A link may also say ?lang=en or
    ?lang=vi: before the control first exists in the session, such a value is read here and given to it.
    """
    if "lang" not in st.session_state:
        wanted = language_from_param(st.query_params.get("lang"))
        if wanted and st.query_params.get("lang") != LANGUAGES[wanted]:
            st.session_state["lang"] = wanted
    lang = st.sidebar.segmented_control(
        "Ngôn ngữ / Language", list(LANGUAGES), format_func=LANGUAGES.get, default=DEFAULT_LANG,
        key="lang", bind="query-params", required=True,
    )
    return lang or DEFAULT_LANG


def url_selectbox(container, label: str, options: Sequence[str], format_func: Callable[[str], str], key: str,
                  default: str | None = None, scope: str = "") -> str:
    """A selectbox whose option code (not its label) lives in the URL under `key`.

    The choice is kept in the session under its own name, so it survives page switches and the
    widget being re-created when the language (and so every label) changes; the URL is read only
    when the session has no choice yet. `scope` (e.g. the survey) gives the widget a key of its own per scope,
    for options that change with it.
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
                                format_func=format_func, key=f"{key}.{scope + '.' if scope else ''}{current_lang()}")
    st.session_state[chosen_key] = value
    if value == default:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = value
    return value


def url_choices(key: str, options: Sequence[str], default: Sequence[str]) -> list[str]:
    """The kept choice of several options (a multiselect's), read from the URL (?key=a,b,c) on first use.

    Like url_selectbox, the choice lives in the session under its own name, so it outlasts the widget (whose key may
    change with the language); choices no longer among the options are dropped. Write it back with
    set_url_choices once the widget has answered.
    """
    chosen_key = f"_chosen_{key}"
    if chosen_key not in st.session_state:
        raw = st.query_params.get(key)
        if raw is None:
            st.session_state[chosen_key] = list(default)
        else:
            wanted = [v for v in raw.split(",") if v in options]
            st.session_state[chosen_key] = wanted if wanted or raw == "" else list(default)
    chosen = st.session_state[chosen_key]
    kept = [v for v in chosen if v in options]
    return kept if kept or not chosen else [v for v in default if v in options]


def set_url_choices(key: str, values: Sequence[str]) -> None:
    """Keep a multi-choice in the session and in the URL (?key=a,b,c; ?key= when nothing is chosen)."""
    st.session_state[f"_chosen_{key}"] = list(values)
    st.query_params[key] = ",".join(values)


def url_range(key: str, low: int, high: int, default: tuple[int, int]) -> tuple[int, int]:
    """A kept (first, last) pair, read from the URL (?key=2021-2025) on first use and clamped to [low, high]."""
    chosen_key = f"_chosen_{key}"
    if chosen_key not in st.session_state:
        value = default
        raw = st.query_params.get(key) or ""
        parts = raw.replace(",", "-").split("-")
        if len(parts) == 2 and all(p.strip().isdigit() for p in parts):
            value = tuple(sorted(int(p) for p in parts))
        st.session_state[chosen_key] = value
    first, last = st.session_state[chosen_key]
    first, last = max(low, min(first, high)), min(high, max(last, low))
    return (first, last) if first <= last else default


def set_url_range(key: str, value: tuple[int, int]) -> None:
    st.session_state[f"_chosen_{key}"] = (int(value[0]), int(value[1]))
    st.query_params[key] = f"{int(value[0])}-{int(value[1])}"


def own_unit() -> str | None:
    """The signed-in user's own unit (`SYSTEM:CODE`) when the roles file names one under `units:` (e-mail -> unit),
    else None. Only a verified, signed-in address counts: in local or anonymous mode nobody has a unit."""
    from etl.access import configured_roles

    policy = st.session_state.get("access_policy")
    actor = st.session_state.get("actor")
    if actor is None or getattr(policy, "mode", None) != "signin" or st.session_state.get("email_unverified"):
        return None
    try:
        units = configured_roles().get("units") or {}
    except (ValueError, OSError):
        return None
    unit = units.get(str(actor.user).strip().lower())
    return str(unit) if unit and ":" in str(unit) else None


def current_lang() -> str:
    return st.session_state.get("lang") or DEFAULT_LANG


def sidebar_filters(lang: str, page: str = "") -> Filters:
    """Level, year, source and release; year and source options follow what the store holds for the level. `page`
    (the url path of the page shown) decides whose releases are offered: the PAR INDEX of the level and year, or,
    on a survey page, that page's own survey and year (it draws the filter in the slot kept here)."""
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
    st.session_state.pop("_release_slot", None)
    if page in SURVEY_PAGES:
        # The survey and its year are chosen on the page, after the sidebar: the page fills this slot then.
        st.session_state["_release_slot"] = st.sidebar.container()
        release = release_selection()
    else:
        release = release_filter(lang, "par", level, year, st.sidebar)
    return Filters(lang=lang, level=level, year=year, source=None if source == "auto" else source, release=release)


def _release_label(row, lang: str) -> str:
    scope = t(f"rel.scope.{row['scope_key']}", lang, year=int(row["year"]))
    status = t("rel.option.superseded", lang) if row["status"] == "superseded" else ""
    return t("rel.option.release", lang, id=int(row["release_id"]), scope=scope, decision=row["decision"],
             status=status)


def release_filter(lang: str, kind: str, key: str, year: int | None, container, status: bool = True) -> str:
    """The release the pages show: the latest (default), the working data (draft), or one release of the scope
    shown (`kind` par with the level as `key`, or survey with the survey), of `year`, kept in the URL as ?release=;
    with `status`, then what the view shows for it. ui.store.fetch applies it to every figure. A release of another
    scope (chosen on another page) is not offered here: the view goes back to the latest."""
    from metrics.releases import list_releases

    releases = fetch(list_releases)
    if releases.empty:
        if year and status:
            release_status(kind, key, year, lang, container)
        return "latest"
    mine = releases[(releases["scope"] == kind) & (releases["scope_key"] == key) & (releases["year"] == year)]
    labels = {str(int(r["release_id"])): _release_label(r, lang) for _i, r in mine.iterrows()}
    options = ["latest", "draft"] + list(labels)
    release = url_selectbox(container, t("rel.filter", lang), options,
                            lambda v: labels.get(v) or t(f"rel.option.{v}", lang), "release", default="latest",
                            scope=f"{key}{year}")
    if year and status:
        release_status(kind, key, year, lang, container)
    return release


def survey_release_filter(survey: str, year: int, lang: str) -> str:
    """A survey page's release filter, in the sidebar where the PAR pages have theirs: the releases of `survey` in
    `year`. The page shows the status line itself."""
    return release_filter(lang, "survey", survey, year, st.session_state.get("_release_slot") or st.sidebar,
                          status=False)


def shown_release_info(con, kind: str, key: str, year: int) -> dict | None:
    """metrics.release_figures.view_status, composed here from the same two metrics.releases functions: that module
    imports metrics.cli and with it scipy and every page's metrics, about 1.5 s on a fresh server's first page, for a
    line every PAR page shows. Called through fetch, so it sees the store as the page's release shows it."""
    release_id = shown_release(con, kind, key, year)
    return None if release_id is None else release_info(con, release_id)


def release_status(kind: str, key: str, year: int, lang: str, container=None) -> None:
    """One line saying which release a view's figures come from, or that they are a draft, not released."""
    from ui.format import date as format_date
    from ui.text import md_escape

    container = container or st
    info = fetch(shown_release_info, kind, key, int(year))
    scope = t(f"rel.scope.{key}", lang, year=int(year))
    if info is None:
        container.caption(f":orange-badge[{t('rel.draft', lang)}] {t('rel.draft_note', lang, scope=scope)}")
        return
    line = t("rel.shown", lang, id=int(info["release_id"]), title=md_escape(info["title"]),
             decision=md_escape(info["decision"]), date=format_date(info["decision_date"], lang))
    if info["status"] == "superseded":
        line += f" · :orange-badge[{t('rel.shown_superseded', lang, by=int(info['superseded_by']))}]"
    elif info["status"] == "correcting":
        line += f" · :orange-badge[{t('rel.shown_correcting', lang)}]"
    container.caption(f":blue-badge[{scope}] {line}")


def release_rules_status(level: str, year: int, rules_name: str, rules_title: str, lang: str) -> None:
    """Under leader proposals shown from a release: they follow the current rule set, not one the release froze,
    and whether it changed after the release was made (nothing is said for a draft)."""
    from metrics.release_figures import release_rules
    from ui.format import date as format_date
    from ui.text import md_escape

    rules = fetch(release_rules, level, int(year), rules_name)
    if rules is None:
        return
    line = t("rel.rules_current", lang, rules=md_escape(rules_title), batch=rules["batch_id"],
             date=format_date(rules["saved_at"], lang))
    if rules["changed_since"]:
        line += f" :orange-badge[{t('rel.rules_changed', lang, id=rules['release_id'])}]"
    st.caption(line)


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
