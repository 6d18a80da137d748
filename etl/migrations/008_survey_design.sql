-- 008: a survey's sample design. Files may carry a stratum and a primary sampling unit (cluster) per
-- respondent; without them a figure rests on the simple-random-sample assumption, or on the survey's
-- default cluster (the hospital for health, the school for education), and says which.
ALTER TABLE survey_respondent ADD COLUMN stratum VARCHAR;
ALTER TABLE survey_respondent ADD COLUMN psu VARCHAR;
