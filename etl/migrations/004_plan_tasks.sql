-- 004: the tasks of an annual PAR plan, in the shape of Appendix 1 of Official Letter 3759/BNV-CCHC.
CREATE TABLE plan_task (
    batch_id        INTEGER NOT NULL,
    unit_system     VARCHAR NOT NULL,
    unit_code       VARCHAR NOT NULL,
    year            INTEGER NOT NULL,
    task_no         VARCHAR NOT NULL,          -- the plan's own numbering, e.g. "1.2"
    content_area    VARCHAR NOT NULL,          -- institutional | procedures | apparatus | civil_service | public_finance | digital
    task            VARCHAR NOT NULL,
    expected_output VARCHAR,
    lead_unit       VARCHAR,
    deadline        DATE,
    status          VARCHAR,                   -- not_started | in_progress | completed
    completed_date  DATE
);
