"""The site: generated from the rules and the plans, in both languages, searchable, offline, and
without personal data."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import unquote

import markdown
import pytest

from conftest import build_site

from generator.accounts import Checked
from generator.pages import build_pages, nav
from playbook import rule_schemas
from playbook.checker import Checker
from playbook.ruleset import load_rules
from playbook.yamlload import load_file

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules()
TODAY = dt.date(2026, 11, 20)
CHECKER = Checker(RULES, TODAY)
SAMPLES = sorted(str(p) for p in (ROOT / "accounts").glob("*.yaml"))
CHECKED = [Checked(p, *CHECKER.check_path(p)) for p in SAMPLES]
PAGES = {lang: build_pages(RULES, CHECKED, lang, TODAY) for lang in ("zh", "en")}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """`playbook build` of the sample plans, as a user runs it: nothing to warn about."""
    out = tmp_path_factory.mktemp("site")
    result = build_site(ROOT, out)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return out


def test_one_page_per_kind_check_and_account_in_each_language():
    for pages in PAGES.values():
        assert {f"{kind}.md" for kind in rule_schemas.kinds()} <= set(pages)
        assert {f"checks/{c['id']}.md" for c in RULES.items("checks")} <= set(pages)
        assert {f"accounts/{Path(p).stem}.md" for p in SAMPLES} <= set(pages)


def test_every_item_has_an_anchor_on_its_kind_page():
    for item_id, kind in RULES.item_kind.items():
        if RULES.index[item_id] == "checks":
            continue  # a check has a page of its own
        for pages in PAGES.values():
            page = pages[f"{kind}.md"]
            assert f"{{ #{item_id} }}" in page or f'id="{item_id}"' in page, item_id


def test_references_link_to_the_item_they_name():
    page = PAGES["en"]["qualification.md"]
    man_need_only = page[page.index("{ #man_need_only }"):]
    assert "[Feasible opportunity](opportunities.md#feasible)" in man_need_only.split("###")[0]


def test_a_section_lists_its_checks_and_a_check_links_back():
    stages = PAGES["en"]["opportunities.md"]
    assert "[A stage needs the evidence of its verification marks](checks/stage_evidence.md)" in stages
    check = PAGES["en"]["checks/stage_evidence.md"]
    assert "](../opportunities.md#verification_marks)" in check
    assert "# playbook: ignore[stage_evidence]" in check


def test_rule_and_plan_text_cannot_inject_markup(company):
    rules = company({"x.yaml": "kind: opportunities\nopportunity_stages:\n"
                               "  - id: target\n    name: {en: \"<script>alert(1)</script> [x](javascript:y)\"}\n"})
    page = build_pages(rules, [], "en", TODAY)["opportunities.md"]
    html = markdown.markdown(page, extensions=["attr_list", "admonition", "tables", "toc"])
    assert "<script>" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:y)</a>" in html


def test_account_pages_show_findings_linked_to_their_checks(tmp_path):
    broken = str(ROOT / "examples" / "broken" / "broken_pricing.yaml")
    page = build_pages(RULES, [Checked(broken, *CHECKER.check_path(broken))], "en", TODAY)["accounts/broken_pricing.md"]
    assert "[No quote below the floor price](../checks/quote_below_floor.md)" in page


def test_every_plan_has_a_page_of_its_own_named_by_its_own_id_alone(tmp_path):
    text = "account: {id: ID, name: NAME, tier: key_account, owner: Li Lei}\n"
    plans = []
    for name, plan_id in (("ACME", "NOT A VALID ID"), ("acme", "acme"), ("first", "acme"), ("second", "acme"),
                          ("third", "index"), ("fourth", "index.html")):
        (tmp_path / f"{name}.yaml").write_text(text.replace("ID", plan_id).replace("NAME", name), encoding="utf-8")
    for name in ("ACME", "acme", "first", "fourth", "second", "third"):  # as plan_files sorts them
        plans.append(Checked(str(tmp_path / f"{name}.yaml"), *CHECKER.check_path(str(tmp_path / f"{name}.yaml"))))
    pages = build_pages(RULES, plans, "en", TODAY)
    titles = {page: pages[f"accounts/{page}.md"].split("\n# ", 1)[1].split("\n")[0]
              for page in ("acme", "acme~2", "acme~3", "index~", "index.html~")}
    assert titles == {"acme": "acme", "acme~2": "first", "acme~3": "second", "index~": "third", "index.html~": "fourth"}
    # ACME.yaml sorts first, but a malformed plan never takes a well-formed plan's page
    assert pages["accounts/~acme.md"].split("\n# ", 1)[1].split("\n")[0].endswith("ACME.yaml")
    assert 'href="index~/"' in pages["accounts/index.md"] and 'href="~acme/"' in pages["accounts/index.md"]


def test_mkdocs_builds_both_languages_offline(site):
    assert (site / "index.html").is_file() and (site / "en" / "index.html").is_file()
    assert '<html lang="zh"' in (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in (site / "en" / "index.html").read_text(encoding="utf-8")
    for c in RULES.items("checks"):  # the checker's links land on a page
        assert (site / "checks" / c["id"] / "index.html").is_file()
    for html in site.rglob("*.html"):
        assert not re.search(r'(src|href)="(https?:)?//', html.read_text(encoding="utf-8")), html
    assert not any((ROOT / "site_templates" / "docs").rglob("*.md"))  # nothing written into the source


def test_account_pages_stay_out_of_the_navigation(site):
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "accounts/haidian_education_bureau/" not in home
    assert "accounts/" in home  # the index is there


def test_personal_notes_are_never_published(site):
    notes = [p["note"] for path in SAMPLES for c in load_file(path, []).get("contacts") or []
             for p in c.get("personal") or []]
    assert notes  # the samples do carry personal notes
    everything = "\n".join(f.read_text(encoding="utf-8", errors="replace") for f in site.rglob("*") if f.is_file())
    for note in notes:
        assert note not in everything, note


def test_matrices_are_drawn_as_tables():
    receivables = PAGES["en"]["receivables.md"]
    assert "| **Short** | [Finance collects as usual](#collect_finance_routine) | [The salesperson visits]" \
           "(#collect_salesperson_visit) |" in receivables
    assert "| **Long** | [Escalate the letters](#collect_escalate_letters) | [Agree a special arrangement " \
           "with the company](#collect_special_arrangement) |" in receivables
    qualification = PAGES["zh"]["qualification.md"]
    assert sum(1 for line in qualification.splitlines() if line.startswith("| [") and "(#man_" in line) == 8
    styles = PAGES["en"]["buying_centre.md"]
    assert "[Driver](#driver)" in styles and "[Amiable](#amiable)" in styles
    stages = PAGES["zh"]["opportunities.md"]
    assert "| [目标商机](#target) | 成熟期 |" in stages


def test_account_pages_stay_out_of_the_search_index_but_their_index_is_in_it(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {d["location"].split("#")[0] for d in index["docs"]}
    assert "accounts/" in locations
    assert not any(loc.startswith("accounts/") and loc != "accounts/" for loc in locations)


def switcher(page: Path) -> dict[str, str]:
    """The language switcher's links of a built page: language -> href."""
    html = page.read_text(encoding="utf-8")
    menu = html[html.index('class="md-select__list"'):]
    return dict((lang, href) for href, lang in re.findall(r'<a href="([^"]*)" hreflang="(\w+)" class="md-select__link"', menu))


def test_the_language_switcher_lands_on_the_same_page_by_a_relative_link(site):
    """So that the site works under a sub-path of an intranet: no link from the host's root."""
    assert switcher(site / "index.html") == {"zh": "./", "en": "./en/"}
    assert switcher(site / "qualification" / "index.html") == {"zh": "../qualification/", "en": "../en/qualification/"}
    assert switcher(site / "en" / "checks" / "man_stop" / "index.html") == {
        "zh": "../../../checks/man_stop/", "en": "../../checks/man_stop/"}
    for html in [*site.glob("*/index.html"), *site.glob("en/*/*/index.html")]:
        for href in switcher(html).values():
            target = (html.parent / unquote(href)).resolve()  # an owner's page is named in Chinese
            assert target.is_relative_to(site.resolve()) and (target / "index.html").is_file(), (html, href)


def test_an_account_page_shows_paid_receivables_as_paid_and_those_not_due_as_not_due(site):
    """Only what is owed and late has days overdue and a quadrant; amounts carry their currency."""
    html = (site / "en" / "accounts" / "haidian_education_bureau" / "index.html").read_text(encoding="utf-8")
    rows = {cells[0]: cells[1:] for cells in (re.findall(r"<td[^>]*>(.*?)</td>", row)
                                              for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)) if cells}
    assert rows["rec-2025-0433-advance"][:5] == ["558,000 CNY", "2025-12-15", "Paid", "", ""]
    assert rows["rec-2025-0433-retention"][:5] == ["93,000 CNY", "2026-12-31", "Not yet due", "", ""]
    assert rows["rec-2025-0433-acceptance"][2:4] == ["Overdue", "51"]


def test_a_method_page_ends_with_links_to_the_previous_and_the_next_part_of_the_method(site):
    html = (site / "en" / "qualification" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="../prospecting/" class="md-footer__link md-footer__link--prev"', html)
    assert re.search(r'<a href="../buying_centre/" class="md-footer__link md-footer__link--next"', html)


METHOD = [k for k, schema in rule_schemas.kinds().items() if schema.get("x-audience") != "authors"]


def test_every_part_of_the_method_says_what_to_do_there_and_why():
    for kind in METHOD:
        (overview,) = RULES.items("overview", kind)
        assert overview["why"]["zh"] and overview["why"]["en"], kind


def test_the_home_page_is_a_start_page_with_the_method_as_cards_in_the_order_of_the_sales_process():
    home = PAGES["en"]["index.md"]
    assert "[Start learning](training/index.md){ .md-button .md-button--primary }" in home
    cards = [home.index(f"]({kind}.md)**") for kind in METHOD]
    assert cards == sorted(cards)
    assert "Judge every prospect by the MAN rule" in home[cards[METHOD.index("qualification")]:]
    assert cards[-1] < home.index("](dashboards.md)") < home.index("](checks.md)")


def test_the_home_page_draws_its_cards_in_the_built_site(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    assert '<div class="grid cards">' in html
    assert 'href="qualification/"' in html


def test_a_part_of_the_method_opens_with_what_to_do_and_why_and_ends_with_its_numbers():
    page = PAGES["en"]["qualification.md"]
    opening, method, numbers = (page.index(s) for s in ('class="pb-overview"', "{ #man_dimensions }", "{ #thresholds }"))
    assert opening < method < numbers
    assert "**Why**: Only a prospect with all three" in page[opening:method]


def test_the_navigation_leads_a_newcomer_to_the_learning_path_and_keeps_the_engine_for_plan_authors():
    menu = nav(RULES, "en")
    assert [next(iter(entry)) for entry in menu] == ["Home", "Training", "The method", "For managers", "For plan authors"]
    assert [next(iter(e.values())) for e in menu[2]["The method"]] == [f"{kind}.md" for kind in METHOD]
    assert [next(iter(e.values())) for e in menu[4]["For plan authors"]] == ["sources.md", "checks.md"]
