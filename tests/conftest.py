"""Shared helpers: write rule files into a temporary company directory and load them."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook.problems import ProblemsError
from playbook.ruleset import load_rules


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
