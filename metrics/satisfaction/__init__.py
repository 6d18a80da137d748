"""Satisfaction surveys (SIPAS, health, education): estimates with design-based intervals per unit, item set
and item. One idea per module:

- sources: which datasets exist and which source a figure uses (never mixed in one figure)
- units: scopes (country, province, facility, or a scope less a nested unit) and unit names
- instrument: items, dimensions and the item sets estimated (headline overall, pooled parts, dimensions)
- queries: the aggregating SQL (sufficient statistics per finest group x stratum x PSU), coverage, scores
- rollup: finest groups -> rows, design variances (metrics.survey_design), labels and coverage
- tables: satisfaction_table and item_table, the tables every view reads
- explore: Likert distributions, ranks, extreme items, drill-down
- compare: two years or units (a nested unit tested against the rest), year-to-year change
- sipas / health / education: the survey-specific views
- reliability: Cronbach's alpha with Feldt's interval
- targets: targets as data and the distance to them

Every function takes `source` (default: upload, then published, then demo, per survey and year) and
reports the source it used.
"""
from metrics.satisfaction.compare import compare, satisfaction_trend
from metrics.satisfaction.education import education_breakdown
from metrics.satisfaction.explore import drill_down, extreme_items, likert_distribution, rank_units
from metrics.satisfaction.health import FORM_NAMES, health_indicators
from metrics.satisfaction.instrument import EXTRA_SETS, HEADLINE, OVERALL, instrument_items, item_sets
from metrics.satisfaction.queries import BREAKDOWNS
from metrics.satisfaction.queries import scores as _query_scores
from metrics.satisfaction.reliability import reliability
from metrics.satisfaction.sipas import published_sipas, sipas_overview, sipas_vs_par
from metrics.satisfaction.sources import SURVEYS, pick_survey_source, survey_datasets
from metrics.satisfaction.tables import (ELEMENTS_MEAN, ITEM_COLUMNS, POOLED, TABLE_COLUMNS, item_table,
                                         satisfaction_table)
from metrics.satisfaction.targets import TARGETS_PATH, distance_to_target, load_targets
from metrics.satisfaction.units import FACILITY_TYPE, NATIONAL, Scope, parse_unit, unit_names
from metrics.survey_design import DESIGNS


def _scores(con, survey: str, year: int, source: str, unit: str | None, dims: list[str], item: str | None):
    """Distribution of respondents' mean valid answer (kept for callers of the former module)."""
    return _query_scores(con, survey, year, source, parse_unit(unit, survey), dims, item)


__all__ = ["BREAKDOWNS", "DESIGNS", "ELEMENTS_MEAN", "EXTRA_SETS", "FACILITY_TYPE", "FORM_NAMES", "HEADLINE",
           "ITEM_COLUMNS", "NATIONAL", "OVERALL", "POOLED", "SURVEYS", "Scope", "TABLE_COLUMNS", "TARGETS_PATH",
           "compare", "distance_to_target", "drill_down", "education_breakdown", "extreme_items",
           "health_indicators", "instrument_items", "item_sets", "item_table", "likert_distribution",
           "load_targets", "parse_unit", "pick_survey_source", "published_sipas", "rank_units", "reliability",
           "satisfaction_table", "satisfaction_trend", "sipas_overview", "sipas_vs_par", "survey_datasets",
           "unit_names"]
