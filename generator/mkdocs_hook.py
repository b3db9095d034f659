"""The thin MkDocs hook: check the plans, generate the pages in memory, build English beside Chinese.

One `mkdocs build` gives the whole site. This build is Chinese (the default, at the root); when
it starts, the hook starts the English build in a second process, and when it ends moves that
into `en/`. Each language has its own navigation and its own search index, and the two use both
cores. Nothing generated is written into the source tree.

The site is built aside and swapped in only when the whole build has succeeded (``site_dir``): a
failed or interrupted build leaves the previous site as it was, and nothing beside it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

from markupsafe import Markup, escape
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from generator import search, site_config, site_dir, sitemap
from generator.accounts import Checked
from generator.pages import build_pages, nav
from playbook import history, i18n
from playbook.checker import Checker
from playbook.paths import PlanPathError, plan_files
from playbook.problems import ProblemsError
from playbook.rulecache import cached_rules
from playbook.ruleset import default_rules_dir

LANG_ENV = "PLAYBOOK_SITE_LANG"  # "en" in the English build's process
TODAY_ENV = "PLAYBOOK_TODAY"
MESSAGES_ENV = "PLAYBOOK_LANG"  # the language of the build's own messages (the CLI's --lang)
PREVIEW_ENV = "PLAYBOOK_PREVIEW"  # "1" in a preview worker (generator/preview.py): one language, no swap
# The dates a site carries (its sitemap's, its gzip headers') must fit in gzip's 32-bit field.
FIRST_DAY, LAST_DAY = dt.date(1970, 1, 1), dt.date(2106, 2, 6)
EN_WORK = ".en-build"  # inside the new site, where the English build writes (MkDocs leaves dot names)
ENGLISH = """\
import logging, os, sys, threading
from mkdocs.commands.build import build
from generator.site_config import mkdocs_config
from generator.mkdocs_hook import UNRESOLVED, UNRESOLVED_MARK
links = logging.StreamHandler(sys.stderr)  # the links MkDocs cannot resolve, marked for the parent
links.setFormatter(logging.Formatter(UNRESOLVED_MARK + "%(message)s"))
links.setLevel(logging.WARNING)
logging.getLogger(UNRESOLVED).addHandler(links)
def orphaned():  # the parent closes our stdin when it ends, or when it is killed: stop then too
    while os.read(0, 4096):  # the raw descriptor: a buffered reader's lock would stall our exit
        pass
    os._exit(1)
threading.Thread(target=orphaned, daemon=True).start()
build(mkdocs_config(language="en", site_dir=sys.argv[1]))
"""
_state: dict = {}
log = logging.getLogger("mkdocs.plugins.playbook")
# MkDocs' link, anchor and navigation checks (validation: in the site's mkdocs.yml) log here: what
# `mkdocs build --strict` fails on. A build with any of them fails too, before the site is swapped in.
UNRESOLVED = "mkdocs.structure"
UNRESOLVED_MARK = "playbook-unresolved: "  # how the English build hands them to this one


class _Unresolved(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _messages_lang() -> str:
    return os.environ.get(MESSAGES_ENV) or i18n.default_lang()


def _error(code: str, **params) -> PluginError:
    return PluginError(i18n.text(code, _messages_lang(), **params))


def _today() -> dt.date:
    text = os.environ.get(TODAY_ENV)
    try:
        today = dt.date.fromisoformat(text) if text else dt.date.today()
    except ValueError:
        raise _error("site_bad_today", value=text) from None
    if not FIRST_DAY <= today <= LAST_DAY:
        raise _error("site_today_out_of_range", value=today.isoformat(), first=FIRST_DAY.isoformat(),
                     last=LAST_DAY.isoformat())
    return today


def on_startup(command, dirty):
    """A build stopped by SIGTERM (as `timeout` and service managers send) cleans up like one
    stopped by Ctrl-C: the signal becomes an exception, and on_shutdown runs."""
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        _state["sigterm"] = signal.signal(signal.SIGTERM, _terminate)


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def on_config(config):
    lang = os.environ.get(LANG_ENV, "zh")
    _watch_links()
    today = _today()
    _date_from(today)
    settings = _settings()
    plans = [Path(p) for p in settings.plans] or [Path("accounts")]
    layers = site_config.rule_layers(settings)
    own = site_config.pages_dir(Path.cwd(), settings)
    _state["own_pages"] = (own, _own_pages(own))
    if lang == "zh" and not os.environ.get(PREVIEW_ENV):  # first: the English build checks and generates alongside
        _build_aside(config, [*plans, *layers, default_rules_dir(), *([own] if own else [])])
        _start_english(config, today)
    rules, checked = _check(settings, layers, plans, lang, today)
    _state["pages"] = build_pages(rules, checked, lang, today)
    _state["rules"], _state["checked"], _state["today"] = rules, checked, today  # kept for a preview worker
    config.nav = nav(rules, lang) + [name for name in _state["own_pages"][1] if name.endswith(".md")]
    search.segment_chinese(rules)  # the Chinese names in English pages too
    _state["other_names"] = search.other_names(rules, lang)
    return config


def _date_from(today: dt.date) -> None:
    """The dates MkDocs writes (the sitemap's, its gzip header's) are the build's today, not the
    clock's: two builds of the same input are byte-identical. A SOURCE_DATE_EPOCH given wins."""
    if "SOURCE_DATE_EPOCH" not in os.environ:
        midnight = dt.datetime.combine(today, dt.time(), dt.timezone.utc)
        os.environ["SOURCE_DATE_EPOCH"] = str(int(midnight.timestamp()))


def _build_aside(config, inputs: list[Path]) -> None:
    """Point the build at a new directory beside the site, once the site directory is one that
    may be replaced; on_post_build swaps it in."""
    site = Path(config.site_dir)
    inputs += [Path(config.docs_dir), *(Path(d) for d in config.theme.dirs[:1])]
    try:
        site = site.resolve()
        site_dir.guard(site, inputs, Path.cwd())
        _state["site"] = site_dir.Aside(site)
    except site_dir.SiteDirError as e:
        raise PluginError(e.render(_messages_lang())) from None
    except (OSError, RuntimeError) as e:  # RuntimeError: a symbolic link loop
        raise _error("site_dir_unusable", path=str(site), detail=getattr(e, "strerror", None) or str(e)) from None
    config.site_dir = str(_state["site"].path)


def _settings():
    try:
        return site_config.settings()
    except ProblemsError as e:  # the same one-line errors as `playbook check`, no traceback
        raise PluginError("\n".join(p.render(_messages_lang()) for p in e.problems)) from None


def _own_pages(directory: Path | None) -> list[str]:
    """The company's own pages and images: each file's path in its directory, dot files left out."""
    if directory is None:
        return []
    if not directory.is_dir():
        raise _error("site_pages_missing", path=str(directory))
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in p.relative_to(directory).parts))


def _check(settings, layers: list[Path], plans: list[Path], lang: str, today: dt.date):
    """The rules, and every plan checked as of ``today``."""
    try:
        rules = cached_rules(layers)
    except ProblemsError as e:
        raise PluginError("\n".join(p.render(_messages_lang()) for p in e.problems)) from None
    try:
        found = plan_files(plans)
    except PlanPathError as e:
        raise PluginError("\n".join(e.lines(_messages_lang()))) from None
    if lang == "zh":  # said once, not by both builds
        for skipped in found.skipped:
            log.warning(skipped.render(_messages_lang()))
    trails = _history(found.files, lang) if os.environ.get(site_config.HISTORY_ENV) else None
    checker = Checker(rules, today, settings.severity, settings.disable, trails=trails)
    _state["checker"] = checker if trails is None else None  # a preview worker re-checks an edited plan (no history)
    return rules, [Checked(path, *checker.check_path(path), trails=None if trails is None else trails.get(path, {}))
                   for path in found.files]


def _history(files: list[str], lang: str) -> dict | None:
    """Each plan's history in git (--history); without it, said once, and the site is built without."""
    try:
        return history.read(files)
    except history.Unavailable as e:
        if lang == "zh":
            log.warning(i18n.text(e.code, _messages_lang(), **e.params))
        return None


def _start_english(config, today: dt.date) -> None:
    """Build the English site in a second process, into the new site's EN_WORK. It shares the new
    site's lock and the process group (Ctrl-C and `timeout` reach it too), and stops when this
    process ends, however it ends."""
    aside = _state["site"]
    work = aside.path / EN_WORK
    work.mkdir()
    errors = open(work / "stderr.txt", "w+", encoding="utf-8")
    env = {**os.environ, LANG_ENV: "en", TODAY_ENV: today.isoformat()}
    process = subprocess.Popen([sys.executable, "-c", ENGLISH, str(work / "en")],
                               env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors,
                               pass_fds=(aside.lock,))
    _state["english"] = (process, work, errors)


def on_files(files: Files, config) -> Files:
    for path, markdown in _state["pages"].items():
        files.append(File.generated(config, path, content=markdown))
    directory, names = _state["own_pages"]
    for name in names:  # the company's: never in place of a generated page
        if name in _state["pages"]:
            log.warning(i18n.text("site_page_taken", _messages_lang(), path=name))
            continue
        files.append(File(name, src_dir=str(directory), dest_dir=config.site_dir,
                          use_directory_urls=config.use_directory_urls))
    return files


def on_page_content(html, page, config, files):
    """Material writes a page's title into <title> through ``striptags``, which turns ``&lt;`` back
    into ``<``: plan text in a heading could close the title and run a script. It gets the title
    as escaped text instead."""
    if page.title and "title" not in page.meta and not page.is_homepage:
        page.meta["title"] = str(escape(Markup(page.title).striptags()))
    return html


def _watch_links() -> None:
    """Count the links MkDocs cannot resolve in this build (a rebuild of `serve` starts again)."""
    _stop_watching_links()
    _state["unresolved"] = _Unresolved()
    logging.getLogger(UNRESOLVED).addHandler(_state["unresolved"])


def _stop_watching_links() -> None:
    handler = _state.pop("unresolved", None)
    if handler is not None:
        logging.getLogger(UNRESOLVED).removeHandler(handler)


def finish_search(site_dir: str) -> None:
    """What the site's search index gets after the search plugin wrote it (a preview worker too)."""
    search.finish_index(site_dir, _state["other_names"])


def on_post_build(config):
    finish_search(config.site_dir)
    unresolved = list(_state["unresolved"].messages) if "unresolved" in _state else []
    if "english" in _state:  # what only the English pages lack (a company page is in both: said once)
        english = [m for m in _finish_english(config) if m not in unresolved]
        for message in english:
            log.warning(f"en: {message}")
        unresolved += english
    if unresolved and os.environ.get(LANG_ENV, "zh") == "zh":  # the English build hands its own over
        raise _error("site_unresolved_links", count=len(unresolved), first=unresolved[0])
    if "site" in _state:
        config.site_dir = str(_state.pop("site").swap_in())


def _finish_english(config) -> list[str]:
    """Wait for the English site and move it in; the links it could not resolve."""
    process, work, errors = _state.pop("english")
    try:
        failed = process.wait() != 0
        errors.seek(0)
        lines = errors.read().strip().splitlines()
        if failed:
            raise PluginError(f"English site: {lines[-1] if lines else 'the build failed'}")
        os.rename(work / "en", Path(config.site_dir, "en"))
        sitemap.include(Path(config.site_dir), "en")
        return [line.removeprefix(UNRESOLVED_MARK) for line in lines if line.startswith(UNRESOLVED_MARK)]
    finally:
        process.stdin.close()
        errors.close()
        shutil.rmtree(work, ignore_errors=True)


def on_build_error(error):
    """A failed build leaves no second process and no half-built site behind; the previous site stays."""
    english = _state.pop("english", None)
    if english:
        english[0].kill()
        english[0].wait()
        english[0].stdin.close()
        english[2].close()
    site = _state.pop("site", None)
    if site:
        site.discard()


def on_shutdown():
    """The same when a build stops half-way (Ctrl-C, SIGTERM, `serve` ending); SIGTERM is as before."""
    on_build_error(None)
    _stop_watching_links()
    if "sigterm" in _state:
        signal.signal(signal.SIGTERM, _state.pop("sigterm"))
