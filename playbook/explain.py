"""Show one item of the knowledge base as text, its fields labelled from the schema's ``x-title``."""

from __future__ import annotations

from . import rule_schemas
from .ruleset import RuleSet

HEADER_FIELDS = ("id", "name", "description", "source", "disabled")


def explain(rules: RuleSet, item_id: str, lang: str) -> list[str] | None:
    """The lines describing ``item_id``, or None when no item has that id."""
    found = rules.find(item_id)
    if found is None:
        return None
    collection, item = found
    other = "en" if lang == "zh" else "zh"
    fields = rule_schemas.item_fields(collection)
    collection_title = rule_schemas.title(rule_schemas.all_collections()[collection], lang, collection)
    source = rules.find(item["source"])
    lines = [
        f"{item['name'][lang]} ({item['name'][other]})  [{item_id}]",
        f"{collection_title} ({collection}) · {_label(fields, 'source', lang)}: "
        f"{source[1]['name'][lang] if source else item['source']}",
        "",
        item["description"][lang],
    ]
    for key, value in item.items():
        if key in HEADER_FIELDS:
            continue
        lines.append("")
        lines.append(f"{_label(fields, key, lang)}:")
        lines.extend("  " + line for line in _value_lines(rules, value, lang))
    return lines


def _label(fields: dict, key: str, lang: str) -> str:
    return rule_schemas.title(fields.get(key, {}), lang, key)


def _value_lines(rules: RuleSet, value, lang: str) -> list[str]:
    if _is_text(value):
        return [value[lang]]
    if isinstance(value, str):
        ref = rules.find(value)
        return [f"{ref[1]['name'][lang]} [{value}]" if ref else value]
    if isinstance(value, list):
        if value and all(isinstance(row, list) for row in value):
            return ["  ".join(f"{c!s:>5}" for c in row) for row in value]
        return [f"- {line}" for v in value for line in _value_lines(rules, v, lang)]
    if isinstance(value, dict):
        return [f"{k}: {' '.join(_value_lines(rules, v, lang))}" for k, v in value.items()]
    return [str(value).lower() if isinstance(value, bool) else str(value)]


def _is_text(value) -> bool:
    return isinstance(value, dict) and set(value) == {"zh", "en"}
