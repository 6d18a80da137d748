-- 011: which survey a survey criterion's points come from: 'sipas' (people's satisfaction with public
-- administrative services) or 'leaders' (the survey of leaders and managers); NULL for appraisal criteria and
-- for frameworks that do not say (ministries have no SIPAS). Its official/illustrative mark is a content_mark row
-- with aspect 'survey_kind'. The rank intervals (metrics.uncertainty) move only the SIPAS points by its sampling
-- error. A store built before this migration has no kinds until it is rebuilt.
ALTER TABLE framework_criterion ADD COLUMN survey_kind VARCHAR;
