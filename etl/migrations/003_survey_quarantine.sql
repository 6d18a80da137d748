-- 003: survey ingestion. Rows refused by a load with --keep-valid are kept here with their reasons,
-- under the batch that loaded the valid rows (removing the batch removes them too).
CREATE TABLE survey_quarantine (
    batch_id      INTEGER NOT NULL,
    survey        VARCHAR NOT NULL,               -- sipas | health | education
    file_row      BIGINT,                         -- 1-based row of the file, as a spreadsheet numbers it
    respondent_id VARCHAR,
    record        VARCHAR NOT NULL,               -- the row as read: JSON object, header -> cell text
    problems_en   VARCHAR NOT NULL,               -- every reason, "column [value] reason; ..."
    problems_vi   VARCHAR NOT NULL
);
