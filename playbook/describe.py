"""An item's fields as labelled, translated entries: what ``explain`` prints and the site shows.

Labels come from the schema's ``x-title``, enum values from its ``x-enum-titles``, references
are turned into the name of the item they point to.
"""

from __future__ import annotations

import json
from typing import NamedTuple

import yaml

from . import i18n, provenance, rule_schemas
from .ruleset import RuleSet

HEADER_FIELDS = ("id", "name", "description", "source", "disabled", *provenance.FIELDS)


class Entry(NamedTuple):
    text: str
    ref: str | None = None  # the id of the item this entry names, if any
    code: bool = False  # YAML to show as it is (a check's condition, an example plan)


def fields(rules: RuleSet, collection: str, item: dict, lang: str) -> list[tuple[str, list[Entry]]]:
    """(label, entries) for every field of ``item`` beyond id, name, description and source; a
    threshold's value with its unit, in one format (50%, 90 天), and no separate unit."""
    schemas = rule_schemas.item_fields(collection)
    measured = "value" in item and "unit" in item
    return [(rule_schemas.title(schemas.get(key, {}), lang, key),
             [Entry(quantity(value, item["unit"], lang))] if measured and key == "value"
             else entries(rules, schemas.get(key, {}), value, lang))
            for key, value in item.items() if key not in HEADER_FIELDS and not (measured and key == "unit")]


def quantity(value, unit: str, lang: str) -> str:
    """A number in its unit as a reader takes it in: a ratio as a percentage, money and counts with
    thousands separators and the unit's name (90 天, 100,000 元 / 100,000 CNY)."""
    if unit == "ratio":
        return f"{value:.0%}" if round(value * 100, 6).is_integer() else f"{value:.1%}"
    unit_schema = rule_schemas.item_fields("thresholds")["unit"]
    symbols = unit_schema["x-symbols"]
    if value == 1:  # 1 day, 1 point
        symbols = {**symbols, **unit_schema.get("x-symbols-one", {})}
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
    return f"{number} {symbols[unit][lang]}".strip() if unit in symbols else number


def entries(rules: RuleSet, schema: dict, value, lang: str) -> list[Entry]:
    if (schema.get("x-display") or rule_schemas.resolve(schema).get("x-display")) == "code":
        plain = json.loads(json.dumps(value))  # Mapping / Sequence as the dict / list YAML can dump
        return [Entry(yaml.safe_dump(plain, allow_unicode=True, sort_keys=False).rstrip(), code=True)]
    if isinstance(value, dict) and set(value) == {"zh", "en"}:
        return [Entry(value[lang])]
    if isinstance(value, bool):
        return [Entry(i18n.text("yes" if value else "no", lang))]
    if isinstance(value, str):
        titles = schema.get("x-enum-titles") or rule_schemas.resolve(schema).get("x-enum-titles") or {}
        if value in titles:
            return [Entry(titles[value][lang])]
        found = rules.find(value) if "x-ref" in schema else None
        return [Entry(found[1]["name"][lang], value)] if found else [Entry(value)]
    if isinstance(value, list):
        if value and all(isinstance(row, list) for row in value):
            return [Entry("  ".join(f"{c!s:>5}" for c in row)) for row in value]
        item_schema = schema.get("items") or rule_schemas.resolve(schema).get("items") or {}
        return [e for v in value for e in entries(rules, item_schema, v, lang)]
    if isinstance(value, dict):
        props = rule_schemas.properties(schema)
        found = []
        for k, v in value.items():
            title = rule_schemas.title(props.get(k, {}), lang, k)
            sub = entries(rules, props.get(k, {}), v, lang)
            if any(e.code for e in sub):  # a label, then the YAML blocks as they are
                found += [Entry(f"{title}:"), *sub]
            else:
                found.append(Entry(f"{title}: " + " ".join(e.text for e in sub)))
        return found
    return [Entry(f"{value:g}" if isinstance(value, float) else str(value))]
