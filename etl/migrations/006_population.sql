-- 006: population by unit and year, loaded by users (no figure is shipped), for population-weighted series.
CREATE TABLE population (
    batch_id    INTEGER NOT NULL,
    unit_system VARCHAR NOT NULL,
    unit_code   VARCHAR NOT NULL,
    year        INTEGER NOT NULL,
    population  BIGINT NOT NULL
);
