"""The thin MkDocs hook: check the plans, generate the pages in memory, build English beside Chinese.

One `mkdocs build` gives the whole site. This build is Chinese (the default, at the root); when
it starts, the hook starts the English build in a second process, into a directory beside the
site, and when it ends moves that into `en/`. Each language has its own navigation and its own
search index, and the two use both cores. Nothing generated is written into the source tree.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from generator import search
from generator.accounts import Checked
from generator.pages import build_pages, nav
from playbook import i18n
from playbook.checker import Checker
from playbook.cli import plan_files
from playbook.config import load_config
from playbook.problems import ProblemsError
from playbook.rulecache import cached_rules

LANG_ENV = "PLAYBOOK_SITE_LANG"  # "en" in the English build's process
TODAY_ENV = "PLAYBOOK_TODAY"
ENGLISH = """\
import sys, yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
config_file, site_dir = sys.argv[1:]
with open(config_file, encoding="utf-8") as f:
    theme = yaml.safe_load(f)["theme"]
build(load_config(config_file, site_dir=site_dir, theme={**theme, "language": "en"}))
"""
_state: dict = {}


def _today() -> dt.date:
    text = os.environ.get(TODAY_ENV)
    return dt.date.fromisoformat(text) if text else dt.date.today()


def on_config(config):
    lang = os.environ.get(LANG_ENV, "zh")
    rules, checked, today = _check(lang)
    _state["pages"] = build_pages(rules, checked, lang, today)
    config.nav = nav(rules, lang)
    if lang == "zh":
        search.segment_chinese(rules)
        _start_english(config, today)
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


def _start_english(config, today: dt.date) -> None:
    """Build the English site in a second process, into a directory beside the site."""
    site = Path(config.site_dir).resolve()
    site.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".playbook-en-", dir=site.parent))
    errors = open(work / "stderr.txt", "w+", encoding="utf-8")
    env = {**os.environ, LANG_ENV: "en", TODAY_ENV: today.isoformat()}
    process = subprocess.Popen([sys.executable, "-c", ENGLISH, config.config_file_path, str(work / "en")],
                               env=env, stdout=subprocess.DEVNULL, stderr=errors)
    _state["english"] = (process, work, errors)


def on_files(files: Files, config) -> Files:
    for path, markdown in _state["pages"].items():
        files.append(File.generated(config, path, content=markdown))
    return files


def on_post_build(config):
    if "english" not in _state:
        return
    process, work, errors = _state.pop("english")
    try:
        if process.wait() != 0:
            errors.seek(0)
            lines = errors.read().strip().splitlines()
            raise PluginError(f"English site: {lines[-1] if lines else 'the build failed'}")
        shutil.move(str(work / "en"), os.path.join(config.site_dir, "en"))
    finally:
        errors.close()
        shutil.rmtree(work, ignore_errors=True)


def on_shutdown():
    """A build stopped half-way (an error, Ctrl-C in `serve`) leaves no second process behind."""
    english = _state.pop("english", None)
    if english:
        english[0].kill()
        english[2].close()
        shutil.rmtree(english[1], ignore_errors=True)
