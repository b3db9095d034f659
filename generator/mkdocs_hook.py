"""The thin MkDocs hook: check the plans, generate the pages in memory, build English beside Chinese.

One `mkdocs build` gives the whole site: this build is Chinese (the default, at the root), and
after it the hook builds the same site in English into `en/`, each with its own navigation and
its own search index. Nothing generated is written into the source tree.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import yaml

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

import generator
from generator import search
from generator.accounts import Checked
from generator.pages import build_pages, nav
from playbook import i18n
from playbook.checker import Checker
from playbook.cli import plan_files
from playbook.config import load_config
from playbook.problems import ProblemsError
from playbook.rulecache import cached_rules

LANG_ENV = "PLAYBOOK_SITE_LANG"  # set for the nested English build
_state: dict = {}


def _today() -> dt.date:
    text = os.environ.get("PLAYBOOK_TODAY")
    return dt.date.fromisoformat(text) if text else dt.date.today()


def on_config(config):
    lang = os.environ.get(LANG_ENV, "zh")
    if lang == "en":  # the nested English build: the plans were checked once, for both languages
        rules, checked, today = generator.english_inputs
    else:
        rules, checked, today = _check(lang)
        search.segment_chinese(rules)
    _state.update(pages=build_pages(rules, checked, lang, today), lang=lang, inputs=(rules, checked, today))
    config.nav = nav(rules, lang)
    return config


def _check(lang: str):
    """The rules, every plan checked, and the date taken as today."""
    try:
        settings = load_config()
        rules = cached_rules([Path(p) for p in settings.rules])
    except ProblemsError as e:  # the same one-line errors as `playbook rules`, no traceback
        raise PluginError("\n".join(p.render(lang) for p in e.problems)) from None
    files = plan_files([Path(p) for p in settings.plans] or [Path("accounts")])
    if isinstance(files, str):
        raise PluginError(i18n.text("cli_no_such_path", lang, path=files))
    today = _today()
    checker = Checker(rules, today, settings.severity, settings.disable)
    return rules, [Checked(path, *checker.check_path(path)) for path in files], today


def on_files(files: Files, config) -> Files:
    for path, markdown in _state["pages"].items():
        files.append(File.generated(config, path, content=markdown))
    return files


def on_post_build(config):
    if _state.get("lang") != "zh":
        return
    from mkdocs.commands.build import build
    from mkdocs.config import load_config as load_mkdocs_config

    os.environ[LANG_ENV] = "en"
    generator.english_inputs = _state["inputs"]  # MkDocs loads this hook anew for the nested build
    try:
        with open(config.config_file_path, encoding="utf-8") as f:
            theme = yaml.safe_load(f)["theme"]
        english = load_mkdocs_config(config.config_file_path, site_dir=os.path.join(config.site_dir, "en"),
                                     theme={**theme, "language": "en"})
        build(english)
    finally:
        del os.environ[LANG_ENV]
        del generator.english_inputs
