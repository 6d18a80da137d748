-- 001: the store. Every data row belongs to a batch; a batch has provenance.
CREATE SEQUENCE batch_id_seq START 1;

CREATE TABLE batch (
    batch_id          INTEGER PRIMARY KEY,
    kind              VARCHAR NOT NULL,          -- reference, par-scores, par-totals, sipas, health, ...
    source            VARCHAR NOT NULL CHECK (source IN ('published', 'demo', 'upload', 'reference')),
    dataset_key       VARCHAR,                    -- one current batch per key where the kind needs it
    file_name         VARCHAR,
    sha256            VARCHAR,
    rows              BIGINT NOT NULL DEFAULT 0,
    status            VARCHAR NOT NULL CHECK (status IN ('current', 'retired', 'removed')),
    replaces_batch_id INTEGER,
    loaded_at         TIMESTAMP NOT NULL,
    loaded_by         VARCHAR NOT NULL,
    note              VARCHAR,
    changed_at        TIMESTAMP
);

-- Code systems: provinces vn63 / vn34, ministries ministry-2021 / ministry-2025, and
-- local systems for a province's or ministry's own units (departments, districts, communes).
CREATE TABLE code_system (
    code_system VARCHAR PRIMARY KEY,
    unit_level  VARCHAR NOT NULL,                 -- province | ministry | local
    valid_from  DATE,
    valid_to    DATE,
    name_vi     VARCHAR NOT NULL,
    name_en     VARCHAR NOT NULL
);

CREATE TABLE unit (
    code_system   VARCHAR NOT NULL,
    code          VARCHAR NOT NULL,
    name_vi       VARCHAR NOT NULL,
    name_en       VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,               -- province, city, ministry, agency, department, district, commune
    region        VARCHAR,
    parent_system VARCHAR,
    parent_code   VARCHAR,
    assessed      BOOLEAN NOT NULL DEFAULT FALSE,  -- ranked in the PAR INDEX
    valid_from    DATE,
    valid_to      DATE,
    batch_id      INTEGER NOT NULL,
    PRIMARY KEY (code_system, code)
);

CREATE TABLE unit_name (
    code_system VARCHAR NOT NULL,
    code        VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    name_key    VARCHAR NOT NULL,                 -- normalised for matching (etl.names.name_key)
    valid_from  DATE,
    valid_to    DATE,
    is_official BOOLEAN NOT NULL,
    note        VARCHAR,
    batch_id    INTEGER NOT NULL
);

CREATE TABLE unit_lineage (
    from_system    VARCHAR NOT NULL,
    from_code      VARCHAR NOT NULL,
    to_system      VARCHAR NOT NULL,
    to_code        VARCHAR NOT NULL,
    effective_date DATE NOT NULL,
    legal_act      VARCHAR,
    relation       VARCHAR NOT NULL,              -- continued | merged_into | main_successor
    note           VARCHAR,
    batch_id       INTEGER NOT NULL
);

CREATE TABLE framework (
    framework_id        VARCHAR PRIMARY KEY,
    level               VARCHAR NOT NULL,
    first_year          INTEGER NOT NULL,
    last_year           INTEGER,
    decision            VARCHAR,
    title_vi            VARCHAR NOT NULL,
    title_en            VARCHAR NOT NULL,
    appraisal_max       DOUBLE NOT NULL,
    survey_max          DOUBLE NOT NULL,
    points_illustrative BOOLEAN NOT NULL,
    known_facts         VARCHAR,
    note                VARCHAR,
    batch_id            INTEGER NOT NULL
);

CREATE TABLE framework_band (
    framework_id VARCHAR NOT NULL,
    group_code   VARCHAR NOT NULL,
    min_index    DOUBLE NOT NULL,
    label_vi     VARCHAR NOT NULL,
    label_en     VARCHAR NOT NULL,
    batch_id     INTEGER NOT NULL
);

CREATE TABLE framework_field (
    framework_id VARCHAR NOT NULL,
    field_code   VARCHAR NOT NULL,
    name_vi      VARCHAR NOT NULL,
    name_en      VARCHAR NOT NULL,
    max_points   DOUBLE NOT NULL,
    position     INTEGER NOT NULL,
    batch_id     INTEGER NOT NULL
);

CREATE TABLE framework_criterion (
    framework_id   VARCHAR NOT NULL,
    criterion_code VARCHAR NOT NULL,
    field_code     VARCHAR NOT NULL,
    parent_code    VARCHAR,
    component      VARCHAR NOT NULL CHECK (component IN ('appraisal', 'survey')),
    name_vi        VARCHAR NOT NULL,
    name_en        VARCHAR NOT NULL,
    max_points     DOUBLE NOT NULL,
    position       INTEGER NOT NULL,
    batch_id       INTEGER NOT NULL
);

CREATE TABLE instrument (
    instrument_id VARCHAR PRIMARY KEY,
    survey        VARCHAR NOT NULL,               -- sipas | health | education
    form          VARCHAR NOT NULL,
    title_vi      VARCHAR NOT NULL,
    title_en      VARCHAR NOT NULL,
    method        VARCHAR,
    scale_min     INTEGER NOT NULL,
    scale_max     INTEGER NOT NULL,
    satisfied_min INTEGER NOT NULL,
    na_code       INTEGER,
    batch_id      INTEGER NOT NULL
);

CREATE TABLE instrument_dimension (
    instrument_id  VARCHAR NOT NULL,
    dimension_code VARCHAR NOT NULL,
    part           VARCHAR NOT NULL,
    name_vi        VARCHAR NOT NULL,
    name_en        VARCHAR NOT NULL,
    position       INTEGER NOT NULL,
    batch_id       INTEGER NOT NULL
);

CREATE TABLE instrument_item (
    instrument_id  VARCHAR NOT NULL,
    item_code      VARCHAR NOT NULL,
    dimension_code VARCHAR NOT NULL,
    item_kind      VARCHAR NOT NULL,              -- likert | percent
    value_min      INTEGER NOT NULL,
    value_max      INTEGER NOT NULL,
    wording_vi     VARCHAR,
    wording_en     VARCHAR,
    wording_source VARCHAR,
    position       INTEGER NOT NULL,
    batch_id       INTEGER NOT NULL
);

-- PAR INDEX: criterion points (score sheets) and unit totals (published-shaped tables).
CREATE TABLE par_score (
    batch_id       INTEGER NOT NULL,
    year           INTEGER NOT NULL,
    level          VARCHAR NOT NULL,
    stage          VARCHAR NOT NULL CHECK (stage IN ('self', 'appraised')),
    framework_id   VARCHAR NOT NULL,
    unit_system    VARCHAR NOT NULL,
    unit_code      VARCHAR NOT NULL,
    criterion_code VARCHAR NOT NULL,
    points         DOUBLE NOT NULL
);

CREATE TABLE par_total (
    batch_id     INTEGER NOT NULL,
    year         INTEGER NOT NULL,
    level        VARCHAR NOT NULL,
    stage        VARCHAR NOT NULL,
    framework_id VARCHAR,
    unit_system  VARCHAR NOT NULL,
    unit_code    VARCHAR NOT NULL,
    appraisal    DOUBLE,
    survey       DOUBLE,
    total        DOUBLE,
    index_pct    DOUBLE,
    rank         INTEGER,
    rank_basis   VARCHAR,
    group_code   VARCHAR,
    change_pct   DOUBLE,
    note         VARCHAR,
    source_ref   VARCHAR
);

-- Surveys: one row per respondent, answers long (respondent_key, item, value).
-- respondent_key is assigned by the loader (max + 1 inside the load's transaction).

CREATE TABLE survey_respondent (
    respondent_key   BIGINT PRIMARY KEY,
    batch_id         INTEGER NOT NULL,
    survey           VARCHAR NOT NULL,
    instrument_id    VARCHAR NOT NULL,
    year             INTEGER NOT NULL,
    respondent_id    VARCHAR NOT NULL,
    survey_date      DATE,
    unit_system      VARCHAR NOT NULL,
    unit_code        VARCHAR NOT NULL,
    facility_id      VARCHAR,
    school_level     VARCHAR,
    respondent_group VARCHAR,
    weight           DOUBLE,
    sex              VARCHAR,
    age_group        VARCHAR,
    channel          VARCHAR
);

CREATE TABLE survey_answer (
    batch_id       INTEGER NOT NULL,
    respondent_key BIGINT NOT NULL,
    item_code      VARCHAR NOT NULL,
    value          SMALLINT NOT NULL
);

CREATE TABLE facility (
    facility_type VARCHAR NOT NULL,               -- hospital | school
    facility_id   VARCHAR NOT NULL,
    name          VARCHAR NOT NULL,
    unit_system   VARCHAR NOT NULL,
    unit_code     VARCHAR NOT NULL,
    batch_id      INTEGER NOT NULL
);

-- National projects and plan / report compliance.
CREATE TABLE national_project (
    project_no     INTEGER PRIMARY KEY,
    name_vi        VARCHAR NOT NULL,
    lead_agency_vi VARCHAR NOT NULL,
    lead_system    VARCHAR,
    lead_code      VARCHAR,
    deadline_year  INTEGER,
    on_roadmap     BOOLEAN NOT NULL,
    source         VARCHAR,
    batch_id       INTEGER NOT NULL
);

CREATE TABLE project_update (
    batch_id         INTEGER NOT NULL,
    project_no       INTEGER NOT NULL,
    report_date      DATE NOT NULL,
    status           VARCHAR NOT NULL,
    percent_complete DOUBLE,
    decision_no      VARCHAR,
    decision_date    DATE,
    note             VARCHAR
);

CREATE TABLE par_plan (
    batch_id                INTEGER NOT NULL,
    unit_system             VARCHAR NOT NULL,
    unit_code               VARCHAR NOT NULL,
    year                    INTEGER NOT NULL,
    issued_date             DATE,
    plan_number             VARCHAR,
    covers_institutional    BOOLEAN,
    covers_procedures       BOOLEAN,
    covers_apparatus        BOOLEAN,
    covers_civil_service    BOOLEAN,
    covers_public_finance   BOOLEAN,
    covers_digital          BOOLEAN
);

CREATE TABLE plan_report (
    batch_id       INTEGER NOT NULL,
    unit_system    VARCHAR NOT NULL,
    unit_code      VARCHAR NOT NULL,
    year           INTEGER NOT NULL,
    period         VARCHAR NOT NULL,              -- Q1 Q2 Q3 Q4 H1 Y
    due_date       DATE NOT NULL,
    submitted_date DATE
);

-- Published headline figures kept as published (value text and, where numeric, value).
CREATE TABLE published_stat (
    batch_id   INTEGER NOT NULL,
    dataset    VARCHAR NOT NULL,                  -- par_national, sipas_national, par_region
    year       INTEGER NOT NULL,
    scope      VARCHAR,
    metric     VARCHAR NOT NULL,
    value_text VARCHAR,
    value_num  DOUBLE,
    note       VARCHAR,
    source_ref VARCHAR
);

CREATE TABLE published_sipas (
    batch_id    INTEGER NOT NULL,
    year        INTEGER NOT NULL,
    unit_system VARCHAR NOT NULL,
    unit_code   VARCHAR NOT NULL,
    sipas_pct   DOUBLE,
    rank        INTEGER,
    rank_basis  VARCHAR,
    change_pct  DOUBLE,
    note        VARCHAR,
    source_ref  VARCHAR
);
