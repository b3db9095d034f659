"""Every item of the default rules says where it comes from, and a quote of a source is found in it."""

import re
from pathlib import Path

import pytest

from playbook import provenance
from playbook.explain import explain
from playbook.ruleset import load_rules

RULES = load_rules()
SEEDS = Path(__file__).parent / "testdata" / "seeds"
# The extraction damaged the sources: pinyin in brackets after some characters ("消費(fèi)品").
PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")


def plain(text: str) -> str:
    """Text as compared: without white space, the damage's pinyin, and with one kind of colon and comma."""
    text = PINYIN.sub("", text)
    text = text.translate(str.maketrans({"：": ":", "，": ",", "（": "(", "）": ")", "；": ";"}))
    return re.sub(r"\s+", "", text)


def seed_text(source_id: str) -> str:
    tag = RULES.find(source_id)[1]["tag"]
    return plain(next(SEEDS.glob(f"{tag}_*.txt")).read_text(encoding="utf-8"))


ITEMS = [(collection, item) for collection, items in RULES.collections.items()
         for item in items.values() if collection != "sources"]


@pytest.mark.parametrize("collection,item", ITEMS, ids=[item["id"] for _, item in ITEMS])
def test_a_quote_is_found_in_its_source(collection, item):
    if "where" in item:
        assert plain(item["where"]) in seed_text(item["source"]), \
            f"{item['id']}: {item['where']!r} is not in {item['source']}"


@pytest.mark.parametrize("collection,item", ITEMS, ids=[item["id"] for _, item in ITEMS])
def test_fields_named_as_inferred_or_house_defaults_are_the_items_own(collection, item):
    named = [*item.get("inferred", ()), *item.get("house_defaults", ())]
    assert set(named) <= set(item), f"{item['id']} names fields it does not have"


def test_every_threshold_a_source_does_not_give_is_a_house_default():
    for item in RULES.items("thresholds"):
        assert item["basis"] in ("source", "inferred", "house_default"), item["id"]


def test_the_tools_own_checks_cite_no_document_and_personal_data_cites_the_law():
    checks = {c["id"]: c for c in RULES.items("checks")}
    for check_id in ("plan_format", "suppression_without_reason", "unused_suppression",
                     "waiver_expired", "waiver_without_approver", "waiver_malformed"):
        assert checks[check_id]["basis"] == "tool" and "source" not in checks[check_id]
    assert checks["sensitive_data_consent"]["basis"] == "law"
    assert "个人信息保护法" in checks["sensitive_data_consent"]["law"]["zh"]



def test_what_a_company_overlay_sets_is_the_companys(company):
    rules = company({"t.yaml": "kind: receivables\nthresholds:\n  - id: long_overdue_days\n    value: 60\n",
                     "c.yaml": "kind: prospecting\nchannels:\n  - id: trade_fair\n    name: {zh: 展会, en: Trade fair}\n"
                               "    description: {zh: 参加展会, en: Go to trade fairs}\n    advantages: [{zh: 多, en: many}]\n"
                               "    drawbacks: [{zh: 贵, en: dear}]\n    when_to_use: {zh: 新品, en: new products}\n"
                               "    cost: high\n"})
    assert rules.find("long_overdue_days")[1]["basis"] == "company"
    assert rules.find("trade_fair")[1]["basis"] == "company"  # a new item needs no source of its own
    assert rules.find("large_receivable_amount")[1]["basis"] == "house_default"  # untouched
    assert "long_overdue_days" not in {d.item["id"] for d in provenance.defaults(rules)}


def test_rules_defaults_lists_every_house_default_with_its_value_and_how_to_override_it():
    lines = provenance.listing(RULES, "en")
    assert lines[0].startswith(f"Values the sources leave to the company: {len(provenance.defaults(RULES))}.")
    assert "  kind: checks" in lines  # an overlay to copy
    rows = [line for line in lines if line.startswith("  ") and "/" in line.split()[0]]
    assert any("long_overdue_days" in row and "Value = 90 days" in row for row in rows)
    assert any("valid" in row.split() and "Time limit in the stage (days) = 60" in row for row in rows)
    assert not any("man_ideal" in row for row in rows)  # from the sources: not listed


def test_explain_shows_the_basis_in_both_languages():
    zh = explain(RULES, "sensitive_data_consent", "zh")[1]
    en = explain(RULES, "man_no_need", "en")[1]
    assert "[法律规定]" in zh and "个人信息保护法" in zh
    assert "[From the sources] Prospecting plan «" in en and "inferred: " in en


def test_a_source_document_is_explained_without_a_basis_of_its_own():
    lines = explain(RULES, "opportunity_management", "en")
    assert lines[1] == "Source documents (sources)" and "Opportunity management" in lines[0]


def test_every_item_of_the_rules_can_be_explained_in_both_languages():
    for items in RULES.collections.values():
        for item_id in items:
            for lang in ("zh", "en"):
                assert f"[{item_id}]" in explain(RULES, item_id, lang)[0]
