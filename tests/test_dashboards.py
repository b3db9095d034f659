"""The dashboards: the figures across every plan checked, drawn as inline SVG and written as tables,
in the page's language. The numbers below are those of the six sample plans on 2026-11-20."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from generator import dashboards
from generator.accounts import Checked
from generator.pages import _environment, nav
from generator.views import View
from playbook import portfolio
from playbook.checker import Checker
from playbook.ruleset import load_rules

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules()
TODAY = dt.date(2026, 11, 20)
CHECKER = Checker(RULES, TODAY)
SAMPLES = [Checked(str(p), *CHECKER.check_path(str(p))) for p in sorted((ROOT / "accounts").glob("*.yaml"))]
BROKEN = [Checked(str(p), *CHECKER.check_path(str(p))) for p in sorted((ROOT / "examples" / "broken").glob("*.yaml"))]


def page(checked, lang="en", rules=RULES) -> str:
    return dashboards.pages(rules, checked, View(rules, lang), _environment(), TODAY)[dashboards.PAGE]


def svgs(text: str) -> list[ET.Element]:
    """Every chart of a page, parsed: each must be well-formed XML."""
    return [ET.fromstring(s) for s in re.findall(r"<svg .*?</svg>", text, re.S)]


def test_the_funnel_gives_each_stage_its_opportunities_amount_and_portfolio_rates():
    text = page(SAMPLES)
    # win rate = won / closed: 5 won, and 2 lost (one at the potential stage, one at the feasible)
    assert "| Potential opportunity | 6 | 18,060,000 | 19 | 68% | 71% | 5% |" in text
    assert "| Feasible opportunity | 2 | 40,060,000 | 10 | 80% | 83% | 30% |" in text
    assert "| Target opportunity | 3 | 19,120,000 | 8 | 62% | 100% | 60% |" in text
    assert "| Won opportunity | 5 | 15,612,000 | 5 | – | 100% | 100% |" in text  # nothing comes after winning
    # the same figures as `playbook check` reports for the portfolio
    counts = sum((portfolio.stage_counts(c.plan) for c in SAMPLES), Counter())
    reached = [f.reached for f in portfolio.figures(RULES, counts)]
    funnel = svgs(text)[0]
    assert funnel.findtext("title") == "Opportunities reaching each stage"
    assert [t.text for t in funnel.iter("text")][1::2] == [str(n) for n in reached] == ["19", "13", "10", "8", "5"]


def test_the_win_rate_chart_marks_each_stage_preset():
    chart = next(s for s in svgs(page(SAMPLES)) if s.findtext("title").startswith("Win rate"))
    marks = [line for line in chart.iter("line") if line.get("stroke") == "#d9480f"]
    assert len(marks) == len(RULES.items("opportunity_stages")) + 1  # one per stage, one in the legend
    assert "Preset win rate" in [t.text for t in chart.iter("text")]


def test_grades_count_the_declared_grade_band_by_band_and_the_ungraded():
    text = page(SAMPLES)
    rows = ["| Grade A | 4 | 28,420,000 |", "| Grade B | 8 | 52,607,000 |", "| Grade C | 1 | 6,900,000 |",
            "| Grade D | 0 | 0 |", "| Not graded | 6 | 18,060,000 |"]
    assert all(r in text for r in rows)
    assert [text.index(r) for r in rows] == sorted(text.index(r) for r in rows)  # in the order of the bands


def test_unpaid_receivables_fall_in_their_quadrant_of_the_collection_matrix():
    text = page(SAMPLES)
    assert "| Short overdue and small | 2 | 64,500 | Finance collects as usual |" in text  # not yet due: left out
    assert "| Long overdue and small | 4 | 168,600 |" in text
    assert "| Short overdue and large | 2 | 1,859,000 | The salesperson visits |" in text
    assert "| Long overdue and large | 2 | 794,000 |" in text  # the paid 828,000 and 4,260,000 are not there
    grid = next(s for s in svgs(text) if s.findtext("title").startswith("Unpaid receivables"))
    lines = [t.text for t in grid.iter("text")]
    assert lines[:6] == ["Amount (small / large)", "Time overdue (short / long)", "Small", "Large", "Short", "Long"]
    assert lines[6:] == ["Short overdue and small", "2 unpaid · 64,500", "Short overdue and large",
                         "2 unpaid · 1,859,000", "Long overdue and small", "4 unpaid · 168,600",
                         "Long overdue and large", "2 unpaid · 794,000"]  # row by row, as in the matrix


def test_buying_centre_coverage_shows_which_key_accounts_name_each_role():
    text = page(SAMPLES)
    assert ("| Account | Economic buyer | Technical buyer | User buyer | Paying buyer | Coach "
            "| Purchasing department |") in text
    assert "| [京运顺达出租汽车有限公司](accounts/jingyun_taxi_fleet.md) | ✓ | ✓ | ✓ | ✓ | ✓ |  |" in text
    assert "| Share | 100% | 100% | 100% | 100% | 100% | 67% |" in text
    chart = next(s for s in svgs(text) if s.findtext("title").startswith("Share of accounts"))
    assert "4/6 · 67%" in [t.text for t in chart.iter("text")]


def test_findings_are_counted_by_check_and_linked_to_its_page():
    assert "No plan has findings." in page(SAMPLES)
    text = page(BROKEN)
    assert "| [Plan format](checks/plan_format.md) | error | 8 | 4 |" in text
    assert "| [The collection action fits its quadrant](checks/collection_action_fits.md) | error | 2 | 1 |" in text
    assert text.index("checks/plan_format.md") < text.index("checks/quote_below_floor.md")  # most frequent first
    # a plan that cannot be read or is malformed is left out of the figures, not of the findings
    assert "3 of them could not be read or are malformed" in text


def test_the_page_speaks_its_language():
    text = page(SAMPLES, "zh")
    assert "## 商机漏斗" in text and "| 目标商机 | 3 | 19,120,000 | 8 | 62% | 100% | 60% |" in text
    assert "2 笔 · 64,500" in text and "| 覆盖比例 | 100% | 100% | 100% | 100% | 100% | 67% |" in text


def test_every_chart_is_inline_svg_with_a_title_and_no_outside_resource():
    text = page(SAMPLES)
    charts = svgs(text)
    assert len(charts) == 6 and all(c.get("role") == "img" and c.findtext("title") for c in charts)
    assert text.count("<figure>") == 6
    assert not re.search(r"(href|src)=|<style|font-family|class=", text)


def test_rule_text_is_escaped_in_charts_and_tables(company):
    rules = company({"x.yaml": "kind: opportunities\nopportunity_stages:\n"
                               "  - id: target\n    name: {en: \"Target <b>&</b> [x](y)\"}\n"})
    text = page(SAMPLES, rules=rules)
    assert "<b>" not in text
    assert "Target &lt;b&gt;&amp;&lt;/b&gt; [x](y)</text>" in text  # in an SVG: XML-escaped
    assert "| Target &lt;b&gt;&amp;&lt;/b&gt; \\[x\\](y) | 3 |" in text  # in a table: Markdown text
    svgs(text)


def test_amounts_in_another_currency_are_not_added_to_the_default_one(tmp_path):
    plan = tmp_path / "usd.yaml"
    plan.write_text("account: {id: usd, name: USD Ltd, tier: key_account, owner: Li Lei}\n"
                    "opportunities:\n"
                    "  - {id: o1, name: Servers, stage: potential, amount: 1000, currency: USD}\n"
                    "  - {id: o2, name: Racks, stage: potential, amount: 500}\n", encoding="utf-8")
    text = page([Checked(str(plan), *CHECKER.check_path(str(plan)))])
    assert "| Potential opportunity | 2 | 500 |" in text
    assert "Amounts are in CNY. 1 amounts in other currencies are not added in." in text


def test_no_plans_give_an_empty_dashboard_not_an_error():
    text = page([])
    assert "| Potential opportunity | 0 | 0 | 0 | – | – | 5% |" in text
    assert "No plan is of this tier." in text and "No plan has findings." in text


def test_the_dashboard_is_in_the_navigation_before_the_accounts():
    for lang in ("zh", "en"):
        entries = [next(iter(e.values())) for e in nav(RULES, lang)]
        assert entries[entries.index("accounts/index.md") - 1] == dashboards.PAGE
