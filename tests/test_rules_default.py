"""The default knowledge base: valid, complete in both languages, every reference resolving."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from playbook import rule_schemas
from playbook.ruleset import default_rules_dir, load_rules, rule_files
from playbook.yamlload import load_file

RULES = load_rules()


def walk(value, where=""):
    """Every (path, value) below ``value``: a schema or an item."""
    yield where, value
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from walk(sub, f"{where}/{key}")
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from walk(sub, f"{where}/{i}")


@pytest.mark.parametrize("kind", sorted(rule_schemas.kinds()))
def test_every_schema_is_valid_json_schema_2020_12(kind):
    Draft202012Validator.check_schema(rule_schemas.kinds()[kind])


@pytest.mark.parametrize("kind", sorted(rule_schemas.kinds()))
def test_every_collection_and_field_has_a_bilingual_title(kind):
    for collection, schema in rule_schemas.collections(kind).items():
        title = schema.get("x-title") or rule_schemas.resolve(schema).get("x-title")
        assert title and set(title) == {"zh", "en"} and all(title.values()), f"{kind}.{collection}"
        for field, sub in rule_schemas.item_fields(collection).items():
            t = sub.get("x-title") or rule_schemas.resolve(sub).get("x-title")
            # exactly zh and en: an unquoted comma in a flow mapping would add a stray key
            assert t and set(t) == {"zh", "en"} and all(t.values()), f"{kind}.{collection}.{field}"


def test_every_reference_names_a_collection_that_exists():
    known = set(rule_schemas.all_collections()) | {"*"}  # "*": any item or collection
    for kind, schema in rule_schemas.kinds().items():
        for where, sub in walk(schema):
            if isinstance(sub, dict) and "x-ref" in sub:
                assert sub["x-ref"] in known, f"{kind}{where}"


def test_every_kind_has_a_default_file():
    kinds = {load_file(str(p), [])["kind"] for p in rule_files(default_rules_dir())}
    assert kinds == set(rule_schemas.kinds())


def test_every_item_names_its_source_and_has_both_languages_everywhere():
    for collection, items in RULES.collections.items():
        for item_id, item in items.items():
            if "source" in item:
                assert RULES.find(item["source"])[0] == "sources", item_id
            else:  # only the tool's own rules and the law's cite no document
                assert collection == "sources" or item["basis"] in ("tool", "law", "house_default"), item_id
            for where, value in walk(item, item_id):
                if isinstance(value, dict) and ({"zh", "en"} & set(value)):
                    assert set(value) == {"zh", "en"}, where
                    assert value["zh"].strip() and value["en"].strip(), where


def test_ids_are_unique_across_the_rule_set():
    seen = {}
    for path in rule_files(default_rules_dir()):
        data = load_file(str(path), [])
        for collection, items in data.items():
            if collection == "kind":
                continue
            for item in items:
                assert item["id"] not in seen, f"{item['id']} in {path.name} and {seen.get(item['id'])}"
                seen[item["id"]] = path.name


def test_every_reference_in_the_data_resolves():
    """Belt and braces over the loader's own check: walk each x-ref field of each item."""
    checked = 0
    for collection, items in RULES.collections.items():
        fields = rule_schemas.item_fields(collection)
        for item in items.values():
            for field, schema in fields.items():
                target = schema.get("x-ref") or schema.get("items", {}).get("x-ref")
                if target is None or field not in item:
                    continue
                values = item[field] if isinstance(item[field], list) else [item[field]]
                for value in values:
                    known = RULES.index.keys() | RULES.collections.keys() if target == "*" else RULES.collections[target]
                    assert value in known, f"{item['id']}.{field}: {value}"
                    checked += 1
    assert checked > 100


def test_the_default_ahp_matrix_is_consistent():
    results = RULES.ahp
    assert results
    for result in results.values():
        assert result.consistency_ratio < RULES.threshold("ahp_max_consistency_ratio")
        assert sum(result.weights) == pytest.approx(1.0)


def test_rule_and_schema_files_read_the_same_in_any_yaml_parser():
    """The C loader is lenient with a few flow-mapping forms; editors and other tools may not be."""
    import yaml

    from playbook.schemas import __file__ as schemas_init
    from pathlib import Path

    paths = rule_files(default_rules_dir()) + sorted((Path(schemas_init).parent / "rules").glob("*.yaml"))
    for path in paths:
        data = path.read_bytes()
        assert yaml.load(data, Loader=yaml.SafeLoader) == yaml.load(data, Loader=yaml.CSafeLoader), path.name
