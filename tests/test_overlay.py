"""A company's rule directory changes, replaces, adds and disables without copying the defaults."""

from playbook.ruleset import load_rules


def test_the_defaults_load_alone():
    rules = load_rules()
    assert rules.find("target")[0] == "opportunity_stages"


def test_overlay_changes_a_threshold(company):
    rules = company({"limits.yaml": "kind: opportunities\nthresholds:\n  - id: grading_score_max\n    value: 10\n"})
    assert rules.threshold("grading_score_max") == 10
    assert rules.find("grading_score_max")[1]["name"]["en"] == "Highest indicator score"


def test_overlay_replaces_one_language_of_a_text(company):
    rules = company({"names.yaml": "kind: opportunities\nopportunity_stages:\n"
                                   "  - id: target\n    name: {en: Shortlisted}\n"})
    name = rules.find("target")[1]["name"]
    assert name == {"zh": "目标商机", "en": "Shortlisted"}


def test_overlay_adds_an_item(company):
    rules = company({"bands.yaml": """\
kind: opportunities
grade_bands:
  - id: grade_e
    source: opportunity_management
    name: {zh: E 级商机, en: Grade E}
    description: {zh: 不再跟进。, en: No more follow-up.}
    min_score: 0
    resources: {zh: 不投入资源, en: No resources}
"""})
    assert [b["id"] for b in rules.items("grade_bands")][-1] == "grade_e"


def test_overlay_disables_an_item(company):
    rules = company({"off.yaml": "kind: opportunities\npre_assessment_rules:\n"
                                 "  - id: pre_assess_high_risk\n    disabled: true\n"})
    assert rules.find("pre_assess_high_risk") is None
    assert rules.find("pre_assess_flagship_revenue") is not None


def test_later_overlays_win(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name, value in (("first", 7), ("second", 9)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "t.yaml").write_text(
            f"kind: opportunities\nthresholds:\n  - id: grading_score_max\n    value: {value}\n")
    assert load_rules(["first", "second"]).threshold("grading_score_max") == 9


def test_an_overlay_error_points_into_the_overlay(company):
    problems = company({"bad.yaml": "kind: opportunities\nopportunity_stages:\n"
                                    "  - id: target\n    preset_win_rate: 2\n"})
    assert problems == ["company/bad.yaml:4:22: 2 is above the maximum 1"]


def test_loading_never_writes_into_the_rules(company, tmp_path):
    company({"limits.yaml": "kind: opportunities\nthresholds:\n  - id: grading_score_max\n    value: 10\n"})
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    company({})
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before
