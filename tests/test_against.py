"""`playbook check --against REV`: what a change to rules, configuration or plans does to the
findings, in a git repository made for each test."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

TODAY = "2026-06-30"
LONG, SHORT = "collect_escalate_letters", "collect_finance_routine"  # the actions for 60 days overdue
SAID = {LONG: "Escalate the letters", SHORT: "Finance collects as usual"}  # as a finding names them


def plan(account: str, action: str) -> str:
    """A plan whose one receivable is 60 days overdue: long overdue when the threshold is 45, not at 90."""
    return (f"account: {{id: {account}, name: 某某制造, tier: ordinary_account, owner: zhang}}\n"
            f"receivables: [{{id: inv1, amount: 50000, currency: CNY, due_date: 2026-05-01, action: {action}}}]\n")


def limits(days: int) -> str:
    return f"kind: receivables\nthresholds:\n  - id: long_overdue_days\n    value: {days}\n"


def git(*args, cwd) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def check(*args, cwd, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "playbook.cli", "check", "--today", TODAY, *args],
                          cwd=cwd, capture_output=True, text=True, env=environment)


@pytest.fixture
def repo(tmp_path):
    """A company repository, committed and tagged `base`: overdue from 45 days; a, b and c pass,
    e has the wrong action, d (a key account never visited) has a warning."""
    (tmp_path / "accounts").mkdir()
    (tmp_path / "company").mkdir()
    (tmp_path / "playbook.yaml").write_text("rules: [company]\nplans: [accounts]\n", encoding="utf-8")
    (tmp_path / "company" / "limits.yaml").write_text(limits(45), encoding="utf-8")
    for name in "abc":
        (tmp_path / "accounts" / f"{name}.yaml").write_text(plan(name, LONG), encoding="utf-8")
    (tmp_path / "accounts" / "d.yaml").write_text(
        "account: {id: d, name: 某某制造, tier: key_account, owner: zhang}\n", encoding="utf-8")
    (tmp_path / "accounts" / "e.yaml").write_text(plan("e", SHORT), encoding="utf-8")
    git("init", "-q", cwd=tmp_path)
    for key, value in (("user.name", "Test"), ("user.email", "test@example.com"), ("commit.gpgsign", "false")):
        git("config", key, value, cwd=tmp_path)
    git("add", ".", cwd=tmp_path)
    git("commit", "-q", "-m", "base", cwd=tmp_path)
    git("tag", "base", cwd=tmp_path)
    return tmp_path


def head(repo) -> str:
    return git("rev-parse", "HEAD", cwd=repo).strip()[:12]


def test_a_rule_change_lists_the_findings_it_brings_and_the_plans_it_turns_red(repo):
    (repo / "company" / "limits.yaml").write_text(limits(90), encoding="utf-8")  # 60 days: no longer long
    status = git("status", "--porcelain", "--ignored", cwd=repo)
    result = check("--against", "base", "--lang", "en", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f"against base ({head(repo)}): 3 new finding(s), 1 resolved, 1 unchanged",
        "3 plan(s) go from passing to failing, 1 from failing to passing (failing at error or above)",
        "",
        "[collection_action_fits] The collection action fits its quadrant: 3 new, 1 resolved  "
        "site/checks/collection_action_fits/",
        *(f"  + accounts/{name}.yaml:2:86: error 60 days overdue, amount 50,000 CNY: its quadrant calls for '{SAID[SHORT]}'"
          for name in "abc"),
        f"  - accounts/e.yaml:2:86: error 60 days overdue, amount 50,000 CNY: its quadrant calls for '{SAID[LONG]}'",
    ]
    # The working tree, the index, the refs and the worktrees are as they were.
    assert git("status", "--porcelain", "--ignored", cwd=repo) == status
    assert len(git("worktree", "list", cwd=repo).splitlines()) == 1
    assert git("tag", cwd=repo) == "base\n"

    zh = check("--against", "base", "--lang", "zh", cwd=repo).stdout.splitlines()
    assert zh[:2] == [f"与 base（{head(repo)}）相比：新增 3 条发现，消除 1 条，未变 1 条",
                      "3 个计划由通过变为不通过，1 个由不通过变为通过（错误及以上算不通过）"]
    assert zh[3] == "[collection_action_fits] 催收方式要符合象限：新增 3 条，消除 1 条  site/checks/collection_action_fits/"


def test_a_plan_fix_lists_the_findings_it_resolves(repo):
    (repo / "accounts" / "e.yaml").write_text(plan("e", LONG), encoding="utf-8")
    result = check("--against", "base", "--lang", "en", cwd=repo)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[:2] == [f"against base ({head(repo)}): 0 new finding(s), 1 resolved, 1 unchanged",
                         "0 plan(s) go from passing to failing, 1 from failing to passing (failing at error or above)"]
    assert lines[-1] == f"  - accounts/e.yaml:2:86: error 60 days overdue, amount 50,000 CNY: its quadrant calls for '{SAID[LONG]}'"


def test_lines_that_move_change_nothing(repo):
    for name in "de":
        path = repo / "accounts" / f"{name}.yaml"
        path.write_text("# 2026 年计划\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    result = check("--against", "base", "--lang", "en", cwd=repo)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        f"against base ({head(repo)}): 0 new finding(s), 0 resolved, 2 unchanged",
        "0 plan(s) go from passing to failing, 0 from failing to passing (failing at error or above)"]


def test_plans_added_and_removed_between_two_commits(repo):
    (repo / "accounts" / "e.yaml").unlink()
    (repo / "accounts" / "f.yaml").write_text(plan("f", SHORT), encoding="utf-8")
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "f replaces e", cwd=repo)
    result = check("--against", "HEAD~1", "--lang", "en", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.splitlines()[1:] == [
        "0 plan(s) go from passing to failing, 0 from failing to passing (failing at error or above)",
        "1 plan(s) added (1 failing), 1 removed (1 were failing)",
        "",
        "[collection_action_fits] The collection action fits its quadrant: 1 new, 1 resolved  "
        "site/checks/collection_action_fits/",
        f"  + accounts/f.yaml:2:86: error 60 days overdue, amount 50,000 CNY: its quadrant calls for '{SAID[LONG]}'",
        f"  - accounts/e.yaml:2:86: error 60 days overdue, amount 50,000 CNY: its quadrant calls for '{SAID[LONG]}'",
    ]


def test_from_a_subdirectory_with_a_rule_directory_the_change_adds(repo):
    team = repo / "team"
    (team / "accounts").mkdir(parents=True)
    (team / "accounts" / "t.yaml").write_text(plan("t", SHORT), encoding="utf-8")
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "a team of its own", cwd=repo)
    (team / "rules").mkdir()
    (team / "rules" / "limits.yaml").write_text(limits(45), encoding="utf-8")  # REV has no team/rules
    result = check("--against", "HEAD", "--rules", str(team / "rules"), "--lang", "en", str(team / "accounts"),
                   cwd=team)  # named absolutely: each side reads its own copy, both show it alike
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[-1] == \
        f"  + accounts/t.yaml:2:86: error 60 days overdue, amount 50,000 CNY: its quadrant calls for '{SAID[LONG]}'"


def test_the_configuration_of_each_side_is_its_own(repo):
    """A check made an error in playbook.yaml: its warnings end, errors come, and the plan goes red."""
    (repo / "playbook.yaml").write_text("rules: [company]\nplans: [accounts]\n"
                                        "severity: {key_account_never_visited: error}\n", encoding="utf-8")
    result = check("--against", "base", "--lang", "en", "--format", "json", cwd=repo)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert [(f["file"], f["severity"]) for f in report["new"]] == [("accounts/d.yaml", "error")]
    assert [(f["file"], f["severity"]) for f in report["resolved"]] == [("accounts/d.yaml", "warning")]
    assert report["plans"] == [{"file": "accounts/d.yaml", "before": "passing", "after": "failing"}]
    assert (report["against"], report["fail_on"], report["unchanged"]) == ("base", "error", 1)


def test_markdown_is_appended_to_the_github_step_summary(repo):
    (repo / "company" / "limits.yaml").write_text(limits(90), encoding="utf-8")
    (repo / "accounts" / "g.yaml").write_text(plan("g", "\"```</details> @here [x](http://e.example)\""),
                                              encoding="utf-8")
    summary = repo.parent / "summary.md"
    summary.write_text("an earlier step\n", encoding="utf-8")
    result = check("--against", "base", "--lang", "zh", cwd=repo, GITHUB_STEP_SUMMARY=str(summary))
    assert result.returncode == 1
    assert result.stdout.startswith(f"与 base（{head(repo)}）相比：")  # the text still goes to stdout
    markdown = check("--against", "base", "--lang", "zh", "--format", "markdown", cwd=repo).stdout
    assert summary.read_text(encoding="utf-8") == "an earlier step\n" + markdown
    lines = markdown.splitlines()
    assert lines[:5] == ["### Playbook：这次改动的影响", "",
                         f"- 与 ` base `（` {head(repo)} `）相比：新增 4 条发现，消除 1 条，未变 1 条",
                         "- 3 个计划由通过变为不通过，1 个由不通过变为通过（错误及以上算不通过）",
                         "- 新增 1 个计划（1 个不通过），删去 0 个（0 个原本不通过）"]
    assert "#### ` collection_action_fits ` 催收方式要符合象限：新增 3 条，消除 1 条" in lines
    assert "+ accounts/a.yaml:2:86: 错误 逾期 60 天、金额 50,000 元：应采用“财务正常催收”" in lines
    # Plan text is quoted only inside ```diff blocks, on lines that cannot end them.
    inside = False
    for line in lines:
        if line in ("```diff", "```"):
            inside = line == "```diff"
        elif inside:
            assert line.startswith(("+ ", "- ", "… ")), line
        else:
            assert "@here" not in line and "</details>" not in line
    assert not inside


def test_an_absolute_site_url_links_each_check_in_markdown(repo):
    (repo / "company" / "limits.yaml").write_text(limits(90), encoding="utf-8")
    result = check("--against", "base", "--lang", "en", "--format", "markdown",
                   "--site-url", "https://playbook.example/", cwd=repo)
    assert "#### [` collection_action_fits `](<https://playbook.example/checks/collection_action_fits/>) " \
           "The collection action fits its quadrant: 3 new, 1 resolved" in result.stdout.splitlines()


def test_github_annotations_mark_only_the_new_findings(repo):
    (repo / "company" / "limits.yaml").write_text(limits(90), encoding="utf-8")
    result = check("--against", "base", "--lang", "en", "--format", "github", cwd=repo)
    assert [line.split(",")[0] for line in result.stdout.splitlines()] == [
        f"::error file=accounts/{name}.yaml" for name in "abc"]
    under_actions = check("--against", "base", "--lang", "en", cwd=repo, GITHUB_ACTIONS="true").stdout
    assert under_actions.startswith("against base") and under_actions.endswith(result.stdout)  # text, then those


@pytest.mark.parametrize("args, env, said", [
    (["--against", "base"], {"GIT_CEILING_DIRECTORIES": "CEILING"},
     "playbook: the working directory is not in a git repository, so --against has nothing to compare with "
     "(git: not a git repository"),
    (["--against", "nope"], {}, "playbook: there is no revision nope in this git repository "
                                "(in a shallow clone, git fetch it first)"),
    (["--against=--help"], {}, "playbook: there is no revision --help in this git repository"),
    (["--against", "base"], {"PATH": "EMPTY"},
     "playbook: git cannot be found: --against needs it to take out the revision to compare with"),
    (["--against", "base", "--baseline", "base.json"], {},
     "playbook: --against compares two revisions and does not combine with --baseline or --update-baseline"),
    (["--against", "base", "--format", "sarif"], {},
     "playbook: --against writes text, markdown, json or github, not sarif"),
    (["--format", "markdown"], {}, "playbook: --format markdown describes a change: use it with --against REV"),
])
def test_what_cannot_be_compared_is_one_line_and_exit_2(repo, tmp_path_factory, args, env, said):
    where = repo
    if env.get("GIT_CEILING_DIRECTORIES"):
        where = tmp_path_factory.mktemp("plain")  # outside any repository
        (where / "accounts").mkdir()
        (where / "accounts" / "a.yaml").write_text(plan("a", LONG), encoding="utf-8")
        env = {"GIT_CEILING_DIRECTORIES": str(where.parent)}
    if env.get("PATH"):
        env = {"PATH": str(tmp_path_factory.mktemp("empty"))}
    result = check(*args, "--lang", "en", cwd=where, **env)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(said), result.stderr
