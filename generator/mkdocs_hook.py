"""The thin MkDocs hook: check the plans, generate the pages in memory, build English beside Chinese.

One `mkdocs build` gives the whole site. This build is Chinese (the default, at the root); when
it starts, the hook starts the English build in a second process, into a directory beside the
site, and when it ends moves that into `en/`. Each language has its own navigation and its own
search index, and the two use both cores. Nothing generated is written into the source tree.

The site is built aside, in a directory next to it, and swapped in only when the whole build has
succeeded: a failed build leaves the previous site as it was.
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
from markupsafe import Markup, escape
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from generator import search
from generator.accounts import Checked
from generator.pages import build_pages, nav
from playbook.checker import Checker
from playbook.config import load_config
from playbook.paths import PlanPathError, plan_files
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
    today = _today()
    _date_from(today)
    if lang == "zh":  # first: the English build checks and generates alongside, on the other core
        _build_aside(config)
        _start_english(config, today)
    rules, checked = _check(lang, today)
    _state["pages"] = build_pages(rules, checked, lang, today)
    config.nav = nav(rules, lang)
    if lang == "zh":
        search.segment_chinese(rules)
    return config


def _date_from(today: dt.date) -> None:
    """The dates MkDocs writes (the sitemap's, its gzip header's) are the build's today, not the
    clock's: two builds of the same input are byte-identical. A SOURCE_DATE_EPOCH given wins."""
    if "SOURCE_DATE_EPOCH" not in os.environ:
        midnight = dt.datetime.combine(today, dt.time(), dt.timezone.utc)
        os.environ["SOURCE_DATE_EPOCH"] = str(int(midnight.timestamp()))


def _build_aside(config) -> None:
    """Point the build at a new directory beside the site; on_post_build swaps it in."""
    site = Path(config.site_dir).resolve()
    site.parent.mkdir(parents=True, exist_ok=True)
    _state["site"] = (site, Path(tempfile.mkdtemp(prefix=f".{site.name}-new-", dir=site.parent)))
    config.site_dir = str(_state["site"][1])


def _swap_in() -> Path:
    """Put the new site where the old one was, then remove the old one."""
    site, new = _state.pop("site")
    old = site.with_name(f".{site.name}-old-{os.getpid()}")
    if site.exists():
        site.rename(old)
    new.rename(site)
    shutil.rmtree(old, ignore_errors=True)
    return site


def _check(lang: str, today: dt.date):
    """The rules, and every plan checked as of ``today``."""
    try:
        settings = load_config()
        rules = cached_rules([Path(p) for p in settings.rules])
    except ProblemsError as e:  # the same one-line errors as `playbook rules`, no traceback
        raise PluginError("\n".join(p.render(lang) for p in e.problems)) from None
    try:
        files = plan_files([Path(p) for p in settings.plans] or [Path("accounts")])
    except PlanPathError as e:
        raise PluginError(e.render(lang)) from None
    checker = Checker(rules, today, settings.severity, settings.disable)
    return rules, [Checked(path, *checker.check_path(path)) for path in files]


def _start_english(config, today: dt.date) -> None:
    """Build the English site in a second process, into a directory beside the site (which
    _build_aside has made sure exists)."""
    work = Path(tempfile.mkdtemp(prefix=".playbook-en-", dir=Path(config.site_dir).parent))
    errors = open(work / "stderr.txt", "w+", encoding="utf-8")
    env = {**os.environ, LANG_ENV: "en", TODAY_ENV: today.isoformat()}
    process = subprocess.Popen([sys.executable, "-c", ENGLISH, config.config_file_path, str(work / "en")],
                               env=env, stdout=subprocess.DEVNULL, stderr=errors)
    _state["english"] = (process, work, errors)


def on_files(files: Files, config) -> Files:
    for path, markdown in _state["pages"].items():
        files.append(File.generated(config, path, content=markdown))
    return files


def on_page_content(html, page, config, files):
    """Material writes a page's title into <title> through ``striptags``, which turns ``&lt;`` back
    into ``<``: plan text in a heading could close the title and run a script. It gets the title
    as escaped text instead."""
    if page.title and "title" not in page.meta and not page.is_homepage:
        page.meta["title"] = str(escape(Markup(page.title).striptags()))
    return html


def on_post_build(config):
    if "english" in _state:
        _finish_english(config)
    if "site" in _state:
        config.site_dir = str(_swap_in())


def _finish_english(config) -> None:
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


def on_build_error(error):
    """A failed build leaves no second process and no half-built site behind; the previous site stays."""
    english = _state.pop("english", None)
    if english:
        english[0].kill()
        english[2].close()
        shutil.rmtree(english[1], ignore_errors=True)
    site = _state.pop("site", None)
    if site:
        shutil.rmtree(site[1], ignore_errors=True)


def on_shutdown():
    """The same when `serve` stops half-way through a build (Ctrl-C)."""
    on_build_error(None)
