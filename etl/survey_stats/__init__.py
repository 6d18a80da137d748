"""Sufficient statistics of survey batches, computed once when a batch is written (issue #16).

- plan: what a survey's statistics are computed over (answer slots, forms, dimensions, item sets)
- sql: the step from answers to statistics, as SQL that runs unchanged on DuckDB and Spark SQL
- store: running it on DuckDB inside a load's transaction and writing survey_stat_* under the batch
- parquet: the survey data and statistics as a hive-partitioned Parquet dataset (survey, year, batch)
"""
