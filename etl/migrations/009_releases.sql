-- 009: releases. A release freezes the datasets (batches) of one year and level (PAR INDEX) or of one survey year,
-- as announced by a decision; its rows never change. A correction is recorded beside it: the errata text, who
-- opened it, and the release that supersedes it once created.
CREATE SEQUENCE release_id_seq START 1;

CREATE TABLE release (
    release_id    INTEGER PRIMARY KEY,
    scope         VARCHAR NOT NULL CHECK (scope IN ('par', 'survey')),
    scope_key     VARCHAR NOT NULL,       -- par: province | ministry; survey: sipas | health | education
    year          INTEGER NOT NULL,
    title         VARCHAR NOT NULL,
    decision      VARCHAR NOT NULL,       -- the decision's number, e.g. 1234/QĐ-BNV
    decision_date DATE,
    release_date  DATE NOT NULL,          -- the day it was announced
    created_at    TIMESTAMP NOT NULL,
    created_by    VARCHAR NOT NULL
);

CREATE TABLE release_batch (
    release_id INTEGER NOT NULL,
    batch_id   INTEGER NOT NULL,
    role       VARCHAR NOT NULL CHECK (role IN ('data', 'baseline')),  -- baseline: the year before, for changes
    PRIMARY KEY (release_id, batch_id)
);

CREATE TABLE release_correction (
    release_id    INTEGER PRIMARY KEY,    -- the release corrected
    errata        VARCHAR NOT NULL,
    opened_at     TIMESTAMP NOT NULL,
    opened_by     VARCHAR NOT NULL,
    successor_id  INTEGER,                -- the release that supersedes it; NULL while the correction is open
    superseded_at TIMESTAMP
);
