"""Shared helpers: a company project outside this repository; rule files written into a temporary
company directory and loaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from playbook.problems import ProblemsError
from playbook.ruleset import load_rules

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-20"
PLAN = "account: {id: ID, name: NAME, tier: key_account, owner: 李雷}\n"


def build_site(project: Path, site: Path, *args: str, **run) -> subprocess.CompletedProcess:
    """`playbook build` of ``project`` into ``site``, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "playbook", "build", "--today", TODAY, "--site-dir", str(site), *args],
                          cwd=project, capture_output=True, text=True, **run)


def make_project(work: Path) -> Path:
    """A company project, with no mkdocs.yml: plans (one with the id `index.html`, a malformed
    ACME.yaml beside a valid acme.yaml), a company rule directory, notes of its own."""
    (work / "accounts").mkdir(parents=True)
    (work / "company").mkdir()
    (work / "docs").mkdir()
    (work / "playbook.yaml").write_text("plans: [accounts]\nrules: [company]\n", encoding="utf-8")
    (work / "accounts" / "acme.yaml").write_text(PLAN.replace("ID", "acme").replace("NAME", "艾克米"), encoding="utf-8")
    (work / "accounts" / "ACME.yaml").write_text("account: {id: acme, name: [oops]}\n", encoding="utf-8")
    (work / "accounts" / "odd.yaml").write_text(PLAN.replace("ID", "index.html").replace("NAME", "奇怪"),
                                                encoding="utf-8")
    (work / "company" / "limits.yaml").write_text(
        "kind: receivables\nthresholds:\n  - id: long_overdue_days\n    value: 60\n", encoding="utf-8")
    (work / "accounts" / "loop.yaml").symlink_to("loop.yaml")
    (work / "docs" / "notes.md").write_text("our own notes\n", encoding="utf-8")
    (work / "notes.txt").write_text("a file\n", encoding="utf-8")
    return work


@pytest.fixture
def company(tmp_path, monkeypatch):
    """A function that writes {name: text} into ./company and loads it over the defaults.
    Returns the RuleSet, or the rendered English problems when loading fails."""
    monkeypatch.chdir(tmp_path)
    directory = tmp_path / "company"
    directory.mkdir()

    def load(files: dict[str, str]):
        for name, text in files.items():
            (directory / name).write_text(text, encoding="utf-8")
        try:
            return load_rules([Path("company")])
        except ProblemsError as e:
            return [p.render("en") for p in e.problems]

    return load


@pytest.fixture(autouse=True, scope="session")
def _rule_cache(tmp_path_factory):
    """The rule-set cache of every run in the suite goes to a temporary directory, not the user's."""
    import os

    os.environ["PLAYBOOK_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
