"""A company's rule directory changes, replaces, adds and disables without copying the defaults."""

import re
from collections import Counter
from importlib.resources import files

import pytest

from playbook.portfolio import figures
from playbook.ruleset import load_rules

GRADE_E = """\
kind: opportunities
grade_bands:
  - id: grade_e
    after: grade_d
    source: opportunity_management
    name: {zh: E 级商机, en: Grade E}
    description: {zh: 不再跟进。, en: No more follow-up.}
    min_score: 0
    resources: {zh: 不投入资源, en: No resources}
"""  # a new grade band: a complete item, its place after grade_d


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
    rules = company({"bands.yaml": GRADE_E})
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


TENDER = """\
kind: opportunities
opportunity_stages:
  - id: tender
    PLACE
    source: opportunity_management
    name: {zh: 投标商机, en: Tender}
    description: {zh: 客户已发出招标文件。, en: The customer has issued a call for tenders.}
    period: maturity_period
    goal: {zh: 按时递交合格的标书。, en: Submit a compliant bid on time.}
    main_work: [{zh: 编写标书, en: Write the bid}]
    diagnostic_keys: [{zh: 评标标准是否对我们有利, en: "Do the award criteria favour us?"}]
    diagnostic_indicators: [{zh: 标书得分, en: Bid score}]
    verification_marks: [quotation]
    preset_win_rate: 0.45
"""


def stage_ids(rules) -> list[str]:
    return [s["id"] for s in rules.items("opportunity_stages")]


def test_a_new_stage_placed_after_feasible_stands_there(company):
    rules = company({"stages.yaml": TENDER.replace("PLACE", "after: feasible")})
    assert stage_ids(rules) == ["potential", "valid", "feasible", "tender", "target", "won"]


def test_a_new_stage_placed_before_won_leaves_won_last(company):
    """The portfolio counts the last stage as won: a stage added late in the funnel must not take its place."""
    rules = company({"stages.yaml": TENDER.replace("PLACE", "before: won")})
    assert stage_ids(rules)[-2:] == ["tender", "won"]
    assert figures(rules, Counter(tender=3, won=1))[0].won == 1


def test_a_new_stage_without_a_place_is_refused(company):
    """Appended, it would land after `won` and count as the won stage."""
    problems = company({"stages.yaml": TENDER.replace("    PLACE\n", "")})
    assert problems == ["company/stages.yaml:3:9: 'tender' is a new item of 'opportunity_stages', whose order "
                        "matters: say where it goes with before: ID or after: ID"]


def test_a_place_names_an_item_of_the_same_collection(company):
    problems = company({"stages.yaml": TENDER.replace("PLACE", "after: feasable")})
    assert problems == ["company/stages.yaml:4:12: no 'opportunity_stages' item has the id 'feasable' "
                        "(did you mean 'feasible'?)"]


def test_new_items_may_be_placed_next_to_each_other_in_any_order(company):
    second = TENDER.replace("tender", "tender_clarified").replace("PLACE", "after: tender")
    rules = company({"stages.yaml": second + TENDER.replace("PLACE", "after: feasible").split("\n", 2)[2]})
    assert stage_ids(rules) == ["potential", "valid", "feasible", "tender", "tender_clarified", "target", "won"]


def test_items_placed_after_one_id_keep_the_order_they_are_written_in(company):
    second = TENDER.replace("tender", "tender_clarified").replace("PLACE", "after: feasible").split("\n", 2)[2]
    rules = company({"stages.yaml": TENDER.replace("PLACE", "after: feasible") + second})
    assert stage_ids(rules) == ["potential", "valid", "feasible", "tender", "tender_clarified", "target", "won"]


def test_an_existing_item_moves_with_before_or_after(company):
    rules = company({"steps.yaml": "kind: churn\ncomplaint_steps:\n  - id: step_act\n    before: step_ask\n"})
    assert [s["id"] for s in rules.items("complaint_steps")][:3] == ["step_calm", "step_act", "step_ask"]


def test_a_collection_without_order_takes_no_place(company):
    problems = company({"c.yaml": "kind: prospecting\nchannels:\n  - id: meetings\n    after: door_to_door\n"})
    assert problems == ["company/c.yaml:4:5: the order of 'channels' means nothing: remove 'after'"]


def test_every_collection_said_to_be_in_order_is_ordered():
    """A collection whose title promises an order (stages, steps, tiers "highest first") keeps it."""
    from playbook import rule_schemas

    for name, schema in rule_schemas.all_collections().items():
        title = schema["x-title"]["en"]
        said = "in order" in title or "first)" in title
        assert bool(schema.get("x-ordered")) == (said or name == "opportunity_periods"), name


def test_a_new_id_close_to_an_existing_one_is_taken_for_a_typo(company):
    problems = company({"t.yaml": "kind: receivables\nthresholds:\n  - id: long_overdue_day\n    value: 60\n"})
    assert problems == ["company/t.yaml:3:9: a new item? no 'thresholds' item has the id 'long_overdue_day', "
                        "and a new one needs all its fields (did you mean 'long_overdue_days'?)"]


def test_an_incomplete_new_item_unlike_any_id_is_told_what_it_lacks(company):
    problems = company({"t.yaml": "kind: churn\nwinback_reasons:\n  - id: winback_reason_profit\n"})
    assert problems == [f"company/t.yaml:3:5: missing '{key}' ({title})"
                        for key, title in (("name", "Name"), ("description", "Description"))]


def test_a_complete_new_item_with_an_id_like_another_is_added(company):
    rules = company({"bands.yaml": GRADE_E})
    assert [b["id"] for b in rules.items("grade_bands")] == ["grade_a", "grade_b", "grade_c", "grade_d", "grade_e"]


def test_switching_off_an_item_in_use_names_who_uses_it(company):
    """Reported at the overlay's `disabled:`, not at the default items that refer to it."""
    problems = company({"off.yaml": "kind: opportunities\nopportunity_stages:\n  - id: feasible\n    disabled: true\n"})
    assert problems == ["company/off.yaml:4:15: cannot switch off 'feasible': active items refer to it "
                        "(man_need_only.max_stage); "
                        "change them or switch them off too"]


def test_switching_off_an_item_and_all_its_users_is_fine(company):
    rules = company({"off.yaml": "kind: opportunities\n"
                                 "opportunity_periods:\n  - id: maturity_period\n    disabled: true\n"
                                 "opportunity_stages:\n  - id: target\n    disabled: true\n"})
    assert stage_ids(rules) == ["potential", "valid", "feasible", "won"]


@pytest.mark.parametrize("threshold, value, message", [
    ("long_overdue_days", -5, "-5 is not a number of days: write a whole number, 0 or more"),
    ("long_overdue_days", 1.5, "1.5 is not a number of days: write a whole number, 0 or more"),
    ("large_receivable_amount", -1, "-1 is not an amount of money: write 0 or more"),
    ("max_discount_with_trades", 15, "15 is not a ratio: write a number from 0 to 1 (15% is 0.15)"),
    ("portfolio_min_opportunities", 2.5, "2.5 is not a count: write a whole number, 0 or more"),
])
def test_a_threshold_value_must_make_sense_in_its_unit(company, threshold, value, message):
    problems = company({"t.yaml": f"kind: checks\nthresholds:\n  - id: {threshold}\n    value: {value}\n"})
    assert problems == [f"company/t.yaml:4:12: {message}"]


@pytest.mark.parametrize("threshold, value", [("long_overdue_days", 0), ("max_discount_with_trades", 1),
                                              ("max_discount_with_trades", 0), ("large_receivable_amount", 0.5),
                                              ("portfolio_min_opportunities", 0)])
def test_a_threshold_at_the_edge_of_its_unit_is_fine(company, threshold, value):
    rules = company({"t.yaml": f"kind: checks\nthresholds:\n  - id: {threshold}\n    value: {value}\n"})
    assert rules.threshold(threshold) == value


def uncommented(text: str) -> str:
    """A rule file of `playbook init` with its commented-out example in force: the lines that are
    YAML (a key, or indented) lose their `# `, the prose stays a comment."""
    return "".join(line[2:] if re.match(r"# ([a-z_]+:|  )", line) else line
                   for line in text.splitlines(keepends=True))


def test_the_examples_playbook_init_writes_load_together_and_do_what_they_say(company):
    examples = files("playbook.cli").joinpath("init_files", "company_rules")
    rules = company({entry.name: uncommented(entry.read_text(encoding="utf-8"))
                     for entry in examples.iterdir() if entry.name.endswith(".yaml")})
    assert not isinstance(rules, list), rules  # problems
    assert rules.threshold("long_overdue_days") == 60
    assert rules.find("industry_wechat_groups")[0] == "channels"
    assert stage_ids(rules) == ["potential", "valid", "feasible", "tender", "target", "won"]
    assert rules.find("pre_assess_high_risk") is None
