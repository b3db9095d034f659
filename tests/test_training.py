"""The training pages: a learning path in the order of the sales process, self-check questions whose
numbers and answers come from the rules (answers open on a click), and a one-page summary per topic."""

from __future__ import annotations

import html
import re
from pathlib import Path

import markdown
import yaml

from generator import pages as site
from generator import training
from generator.views import View
from playbook import rule_schemas
from playbook.ruleset import load_rules

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules()
MKDOCS = yaml.safe_load((ROOT / "site_templates" / "mkdocs.yml").read_text(encoding="utf-8"))


def build(rules, lang: str = "en") -> dict[str, str]:
    return training.pages(rules, View(rules, lang), site._environment())


PAGES = {lang: build(RULES, lang) for lang in ("zh", "en")}


def text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def questions(page: str) -> dict[str, str]:
    """Question -> answer, as a reader sees them once the page is rendered with the site's extensions."""
    extensions = [e if isinstance(e, str) else next(iter(e)) for e in MKDOCS["markdown_extensions"]]
    rendered = markdown.markdown(page, extensions=extensions)
    pairs = re.findall(r'<details class="question">\s*<summary>(.*?)</summary>(.*?)</details>', rendered, re.S)
    assert len(pairs) == page.count("??? question"), "every question renders as a collapsed block"
    return {text(q): text(a) for q, a in pairs}


def test_the_learning_path_follows_the_sales_process_and_links_each_step():
    path = PAGES["en"]["training/index.md"]
    kinds = training.taught_kinds(View(RULES, "en"))
    assert kinds[0] == "targeting" and kinds[-1] == "receivables"
    assert "sources" not in kinds and "checks" not in kinds
    assert kinds == [k for k in rule_schemas.kinds() if k in kinds]  # x-section order
    places = [path.index(f"](../{kind}.md)") for kind in kinds]
    assert places == sorted(places)
    for kind in kinds:
        count = len(questions(PAGES["en"][f"training/{kind}.md"]))
        assert count > 0, kind
        assert f"({count} questions)]({kind}.md)" in path
        assert f"](summary-{kind}.md)" in path
    # what to learn comes from the section's collections
    assert "What you learn: The three conditions of the MAN rule; MAN combinations" in path.replace("\\", "")


def test_every_man_combination_asks_what_next_and_answers_from_the_rules():
    qa = questions(PAGES["en"]["training/qualification.md"])
    for combination in RULES.items("man_combinations"):
        answer = qa[f"A prospect is “{combination['code']}”: what is the verdict, and what next?"]
        assert combination["next_step"]["en"] in answer
        assert RULES.find(combination["max_stage"])[1]["name"]["en"] in answer
    assert "Stop contact" in qa["A prospect is “m a n”: what is the verdict, and what next?"]
    page = PAGES["en"]["training/qualification.md"]
    assert "[Won opportunity](../opportunities.md#won)" in page


def test_receivable_cases_are_built_around_the_thresholds_and_answered_by_the_matrix():
    qa = questions(PAGES["en"]["training/receivables.md"])
    cases = {q: a for q, a in qa.items() if q.startswith("A receivable:")}
    assert len(cases) == 5  # every quadrant, and a case exactly at both thresholds
    ask = "A receivable: Days overdue {} days; Amount {} CNY. Which quadrant of the collection matrix is it in, " \
          "and how do you collect it?"
    assert "Finance collects as usual" in cases[ask.format(45, "50,000")]
    assert "The salesperson visits" in cases[ask.format(45, "200,000")]
    assert "Escalate the letters" in cases[ask.format(180, "50,000")]
    assert "Agree a special arrangement" in cases[ask.format(180, "200,000")]
    at_both = cases[ask.format(90, "100,000")]  # "at or above" the threshold counts as long and large
    assert "Long overdue and large" in at_both and "Long-overdue days: 90 days" in at_both


def test_a_company_threshold_changes_the_numbers_in_the_questions(company):
    rules = company({"receivables.yaml": "kind: receivables\nthresholds:\n  - id: long_overdue_days\n    value: 60\n"})
    qa = questions(build(rules)["training/receivables.md"])
    cases = {q.split(".")[0]: a for q, a in qa.items() if q.startswith("A receivable:")}
    assert set(cases) == {f"A receivable: Days overdue {d} days; Amount {a} CNY"
                          for d, a in [(30, "50,000"), (30, "200,000"), (120, "50,000"), (120, "200,000"), (60, "100,000")]}
    assert "The salesperson visits" in cases["A receivable: Days overdue 30 days; Amount 200,000 CNY"]
    assert "Long-overdue days: 60 days" in cases["A receivable: Days overdue 60 days; Amount 100,000 CNY"]
    assert qa["What is the “Long-overdue days”?"].startswith("Long-overdue days · 60 days")


def test_each_complaint_step_asks_what_comes_next():
    steps = RULES.items("complaint_steps")
    qa = questions(PAGES["en"]["training/churn.md"])
    title = rule_schemas.title(rule_schemas.all_collections()["complaint_steps"], "en", "")
    for step, following in zip(steps, steps[1:]):
        answer = qa[f"{title}: after “{step['name']['en']}”, what comes next?"]
        assert answer.startswith(following["name"]["en"])
        assert following["actions"][0]["en"] in answer
    assert not any(f"after “{steps[-1]['name']['en']}”" in q for q in qa)  # the last step has nothing after it


def test_people_questions_cover_every_social_style_and_temperament():
    qa = questions(PAGES["en"]["training/buying_centre.md"])
    for style in RULES.items("social_styles"):
        assert style["approach"]["en"] in qa[f"A buyer of the {style['name']['en']} style: how do you adapt?"]
    for temperament in RULES.items("temperaments"):
        question = f"The customer: {temperament['signs']['en']} Which temperament is this, and how do you handle it?"
        assert qa[question].startswith(temperament["name"]["en"])  # recognised from the signs, then handled
        assert temperament["handling"]["en"] in qa[question]


def test_quoting_stages_and_channels_are_asked_from_their_fields():
    pricing = questions(PAGES["en"]["training/pricing.md"])
    for principle in RULES.items("quoting_principles"):
        assert principle["approach"]["en"] in pricing[f"The buyer: {principle['buyer_profile']['en']} How do you quote?"]
    opportunities = questions(PAGES["en"]["training/opportunities.md"])
    for stage in RULES.items("opportunity_stages"):
        answer = opportunities[f"An opportunity at the “{stage['name']['en']}” stage: which verification marks does it "
                               "need, and what is its preset win rate?"]
        assert all(RULES.find(m)[1]["name"]["en"] in answer for m in stage["verification_marks"])
        assert f"Preset win rate : {stage['preset_win_rate']:g}" in answer
    prospecting = questions(PAGES["en"]["training/prospecting.md"])
    channels = [q for q in prospecting if q.startswith("The channel")]
    assert len(channels) == len(RULES.items("channels"))
    assert all("Advantages" in prospecting[q] and "When to use it" in prospecting[q] for q in channels)


def test_chinese_pages_ask_in_chinese():
    qa = questions(PAGES["zh"]["training/qualification.md"])
    assert "停止接触" in qa["准客户是「m a n」：结论是什么？下一步怎么做？"]
    assert "一笔应收款：逾期天数 180 天；金额 200,000 元。" in "".join(questions(PAGES["zh"]["training/receivables.md"]))


def test_rule_text_stays_text_in_a_question(company):
    rules = company({"b.yaml": "kind: buying_centre\ntemperaments:\n  - id: temperament_silent\n"
                               "    signs: {en: 'Says \"no\" <script>x</script> and [y](javascript:z)'}\n"})
    page = build(rules)["training/buying_centre.md"]
    assert "<script>" not in page and "[y](javascript" not in page  # brackets escaped: no link
    qa = questions(page)
    assert 'The customer: Says "no" <script>x</script> and [y](javascript:z) Which temperament is this, and how do ' \
           "you handle it?" in qa


def test_a_summary_lists_every_item_of_its_section_in_a_line():
    summary = PAGES["en"]["training/summary-receivables.md"]
    assert summary.startswith("# Summary: Receivables { .training-summary }")
    for item_id, kind in RULES.item_kind.items():
        if kind == "receivables":
            assert f"](../receivables.md#{item_id})**" in summary, item_id
    assert "**[Long-overdue days](../receivables.md#long_overdue_days)** 90 days" in summary
    # one sentence of the description, not all of it
    assert "The customer never meant to pay.\n" in summary


def test_the_navigation_has_a_training_section_before_the_accounts():
    nav = site.nav(RULES, "en")
    titles = [next(iter(entry)) for entry in nav]
    assert titles.index("Training") < [next(iter(e.values())) for e in nav].index("accounts/index.md")
    training_nav = nav[titles.index("Training")]["Training"]
    assert training_nav[0] == {"Learning path": "training/index.md"}
    kinds = training.taught_kinds(View(RULES, "en"))
    assert [next(iter(e.values())) for e in training_nav[1]["Self-check"]] == [f"training/{k}.md" for k in kinds]
    assert [next(iter(e.values())) for e in training_nav[2]["One-page summary"]] == \
        [f"training/summary-{k}.md" for k in kinds]


def test_printing_hides_the_navigation():
    css = (ROOT / "site_templates" / "docs" / "extra.css").read_text(encoding="utf-8")
    print_rules = css[css.index("@media print"):]
    assert ".md-header" in print_rules and ".md-sidebar" in print_rules and "h1.training-summary" in print_rules
