"""The accounts index, the dashboards and an owner page in a real browser (the served site and the
browser of tests/conftest.py): Material's table look, sorting and filtering, and no sideways
scrolling on a 390 px phone."""

from __future__ import annotations

import pytest


PHONE = {"width": 390, "height": 844}


def sideways(page) -> int:
    """How many pixels the page is wider than the window (0: it does not scroll sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("path", ["/accounts/", "/en/accounts/", "/dashboards/", "/en/owners/程雪/"])
def test_a_page_for_managers_does_not_scroll_sideways_on_a_phone(page, site, path):
    page.set_viewport_size(PHONE)
    page.goto(site + path)
    page.wait_for_load_state("load")
    assert sideways(page) == 0


def test_on_a_phone_the_accounts_table_scrolls_inside_its_frame_under_the_filter(page, site):
    page.set_viewport_size(PHONE)
    page.goto(f"{site}/accounts/")
    frame = page.locator(".md-typeset__scrollwrap", has=page.locator("table[data-sortable]"))
    assert frame.count() == 1  # Material's own frame: a table without a class gets it
    assert frame.evaluate("f => f.scrollWidth > f.clientWidth")  # seven columns are wider than a phone
    assert page.locator("input.playbook-filter + .md-typeset__scrollwrap").count() == 1  # the filter stays above


def test_the_accounts_index_has_material_borders_and_sort_arrows(page, site):
    page.goto(f"{site}/en/accounts/")
    table = page.locator("table[data-sortable]")
    assert table.evaluate("t => getComputedStyle(t).borderTopStyle") == "solid"
    findings = table.locator("th", has_text="Findings")
    findings.click()
    assert findings.get_attribute("aria-sort") == "ascending"
    arrow = findings.evaluate("th => getComputedStyle(th, '::after').webkitMaskImage || getComputedStyle(th, '::after').maskImage")
    assert arrow.startswith("url(")  # Material's sort icon, shown for the sorted column


def test_the_accounts_index_sorts_and_filters_with_amounts_in_their_currency(page, site):
    page.goto(f"{site}/en/accounts/")
    rows = page.locator("table[data-sortable] tbody tr")
    assert rows.count() == 7
    page.locator("input.playbook-filter").fill("华力数控")
    assert len([k for k in range(rows.count()) if rows.nth(k).is_visible()]) == 1
    page.locator("input.playbook-filter").fill("")
    pipeline = page.locator("table[data-sortable] th", has_text="Pipeline")
    pipeline.click()
    pipeline.click()  # descending: the largest open pipeline first
    assert rows.first.locator("td").nth(4).inner_text() == "33,460,000 CNY"
