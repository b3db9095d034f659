"""Finding one's way in the playbook: the plan schema in the team's language for the editor,
`explain` by name or by collection, and `rules --list` for the ids a plan or an overlay may use."""

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator

from playbook.cli.commands import main
from playbook.plan_schema import plan_schema
from playbook.rulecache import cached_rules
from playbook.yamlload import YamlError, load_file

ROOT = Path(__file__).resolve().parent.parent


def schema(capsys, lang):
    assert main(["schema", "--lang", lang]) == 0
    return json.loads(capsys.readouterr().out)


# playbook schema --lang


def test_the_schema_names_fields_and_values_in_chinese(capsys):
    zh = schema(capsys, "zh")
    assert zh["title"] == "大客户计划"
    stage = zh["properties"]["opportunities"]["items"]["properties"]["stage"]
    assert stage["title"] == "阶段"
    assert "playbook rules --list opportunity_stages" in stage["description"]
    assert stage["enumDescriptions"][0].startswith("潜在商机：")
    attitude = zh["properties"]["contacts"]["items"]["properties"]["attitude"]
    assert attitude["enumDescriptions"] == ["支持", "中立", "反对", "不明"]


def test_the_schema_names_fields_and_values_in_english(capsys):
    en = schema(capsys, "en")
    assert en["title"] == "Key-account plan"
    way = en["properties"]["activities"]["items"]["properties"]["way"]
    assert way["title"] == "Way"
    assert way["enum"][0] == "way_sales_visit" and way["enumDescriptions"][0].startswith("Sales visits: ")
    assert way["x-intellij-enum-metadata"]["way_sales_visit"] == {"description": way["enumDescriptions"][0]}


def test_every_field_has_a_title_and_a_description_for_hover_and_completion(capsys):
    """The YAML extension shows only the description beside a completed key, the title on hover."""
    missing = []

    def walk(node, path):
        for key, sub in (node.get("properties") or {}).items():
            if not (sub.get("title") and sub.get("description")):
                missing.append(f"{path}.{key}")
            walk(sub, f"{path}.{key}")
        for each in ("items", "additionalProperties"):
            if isinstance(node.get(each), dict):
                walk(node[each], f"{path}[]")

    for lang in ("zh", "en"):
        walk(schema(capsys, lang), lang)
    assert missing == []


def test_grading_scores_complete_by_indicator(capsys):
    """A map keyed by a vocabulary lists its keys, so that the editor can offer them."""
    scores = schema(capsys, "en")["properties"]["opportunities"]["items"]["properties"]["scores"]
    assert scores["properties"]["forecast_revenue"]["title"] == "Forecast revenue"


def test_the_schema_is_in_the_language_of_the_locale(tmp_path):
    for locale, title in (("zh_CN.UTF-8", "大客户计划"), ("en_GB.UTF-8", "Key-account plan")):
        env = {**os.environ, "LANGUAGE": locale}
        result = subprocess.run([sys.executable, "-m", "playbook.cli", "schema"], cwd=tmp_path, env=env,
                                capture_output=True, text=True)
        assert json.loads(result.stdout)["title"] == title


def test_the_language_schema_judges_every_plan_as_the_checker_does(capsys):
    plain = Draft202012Validator(plan_schema(cached_rules()))
    judged = {}
    for lang in ("zh", "en"):
        language_schema = schema(capsys, lang)
        assert language_schema["title"] == {"zh": "大客户计划", "en": "Key-account plan"}[lang]
        Draft202012Validator.check_schema(language_schema)
        editor = Draft202012Validator(language_schema)
        for plan in [*_plans(), *_variants()]:
            assert editor.is_valid(plan) == plain.is_valid(plan), plan
            judged[plain.is_valid(plan)] = True
    assert judged == {True: True, False: True}  # both verdicts were put to the test


def _plans():
    for path in sorted([*ROOT.glob("accounts/*.yaml"), *ROOT.glob("examples/broken/*.yaml")]):
        try:
            yield json.loads(json.dumps(load_file(str(path), [])))
        except YamlError:  # not YAML at all: no schema has a say
            continue


def _variants():
    """Plans that differ only in a vocabulary-keyed map, where the language schema lists the keys."""
    plan = json.loads(json.dumps(load_file(str(ROOT / "accounts" / "hengrui_auto_parts.yaml"), [])))
    for scores in ({"forecast_revenue": 3}, {"forecast_revenue": 99}, {"no_such_indicator": 3}):
        for goals in ({"goal_must": 10}, {"goal_must": -1}, {"no_such_tier": 10}):
            yield {**plan, "opportunities": [{**plan["opportunities"][0], "scores": scores, "goals": goals}]}


# playbook explain NAME / COLLECTION


def test_explain_finds_an_item_by_its_chinese_name(capsys):
    assert main(["explain", "逐户访问法", "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "Door-to-door canvassing (逐户访问法)  [door_to_door]"


def test_explain_finds_an_item_by_an_alias(capsys):
    assert main(["explain", "地毯式寻找法", "--lang", "zh"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "逐户访问法 (Door-to-door canvassing)  [door_to_door]"


def test_explain_finds_an_item_by_its_english_name_in_any_case(capsys):
    assert main(["explain", "door-to-door CANVASSING", "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith("[door_to_door]")


def test_an_id_is_still_an_id_when_other_items_share_it_as_a_name(capsys):
    assert main(["explain", "price", "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith("[price]")


def test_explain_a_collection_lists_its_items_in_order(capsys):
    assert main(["explain", "opportunity_stages", "--lang", "zh"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "商机阶段（按顺序） (opportunity_stages): 5"
    assert [line.split() for line in lines[1:]] == [
        ["potential", "潜在商机"], ["valid", "有效商机"], ["feasible", "可行商机"], ["target", "目标商机"],
        ["won", "成功商机"]]


def test_a_name_shared_by_several_items_lists_them_to_choose_from(capsys):
    """Nothing is wrong with the name, so the answer is the items it names (exit 0), one line each."""
    assert main(["explain", "成熟期", "--lang", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "'成熟期' names 2 items; explain one of them by its id:"
    assert [line.split()[0] for line in lines[1:]] == ["maturity_period", "follow_on_mature"]


def test_a_misspelt_name_gets_the_closest_name(capsys):
    assert main(["explain", "逐户访问", "--lang", "en"]) == 2
    assert capsys.readouterr().err.strip() == \
        "playbook: nothing has the id or name '逐户访问' (did you mean '逐户访问法'?)"


def test_a_misspelt_name_in_chinese_too(capsys):
    assert main(["explain", "Door to door canvasing", "--lang", "zh"]) == 2
    assert capsys.readouterr().err.strip() == \
        "playbook: 没有编号或名称为 'Door to door canvasing' 的条目（是否想写 'Door-to-door canvassing'？）"


# playbook rules --list


CHANNELS = [channel["id"] for channel in yaml.safe_load((ROOT / "rules" / "prospecting.yaml").read_text())["channels"]]


def test_rules_list_prints_a_collections_ids_in_order_with_their_names(capsys):
    assert main(["rules", "--list", "channels", "--lang", "zh"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == CHANNELS  # in the order the rules give them
    assert lines[0].split() == ["door_to_door", "逐户访问法"]


def test_rules_list_leaves_out_items_an_overlay_switched_off(tmp_path, capsys):
    (tmp_path / "off.yaml").write_text("kind: prospecting\nchannels:\n  - id: sms\n    disabled: true\n")
    assert main(["rules", "--list", "channels", "--rules", str(tmp_path), "--lang", "en"]) == 0
    ids = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert ids == [c for c in CHANNELS if c != "sms"]


def test_rules_list_without_a_collection_lists_the_collections(capsys):
    assert main(["rules", "--list", "--lang", "en"]) == 0
    rows = [line.split(maxsplit=2) for line in capsys.readouterr().out.splitlines()]
    assert rows[0][0] == "sources"
    assert ["opportunity_stages", "5", "Opportunity stages (in order)"] in rows


def test_rules_list_of_an_unknown_collection_is_one_line_with_a_suggestion(capsys):
    assert main(["rules", "--list", "opportunity_stage", "--lang", "en"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == \
        "playbook: no collection is called 'opportunity_stage' (did you mean 'opportunity_stages'?)\n"
