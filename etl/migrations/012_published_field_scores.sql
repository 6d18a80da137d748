-- 012: field results as provinces printed them (data/reference/par_index_province_field_scores_2022_2024.csv):
-- a printed row may give the field's points and maximum, its index, its rank among the provinces and the change
-- of that rank, or only some of them (a rank without an index), and names its own source.
ALTER TABLE par_field_index ALTER COLUMN index_pct DROP NOT NULL;
ALTER TABLE par_field_index ADD COLUMN points DOUBLE;
ALTER TABLE par_field_index ADD COLUMN max_points DOUBLE;
ALTER TABLE par_field_index ADD COLUMN field_rank INTEGER;
ALTER TABLE par_field_index ADD COLUMN rank_change INTEGER;
ALTER TABLE par_field_index ADD COLUMN note VARCHAR;
ALTER TABLE par_field_index ADD COLUMN source_ref VARCHAR;
