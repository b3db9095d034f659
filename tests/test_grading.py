"""The AHP matrix on the opportunities page: a table labelled by the indicators, with the weights
and the consistency ratio that playbook/ahp.py computes, and a grading worksheet whose script
gives the grade the checker's grade calculator gives, in both languages."""

from __future__ import annotations

import datetime as dt
import html
import json
import random
import re

import pytest

from playbook import ahp, describe, facts, i18n, rule_schemas
from playbook.ruleset import load_rules
from generator.pages import build_pages


TODAY = dt.date(2026, 11, 20)
MATRIX = "opportunity_grade_weights"


@pytest.fixture(scope="module")
def rules():
    return load_rules([])


@pytest.fixture(scope="module", params=["zh", "en"])
def opportunities(request, rules):
    """(language, the opportunities page's Markdown)."""
    return request.param, build_pages(rules, [], request.param, TODAY)["opportunities.md"]


def _table(markdown: str) -> str:
    return re.search(r'<table class="pb-ahp">.*?</table>', markdown, re.S).group(0)


def _cells(row: str, tag: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", row, re.S)]


def _worksheet(markdown: str) -> dict:
    return json.loads(re.search(r'<script type="application/json">(.*?)</script>', markdown, re.S).group(1))


def _grade_fact(rules) -> dict:
    return next(f for f in rules.items("facts") if f["calculator"] == "grade" and f["args"]["ahp"] == MATRIX)


def test_the_matrix_is_a_table_labelled_by_the_indicator_names(rules, opportunities):
    lang, markdown = opportunities
    item = rules.find(MATRIX)[1]
    names = [rules.find(c)[1]["name"][lang] for c in item["criteria"]]
    head, *rows = re.findall(r"<tr>.*?</tr>", _table(markdown), re.S)
    assert _cells(head, "th")[2:] == names  # the corner, the weight, then one column per indicator
    body = rows[:len(names)]
    assert [_cells(r, "th")[0] for r in body] == names
    assert [_cells(r, "td")[1:] for r in body] == [[str(c) for c in row] for row in item["matrix"]]


def test_the_weights_are_those_of_the_ahp_and_add_up_to_100_percent(rules, opportunities):
    lang, markdown = opportunities
    item = rules.find(MATRIX)[1]
    expected = ahp.weigh([[ahp.number(c) for c in row] for row in item["matrix"]])
    *rows, total = re.findall(r"<tr>.*?</tr>", _table(markdown), re.S)
    shown = [_cells(r, "td")[0] for r in rows[1:]]
    assert shown == [describe.quantity(w, "ratio", lang) for w in expected.weights]
    assert all(re.fullmatch(r"\d+(\.\d)?%", s) for s in shown)  # one format: 22.0%, never 0.22
    assert sum(float(s[:-1]) for s in shown) == pytest.approx(100, abs=0.05 * len(shown))
    assert _cells(total, "td")[0] == "100%"


def test_the_consistency_ratio_is_shown_beside_its_limit_in_the_same_format(rules, opportunities):
    lang, markdown = opportunities
    item = rules.find(MATRIX)[1]
    cr = ahp.weigh([[ahp.number(c) for c in row] for row in item["matrix"]]).consistency_ratio
    limit = rules.threshold("ahp_max_consistency_ratio")
    link = f"[{describe.quantity(limit, 'ratio', lang)}](opportunities.md#ahp_max_consistency_ratio)"
    assert i18n.text("grading_consistency", lang, cr=describe.quantity(cr, "ratio", lang), limit=link) in markdown


def test_the_matrix_is_shown_once(opportunities):
    lang, markdown = opportunities
    assert markdown.count("{ #%s }" % MATRIX) == 1
    assert markdown.count('class="pb-ahp"') == 1
    for field in ("criteria", "matrix"):  # not listed again below the table as the generic fields
        assert f"**{rule_schemas.title(rule_schemas.item_fields('ahp_matrices')[field], lang, field)}**" not in markdown


def test_the_worksheet_data_are_the_rules_the_checker_grades_with(rules, opportunities):
    lang, markdown = opportunities
    args = _grade_fact(rules)["args"]
    data = _worksheet(markdown)
    assert [i["id"] for i in data["indicators"]] == rules.find(MATRIX)[1]["criteria"]
    assert [i["weight"] for i in data["indicators"]] == list(rules.ahp[MATRIX].weights)
    assert [b["id"] for b in data["bands"]] == [b["id"] for b in rules.items(args["bands"])]
    assert [b["name"] for b in data["bands"]] == [b["name"][lang] for b in rules.items(args["bands"])]
    assert [(r["indicator"], r["bound"], r["grade"]) for r in data["pre_assessment"]] == \
        [(r["indicator"], r["bound"], r["grade"]) for r in rules.items(args["pre_assessment"])]
    assert (data["low"], data["high"]) == (rules.threshold("grading_score_min"), rules.threshold("grading_score_max"))


def test_a_company_matrix_changes_the_table_and_the_worksheet(company):
    rules = company({"grading.yaml": (
        "kind: opportunities\n"
        "grade_bands:\n  - {id: grade_b, min_score: 3.5}\n")})
    data = _worksheet(build_pages(rules, [], "en", TODAY)["opportunities.md"])
    assert [b["min_score"] for b in data["bands"] if b["id"] == "grade_b"] == [3.5]


def _score_sets(rules) -> list[dict]:
    """Scores to enter: one per band, the pre-assessment cap and floor alone and together, an
    unfinished sheet the floor settles and one nothing settles, and a few drawn at random."""
    criteria = rules.find(MATRIX)[1]["criteria"]
    sets = [dict(zip(criteria, s)) for s in ([4, 4, 4, 1, 1, 4, 1, 4], [5, 2, 4, 4, 5, 2, 3, 2], [2, 4, 3, 1, 4, 5, 1, 2],
                                             [2, 5, 1, 3, 1, 4, 4, 4], [1, 4, 3, 2, 5, 1, 3, 1],
                                             [4, 5, 5, 1, 1, 5, 5, 5], [5, 1, 1, 5, 5, 1, 5, 1])]
    sets += [{"forecast_revenue": 5}, {"urgency": 3, "importance": 4}, {"customer_risk": 5}]
    draw = random.Random(13)
    sets += [{c: draw.randint(1, 5) for c in criteria} for _ in range(6)]
    return sets


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_worksheet_gives_the_checkers_grade(page, site, lang):
    rules = load_rules([])
    fact = _grade_fact(rules)
    names = {b["id"]: b["name"][lang] for b in rules.items("grade_bands")}
    page.goto(f"{site}/{'' if lang == 'zh' else 'en/'}opportunities/")
    sheet = page.locator(".pb-grading")
    assert sheet.is_visible()
    seen = set()
    for scores in _score_sets(rules):
        for indicator in rules.find(MATRIX)[1]["criteria"]:
            page.select_option(f"#pb-score-{indicator}", str(scores.get(indicator, "")))
        expected = facts.grade(facts.Context(rules, {}, {"scores": scores}, TODAY), **fact["args"])
        seen.add(expected)
        assert sheet.get_attribute("data-grade") == (expected or ""), scores
        assert page.locator(".pb-grade").inner_text() == (names[expected] if expected else "–")
        assert page.locator(".pb-grading-incomplete").is_visible() == (expected is None)
    assert seen >= {*names, None}  # every band was reached, and an unsettled sheet


def test_the_worksheet_shows_which_pre_assessment_rule_applies(page, site):
    rules = load_rules([])
    page.goto(f"{site}/en/opportunities/")
    page.select_option("#pb-score-customer_risk", "5")
    page.select_option("#pb-score-forecast_revenue", "5")
    fired = i18n.text("site_list_separator", "en").join(r["name"]["en"] for r in rules.items("pre_assessment_rules"))
    assert page.locator(".pb-grading-pre").inner_text() == i18n.text("grading_pre_assessment", "en", rules=fired)
    assert page.locator(".pb-grade").inner_text() == rules.find("grade_d")[1]["name"]["en"]  # the cap wins


@pytest.mark.parametrize("width", [390, 1280])
def test_the_matrix_never_makes_the_page_scroll_sideways(page, site, width):
    page.set_viewport_size({"width": width, "height": 900})
    for prefix in ("", "en/"):
        page.goto(f"{site}/{prefix}opportunities/#{MATRIX}")
        assert page.locator("table.pb-ahp").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_without_javascript_the_table_shows_and_the_worksheet_stays_hidden(browser, site):
    context = browser.new_context(java_script_enabled=False)
    quiet = context.new_page()
    quiet.goto(f"{site}/en/opportunities/")
    assert quiet.locator("table.pb-ahp").is_visible()
    assert not quiet.locator(".pb-grading").is_visible()
    context.close()
