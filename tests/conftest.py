"""Shared helpers: a company project outside this repository; rule files written into a temporary
company directory and loaded."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import subprocess
import sys
import threading
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


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """A cache directory of the test's own (the rule set, the history)."""
    directory = tmp_path / "cache"
    monkeypatch.setenv("PLAYBOOK_CACHE_DIR", str(directory))
    return directory


@pytest.fixture(autouse=True, scope="session")
def _rule_cache(tmp_path_factory):
    """The rule-set cache of every run in the suite goes to a temporary directory, not the user's."""
    import os

    os.environ["PLAYBOOK_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


# The browser tests' fixtures: Playwright driving Debian's Chromium (/usr/bin/chromium), both
# installed by the project's own files (.ci/run, pyproject.toml). A missing browser fails.

CHROMIUM = os.environ.get("PLAYBOOK_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-results"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
         "--disable-background-networking", "--disable-component-update"]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site without a line per request (the page fixture checks the requests)."""

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def served(directory: Path):
    """A built site served on localhost, in a thread: its address."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site of the sample plans and one broken plan, served on localhost."""
    work = tmp_path_factory.mktemp("project")
    (work / "playbook.yaml").write_text(
        f"plans: ['{ROOT / 'accounts'}', '{ROOT / 'examples' / 'broken' / 'broken_pricing.yaml'}']\n", encoding="utf-8")
    out = work / "site"
    result = build_site(work, out)
    assert result.returncode == 0, result.stderr
    with served(out) as address:
        yield address


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).is_file(), f"no browser at {CHROMIUM}: install Debian's chromium (see .ci/run)"
    from playwright.sync_api import sync_playwright  # here: only the browser tests load it

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, site):
    """A page that records every request it makes, to hold the site to localhost."""
    context = browser.new_context()
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    assert [u for u in page.requests if not u.startswith(site) and not u.startswith(("data:", "blob:"))] == []
    context.close()


def search(page, site: str, prefix: str, words: str):
    """The results of ``words`` searched on the site in ``prefix``: the links' addresses, and the
    results' text as a reader sees it."""
    from playwright.sync_api import TimeoutError as Unanswered

    page.goto(f"{site}/{prefix}")
    box, results = page.locator("input.md-search__input"), page.locator(".md-search-result__item a")
    box.click()
    for _ in range(3):  # a query typed before the search index is loaded can go unanswered: type it again
        box.fill("")
        box.fill(words)
        try:
            results.first.wait_for(timeout=10000)
            break
        except Unanswered:
            pass
    assert results.count(), f"nothing found for {words}"
    hrefs = [re.sub(r"\?[^#]*", "", results.nth(i).get_attribute("href")) for i in range(results.count())]
    return hrefs, page.locator(".md-search-result__list").inner_text()
