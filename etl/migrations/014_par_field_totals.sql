-- 014: criterion points summed once per batch, unit and field (etl/par_totals.py), so that scoring and the field
-- indices read a unit's few field rows instead of every criterion's points; filled for the stores' batches by
-- step_014.py, then by the batch writer with each batch's points.
CREATE TABLE par_field_total (
    batch_id     INTEGER NOT NULL,
    year         INTEGER NOT NULL,
    level        VARCHAR NOT NULL,
    stage        VARCHAR NOT NULL,
    framework_id VARCHAR NOT NULL,
    unit_system  VARCHAR NOT NULL,
    unit_code    VARCHAR NOT NULL,
    field_code   VARCHAR NOT NULL,
    appraisal_e4 BIGINT NOT NULL,
    survey_e4    BIGINT NOT NULL,
    total_e4     BIGINT NOT NULL,
    scored       INTEGER NOT NULL
);
