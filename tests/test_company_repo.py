"""Getting started in a company's own repository, exactly as the README says: install the package
(not editable), `playbook init`, then check, test, build with a company rule visible on the site,
`--against` over two commits and `--history` over a plan whose close date was pushed back.

The commands run in a temporary directory outside this repository, with only the installed copy
of the package importable."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

TODAY = "2026-11-20"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """`pip install .` of this repository into a directory of its own (its dependencies come from
    the test environment); the environment that makes only that copy importable."""
    target = tmp_path_factory.mktemp("installed")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(ROOT)], check=True, capture_output=True)
    return {**os.environ, "PYTHONPATH": str(target), "GIT_AUTHOR_NAME": "李雷", "GIT_AUTHOR_EMAIL": "li@example.com",
            "GIT_COMMITTER_NAME": "李雷", "GIT_COMMITTER_EMAIL": "li@example.com"}


def sh(command: str, cwd: Path, env: dict, date: str = "2026-11-01T09:00:00") -> subprocess.CompletedProcess:
    """A line of the README's recipe, run as a shell runs it (`playbook` is `python -m playbook`)."""
    env = {**env, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    command = re.sub(r"^playbook ", f"{sys.executable} -m playbook ", command)
    return subprocess.run(command, shell=True, cwd=cwd, env=env, capture_output=True, text=True)


def test_getting_started_in_a_company_repository(installed, tmp_path):
    env = installed
    where = sh(f"{sys.executable} -c 'import playbook; print(playbook.__file__)'", tmp_path, env)
    assert where.stdout.startswith(env["PYTHONPATH"]), where.stdout  # the installed copy, not the checkout

    result = sh("playbook init sales-playbook --lang en", tmp_path, env)
    assert result.returncode == 0, result.stderr
    repo = tmp_path / "sales-playbook"
    for name in ("playbook.yaml", "accounts/first_account.yaml", ".pre-commit-config.yaml",
                 ".github/workflows/playbook.yml", ".gitlab-ci.yml", ".gitignore", "company_rules/receivables.yaml"):
        assert (repo / name).is_file(), name
    assert sh("git init --quiet && git add . && git commit --quiet -m init", repo, env).returncode == 0

    result = sh(f"playbook check --today {TODAY} --lang en", repo, env)
    assert result.returncode == 0, result.stdout + result.stderr
    result = sh("playbook test --lang en", repo, env)
    assert result.returncode == 0 and re.search(r"\d+ passed, 0 failed", result.stdout), result.stdout

    # A receivable 70 days overdue is "short overdue" by the default (90 days): the finance
    # department's routine reminder fits. The company decides 60 days is long.
    plan = repo / "accounts" / "first_account.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "receivables:\n  - {id: inv1, amount: 50000, currency: CNY, "
                    "due_date: 2026-09-11, action: collect_finance_routine}\n", encoding="utf-8")
    assert sh("git commit --quiet -am 'an invoice'", repo, env).returncode == 0
    rules = repo / "company_rules" / "receivables.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("# thresholds:", "thresholds:")
                     .replace("#   - id: long_overdue_days", "  - id: long_overdue_days")
                     .replace("#     value: 60", "    value: 60"), encoding="utf-8")

    result = sh(f"playbook check --against HEAD --today {TODAY} --lang en", repo, env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 plan(s) go from passing to failing" in result.stdout
    assert "[collection_action_fits]" in result.stdout

    result = sh(f"playbook build --today {TODAY} --lang en", repo, env)
    assert result.returncode == 0, result.stderr
    receivables = (repo / "site" / "receivables" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'id="long_overdue_days".{0,1500}60', receivables, re.S)  # the company's threshold
    assert (repo / "site" / "en" / "accounts" / "first_account" / "index.html").is_file()

    # An opportunity whose expected close date is pushed back twice, and the reason never written.
    assert sh("git commit --quiet -am 'long overdue from 60 days'", repo, env).returncode == 0
    opportunity = "opportunities:\n  - {id: op1, name: 产线改造, stage: potential, expected_close: CLOSE}\n"
    text = plan.read_text(encoding="utf-8")
    for close, day in (("2026-09-30", "2026-07-01"), ("2026-10-31", "2026-08-01"), ("2026-12-31", "2026-09-01")):
        plan.write_text(text + opportunity.replace("CLOSE", close), encoding="utf-8")
        assert sh(f"git commit --quiet -am 'close {close}'", repo, env, date=f"{day}T09:00:00").returncode == 0
    result = sh(f"playbook check --history --today {TODAY} --lang en", repo, env)
    assert "warning [close_date_pushed_without_reason] the expected close date was pushed back 2 times " \
           "without a recorded reason (now 2026-12-31)" in result.stdout, result.stdout + result.stderr
