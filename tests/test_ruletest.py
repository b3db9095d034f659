"""``playbook test`` in a company project: its own checks' examples run with the defaults'."""

from __future__ import annotations

import pytest

from playbook.cli.commands import main
from playbook.ruleset import load_rules

DEFAULTS = load_rules().items("checks")
CHECKS = len(DEFAULTS) + 1  # the defaults and the company's own
EXAMPLES = sum(len(c["examples"]["fail"]) + len(c["examples"]["pass"]) for c in DEFAULTS) + 2

# A company check: an owner's name of at least three characters. The starter plan's owner passes.
CHECK = """\
kind: checks
checks:
  - id: owner_named
    source: opportunity_management
    name: {zh: 负责人要写全名, en: The owner's full name}
    description: {zh: 负责人要写全名。, en: The owner is named in full.}
    severity: warning
    scope: plan
    section: checks
    require: {properties: {account: {properties: {owner: {minLength: 3}}}}}
    at: account.owner
    message: {zh: "负责人 {account[owner]} 不是全名", en: "the owner {account[owner]} is not a full name"}
    rationale: {zh: 交接时要找得到人。, en: A handover needs someone to find.}
    examples:
      today: 2026-06-30
      fail:
        - {account: {owner: ab}}
      pass:
        - {account: {owner: 韩梅梅同学}}
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A company project whose configuration lays company/ over the defaults; returns a
    function that writes company/checks.yaml."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "company").mkdir()
    (tmp_path / "playbook.yaml").write_text("rules: [company]\n", encoding="utf-8")
    return lambda text: (tmp_path / "company" / "checks.yaml").write_text(text, encoding="utf-8")


def test_all_examples_as_expected_exit_0_with_the_counts(project, capsys):
    project(CHECK)
    assert main(["test", "--lang", "en"]) == 0
    assert capsys.readouterr().out == f"{CHECKS} check(s), {EXAMPLES} example(s): {EXAMPLES} passed, 0 failed\n"


def test_a_failing_example_the_check_does_not_report_is_named_with_what_fired(project, capsys):
    project(CHECK.replace("owner: ab}", "owner: abc}"))
    assert main(["test", "--lang", "en"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "company/checks.yaml:17:11: owner_named fail #1: expected owner_named to fire, but it did not; "
        "what fired: [key_account_never_visited] the key account has no sales visit on record",
        f"{CHECKS} check(s), {EXAMPLES} example(s): {EXAMPLES - 1} passed, 1 failed"]


def test_a_passing_example_the_check_reports_is_named_with_the_message(project, capsys):
    project(CHECK.replace("owner: 韩梅梅同学}", "owner: 韩}"))
    assert main(["test", "--lang", "en"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "company/checks.yaml:19:11: owner_named pass #1: expected owner_named not to fire, "
        "but it did: the owner 韩 is not a full name")


def test_a_failing_example_that_trips_other_checks_lists_them(project, capsys):
    project(CHECK.replace("{account: {owner: ab}}", "{account: {owner: abc, tier: key_acount}}"))
    assert main(["test", "--lang", "en"]) == 1
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith("company/checks.yaml:17:11: owner_named fail #1: expected owner_named to fire, "
                           "but it did not; what fired: [plan_format] ")
    assert "key_acount" in line


def test_the_report_in_chinese(project, capsys):
    visited = "activities: [{date: 2026-06-20, way: way_sales_visit, outcome: 了解需求}]"
    project(CHECK.replace("owner: ab}}", "owner: abc}, " + visited + "}").replace("owner: 韩梅梅同学}", "owner: 韩}"))
    assert main(["test", "--lang", "zh"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "company/checks.yaml:17:11：owner_named 的不通过示例 #1：应报告 owner_named，却没有报告；实际报告了：无",
        "company/checks.yaml:19:11：owner_named 的通过示例 #1：不应报告 owner_named，却报告了：负责人 韩 不是全名",
        f"{CHECKS} 项检查，{EXAMPLES} 个示例：{EXAMPLES - 2} 个符合预期，2 个不符合预期"]


@pytest.mark.parametrize("edit,message", [
    (lambda text: text.replace("      pass:\n        - {account: {owner: 韩梅梅同学}}\n", ""),
     "company/checks.yaml:15:7: the check owner_named has no passing example: "
     "add at least one plan under examples.pass that it must not report"),
    (lambda text: text.replace("      pass:\n        - {account: {owner: 韩梅梅同学}}\n", "      pass: []\n"),
     "company/checks.yaml:18:13: the check owner_named has no passing example: "
     "add at least one plan under examples.pass that it must not report"),
    (lambda text: text.replace("      fail:\n        - {account: {owner: ab}}\n", ""),
     "company/checks.yaml:15:7: the check owner_named has no failing example: "
     "add at least one plan under examples.fail that it must report"),
    (lambda text: text[:text.index("    examples:")],
     "company/checks.yaml:3:5: the check owner_named has no examples: give it examples with today, "
     "at least one failing plan (fail) and one passing plan (pass)"),
], ids=["no-pass", "empty-pass", "no-fail", "no-examples"])
def test_a_company_check_without_both_examples_is_a_rule_error_that_names_it(project, capsys, edit, message):
    project(edit(CHECK))
    assert main(["test", "--lang", "en"]) == 2
    assert capsys.readouterr().err.splitlines() == [message, "the rule set has 1 problem(s)"]


def test_the_rules_option_adds_a_layer_as_check_does(project, tmp_path, capsys):
    (tmp_path / "playbook.yaml").write_text("lang: en\n", encoding="utf-8")
    project(CHECK.replace("owner: ab}", "owner: abc}"))
    assert main(["test"]) == 0  # without the company's layer, its check is not there
    assert main(["test", "--rules", "company"]) == 1
    assert "owner_named fail #1" in capsys.readouterr().out
