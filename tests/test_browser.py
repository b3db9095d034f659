"""The built site in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium),
both installed by the project's own files (.ci/run, pyproject.toml). A missing browser fails."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

from conftest import build_site
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("PLAYBOOK_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-results"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
         "--disable-background-networking", "--disable-component-update"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site of the sample plans and one broken plan, served on localhost."""
    work = tmp_path_factory.mktemp("project")
    (work / "playbook.yaml").write_text(
        f"plans: ['{ROOT / 'accounts'}', '{ROOT / 'examples' / 'broken' / 'broken_pricing.yaml'}']\n", encoding="utf-8")
    out = work / "site"
    result = build_site(work, out)
    assert result.returncode == 0, result.stderr
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).is_file(), f"no browser at {CHROMIUM}: install Debian's chromium (see .ci/run)"
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


def search(page, site: str, prefix: str, words: str) -> list[str]:
    page.goto(f"{site}/{prefix}")
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").fill(words)
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=15000)
    return [results.nth(i).get_attribute("href") for i in range(results.count())]


def test_the_home_page_renders(page, site):
    page.goto(site + "/")
    assert page.title().startswith("大客户销售手册")
    assert page.locator("h1").first.inner_text().startswith("大客户销售手册")


def test_searching_a_chinese_method_finds_its_section(page, site):
    hrefs = search(page, site, "", "逐户访问法")
    assert any("/prospecting/" in h and h.endswith("#door_to_door") for h in hrefs), hrefs


def test_searching_an_english_word_on_the_english_site(page, site):
    hrefs = search(page, site, "en/", "referral")
    assert any("prospecting/" in h or "retention/" in h for h in hrefs), hrefs


def test_an_account_page_shows_its_findings_and_a_screenshot_is_kept(page, site):
    page.goto(f"{site}/en/accounts/broken_pricing/")
    finding = page.locator("a[href$='checks/quote_below_floor/']").first
    assert finding.is_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "account-page.png"), full_page=True)
    finding.click()
    page.wait_for_url("**/checks/quote_below_floor/")
    assert "No quote below the floor price" in page.locator("h1").first.inner_text()


def test_a_self_check_answer_reveals_on_click(page, site):
    page.goto(f"{site}/en/training/qualification/")
    question = page.locator("details.question", has=page.locator("summary", has_text="M a N")).first
    answer = question.locator("p").first
    assert not answer.is_visible()
    question.locator("summary").click()
    answer.wait_for(state="visible")
    assert "Contact" in question.inner_text() or "contact" in question.inner_text()
