-- 002: field (component) indices as published with a results table, and the units created by a load.
CREATE TABLE par_field_index (
    batch_id     INTEGER NOT NULL,
    year         INTEGER NOT NULL,
    level        VARCHAR NOT NULL,
    stage        VARCHAR NOT NULL,
    unit_system  VARCHAR NOT NULL,
    unit_code    VARCHAR NOT NULL,
    field_code   VARCHAR NOT NULL,
    index_pct    DOUBLE NOT NULL
);
