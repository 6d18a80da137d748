-- 005: leader rule sets, as the YAML text analysts read and edit; one current batch per name.
CREATE TABLE rule_set (
    batch_id INTEGER NOT NULL,
    name     VARCHAR NOT NULL,
    title_vi VARCHAR NOT NULL,
    title_en VARCHAR NOT NULL,
    source   VARCHAR,
    yaml     VARCHAR NOT NULL
);
