"""`playbook serve` that keeps up with typing: an edited plan re-renders only the pages it changes.

The preview starts with a full build (both languages, swapped in as `playbook build` does it). Then
one worker process per language loads what that build knew (the rules, every plan checked, every
page's Markdown, MkDocs' files, navigation and theme) and waits. When only plans changed, each
worker re-checks them and

1. re-renders each edited plan's own page at once (the page the salesperson is looking at: the
   server shows it as soon as this step is done), then
2. generates every page again, re-renders those whose Markdown changed (the accounts index, the
   dashboards, a check's waivers...) and puts their entries into the search index.

What the workers write is what a full build of the same input writes, byte for byte. Anything else
(a rule, the configuration, a template, a plan added, removed or renamed, a page that appears or
goes, a link that does not resolve) and any failure of a worker gives a full build instead.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import watchdog.events
from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.exceptions import MkDocsException
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import get_files, set_exclusions
from mkdocs.structure.nav import get_navigation
from mkdocs.structure.pages import Page

from . import search, site_config
from .accounts import Checked, page_id
from .mkdocs_hook import LANG_ENV, PREVIEW_ENV, TODAY_ENV
from .pages import account_page, build_pages

LANGUAGES = {"zh": "", "en": "en"}  # each language's folder in the site, as the hook builds them
HOOK = Path(__file__).with_name("mkdocs_hook.py")
log = logging.getLogger("mkdocs.plugins.playbook")


class WorkerFailed(Exception):
    """A worker could not bring its language up to date: a full build does it instead."""


def serve(host: str, port: int, build) -> None:
    """Build the site into a directory of its own, serve it there and keep it up to date.
    ``build(site_dir)`` is the full build, as `playbook build` runs it."""
    site = Path(tempfile.mkdtemp(prefix="playbook-preview-"))
    config = site_config.mkdocs_config(site_dir=str(site))
    preview = Preview(build, site)
    server = Server(builder=preview.rebuild, host=host, port=port, root=str(site),
                    mount_path=urlsplit(config.site_url or "/").path)
    server.error_handler = lambda code: _error_page(site, code)
    preview.server = server
    try:
        preview.full()
        for path in [config.docs_dir, config.config_file_path, *config.watch]:
            server.watch(path)
        server.serve()
    finally:
        server.shutdown()
        preview.stop()
        shutil.rmtree(site, ignore_errors=True)


def _error_page(site: Path, code: int) -> bytes | None:
    """The site's own 404 page, as `mkdocs serve` shows it."""
    page = site / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None


class Server(LiveReloadServer):
    """MkDocs' preview server, which also keeps which files changed (its own says only that some did)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._changes: set[str] = set()
        self._changes_lock = threading.Lock()

    def watch(self, path: str, func=None, *, recursive: bool = True) -> None:
        super().watch(path, func, recursive=recursive)
        handler = watchdog.events.FileSystemEventHandler()
        handler.on_any_event = self._note
        self.observer.schedule(handler, os.path.abspath(path), recursive=recursive)

    def _note(self, event) -> None:
        if not event.is_directory:
            with self._changes_lock:
                self._changes.update(p for p in (event.src_path, getattr(event, "dest_path", "")) if p)

    def take_changes(self) -> list[str]:
        with self._changes_lock:
            changes, self._changes = sorted(self._changes), set()
        return changes

    def request_rebuild(self) -> None:
        """Rebuild as if a file had changed (what the server's own watch does)."""
        with self._rebuild_cond:
            self._want_rebuild = True
            self._rebuild_cond.notify_all()


class Preview:
    """The served site: built whole, then kept up to date by the workers where they can."""

    def __init__(self, build, site: Path):
        self.build, self.site = build, site
        self.server: Server | None = None
        self.workers: list[Worker] = []
        self.settled = threading.Event()  # the workers' second steps are done
        self.settled.set()
        self.stale = False  # a second step failed: what the workers hold is not the site

    def full(self) -> None:
        self.stop()
        self.build(str(self.site))
        today = os.environ.get(TODAY_ENV) or dt.date.today().isoformat()  # the day the hook built for
        self.workers = [Worker(lang, self.site / folder, today) for lang, folder in LANGUAGES.items()]
        self.stale = False

    def rebuild(self) -> None:
        """The server's builder: the workers when only plans changed, else a full build."""
        self.settled.wait()
        changes = self.server.take_changes()
        try:
            if self.stale or not self.workers or not changes:
                raise WorkerFailed("a full build is needed")
            for worker in self.workers:
                worker.send(changes)
            for worker in self.workers:
                worker.expect("page")
        except WorkerFailed:
            self._full_or_say()
            return
        self.settled.clear()
        threading.Thread(target=self._settle, daemon=True).start()

    def _settle(self) -> None:
        """Wait for the workers' second step; if one failed, have the server build everything."""
        try:
            for worker in self.workers:
                worker.expect("done")
        except WorkerFailed:
            self.stale = True
            self.server.request_rebuild()
        finally:
            self.settled.set()

    def _full_or_say(self) -> None:
        """A full rebuild; if it fails, the previous site stays and the reason is said."""
        try:
            self.full()
        except MkDocsException:
            pass  # MkDocs has logged why, and the command line says it (site_commands.MkDocsLog)
        except OSError as e:
            log.error(e.strerror or str(e))

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.workers = []


class Worker:
    """The serve process's end of one language's worker: one JSON line each way per message."""

    def __init__(self, lang: str, site_dir: Path, today: str):
        env = {**os.environ, LANG_ENV: lang, PREVIEW_ENV: "1", TODAY_ENV: today}
        self.process = subprocess.Popen([sys.executable, "-m", "generator.preview", lang, str(site_dir)],
                                        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True, encoding="utf-8")

    def send(self, changes: list[str]) -> None:
        try:
            self.process.stdin.write(json.dumps({"update": changes}) + "\n")
            self.process.stdin.flush()
        except OSError as e:
            raise WorkerFailed(str(e)) from None

    def expect(self, step: str) -> None:
        try:
            line = self.process.stdout.readline()
            reply = json.loads(line) if line else {"error": "the worker ended"}
        except (OSError, ValueError) as e:  # stopped meanwhile, or not a reply
            raise WorkerFailed(str(e)) from None
        if reply.get("step") != step:
            raise WorkerFailed(reply.get("error", line))

    def stop(self) -> None:
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class LanguageSite:
    """One language of the site in a worker: what its full build knew, kept to render single pages.
    Loading it runs the build's first half (the hook checks and generates everything, MkDocs lists
    the files and makes the navigation) without writing anything."""

    def __init__(self, lang: str, site_dir: str):
        self.lang, self.site_dir = lang, site_dir
        # as the hook configures each language's build: the one at the root as the site is configured
        config = site_config.mkdocs_config(language=lang if LANGUAGES[lang] else None, site_dir=site_dir)
        config.plugins.on_startup(command="build", dirty=False)
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        files = get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        self.nav = config.plugins.on_nav(get_navigation(files, config), config=config, files=files)
        for file in files.documentation_pages():
            if file.page is not None:  # in the navigation: their titles are in every page
                _populate_page(file.page, config, files)
        self.env = config.plugins.on_env(env, config=config, files=files)
        self.config, self.files = config, files
        self.hook = next(h for h in config.hooks.values() if Path(h.__file__).resolve() == HOOK.resolve())
        state = self.hook._state
        if state["checker"] is None:
            raise WorkerFailed("plans checked with their history are rebuilt in full")
        self.rules, self.checked, self.today = state["rules"], state["checked"], state["today"]
        self.checker, self.pages = state["checker"], dict(state["pages"])
        self.where = {os.path.realpath(c.path): i for i, c in enumerate(self.checked)}
        self.search = next((p for p in config.plugins.values() if hasattr(p, "search_index")), None)
        self.index_path = Path(site_dir, search.INDEX)
        self.index = json.loads(self.index_path.read_text(encoding="utf-8")) if self.search else None

    def update(self, changes: list[str], first_step_done) -> None:
        """Bring the site up to date with the plans ``changes`` names (anything else: WorkerFailed)."""
        edited = []
        for path in changes:
            i = self.where.get(os.path.realpath(path))
            if i is None:
                raise WorkerFailed(f"not a plan: {path}")
            c = self.checked[i]
            self.checked[i] = Checked(c.path, *self.checker.check_path(c.path))
            edited.append(self.checked[i])
        ids = Counter(page_id(c) for c in self.checked)
        for c in edited:  # 1. its own page, if the plan has it to itself (else step 2 does it)
            own, markdown = account_page(self.rules, c, self.lang, self.today)
            if own not in self.pages:
                raise WorkerFailed(f"a new page: {own}")
            if ids[page_id(c)] == 1:
                self._render({own: markdown})
        first_step_done()
        pages = build_pages(self.rules, self.checked, self.lang, self.today)  # 2. every page it changed
        if pages.keys() != self.pages.keys():
            raise WorkerFailed("pages appear or go")
        self._render({path: text for path, text in pages.items() if text != self.pages[path]})
        if self.search:
            self.index_path.write_text(json.dumps(self.index, separators=(",", ":"), default=str), encoding="utf-8")
            self.hook.finish_search(self.site_dir)  # as after a full build: finishing twice changes nothing

    def _render(self, changed: dict[str, str]) -> None:
        """Render these pages as the full build does, into the site and the search index in memory."""
        unresolved = self.hook._state["unresolved"].messages
        unresolved.clear()
        docs = self.files.documentation_pages()
        for path, markdown in changed.items():
            file = self.files.get_file_from_path(path)
            file.content_string = markdown
            page = file.page or Page(None, file, self.config)
            _populate_page(page, self.config, self.files)
            if self.search:
                self.search.search_index.entries = []
            _build_page(page, self.config, docs, self.nav, self.env)
            page.validate_anchor_links(files=self.files, log_level=self.config.validation.links.anchors)
            if self.search:
                self._index(page.url, self.search.search_index.entries)
            self.pages[path] = markdown
        if unresolved:
            raise WorkerFailed(unresolved[0])

    def _index(self, url: str, entries: list[dict]) -> None:
        """Put a page's new entries where its old ones were (a full build indexes pages in order)."""
        docs = self.index["docs"]
        mine = [i for i, e in enumerate(docs) if e["location"] == url or e["location"].startswith(url + "#")]
        if not mine and not entries:  # a page the index leaves out (an account's)
            return
        if not mine or mine != list(range(mine[0], mine[-1] + 1)):
            raise WorkerFailed(f"no place in the search index for {url}")
        docs[mine[0]:mine[-1] + 1] = entries


def work(lang: str, site_dir: str) -> None:
    """A worker's life: load, then one update per line read, until the serve process closes stdin."""
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # what anything else prints stays out of the replies

    def reply(**message) -> None:
        replies.write(json.dumps(message) + "\n")
        replies.flush()

    try:
        site = LanguageSite(lang, site_dir)
        for line in sys.stdin:
            site.update(json.loads(line)["update"], lambda: reply(step="page"))
            reply(step="done")
    except Exception as e:  # noqa: BLE001 - whatever it is, the serve process builds in full instead
        reply(error=f"{type(e).__name__}: {e}")


if __name__ == "__main__":
    work(sys.argv[1], sys.argv[2])
