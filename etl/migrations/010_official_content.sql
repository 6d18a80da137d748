-- 010: the 2023+ result breakdown, and which numbers and words rest on an official text.

-- The parts provinces publish since 2023 (appraisal of 61.5, survey of leaders and managers of 22, SIPAS of 10,
-- socio-economic impact of 6.5), one row per unit and part; their names and maxima are framework_component's.
CREATE TABLE par_component (
    batch_id     INTEGER NOT NULL,
    year         INTEGER NOT NULL,
    level        VARCHAR NOT NULL,
    stage        VARCHAR NOT NULL,
    framework_id VARCHAR NOT NULL,
    unit_system  VARCHAR NOT NULL,
    unit_code    VARCHAR NOT NULL,
    component    VARCHAR NOT NULL,
    points       DOUBLE NOT NULL,
    source_ref   VARCHAR
);

CREATE TABLE framework_component (
    framework_id VARCHAR NOT NULL,
    component    VARCHAR NOT NULL,
    part         VARCHAR NOT NULL CHECK (part IN ('appraisal', 'survey')),
    name_vi      VARCHAR NOT NULL,
    name_en      VARCHAR NOT NULL,
    max_points   DOUBLE NOT NULL,
    official     BOOLEAN NOT NULL,
    source       VARCHAR,
    position     INTEGER NOT NULL,
    batch_id     INTEGER NOT NULL
);

-- Facts of a framework as its file marks them: the appraisal/survey split, counts of fields, criteria and
-- sub-criteria; each official (with its source) or illustrative.
CREATE TABLE framework_fact (
    framework_id VARCHAR NOT NULL,
    fact         VARCHAR NOT NULL,
    value        DOUBLE NOT NULL,
    official     BOOLEAN NOT NULL,
    source       VARCHAR,
    note         VARCHAR,
    batch_id     INTEGER NOT NULL
);

-- The mark of every name, maximum and wording of the frameworks and instruments (kept beside their tables so
-- their columns stay as they were): official with its source, or illustrative with the reason.
CREATE TABLE content_mark (
    content    VARCHAR NOT NULL CHECK (content IN ('framework', 'instrument')),
    content_id VARCHAR NOT NULL,                 -- framework_id or instrument_id
    item_kind  VARCHAR NOT NULL,                 -- field | criterion | dimension | item
    item_code  VARCHAR NOT NULL,
    aspect     VARCHAR NOT NULL,                 -- name | max_points | wording
    official   BOOLEAN NOT NULL,
    source     VARCHAR,                          -- the source, or why it is illustrative
    batch_id   INTEGER NOT NULL
);
