"""Waivers: suppressions with an expiry date and an approver, as a user writes, checks, lists and
publishes them; and baseline entries that expire the same way."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from generator.accounts import Checked
from generator.pages import build_pages
from playbook import waivers
from playbook.checker import Checker
from playbook.ruleset import load_rules
from test_check_cli import PLAN

QUOTE = "quoted_price: 75}"
BETA = """\
account: {id: beta, name: 贝塔, tier: key_account, owner: li}
# playbook: ignore[visit_cadence] 去年的特批 until=2026-06-01 by=李总
activities: [{date: 2026-01-05, way: sales_visit}]
contacts:
  - {id: wang, name: 王局长, social_style: driver}  # playbook: ignore[contact_approach] 初次见面
"""


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "playbook.cli", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture
def plans(tmp_path):
    (tmp_path / "accounts").mkdir()
    return tmp_path


def write(plans, waiver: str, name: str = "acme") -> None:
    text = PLAN.replace(QUOTE, f"{QUOTE}  # playbook: ignore[quote_below_floor] {waiver}")
    (plans / "accounts" / f"{name}.yaml").write_text(text, encoding="utf-8")


def check(plans, today: str, *args: str, lang: str = "en"):
    return run("check", "--today", today, "--lang", lang, *args, cwd=plans)


def test_a_waiver_suppresses_through_its_until_date_and_not_after(plans):
    write(plans, "样板项目特批 until=2026-12-31 by=王总")
    for today in ("2026-06-30", "2026-12-31"):  # the last day is still in force
        out = check(plans, today).stdout
        assert "quote_below_floor" not in out and "waiver" not in out, out
    assert "error [quote_below_floor]" in check(plans, "2027-01-01").stdout


def test_an_expired_waiver_is_reported_at_its_line_and_lets_the_finding_through(plans):
    write(plans, "样板项目特批 until=2026-12-31 by=王总")
    lines = check(plans, "2027-01-05").stdout.splitlines()
    assert "accounts/acme.yaml:11:66: warning [waiver_expired] the suppression of quote_below_floor expired " \
           "after 2026-12-31 (5 day(s) ago): it no longer applies  site/checks/waiver_expired/" in lines
    assert any(line.startswith("accounts/acme.yaml:11:61: error [quote_below_floor]") for line in lines)
    assert not any("unused_suppression" in line for line in lines)
    zh = check(plans, "2027-01-05", lang="zh").stdout
    assert "accounts/acme.yaml:11:66: 警告 [waiver_expired] 忽略 quote_below_floor 的期限 2026-12-31 已过" \
           "（5 天前），不再生效" in zh


def test_hiding_an_error_needs_an_approver(plans):
    write(plans, "样板项目特批 until=2026-12-31")
    result = check(plans, "2026-06-30")
    assert result.returncode == 1
    assert "accounts/acme.yaml:11:66: error [waiver_without_approver] the suppression of quote_below_floor " \
           "hides an error but names no approver: add by=NAME  site/checks/waiver_without_approver/" \
           in result.stdout.splitlines()
    assert "[quote_below_floor]" not in result.stdout  # the waiver still applies
    # Severity as configured: a company that makes it a warning needs no approver for it.
    (plans / "playbook.yaml").write_text("severity: {quote_below_floor: warning}\n", encoding="utf-8")
    assert "waiver_without_approver" not in check(plans, "2026-06-30").stdout
    # A warning may be waived without one.
    text = PLAN.replace("  id: acme", "  id: acme  # playbook: ignore[key_account_never_visited] 新客户，下月首访")
    (plans / "accounts" / "acme.yaml").write_text(text, encoding="utf-8")
    (plans / "playbook.yaml").unlink()
    out = check(plans, "2026-06-30").stdout
    assert "key_account_never_visited" not in out and "waiver" not in out


def test_a_malformed_date_is_a_finding_that_says_what_to_write(plans):
    write(plans, "样板项目特批 until=2026-02-30 by=王总")
    lines = check(plans, "2026-06-30").stdout.splitlines()
    assert "accounts/acme.yaml:11:66: error [waiver_malformed] the suppression of quote_below_floor has " \
           "until=2026-02-30, which cannot be read: after the reason write until=YYYY-MM-DD (a real date) " \
           "and by=NAME, each once  site/checks/waiver_malformed/" in lines
    assert any(line.startswith("accounts/acme.yaml:11:61: error [quote_below_floor]") for line in lines)
    assert not any("unused_suppression" in line for line in lines)
    write(plans, "样板项目特批 expires=2026-12-31 by=王总")
    zh = check(plans, "2026-06-30", lang="zh").stdout
    assert "错误 [waiver_malformed] 忽略 quote_below_floor 中的 expires=2026-12-31 无法识别：" \
           "应在理由之后写 until=YYYY-MM-DD（真实的日期）和 by=批准人，各写一次" in zh


def test_the_syntax_a_waiver_is_read_with():
    raw = ("a: 1  # playbook: ignore[x, y] 总经理特批 by=Li Lei until＝2026-12-31\n"
           "# playbook: ignore[z] reason until=2026-12-31 until=2027-01-31\n"
           "b: 2\n").encode()
    first, second = waivers.parse(raw, "p.yaml")
    assert (first.covers, first.ids, first.reason, first.by, first.until, first.invalid) == \
        (1, ("x", "y"), "总经理特批", "Li Lei", dt.date(2026, 12, 31), ())
    assert (second.covers, second.location.line, second.invalid) == (3, 2, ("until=2027-01-31",))
    assert waivers.parse(b"a: 1  # playbook: ignore[x] until=2026-12-31", "p.yaml")[0].reason == ""
    # Straight after Chinese text a field is still a field; inside a link it is part of the reason.
    (chinese,) = waivers.parse("a: 1  # playbook: ignore[x] 特批until=2026-12-31".encode(), "p.yaml")
    assert (chinese.reason, chinese.until) == ("特批", dt.date(2026, 12, 31))
    (link,) = waivers.parse(b"a: 1  # playbook: ignore[x] see https://oa/flow?id=8812 by=Wang", "p.yaml")
    assert (link.reason, link.by, link.invalid) == ("see https://oa/flow?id=8812", "Wang", ())


def test_waivers_lists_every_waiver_soonest_to_expire_first(plans):
    write(plans, "样板项目特批 until=2026-12-31 by=王总")
    (plans / "accounts" / "beta.yaml").write_text(BETA, encoding="utf-8")
    result = run("waivers", "--today", "2026-06-30", "--lang", "en", cwd=plans)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "accounts/beta.yaml:2: [visit_cadence] 去年的特批 · approved by 李总 · expired 29 day(s) ago (until 2026-06-01)",
        "accounts/acme.yaml:11: [quote_below_floor] 样板项目特批 · approved by 王总 · until 2026-12-31, 184 day(s) left",
        "accounts/beta.yaml:5: [contact_approach] 初次见面 · no approver · no expiry date",
        "3 suppression(s) in 2 plan(s): 1 expired, 1 with no expiry date",
    ]
    zh = run("waivers", "--today", "2026-06-30", "--lang", "zh", cwd=plans)
    assert zh.stdout.splitlines() == [
        "accounts/beta.yaml:2: [visit_cadence] 去年的特批 · 批准人 李总 · 已过期 29 天（有效至 2026-06-01）",
        "accounts/acme.yaml:11: [quote_below_floor] 样板项目特批 · 批准人 王总 · 有效至 2026-12-31，还剩 184 天",
        "accounts/beta.yaml:5: [contact_approach] 初次见面 · 无批准人 · 无期限",
        "读了 2 份计划，共 3 条忽略：1 条已过期，1 条没有期限",
    ]


def test_waivers_as_json(plans):
    write(plans, "样板项目特批 until=2026-12-31 by=王总")
    result = run("waivers", "accounts/acme.yaml", "--today", "2026-06-30", "--format", "json", cwd=plans)
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"today": "2026-06-30", "plans": 1, "waivers": [{
        "file": "accounts/acme.yaml", "line": 11, "column": 66, "checks": ["quote_below_floor"],
        "reason": "样板项目特批", "approver": "王总", "until": "2026-12-31", "days_left": 184, "expired": False,
        "malformed": []}]}


def test_waivers_reads_the_plans_check_reads(plans):
    write(plans, "样板项目特批 until=2026-12-31 by=王总")
    (plans / "accounts" / "gone.yaml").symlink_to("/nonexistent/plan.yaml")
    result = run("waivers", "--lang", "en", cwd=plans)
    assert result.returncode == 0
    assert result.stderr == "playbook: skipped accounts/gone.yaml: a symbolic link to nothing\n"
    for args in (["nowhere/"], ["--today", "2026-13-45"], ["--format", "xml"]):
        assert run("waivers", *args, cwd=plans).returncode == 2, args


def test_the_account_page_lists_its_active_waivers_and_the_check_page_its_plans(plans):
    text = PLAN.replace("  owner: zhang", "  owner: zhang  # playbook: ignore[visit_cadence] 旧的 until=2026-01-31 by=李总")
    text = text.replace(QUOTE, f"{QUOTE}  # playbook: ignore[quote_below_floor] **样板**<b>特批</b> "
                               "until=2026-12-31 by=王|总")
    path = plans / "accounts" / "acme.yaml"
    path.write_text(text, encoding="utf-8")
    rules, today = load_rules(), dt.date(2026, 11, 20)
    pages = build_pages(rules, [Checked(str(path), *Checker(rules, today).check_path(str(path)))], "en", today)
    account = pages["accounts/acme.md"]
    assert "| 11 | [No quote below the floor price](../checks/quote_below_floor.md) | " \
           "\\*\\*样板\\*\\*&lt;b&gt;特批&lt;/b&gt; | 王\\|总 | 2026-12-31 |" in account
    assert "旧的" not in account  # expired: no longer in force
    check_page = pages["checks/quote_below_floor.md"]
    assert "| [某某制造](../accounts/acme.md) | \\*\\*样板\\*\\*&lt;b&gt;特批&lt;/b&gt; | 王\\|总 | 2026-12-31 |" \
        in check_page
    assert "某某制造" not in pages["checks/visit_cadence.md"]


def test_a_baseline_entry_expires(plans):
    (plans / "accounts" / "acme.yaml").write_text(PLAN, encoding="utf-8")
    written = check(plans, "2026-06-30", "--baseline", "base.json", "--update-baseline", "--until", "2026-12-31")
    assert written.returncode == 0
    entries = json.loads((plans / "base.json").read_text(encoding="utf-8"))["findings"]
    assert {e["until"] for e in entries} == {"2026-12-31"}
    assert check(plans, "2026-12-31", "--baseline", "base.json").returncode == 0
    later = check(plans, "2027-01-01", "--baseline", "base.json")
    assert later.returncode == 1 and "[quote_below_floor]" in later.stdout
    assert "9 baseline entr(ies) have expired (their until has passed): their findings are reported again" \
        in later.stdout.splitlines()
    # An update keeps each entry's date (it never renews one) and stamps only the new ones.
    (plans / "accounts" / "acme.yaml").write_text(PLAN + "    goals: {goal_must: 120, goal_strive: 100}\n",
                                                  encoding="utf-8")
    assert check(plans, "2026-06-30", "--baseline", "base.json", "--update-baseline",
                 "--until", "2027-03-31").returncode == 0
    entries = json.loads((plans / "base.json").read_text(encoding="utf-8"))["findings"]
    assert {e["check"]: e["until"] for e in entries}["goal_tiers_ordered"] == "2027-03-31"
    assert sorted(e["until"] for e in entries).count("2026-12-31") == 9


def test_until_without_update_baseline_is_a_usage_error(plans):
    (plans / "accounts" / "acme.yaml").write_text(PLAN, encoding="utf-8")
    result = check(plans, "2026-06-30", "--baseline", "base.json", "--until", "2026-12-31")
    assert result.returncode == 2 and result.stderr.startswith("playbook: --until")


def test_a_baseline_entry_with_an_unreadable_until_says_what_to_write(plans):
    (plans / "accounts" / "acme.yaml").write_text(PLAN, encoding="utf-8")
    (plans / "base.json").write_text('{"version": 1, "findings": [{"fingerprint": "abc", "file": "accounts/acme.yaml",'
                                     ' "check": "quote_below_floor", "until": "31/12/2026"}]}', encoding="utf-8")
    result = check(plans, "2026-06-30", "--baseline", "base.json")
    assert result.returncode == 2
    assert result.stderr == ("base.json:1:1: the baseline entry of quote_below_floor in accounts/acme.yaml has "
                             "until '31/12/2026': write a date as YYYY-MM-DD\n")
