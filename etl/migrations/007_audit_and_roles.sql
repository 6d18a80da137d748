-- 007: the audit log (who did what, when, to which batch) and role assignments managed by admins.
CREATE SEQUENCE audit_id_seq START 1;

CREATE TABLE audit (
    audit_id  BIGINT PRIMARY KEY,
    logged_at TIMESTAMP NOT NULL,
    user_name VARCHAR NOT NULL,
    role      VARCHAR NOT NULL,
    action    VARCHAR NOT NULL,      -- load | remove | rules | role | restore
    batch_id  INTEGER,
    kind      VARCHAR,
    file_name VARCHAR,
    sha256    VARCHAR,
    detail    VARCHAR
);

CREATE TABLE role_assignment (
    subject     VARCHAR PRIMARY KEY,  -- an e-mail address, or a domain written @example.gov.vn
    role        VARCHAR NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    assigned_by VARCHAR NOT NULL,
    assigned_at TIMESTAMP NOT NULL
);
