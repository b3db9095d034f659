"""The one-page summary of each training topic is a decision aid: per collection named in
site_templates/training.yaml (`summary`), one row per item, the situation and what to do, each text
to its first sentence and each list in full; then the topic's key numbers, marked when they are not
straight from the sources. Printing it is tested in test_print.py."""

from __future__ import annotations

import re

from generator import pages as site
from generator import summaries, training
from generator.views import View
from playbook import rule_schemas
from playbook.ruleset import load_rules

RULES = load_rules()


def build(rules, lang: str = "en") -> dict[str, str]:
    return training.pages(rules, View(rules, lang), site._environment())


PAGES = {lang: build(RULES, lang) for lang in ("en", "zh")}


def rows(page: str) -> list[list[str]]:
    """The cells of the table rows of a page (a cell's escaped "\\|" is not a border)."""
    return [[c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            for line in page.splitlines() if line.startswith("| ") and not line.startswith("| ---")]


def test_every_field_the_summary_names_is_a_field_of_its_collection():
    for collection, fields in summaries.SETTINGS["rows"].items():
        known = rule_schemas.item_fields(collection)
        for field in fields["situation"] + fields["action"]:
            assert field in known, (collection, field)


def test_every_topic_has_a_decision_table():
    for kind in training.taught_kinds(View(RULES, "en")):
        page = PAGES["en"][f"training/summary-{kind}.md"]
        assert "| Situation | What to do |" in page, kind


def test_a_summary_opens_with_the_gist_of_its_topic():
    for lang, page in PAGES.items():
        gist = " ".join(RULES.items("overview", "qualification")[0]["description"][lang].split())
        opening = page["training/summary-qualification.md"].split("\n## ")[0]
        assert gist in opening, lang


def test_each_man_combination_is_a_row_with_its_verdict_and_next_step():
    table = rows(PAGES["en"]["training/summary-qualification.md"])
    assert table[0] == ["Situation", "What to do"]
    verdicts = rule_schemas.item_fields("man_combinations")["verdict"]
    verdicts = verdicts.get("x-enum-titles") or rule_schemas.resolve(verdicts)["x-enum-titles"]
    for item in RULES.items("man_combinations", "qualification"):
        row = [f"**[{item['name']['en']}](../qualification.md#{item['id']})**",
               f"{verdicts[item['verdict']]['en']}: {item['next_step']['en']}"]
        assert row in table, item["id"]


def test_a_text_shows_its_first_sentence_and_a_list_all_its_entries():
    page = PAGES["en"]["training/summary-churn.md"]
    assert "the account is followed until it is won back. |" in page
    assert "A declining key account is worked on before it is lost" not in page
    assert "(e.g. help them document a saving to report); never offer private favours" in \
        PAGES["en"]["training/summary-pricing.md"]  # an abbreviation does not end the sentence
    for step in RULES.items("complaint_steps", "churn"):
        assert "; ".join(a["en"] for a in step["actions"]).replace("|", "\\|") in page, step["id"]


def test_only_the_collections_named_give_rows():
    page = PAGES["en"]["training/summary-receivables.md"]
    assert "## Why receivables go unpaid" in page
    assert "collection_principles" not in summaries.SETTINGS["rows"]
    for item in RULES.items("collection_principles", "receivables"):
        assert item["id"] not in page


def test_key_numbers_are_marked_when_they_are_house_defaults(company):
    rules = company({"limits.yaml": "kind: receivables\nthresholds:\n  - id: long_overdue_days\n    value: 60\n"})
    page = build(rules)["training/summary-receivables.md"]
    assert "- [Long-overdue days](../receivables.md#long_overdue_days): **60 days** " \
           '<span class="pb-basis pb-basis-company">Company rule</span>' in page
    assert "- [Large receivable amount](../receivables.md#large_receivable_amount): **100,000 CNY** " \
           '<span class="pb-basis pb-basis-house_default">House default</span>' in page


def test_rule_text_stays_one_cell(company):
    rules = company({"r.yaml": "kind: buying_centre\ntemperaments:\n  - id: temperament_silent\n"
                               "    signs: {en: 'Says a | b <script>x</script>. Then more.'}\n"})
    table = rows(build(rules)["training/summary-buying_centre.md"])
    silent = next(r for r in table if "#temperament_silent)" in r[0])
    assert len(silent) == 2
    assert silent[0].endswith(": Says a \\| b &lt;script&gt;x&lt;/script&gt;.")


def test_the_chinese_summary_is_in_chinese():
    page = PAGES["zh"]["training/summary-qualification.md"]
    assert "| 情形 | 怎么做 |" in page and "## 关键数字" in page
    assert "**[理想客户（M A N）](../qualification.md#man_ideal)** | 全力争取：" in page
