"""Which survey a survey criterion's points come from (`survey_kind: sipas|leaders` in the framework files): marked
on every survey criterion of the provincial sets, adding up to the published SIPAS and leaders' parts, checked on
load and stored with its mark."""
from __future__ import annotations

import pytest
import yaml

from etl.paths import DATA_DIR
from etl.reference import ReferenceError, read_framework

FRAMEWORKS = DATA_DIR / "frameworks"


def test_provincial_sets_mark_their_sipas_and_leaders_criteria_and_ministries_none(reference_store):
    kinds = {(f, k): (n, p) for f, k, n, p in reference_store.execute(
        "SELECT framework_id, coalesce(survey_kind, component), count(*), sum(max_points) FROM framework_criterion "
        "GROUP BY ALL").fetchall()}
    for year in ("2022", "2024"):      # 10 SIPAS + 22 leaders' survey points, as the 2023 results are published
        framework = f"par-province-{year}"
        assert kinds[(framework, "sipas")] == (2, 10) and kinds[(framework, "leaders")][1] == 22
        assert (framework, "survey") not in kinds
    assert kinds[("par-province-2021", "sipas")][1] + kinds[("par-province-2021", "leaders")][1] == 32
    assert not [k for k in kinds if k[0].startswith("par-ministry") and k[1] in ("sipas", "leaders")]
    marks = reference_store.execute(
        "SELECT count(*), count(*) FILTER (WHERE official), count(DISTINCT content_id) FROM content_mark "
        "WHERE aspect = 'survey_kind'").fetchall()[0]
    assert marks == (27, 0, 3)      # 9 survey criteria in each provincial set, every mark illustrative


def _broken(tmp_path, change) -> object:
    doc = yaml.safe_load((FRAMEWORKS / "par-province-2024.yaml").read_text("utf-8"))
    change({c["code"]: c for c in doc["criteria"]})
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    return path


@pytest.mark.parametrize("change, words", [
    (lambda c: c["1.1"].update(survey_kind="sipas"), "criterion 1.1: survey_kind must be sipas|leaders"),
    (lambda c: c["8.3"].update(survey_kind="citizens"), "criterion 8.3: survey_kind must be sipas|leaders"),
    (lambda c: c["1.6"].pop("survey_kind"), "survey_kind is on some survey criteria only"),
    (lambda c: c["7.7"].update(survey_kind="sipas"), "the sipas criteria add up to 13, not the 10 of component sipas"),
    (lambda c: c["8.4"].pop("survey_kind_basis"), "criterion 8.4 survey_kind"),
], ids=["appraisal", "unknown kind", "half marked", "sums", "unmarked"])
def test_a_wrong_survey_kind_is_refused(tmp_path, change, words):
    with pytest.raises(ReferenceError, match=words):
        read_framework(_broken(tmp_path, change))
