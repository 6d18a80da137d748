"""The statistics step on a Spark cluster: the same SQL (etl.survey_stats.sql) over the same Parquet dataset
(etl.survey_stats.parquet), for survey data past what one machine holds (issue #16).

`run_on_spark` reads one survey-year's respondents from the dataset, runs every step's SQL text unchanged with
spark.sql and returns the outputs; `store_outputs` writes them into the store as a load writes its own. The plan
(which item each answer column holds, the instruments' dimensions) comes from the store: it is small, and the
slot layout of every batch read is checked against it. PySpark is imported by the caller (a test, a cluster job):
the product itself never needs it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from etl.survey_stats.parquet import SOURCE_COLUMNS
from etl.survey_stats.sql import OUTPUTS, steps
from etl.survey_stats.store import STAT_TABLES, batch_slots, write_stats

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from etl.survey_stats.plan import StatsPlan

SOURCE = "ss_source"


def _table(spark: SparkSession, dataset_folder: str, table: str, survey: str, year: int,
           batch: int | None) -> DataFrame:
    """One table of the dataset, one survey-year (and batch): partition discovery gives survey, year and batch,
    and the filter on them reads only those folders. Values are column expressions, never SQL text."""
    from pyspark.sql import functions as F

    frame = spark.read.parquet(f"{dataset_folder.rstrip('/')}/{table}")
    keep = (F.col("survey") == F.lit(survey)) & (F.col("year") == F.lit(int(year)))
    if batch is not None:
        keep = keep & (F.col("batch") == F.lit(int(batch)))
    return frame.where(keep)


def check_layout(spark: SparkSession, dataset_folder: str, plan: StatsPlan, survey: str, year: int,
                 batch: int | None = None) -> list[int]:
    """The batches of one survey-year in the dataset, after checking each holds its answers in the columns `plan`
    was made for (a plan read with another batch's layout would count one item's answers as another's)."""
    if plan.survey != survey:
        raise ValueError(f"the plan is for {plan.survey}, not {survey}")
    rows = _table(spark, dataset_folder, "slots", survey, year, batch).select("batch", "slot", "item_code").collect()
    layouts: dict[int, dict[int, str]] = {}
    for row in rows:
        layouts.setdefault(int(row["batch"]), {})[int(row["slot"])] = row["item_code"]
    if not layouts:
        which = f" batch {batch}" if batch is not None else ""
        raise ValueError(f"the dataset holds no {survey} {year}{which}")
    for number, layout in sorted(layouts.items()):
        if [layout[s] for s in sorted(layout)] != list(plan.slots):
            raise ValueError(f"batch {number} holds its answers in other columns than the plan's: run it alone "
                             "with a plan made from its own slots")
    return sorted(layouts)


def run_on_spark(spark: SparkSession, dataset_folder: str, plan: StatsPlan, survey: str, year: int,
                 batch: int | None = None) -> dict[str, pd.DataFrame]:
    """The statistics of one survey-year (and batch) of a Parquet dataset computed by Spark: the respondents as
    the temp view the steps read, each step's SQL run unchanged and kept under its name (materialised when kept);
    returns the outputs (etl.survey_stats.sql.OUTPUTS that the plan has) as pandas frames.

    `dataset_folder`: a path or URI Spark reads (a local folder, hdfs://, s3a://), as written by
    etl.survey_stats.parquet.export_dataset. Cell numbers g are Spark's own (it orders NULLs first): join the
    outputs through ss_cells, as `store_outputs` does."""
    from pyspark.sql import functions as F

    check_layout(spark, dataset_folder, plan, survey, year, batch)
    respondents = _table(spark, dataset_folder, "respondents", survey, year, batch)
    if "batch_id" not in respondents.columns:     # a dataset whose files leave it to the folder names
        respondents = respondents.withColumn("batch_id", F.col("batch").cast("int"))
    respondents.select(*SOURCE_COLUMNS).createOrReplaceTempView(SOURCE)
    names = [SOURCE]
    try:
        for step in steps(plan, SOURCE):
            result = spark.sql(step.sql)
            if step.keep:
                # Materialised with its lineage cut (a cached view would keep its whole plan: every later step,
                # in each of its UNION ALL branches, would analyse all earlier steps again; measured 4-5 times the
                # time and a driver heap full of plan trees). Its blocks go once nothing refers to it.
                result = result.localCheckpoint(eager=True)
            result.createOrReplaceTempView(step.name)
            names.append(step.name)
        return {name: spark.table(name).toArrow().to_pandas() for name in OUTPUTS if name in names}
    finally:
        for name in names:
            spark.catalog.dropTempView(name)


def store_outputs(con: duckdb.DuckDBPyConnection, plan: StatsPlan, outputs: dict[str, pd.DataFrame]) -> list[int]:
    """Write statistics computed elsewhere (`run_on_spark`) into the store's survey_stat_* tables, in the caller's
    transaction, in place of those of the batches they cover; returns those batches. Each must be a survey batch
    of the store whose slot layout is the plan's."""
    batches = sorted(int(b) for b in outputs["ss_cells"]["batch_id"].unique())
    for batch_id in batches:
        if batch_slots(con, batch_id) != list(plan.slots):
            raise ValueError(f"batch {batch_id}: the store holds its answers in other columns than the plan's")
    for table in STAT_TABLES:
        con.execute(f"DELETE FROM {table} WHERE batch_id IN (SELECT unnest($ids))", {"ids": batches})
    for name, frame in outputs.items():
        if name not in OUTPUTS:
            raise ValueError(f"{name!r} is not an output of the statistics step")
        con.register("ss_frame", frame)
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM ss_frame")
        finally:
            con.unregister("ss_frame")
    write_stats(con, plan)     # reads the ss_* tables, maps indices to the store's codes, drops them
    return batches
