"""The dashboards and the owner pages: the figures across every plan checked, drawn as inline SVG and
written as tables, in the page's language. The numbers below are those of the six sample plans on
2026-11-20 (three of them with warnings: a deal past its close date, one stalled, a step overdue)."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from generator import dashboards, owners, svg
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


def pages(checked, lang="en", rules=RULES) -> dict[str, str]:
    return dashboards.pages(rules, checked, View(rules, lang), _environment(), TODAY)


def page(checked, lang="en", rules=RULES) -> str:
    return pages(checked, lang, rules)[dashboards.PAGE]


def owner_page(name: str, lang="en", checked=SAMPLES) -> str:
    return pages(checked, lang)[f"owners/{owners.slug(name)}.md"]


def svgs(text: str) -> list[ET.Element]:
    """Every chart of a page, parsed: each must be well-formed XML."""
    return [ET.fromstring(s) for s in re.findall(r"<svg .*?</svg>", text, re.S)]


def test_the_funnel_gives_each_stage_its_opportunities_amount_and_portfolio_rates():
    text = page(SAMPLES)
    # closed = won or lost at the stage or beyond: 5 won, 2 lost (one at the potential stage, one at
    # the feasible); fewer than 10 closed deals at every stage, so no win rate is set against its preset
    assert "| Potential opportunity | 6 | 18,060,000 | 19 | 68% | 7 | – | 5% |" in text
    assert "| Feasible opportunity | 2 | 40,060,000 | 10 | 80% | 6 | – | 30% |" in text
    assert "| Target opportunity | 3 | 19,120,000 | 8 | 62% | 5 | – | 60% |" in text
    assert "| Won opportunity | 5 | 15,612,000 | 5 | – | 5 | – | 100% |" in text  # nothing comes after winning
    # the same figures as `playbook check` reports for the portfolio
    counts = sum((portfolio.stage_counts(c.plan) for c in SAMPLES), Counter())
    reached = [f.reached for f in portfolio.figures(RULES, counts)]
    funnel = svgs(text)[0]
    assert funnel.findtext("title") == "Opportunities reaching each stage"
    assert [t.text for t in funnel.iter("text")][1::2] == [str(n) for n in reached] == ["19", "13", "10", "8", "5"]


def test_win_rates_meet_their_presets_only_where_enough_deals_have_closed(company):
    text = page(SAMPLES)
    assert "No stage has 10 closed deals yet, so no win rate is charted against its preset." in text
    assert not [s for s in svgs(text) if s.findtext("title").startswith("Win rate")]
    rules = company({"t.yaml": "kind: checks\nthresholds:\n  - id: portfolio_min_opportunities\n    value: 6\n"})
    text = page(SAMPLES, rules=rules)
    # 7, 6 and 6 deals closed at the first three stages; 5 at the last two
    assert "| Valid opportunity | 3 | 13,135,000 | 13 | 77% | 6 | 83% | 15% |" in text
    assert "| Target opportunity | 3 | 19,120,000 | 8 | 62% | 5 | – | 60% |" in text
    chart = next(s for s in svgs(text) if s.findtext("title").startswith("Win rate"))
    labels = [t.text for t in chart.iter("text")]
    assert labels[:6] == ["Potential opportunity", "71%", "Valid opportunity", "83%", "Feasible opportunity", "83%"]
    marks = [line for line in chart.iter("line") if line.get("stroke") == svg.MARK]
    assert len(marks) == 3 + 1  # one per stage compared, one in the legend
    assert "Preset win rate" in labels


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


def test_the_weighted_forecast_counts_open_deals_at_their_stage_preset_and_says_presets_are_house_defaults():
    text = page(SAMPLES)
    # open = neither won nor lost: the lost potential deal (160,000) and feasible one are left out
    assert "| Potential opportunity | 17,900,000 | 5% | 895,000 |" in text
    assert "| Target opportunity | 19,120,000 | 60% | 11,472,000 |" in text
    assert "| **Total** | **76,715,000** |  | **22,305,250** |" in text  # 895,000 + 1,970,250 + 7,968,000 + 11,472,000
    assert "Won opportunity | 15,612,000 | 100%" not in text  # a won deal is no longer a forecast
    assert "The preset win rates are house defaults (marked “House default” in the playbook)" in text
    chart = next(s for s in svgs(text) if s.findtext("title") == "Weighted forecast at each stage")
    assert [t.text for t in chart.iter("text")][1::2] == ["895,000", "1,970,250", "7,968,000", "11,472,000"]


def test_presets_of_the_company_are_not_called_house_defaults(company):
    stages = "".join(f"  - id: {s['id']}\n    basis: company\n    preset_win_rate: {s['preset_win_rate']}\n"
                     for s in RULES.items("opportunity_stages"))
    rules = company({"s.yaml": "kind: opportunities\nopportunity_stages:\n" + stages})
    assert "house defaults" not in page(SAMPLES, rules=rules)


def test_findings_are_counted_by_check_charted_and_linked_to_its_page():
    text = page(SAMPLES)
    assert "| [The next step is overdue](checks/next_step_overdue.md) | warning | 1 | 1 |" in text
    chart = next(s for s in svgs(text) if s.findtext("title") == "Findings of each check")
    assert [t.text for t in chart.iter("text")] == ["The expected close date has passed", "1",  # ties: in
                                                     "An opportunity sits in its stage too long", "1",  # the order
                                                     "The next step is overdue", "1"]  # of the rules
    assert "No plan has findings." in page([])
    text = page(BROKEN)
    assert "| [Plan format](checks/plan_format.md) | error | 8 | 4 |" in text
    assert "| [The collection action fits its quadrant](checks/collection_action_fits.md) | error | 2 | 1 |" in text
    assert text.index("checks/plan_format.md") < text.index("checks/quote_below_floor.md")  # most frequent first
    # a plan that cannot be read or is malformed is left out of the figures, not of the findings
    assert "3 of them could not be read or are malformed" in text


def test_the_page_speaks_its_language():
    text = page(SAMPLES, "zh")
    assert "## 商机漏斗" in text and "| 目标商机 | 3 | 19,120,000 | 8 | 62% | 5 | – | 60% |" in text
    assert "## 加权预测" in text and "| **合计** | **76,715,000** |  | **22,305,250** |" in text
    assert "2 笔 · 64,500" in text and "| 覆盖比例 | 100% | 100% | 100% | 100% | 100% | 67% |" in text


def test_every_chart_is_inline_svg_with_a_title_and_no_outside_resource():
    text = page(SAMPLES)
    charts = svgs(text)
    assert len(charts) == 7 and all(c.get("role") == "img" and c.findtext("title") and c.findtext("desc")
                                    for c in charts)
    assert text.count("<figure>") == 7
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
    assert "| Potential opportunity | 0 | 0 | 0 | – | 0 | – | 5% |" in text
    assert "No plan names an owner." in text
    assert "No plan is of this tier." in text and "No plan has findings." in text


def test_the_dashboard_is_in_the_navigation_before_the_accounts_and_owner_pages_are_not():
    for lang in ("zh", "en"):
        entries = [p for e in nav(RULES, lang) for v in e.values() for p in (v if isinstance(v, list) else [v])]
        pages_in_nav = [p if isinstance(p, str) else next(iter(p.values())) for p in entries]
        assert pages_in_nav[pages_in_nav.index("accounts/index.md") - 1] == dashboards.PAGE
        assert not [p for p in pages_in_nav if str(p).startswith(owners.FOLDER)]


def test_each_owner_has_a_page_linked_from_the_dashboard_with_their_totals():
    found = pages(SAMPLES)
    owners_named = sorted({c.plan["account"]["owner"] for c in SAMPLES})
    assert sorted(p for p in found if p.startswith("owners/")) == sorted(f"owners/{owners.slug(o)}.md" for o in owners_named)
    # 程雪's plan: two warnings; overdue and unpaid 414,000 + 12,600 + 28,500 (the paid and the not yet due left out)
    assert "| [程雪](owners/程雪.md) | 1 | 2 | 455,100 |" in found[dashboards.PAGE]


def test_an_owner_page_lists_the_plans_findings_and_overdue_receivables_with_their_currency():
    text = owner_page("程雪")
    assert text.startswith("# Owner: 程雪\n")
    assert "| [江城市第三人民医院](../accounts/jiangcheng_third_hospital.md) | Key account | Won opportunity | 6,100,000 | 2 |" in text
    assert "| [The expected close date has passed](../checks/close_date_passed.md) | warning | 1 | 1 |" in text
    assert ("| [江城市第三人民医院](../accounts/jiangcheng_third_hospital.md) | rec-jc3-117-final | 414,000 CNY | 2026-05-31 "
            "| 173 | Long overdue and large | Agree a special arrangement with the company |") in text
    assert "rec-jc3-117-warranty" not in text  # not yet due
    assert "Amounts are in CNY." in text


def test_an_owner_page_puts_each_deal_on_the_watch_lists_its_findings_call_for():
    text = owner_page("程雪")
    past_close = text.split("## Deals past their expected close date")[1].split("##")[0]
    assert "| 手术器械全程追溯系统 | Potential opportunity | 900,000 | 2026-11-10 | the expected close date 2026-11-10 passed 10 days ago" in past_close
    stalled = text.split("## Stalled deals")[1].split("##")[0]
    assert "| Valid opportunity | 5,200,000 | 2027-05-31 | 71 days at the Valid opportunity stage, past its limit of 60 days |" in stalled
    assert "手术器械" not in stalled
    assert "## Single-threaded deals\n\nNo such deal." in text
    # a step overdue is a stalled deal too (site_templates/owners.yaml)
    assert "| 京运约车网约车车队扩充（50 辆） | 有效商机 | 6,900,000 | 2027-03-31 | 下一步的期限 2026-11-12 已过，还没有完成 |" in \
        owner_page("唐志远", "zh").split("## 停滞的商机")[1]


def test_a_deal_with_one_contact_engaged_is_on_the_single_threaded_list(tmp_path):
    plan = tmp_path / "one.yaml"
    plan.write_text("account: {id: one, name: One Ltd, tier: key_account, owner: Li Lei}\n"
                    "contacts: [{id: wang, name: Wang}]\n"
                    "activities: [{date: 2026-11-01, way: way_sales_visit, contact: wang}]\n"
                    "opportunities:\n"
                    "  - {id: o1, name: Servers, stage: feasible, amount: 1000, man: {money: true, authority: true, need: true}}\n"
                    "  - {id: o2, name: Racks, stage: potential, amount: 500}\n", encoding="utf-8")
    text = owner_page("Li Lei", checked=[Checked(str(plan), *CHECKER.check_path(str(plan)))])
    single = text.split("## Single-threaded deals")[1].split("##")[0]
    assert "| [One Ltd](../accounts/one.md) | Servers | Feasible opportunity | 1,000 |  | " in single
    assert "Racks" not in single


def test_what_to_study_leads_from_the_owner_most_frequent_findings_to_the_method_and_its_self_check():
    text = owner_page("程雪").split("## What to study")[1]
    assert "- **Opportunities** · [Self-check](../training/opportunities.md)\n" in text
    assert ("    - [Opportunity stages (in order)](../opportunities.md#opportunity_stages) — findings behind it: "
            "[An opportunity sits in its stage too long](../checks/stage_time_limit.md) (1), "  # ties: in the
            "[The expected close date has passed](../checks/close_date_passed.md) (1)\n") in text  # plan's order
    assert text.count("../training/") == 1  # the two checks lead to one section: listed once
    assert "No findings, so nothing in particular to study for now." in owner_page("周文斌")
    # the checks of the owner's plans in the broken examples lead to three sections of one taught part
    text = owner_page("沈立群", checked=BROKEN).split("## What to study")[1]
    assert text.count("[Self-check](../training/pricing.md)") == 1 and text.count("    - [") == 3


def test_owner_names_make_page_names_that_stay_in_their_folder_and_never_meet():
    assert owners.slug("../../etc/passwd") == "______etc_passwd"
    assert owners.slug("刘建军") == "刘建军"
    assert len(owners.slug("长" * 300).encode()) < 255
    summaries = [({"owner": name}) for name in ("Li Lei", "li lei", "")]
    found = owners.groups([(None, s, None) for s in summaries])
    assert [(g["owner"], g["id"]) for g in found] == [("Li Lei", "li_lei"), ("li lei", "li_lei~2")]  # no owner: no page


def test_every_watch_list_of_the_owner_pages_names_checks_of_the_rules():
    lists = owners.SETTINGS["deal_lists"]
    assert lists and all(check in RULES.index and RULES.index[check] == "checks" for spec in lists for check in spec["checks"])
    assert all(View(RULES, lang).t(spec["title"]) for spec in lists for lang in ("zh", "en"))


def contrast(colour: str, background: str = "#ffffff") -> float:
    """The WCAG contrast ratio of two sRGB colours."""
    def luminance(hex_colour):
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted([luminance(colour), luminance(background)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_chart_marks_and_axes_keep_3_to_1_contrast_against_the_page():
    colours = {e.get(a) for chart in svgs(page(SAMPLES)) for e in chart.iter() for a in ("fill", "stroke")
               if (e.get(a) or "").startswith("#")}
    assert colours == {svg.FILL, svg.MARK, svg.RULE}
    assert all(contrast(c) >= 3 for c in colours), {c: round(contrast(c), 2) for c in colours}
    assert contrast("#9aa5b1") < 3  # the grey the axes had before: the test can tell


def test_the_worst_quadrant_holding_receivables_is_drawn_darkest_and_framed():
    grid = next(s for s in svgs(page(SAMPLES)) if s.findtext("title").startswith("Unpaid receivables"))
    cells = [r for r in grid.iter("rect") if r.get("fill") == svg.FILL]
    shades = [float(r.get("fill-opacity")) for r in cells]  # row by row: short+small, short+large, long+small, long+large
    assert shades[3] == max(shades) and shades[0] == min(shades) and shades[1] == shades[2]
    framed = [r for r in grid.iter("rect") if r.get("stroke") == svg.MARK]
    at = lambda rect: (float(rect.get("x")), float(rect.get("y")))
    assert len(framed) == 1 and at(framed[0]) > at(cells[3])  # inside the long and large cell
    assert at(framed[0])[0] < at(cells[3])[0] + 2 and at(framed[0])[1] < at(cells[3])[1] + 2
    assert "Long · Large: Long overdue and large · 2 unpaid · 794,000" in grid.findtext("desc")


def test_the_accounts_index_is_a_material_table_with_the_open_pipeline_in_its_currency():
    from generator.pages import build_pages
    text = build_pages(RULES, SAMPLES, "en", TODAY)["accounts/index.md"]
    assert "<table data-sortable " in text and "<table class" not in text  # Material styles a table without a class
    # 江城: the valid 5,200,000 and potential 900,000; the lost 160,000 and the won deal left out
    assert '<td data-sort="6100000" class="playbook-number">6,100,000 CNY</td>' in text
