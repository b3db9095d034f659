"""The site is built aside and swapped in: a build that fails leaves the previous site as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.exceptions import Abort, PluginError

from generator import site_config

ROOT = Path(__file__).resolve().parent.parent
HOOK = str(ROOT / "generator" / "mkdocs_hook.py")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project of the sample plans, and a previous site in ./site."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLAYBOOK_TODAY", "2026-11-20")
    (tmp_path / "playbook.yaml").write_text(f"plans: ['{ROOT / 'accounts'}']\n", encoding="utf-8")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("the previous site", encoding="utf-8")
    (tmp_path / "site" / ".playbook-site").write_text("", encoding="utf-8")  # a site a build wrote
    return tmp_path


def _config(project: Path):
    return site_config.mkdocs_config(site_dir=str(project / "site"))


def test_a_failed_build_leaves_the_previous_site_untouched(project, monkeypatch):
    config = _config(project)

    def english_fails(config):
        raise PluginError("the English build failed")

    monkeypatch.setattr(config.hooks[HOOK], "_finish_english", english_fails)
    with pytest.raises(Abort):  # how MkDocs reports a plugin's error
        build(config)
    config.hooks[HOOK].on_shutdown()  # as `mkdocs build` does after a build, failed or not
    assert (project / "site" / "index.html").read_text(encoding="utf-8") == "the previous site"
    assert sorted(p.name for p in project.iterdir()) == ["playbook.yaml", "site"], "a half-built site was left"


def test_a_good_build_replaces_the_previous_site(project):
    build(_config(project))
    assert "the previous site" not in (project / "site" / "index.html").read_text(encoding="utf-8")
    assert (project / "site" / "en" / "index.html").is_file()
    assert sorted(p.name for p in project.iterdir()) == ["playbook.yaml", "site"]
