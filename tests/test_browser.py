"""The built site in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium),
both installed by the project's own files (.ci/run, pyproject.toml). A missing browser fails."""

from __future__ import annotations

from conftest import SCREENSHOTS, search


def test_the_home_page_renders(page, site):
    page.goto(site + "/")
    assert page.title().startswith("大客户销售手册")
    assert page.locator("h1").first.inner_text().startswith("大客户销售手册")


def test_searching_a_chinese_method_finds_its_section(page, site):
    hrefs, _ = search(page, site, "", "逐户访问法")
    assert any("/prospecting/" in h and h.endswith("#door_to_door") for h in hrefs), hrefs


def test_searching_an_english_word_on_the_english_site(page, site):
    hrefs, _ = search(page, site, "en/", "referral")
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
