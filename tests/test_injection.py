"""Hostile plan text in a real browser: HTML, JavaScript URLs, Markdown, MkDocs, Material and Jinja
syntax in every free-text field of tests/hostile/hostile_plan.yaml render as text. No script of the
plan runs, no handler or `javascript:` URL reaches the page, and nothing is loaded from elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import build_site, served
from playwright.sync_api import TimeoutError as PlaywrightTimeout


ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "hostile" / "hostile_plan.yaml"
PAGES = [f"{lang}{path}" for lang in ("", "en/") for path in ("accounts/hostile_account/", "accounts/", "dashboards/")]
# the plan's fields the account page shows; each payload starts with its field's name
SHOWN = ["account.name", "industry", "region", "owner", "c1.name", "c1.title", "c2.name", "c2.title", "opp.name",
         "give", "get", "winback.step", "complaint", "outcome"]
SEVERAL_LINES = ["give", "get", "winback.step", "complaint", "outcome"]  # the others hold one line
# attributes that run or load something: any event handler, a URL to a script or to the plan's host
DANGEROUS = """() => [...document.querySelectorAll('*')].flatMap(el => [...el.attributes]
    .filter(a => /^on/i.test(a.name) || /^(href|src|srcset|action|formaction|poster|data|xlink:href)$/i.test(a.name)
                 && /^\\s*(javascript|vbscript|data):|evil\\.example/i.test(a.value))
    .map(a => `<${el.localName} ${a.name}="${a.value.slice(0, 60)}">`))"""
INJECTED = """() => [...document.querySelectorAll('script, style, iframe, object, embed, img, svg, div[markdown]')]
    .filter(el => /pwned|evil\\.example|display:\\s*none/.test(el.outerHTML) && !el.closest('title'))
    .map(el => el.outerHTML.slice(0, 80))"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site of the sample plans and the hostile plan, served on localhost."""
    work = tmp_path_factory.mktemp("project")
    (work / "playbook.yaml").write_text(f"plans: ['{ROOT / 'accounts'}', '{HOSTILE}']\n", encoding="utf-8")
    out = work / "site"
    result = build_site(work, out)
    assert result.returncode == 0, result.stderr
    with served(out) as address:
        yield address


@pytest.fixture
def page(browser, site):  # noqa: F811
    """A page that records its requests and dialogs; at the end none may have left localhost."""
    context = browser.new_context()
    page = context.new_page()
    page.requests, page.dialogs = [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    assert [u for u in page.requests if not u.startswith(site) and not u.startswith(("data:", "blob:"))] == []
    context.close()


def assert_nothing_ran(page):
    assert page.dialogs == []
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate(DANGEROUS) == []
    assert page.evaluate(INJECTED) == []


@pytest.mark.parametrize("path", PAGES)
def test_hostile_plan_text_runs_nothing_and_loads_nothing(page, site, path):
    page.goto(f"{site}/{path}", wait_until="networkidle")
    assert "window.__pwned='account.name'" in page.locator("body").inner_text()  # the plan is on the page
    assert_nothing_ran(page)


@pytest.mark.parametrize("lang", ["", "en/"])
def test_every_field_on_the_account_page_shows_as_written(page, site, lang):
    page.goto(f"{site}/{lang}accounts/hostile_account/", wait_until="networkidle")
    text = page.locator("article").inner_text()
    for field in SHOWN:
        assert f"{field} <script>window.__pwned='{field}'</script><img src=x onerror=" in text, field
    assert text.count("{{ 7*7 }} {% raw %}raw{% endraw %} **bold** _em_ `code` | pipe | &lt;b&gt; \\*") >= len(SEVERAL_LINES)
    assert text.count("[link](javascript:window.__pwned=1) ![img](http://evil.example/") >= len(SEVERAL_LINES)
    assert text.count('!!! danger "admonition"') >= len(SEVERAL_LINES)
    assert page.title().startswith("account.name <script>window.__pwned='account.name'</script>")
    assert "</title></td></tr></table><script>" in page.title()


def test_searching_the_hostile_text_runs_nothing(page, site):
    page.goto(f"{site}/en/dashboards/")  # (waiting for the network to idle first upsets Material's search)
    box, found = page.locator("input.md-search__input"), page.locator(".md-search-result__item").first
    box.click()
    for _ in range(3):  # a query typed before the search index is loaded can go unanswered: type it again
        box.fill("")
        box.fill("onclick")
        try:
            found.wait_for(timeout=10000)
            break
        except PlaywrightTimeout:
            pass
    assert found.is_visible()
    assert "window.__pwned" in page.locator(".md-search-result").inner_text()
    assert_nothing_ran(page)
