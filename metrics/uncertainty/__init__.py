"""How sure each PAR INDEX rank is: a Monte Carlo uncertainty and sensitivity analysis of the ranks, in the manner
of the JRC's audits of composite indicators (COINr's `get_sensitivity`: nominal rank, median and 5-95 % interval of
the simulated ranks, Sobol indices of the rank shifts).

Modules: `simulation` (the draws and Sobol indices, numpy only), `store` (a dataset's pillars and sampling errors
from the store), `analysis` (analyse and the per-unit results), `cli_text` (the command line's columns and text).

The index is an aggregate of pillars p, each with an official weight w_p (its maximum points) and a score
s_p = (points) / w_p in [0, 1]; the official index is 100 sum_p w_p s_p / sum_p w_p. Pillars are the fields when
criterion scores are loaded, and the two components (appraisal, survey; maxima from the framework) when only a
results table exists: a table's field indices do not say how much of each field came from the survey, so the
components are the finest level at which (a) and (b) can both act. A pillar's points are fixed points plus
sampled points, the only ones the sampling error moves.

Three sources of uncertainty, each a group of random inputs of one draw:

- sampling: a unit's sampled points are multiplied by (1 + rse_u z_u), z_u standard normal, and kept within their
  maximum on each pillar; all of a unit's sampled points move together (they rest on the same respondents).
  For a province the sampled points are its SIPAS points only (10 of the 32 survey points from 2022): the
  criteria the framework marks `survey_kind: sipas` (field 8's survey criteria in the shipped sets, an
  illustrative mark), or the `sipas` part of a four-part results table (published since 2023). The survey of
  leaders and managers (22 points) has other respondents, none of them loaded: its points and the appraisal
  points stay as scored. A province table with appraisal and survey totals only, or a framework without the
  marks, does not tell the SIPAS points apart: nothing is sampled and the note says why. Ministries have no
  SIPAS: a stated error moves their survey points. The unit's `sampling_points` column gives the points moved.
  rse_u is the relative standard error of the unit's SIPAS overall percent satisfied, computed from its respondents
  (design-based Taylor linearisation over strata and PSUs, metrics.satisfaction; the normal approximation of
  resampling them), when SIPAS answers of that year are loaded from a source that may pair with the index's
  (demo with demo, real with real: upload SIPAS with upload or published results); else rse_u = se_u / sampled_u
  from a standard error stated per unit in points of the sampled part (`survey_se`); else sampling is 'missing'
  for the unit, said so in the table, and nothing of it moves.
- weights: each official weight multiplied by U(1 - r, 1 + r), then renormalised to the official total
  (r = `weight_range`, default 0.25).
- aggregation: with probability `alt_probability` (default 0.5) a draw aggregates by the weighted geometric mean
  100 prod_p s_p^(w_p / sum w) (a score of 0 taken as 1e-6) instead of the official weighted sum.

Each draw's index is rounded to 2 decimals (the published precision) and ranked descending, ties sharing the best
rank (1, 2, 2, 4), among every unit of the field. From `draws` draws (default 1,000, seeded: the same inputs and
seed give the same result) come each unit's median rank and its `coverage` (default 90 %) interval: the 5 % and
95 % quantiles of its simulated ranks (inverted CDF, so the rank falls inside in at least 90 % of the draws; the
official rank need not).

Sensitivity (Saltelli et al. 2010): two independent input matrices A (the `draws` above) and B, and for each source
k the matrix A_B^k, A with source k's inputs taken from B: (2 + 3) x draws evaluations. For an output Y with
variance V over A and B, the first-order index S_k = mean(Y_B (Y_{A_B^k} - Y_A)) / V is the share of Y's variance
source k explains alone, and the total index (Jansen) T_k = mean((Y_A - Y_{A_B^k})^2) / (2 V) the share it has a
hand in, interactions included. Per unit Y is the unit's rank; overall Y is the mean absolute rank shift from the
official ranks (COINr's summary). Estimates from 1,000 draws carry noise of a few hundredths; they are clipped to
[0, 1]. A source that does not act (sampling missing everywhere, r = 0) has indices 0.

Ranks exist only for a dataset that covers the whole field (metrics.par_index.unit_results): for a partial table
the result says why there is no interval and gives none.
"""
from metrics.uncertainty.analysis import (TABLE_COLUMNS, RankUncertainty, analyse, rank_uncertainty,
                                          sentence_values, unit_rank_interval, variance_shares)
from metrics.uncertainty.cli_text import CLI_COLUMNS, read_stated_errors, summary_lines, with_intervals
from metrics.uncertainty.simulation import (DEFAULT_ALT_PROBABILITY, DEFAULT_COVERAGE, DEFAULT_DRAWS, DEFAULT_SEED,
                                            DEFAULT_WEIGHT_RANGE, SCORE_FLOOR, SOURCES, Pillars, Settings,
                                            active_sources, draw_inputs, rank_quantiles, simulate, simulated_index,
                                            simulated_ranks)
from metrics.uncertainty.store import (SIPAS_PAIRS, Dataset, NoIntervals, SampledPart, load_dataset,
                                       sipas_errors)

__all__ = [
    "CLI_COLUMNS", "DEFAULT_ALT_PROBABILITY", "DEFAULT_COVERAGE", "DEFAULT_DRAWS", "DEFAULT_SEED",
    "DEFAULT_WEIGHT_RANGE", "SCORE_FLOOR", "SIPAS_PAIRS", "SOURCES", "TABLE_COLUMNS", "Dataset", "NoIntervals",
    "Pillars", "RankUncertainty", "SampledPart", "Settings", "active_sources", "analyse", "draw_inputs",
    "load_dataset", "rank_quantiles", "rank_uncertainty", "read_stated_errors", "sentence_values", "simulate",
    "simulated_index", "simulated_ranks", "sipas_errors", "summary_lines", "unit_rank_interval", "variance_shares",
    "with_intervals",
]
