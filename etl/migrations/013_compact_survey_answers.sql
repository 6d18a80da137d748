-- 013: survey answers stored compactly and aggregated once, at load time (issue #16).
-- Answers move from survey_answer (one row per answer: 33 rows per SIPAS respondent) into the respondent's own
-- row, columns a01..a64 (SMALLINT; NULL = no answer); survey_slot says which item each column holds in a batch.
-- The sufficient statistics every satisfaction figure needs are computed when a batch is written, in the same
-- transaction, per finest group (survey_stat_cell: batch, year, form, province, facility, school level,
-- respondent group, stratum, cluster): pages read these, never the answers. The long survey_answer becomes a
-- view of the compact columns (etl.migrations.step_013 converts a store's existing answers and computes their
-- statistics).
ALTER TABLE survey_respondent ADD COLUMN a01 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a02 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a03 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a04 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a05 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a06 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a07 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a08 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a09 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a10 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a11 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a12 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a13 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a14 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a15 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a16 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a17 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a18 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a19 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a20 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a21 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a22 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a23 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a24 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a25 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a26 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a27 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a28 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a29 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a30 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a31 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a32 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a33 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a34 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a35 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a36 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a37 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a38 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a39 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a40 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a41 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a42 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a43 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a44 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a45 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a46 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a47 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a48 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a49 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a50 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a51 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a52 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a53 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a54 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a55 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a56 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a57 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a58 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a59 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a60 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a61 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a62 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a63 SMALLINT;
ALTER TABLE survey_respondent ADD COLUMN a64 SMALLINT;
CREATE TABLE survey_slot (
    batch_id  INTEGER NOT NULL,
    slot      SMALLINT NOT NULL,     -- 1 = a01
    item_code VARCHAR NOT NULL,
    PRIMARY KEY (batch_id, slot)
);
CREATE TABLE survey_stat_cell (
    batch_id         INTEGER NOT NULL,
    g                INTEGER NOT NULL,
    survey           VARCHAR NOT NULL,
    year             INTEGER NOT NULL,
    instrument_id    VARCHAR NOT NULL,
    unit_system      VARCHAR,
    unit_code        VARCHAR,
    facility_id      VARCHAR,
    school_level     VARCHAR,
    respondent_group VARCHAR,
    stratum          VARCHAR,
    cl               VARCHAR,            -- the PSU: 'p:' || psu, else 'f:' || facility (health, education), else NULL
    respondents      BIGINT NOT NULL,
    PRIMARY KEY (batch_id, g)
);
CREATE TABLE survey_stat_set (
    batch_id INTEGER NOT NULL, g INTEGER NOT NULL, set_kind VARCHAR NOT NULL, set_code VARCHAR NOT NULL,
    n BIGINT, m BIGINT, ys BIGINT, weighted BOOLEAN, wx DOUBLE, wys DOUBLE, wyv DOUBLE, w2xx DOUBLE, w2xys DOUBLE,
    w2ysys DOUBLE, w2xyv DOUBLE, w2yvyv DOUBLE, na BIGINT, sw DOUBLE, sw2 DOUBLE, swa DOUBLE, sw2a DOUBLE
);
CREATE TABLE survey_stat_pair (
    batch_id INTEGER NOT NULL, g INTEGER NOT NULL, dim_a VARCHAR NOT NULL, dim_b VARCHAR NOT NULL,
    yx DOUBLE, yy DOUBLE, xx DOUBLE
);
CREATE TABLE survey_stat_value (
    batch_id INTEGER NOT NULL, g INTEGER NOT NULL, item_code VARCHAR NOT NULL, value SMALLINT NOT NULL,
    c BIGINT, cw DOUBLE, cw2 DOUBLE, weighted BOOLEAN
);
CREATE TABLE survey_stat_score (
    batch_id INTEGER NOT NULL, g INTEGER NOT NULL, set_kind VARCHAR NOT NULL, set_code VARCHAR NOT NULL,
    score DOUBLE NOT NULL, respondents BIGINT
);
CREATE TABLE survey_stat_reliability (
    batch_id INTEGER NOT NULL, g INTEGER NOT NULL, instrument_id VARCHAR NOT NULL, dimension_code VARCHAR NOT NULL,
    item_code VARCHAR,                   -- NULL: the dimension total
    n BIGINT, s BIGINT, ss BIGINT
);
