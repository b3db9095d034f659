"""Every training summary, printed from Debian's Chromium to an A4 PDF in both languages, is one
page, at 9pt or more, with no text cut off: the summary is a decision aid to carry, not a page
that fits by hiding the end of its lines. A missing browser fails (see conftest.py)."""

from __future__ import annotations

import re

import pytest

from generator import training
from generator.views import View
from playbook.ruleset import load_rules

KINDS = training.taught_kinds(View(load_rules(), "en"))
A4_TEXT = {"width": 718, "height": 1047}  # px: 210 x 297 mm less the 10 mm margins of @page, at 96 px per inch
MIN_FONT_PX = 12  # 9pt
SITE_CHROME = [".md-header", ".md-tabs", ".md-sidebar", ".md-footer", ".md-search", ".training-screen-only"]

# Elements of the article whose text the printer would not show in full, and text under 9pt.
FIND_CUT_TEXT = """min => {
  const found = [];
  for (const el of document.querySelectorAll("article *")) {
    const style = getComputedStyle(el);
    const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join("").trim();
    if (!el.textContent.trim() || style.display === "none" || style.visibility === "hidden") continue;
    const clips = [style.overflowX, style.overflowY].some(o => o !== "visible");
    const where = `${el.tagName} "${el.textContent.trim().slice(0, 40)}"`;
    if (style.textOverflow === "ellipsis") found.push(`ellipsis: ${where}`);
    if (clips && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1))
      found.push(`clipped: ${where}`);
    if (!own) continue;
    if (el.getBoundingClientRect().right > document.documentElement.clientWidth + 1) found.push(`off the page: ${where}`);
    if (parseFloat(style.fontSize) < min) found.push(`${style.fontSize}: ${where}`);
  }
  return found;
}"""


def pages_in(pdf: bytes) -> int:
    """The pages of a PDF: its page objects (/Type /Page, not the /Pages tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf))


@pytest.fixture
def printed(browser, site):  # noqa: F811
    """A page laid out as the printer lays it out: print media, an A4 page's text width."""
    context = browser.new_context(viewport=A4_TEXT)
    page = context.new_page()
    page.emulate_media(media="print")
    yield page
    context.close()


def open_summary(page, site: str, prefix: str, kind: str) -> None:  # noqa: F811
    page.goto(f"{site}/{prefix}training/summary-{kind}/")
    page.wait_for_load_state("load")


@pytest.mark.parametrize("prefix", ["", "en/"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_printed_summary_is_one_a4_page_with_nothing_cut(printed, site, prefix, kind):  # noqa: F811
    open_summary(printed, site, prefix, kind)
    assert printed.locator("article table, article ul").count() > 0
    for chrome in SITE_CHROME:
        assert printed.locator(chrome).evaluate_all("els => els.filter(e => e.getClientRects().length)") == [], chrome
    assert printed.evaluate(FIND_CUT_TEXT, MIN_FONT_PX) == []
    assert pages_in(printed.pdf(format="A4")) == 1


def test_an_overlong_summary_prints_on_more_pages(printed, site):  # noqa: F811
    open_summary(printed, site, "en/", "churn")
    printed.evaluate("""() => { const body = document.querySelector("article");
                                body.innerHTML += body.innerHTML + body.innerHTML; }""")
    assert pages_in(printed.pdf(format="A4")) > 1


def test_lines_cut_to_fit_are_found(printed, site):  # noqa: F811
    """What the summaries did before: one line per item, the rest hidden behind an ellipsis."""
    open_summary(printed, site, "en/", "churn")
    printed.add_style_tag(content="article td { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; "
                                  "max-width: 10em; font-size: 7pt; }")
    found = printed.evaluate(FIND_CUT_TEXT, MIN_FONT_PX)
    assert any(f.startswith("ellipsis: TD") for f in found) and any(f.startswith("clipped: TD") for f in found)
    assert any(f.startswith("9.33333px: TD") for f in found)
