"""`playbook check`, `schema` and `new` as a user runs them: findings, formats, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

PLAN = """\
account:
  id: acme
  name: 某某制造
  tier: key_account
  owner: zhang
opportunities:
  - id: op1
    name: 产线改造
    stage: target
    man: {money: true, authority: true, need: true}
    quote: {list_price: 100, floor_price: 80, quoted_price: 75}
"""


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "playbook.cli", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture
def plans(tmp_path):
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "acme.yaml").write_text(PLAN, encoding="utf-8")
    return tmp_path


def test_findings_name_file_line_column_severity_check_and_page(plans):
    result = run("check", "--today", "2026-06-30", "--lang", "en", cwd=plans)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "accounts/acme.yaml:9:12: error [stage_evidence] the Target opportunity lacks the evidence of: " \
           "Lead record, Project approval, Needs confirmation, Feasibility report, Technical solution accepted, " \
           "Quotation  site/checks/stage_evidence/" in lines
    assert "accounts/acme.yaml:11:61: error [quote_below_floor] the quoted price 75 CNY is below the floor " \
           "price 80 CNY  site/checks/quote_below_floor/" in lines
    assert "accounts/acme.yaml:2:3: warning [key_account_never_visited] the key account has no sales visit " \
           "on record  site/checks/key_account_never_visited/" in lines
    assert lines[-1] == "1 plan(s) checked: 5 error(s), 4 warning(s), 0 info"


def test_the_same_findings_in_chinese(plans):
    result = run("check", "accounts/acme.yaml", "--today", "2026-06-30", "--lang", "zh", cwd=plans)
    assert "accounts/acme.yaml:11:61: 错误 [quote_below_floor] 报价 75 元，低于底价 80 元  site/checks/quote_below_floor/" \
        in result.stdout.splitlines()


def test_json_format(plans):
    result = run("check", "--today", "2026-06-30", "--format", "json", "--lang", "en",
                 "--site-url", "https://playbook.intranet/", cwd=plans)
    report = json.loads(result.stdout)
    assert report["plans"] == 1
    first = report["findings"][0]
    assert set(first) == {"file", "line", "column", "severity", "check", "message", "url", "calendar"}
    assert {f["check"] for f in report["findings"]} == {
        "stage_evidence", "quote_below_floor", "discount_needs_trade", "discount_needs_approval",
        "buying_centre_roles", "key_account_never_visited", "next_step_planned", "single_threaded",
        "stage_entry_recorded"}
    assert not any(f["calendar"] for f in report["findings"])
    assert first["url"].startswith("https://playbook.intranet/checks/")


def test_exit_0_when_nothing_reaches_fail_on(plans):
    (plans / "accounts" / "acme.yaml").write_text(
        "account: {id: acme, name: 某某制造, tier: key_account, owner: zhang}\n"
        "contacts: [{id: wang, name: 王总, social_style: driver}]\n", encoding="utf-8")
    assert run("check", "--today", "2026-06-30", cwd=plans).returncode == 0  # a warning only
    assert run("check", "--today", "2026-06-30", "--fail-on", "warning", cwd=plans).returncode == 1


def test_format_problems_and_did_you_mean(plans):
    (plans / "accounts" / "acme.yaml").write_text(
        "account:\n  id: acme\n  name: x\n  tier: key_acount\n  owner: z\n  ownr: y\n  owner: w\n", encoding="utf-8")
    result = run("check", "--today", "2026-06-30", "--lang", "en", cwd=plans)
    assert result.returncode == 1
    assert result.stdout.splitlines()[:3] == [
        "accounts/acme.yaml:4:9: error [plan_format] 'key_acount' is not one of: key_account, ordinary_account, "
        "small_account (did you mean 'key_account'?)  site/checks/plan_format/",
        "accounts/acme.yaml:6:3: error [plan_format] unknown key 'ownr' (did you mean 'owner'?)  site/checks/plan_format/",
        "accounts/acme.yaml:7:3: error [plan_format] duplicate key 'owner' (first at 5:3)  site/checks/plan_format/",
    ]


def test_usage_errors_exit_2(plans):
    assert run("check", "nowhere/", cwd=plans).returncode == 2
    assert run("check", "--today", "30/06/2026", cwd=plans).returncode == 2
    assert run("check", "--format", "xml", cwd=plans).returncode == 2


def test_checking_never_modifies_the_plans(plans):
    before = (plans / "accounts" / "acme.yaml").read_bytes()
    run("check", "--today", "2026-06-30", cwd=plans)
    assert (plans / "accounts" / "acme.yaml").read_bytes() == before


def test_new_writes_a_plan_that_passes_and_never_overwrites(tmp_path):
    assert run("new", "haidian_edu", "--lang", "en", cwd=tmp_path).returncode == 0
    written = (tmp_path / "accounts" / "haidian_edu.yaml").read_text(encoding="utf-8")
    assert run("check", "--today", "2026-06-30", cwd=tmp_path).returncode == 0
    again = run("new", "haidian_edu", "--lang", "en", cwd=tmp_path)
    assert again.returncode == 2 and "never overwritten" in again.stderr
    assert (tmp_path / "accounts" / "haidian_edu.yaml").read_text(encoding="utf-8") == written


def test_new_refuses_an_id_that_is_a_path(tmp_path):
    assert run("new", "../escape", cwd=tmp_path).returncode == 2
    assert not (tmp_path.parent / "escape.yaml").exists()


def test_schema_is_json_schema_with_the_rules_vocabularies(tmp_path):
    schema = json.loads(run("schema", cwd=tmp_path).stdout)
    Draft202012Validator.check_schema(schema)
    stage = schema["properties"]["opportunities"]["items"]["properties"]["stage"]
    assert stage["enum"] == ["potential", "valid", "feasible", "target", "won"]


def test_configuration_in_playbook_yaml(plans):
    (plans / "playbook.yaml").write_text(
        "lang: en\nplans: [accounts/]\nseverity: {quote_below_floor: warning}\ndisable: [stage_evidence]\n",
        encoding="utf-8")
    result = run("check", "--today", "2026-06-30", cwd=plans)
    assert "warning [quote_below_floor]" in result.stdout
    assert "stage_evidence" not in result.stdout
    assert result.stdout.splitlines()[-1] == "1 plan(s) checked: 3 error(s), 5 warning(s), 0 info"


def test_configuration_in_pyproject_toml(plans):
    (plans / "pyproject.toml").write_text('[tool.playbook]\nlang = "en"\ndisable = ["buying_centre_roles"]\n',
                                          encoding="utf-8")
    result = run("check", "--today", "2026-06-30", cwd=plans)
    assert "buying_centre_roles" not in result.stdout and "error [stage_evidence]" in result.stdout


def test_the_first_configuration_found_is_the_whole_one_and_verbose_says_which(plans):
    (plans / "playbook.yaml").write_text("lang: en\n", encoding="utf-8")
    (plans / "pyproject.toml").write_text('[tool.playbook]\ndisable = ["stage_evidence"]\n', encoding="utf-8")
    result = run("check", "--today", "2026-06-30", "--verbose", cwd=plans)
    assert "error [stage_evidence]" in result.stdout  # pyproject.toml's section is not merged in
    assert result.stderr.splitlines() == [
        "configuration: playbook.yaml",
        "[tool.playbook] in pyproject.toml is not read: playbook.yaml comes first, and only the first "
        "configuration found is used"]


def test_a_toml_error_is_reported_at_its_line(plans):
    (plans / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.playbook]\nplans = ["a"\nlang = "en"\n',
                                          encoding="utf-8")
    result = run("check", "--lang", "en", cwd=plans)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == "pyproject.toml:6:1: TOML syntax error: Unclosed array"


def test_language_is_taken_from_the_locale_as_gettext_does(plans):
    for env, summary in (({"LANGUAGE": "zh_CN:en", "LANG": "C.UTF-8"}, "检查了 1 份计划"),
                         ({"LANGUAGE": "", "LC_ALL": "", "LANG": "zh_CN.UTF-8"}, "检查了 1 份计划"),
                         ({"LANGUAGE": "en_GB", "LANG": "zh_CN.UTF-8"}, "1 plan(s) checked")):
        result = subprocess.run([sys.executable, "-m", "playbook", "check", "--today", "2026-06-30"], cwd=plans,
                                capture_output=True, text=True,
                                env={**{k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))},
                                     **env})
        assert result.stdout.splitlines()[-1].startswith(summary), env


def test_a_wrong_configuration_is_a_usage_error_with_its_position(plans):
    (plans / "playbook.yaml").write_text("lang: en\ndisable: [stage_evidense]\nfail_on: never\n", encoding="utf-8")
    result = run("check", cwd=plans)
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].startswith("playbook.yaml:3:10: 'never' is not one of: error, warning, info")
    (plans / "playbook.yaml").write_text("lang: en\ndisable: [stage_evidense]\n", encoding="utf-8")
    result = run("check", cwd=plans)
    assert result.stderr.splitlines()[0] == \
        "playbook.yaml:2:11: no check has the id 'stage_evidense' (did you mean 'stage_evidence'?)"


def test_suppression_with_a_reason(plans):
    text = PLAN.replace("quoted_price: 75}", "quoted_price: 75}  # playbook: ignore[quote_below_floor] 样板项目特批 by=王总")
    (plans / "accounts" / "acme.yaml").write_text(text, encoding="utf-8")
    result = run("check", "--today", "2026-06-30", "--lang", "en", cwd=plans)
    assert "quote_below_floor" not in result.stdout


def test_a_suppression_without_reason_or_use_is_itself_a_finding(plans):
    text = PLAN.replace("quoted_price: 75}", "quoted_price: 75}  # playbook: ignore[quote_below_floor]")
    text = text.replace("  owner: zhang", "  owner: zhang  # playbook: ignore[visit_cadence] 新客户")
    (plans / "accounts" / "acme.yaml").write_text(text, encoding="utf-8")
    out = run("check", "--today", "2026-06-30", "--lang", "en", cwd=plans).stdout
    assert "accounts/acme.yaml:11:66: warning [suppression_without_reason] the suppression of " \
           "quote_below_floor gives no reason" in out
    assert "accounts/acme.yaml:5:17: warning [unused_suppression] the suppression of visit_cadence " \
           "suppresses nothing" in out


def test_the_baseline_gates_only_new_findings(plans):
    assert run("check", "--today", "2026-06-30", "--baseline", "base.json", "--update-baseline",
               cwd=plans).returncode == 0
    result = run("check", "--today", "2026-06-30", "--baseline", "base.json", "--lang", "en", cwd=plans)
    assert result.returncode == 0
    assert result.stdout.splitlines()[-2:] == ["1 plan(s) checked: 0 error(s), 0 warning(s), 0 info",
                                               "(9 more finding(s) are in the baseline)"]
    # Lines move (a comment added at the top) but the old findings stay matched; a new one is reported.
    text = "# 2026 年计划\n" + PLAN + "    goals: {goal_must: 70, goal_strive: 60}\n"
    (plans / "accounts" / "acme.yaml").write_text(text, encoding="utf-8")
    result = run("check", "--today", "2026-06-30", "--baseline", "base.json", "--lang", "en", cwd=plans)
    assert result.returncode == 1
    findings = [line for line in result.stdout.splitlines() if line.startswith("accounts/")]
    assert [line.split(" [")[1].split("]")[0] for line in findings] == ["goal_tiers_ordered"]


def test_a_missing_baseline_is_a_usage_error(plans):
    assert run("check", "--baseline", "nothing.json", cwd=plans).returncode == 2


def test_findings_fixed_since_the_baseline_are_counted_and_dropped_by_an_update(plans):
    assert run("check", "--today", "2026-06-30", "--baseline", "base.json", "--update-baseline",
               cwd=plans).returncode == 0
    fixed = PLAN.replace("quoted_price: 75}", "quoted_price: 85}")  # above the floor, within the approval limit
    (plans / "accounts" / "acme.yaml").write_text(fixed, encoding="utf-8")
    result = run("check", "--today", "2026-06-30", "--baseline", "base.json", "--lang", "en", cwd=plans)
    assert result.stdout.splitlines()[-1] == ("2 finding(s) in the baseline are no longer found (fixed?): "
                                              "drop them with --baseline base.json --update-baseline")
    before = json.loads((plans / "base.json").read_text(encoding="utf-8"))["findings"]
    assert run("check", "--today", "2026-06-30", "--baseline", "base.json", "--update-baseline",
               cwd=plans).returncode == 0
    after = json.loads((plans / "base.json").read_text(encoding="utf-8"))["findings"]
    kept = {e["fingerprint"] for e in after}
    assert sorted(e["check"] for e in before if e["fingerprint"] not in kept) == ["discount_needs_approval",
                                                                                   "quote_below_floor"]
    result = run("check", "--today", "2026-06-30", "--baseline", "base.json", "--lang", "en", cwd=plans)
    assert "no longer found" not in result.stdout


def test_a_company_overlay_changes_what_the_checks_expect(plans):
    (plans / "accounts" / "acme.yaml").write_text(
        "account: {id: acme, name: 某某制造, tier: ordinary_account, owner: zhang}\n"
        "receivables: [{id: inv1, amount: 50000, currency: CNY, due_date: 2026-05-01, "
        "action: collect_finance_routine}]\n", encoding="utf-8")
    assert run("check", "--today", "2026-06-30", cwd=plans).returncode == 0  # 60 days: short, small
    (plans / "company").mkdir()
    (plans / "company" / "limits.yaml").write_text(
        "kind: receivables\nthresholds:\n  - id: long_overdue_days\n    value: 45\n", encoding="utf-8")
    result = run("check", "--today", "2026-06-30", "--rules", "company", "--lang", "en", cwd=plans)
    assert result.returncode == 1
    assert "60 days overdue, amount 50,000 CNY: its quadrant calls for 'Escalate the letters'" in result.stdout


def test_checking_one_plan_imports_only_what_a_check_needs(tmp_path):
    """A pre-commit hook starts a process per commit: with the rule set cached and a well-formed
    plan, no process pool, no validator that explains errors, no site generator, no starter plan."""
    sample = Path(__file__).parents[1] / "accounts" / "haidian_education_bureau.yaml"
    (tmp_path / "plan.yaml").write_bytes(sample.read_bytes())
    probe = ("import sys\nfrom playbook.cli.commands import main\ncode = main(sys.argv[1:])\n"
             "print(' '.join(sorted(sys.modules)), file=sys.stderr)\nsys.exit(code)\n")
    for _ in range(2):  # the first run may fill the rule cache; a hook's runs find it filled
        result = subprocess.run([sys.executable, "-c", probe, "check", "plan.yaml", "--today", "2026-11-20",
                                 "--lang", "en"], cwd=tmp_path, capture_output=True, text=True)
    assert "1 plan(s) checked" in result.stdout
    loaded = set(result.stderr.split())
    assert {"playbook.checker", "yaml", "jsonschema_rs"} <= loaded
    top = {name.split(".")[0] for name in loaded}
    assert not top & {"multiprocessing", "jsonschema", "jinja2", "mkdocs", "generator", "markdown"}
    assert "playbook.starter" not in loaded
