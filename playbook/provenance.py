"""Where an item of the rules comes from, so that a guess is never taught as the method.

Each item has a basis (common.yaml): a source and a quote of it, an inference from damaged or
implicit text, a house default the company should review, the tool's own rule, the law, or the
company's overlay. A field of a sourced item may still be inferred or a house default. This module
turns that into the few words that ``explain``, the site and ``rules --defaults`` show.
"""

from __future__ import annotations

from typing import NamedTuple

from . import i18n, rule_schemas
from .ruleset import RuleSet

FIELDS = ("basis", "where", "reading", "law", "inferred", "house_defaults")  # never listed as plain fields


class Default(NamedTuple):
    """A value the sources leave to the company: an item that is a house default, or one field of an item."""

    collection: str
    kind: str
    item: dict
    field: str  # the field holding the value ("value" of a threshold)
    value: object


def label(basis: str, lang: str) -> str:
    """The badge's word: 出自原文 / From the sources, 默认值（待公司确认）/ House default, ..."""
    titles = rule_schemas.resolve({"$ref": "common#/$defs/basis"})["x-enum-titles"]
    return titles[basis][lang]


def detail(rules: RuleSet, collection: str, item: dict, lang: str) -> str:
    """What follows the badge: the document and the quote, what was inferred from what, the law,
    and the fields of the item that are house defaults or inferred."""
    basis = item["basis"]
    found = rules.find(item["source"]) if item.get("source") else None
    document = found[1]["name"][lang] if found else ""
    parts = []
    if basis in ("source", "inferred") and document:
        parts.append(f"{document} «{item['where']}»" if item.get("where") else document)
    if basis == "law":
        parts.append(item["law"][lang])
    if basis == "inferred" or item.get("inferred"):
        parts.append(item["reading"][lang] if item.get("reading") else "")
    fields = rule_schemas.item_fields(collection)
    for key, code in (("inferred", "basis_fields_inferred"), ("house_defaults", "basis_fields_default")):
        if item.get(key):
            names = [rule_schemas.title(fields.get(f, {}), lang, f) for f in item[key]]
            parts.append(i18n.text(code, lang, fields=i18n.text("site_list_separator", lang).join(names)))
    return " · ".join(p for p in parts if p)


def line(rules: RuleSet, collection: str, item: dict, lang: str) -> str:
    """The badge and its detail as one line of text (explain)."""
    rest = detail(rules, collection, item, lang)
    return f"[{label(item['basis'], lang)}]" + (f" {rest}" if rest else "")


def defaults(rules: RuleSet) -> list[Default]:
    """Every value the sources leave to the company and this rule set still holds as the house's:
    the list a company reviews before adopting the playbook. A company's own value is not listed."""
    found = []
    for collection, items in rules.collections.items():
        for item in items.values():
            if item.get("basis") == "house_default":  # the item as a whole; a threshold by its value
                field = "value" if "value" in item else ""
                found.append(Default(collection, rules.item_kind[item["id"]], item, field, item.get("value")))
            elif item.get("basis") != "company":
                found.extend(Default(collection, rules.item_kind[item["id"]], item, f, item[f])
                             for f in item.get("house_defaults", ()))
    return found


def listing(rules: RuleSet, lang: str) -> list[str]:
    """What ``rules --defaults`` prints: how to override, then one line per house default, by kind."""
    rows = defaults(rules)
    lines = [i18n.text("defaults_title", lang, count=len(rows)), ""]
    example = next((r for r in rows if r.field == "value"), None)  # a threshold: the override to copy
    if example:
        lines += [f"  kind: {example.kind}", f"  {example.collection}:",
                  f"    - {{id: {example.item['id']}, value: {example.value}}}", ""]
    places = [f"{r.kind}/{r.collection}" for r in rows]
    width = max(map(len, places), default=0)
    id_width = max((len(r.item["id"]) for r in rows), default=0)
    for place, r in zip(places, rows):
        fields = rule_schemas.item_fields(r.collection)
        what = f"{rule_schemas.title(fields.get(r.field, {}), lang, r.field)} = {_shown(r, lang)}" if r.field else ""
        lines.append(f"  {place:<{width}}  {r.item['id']:<{id_width}}  {r.item['name'][lang]}"
                     + (f" · {what}" if what else ""))
    return lines


def _shown(row: Default, lang: str) -> str:
    """A value as a reader takes it in: with its unit when it has one (30 天, 50%)."""
    value = row.value
    if isinstance(value, dict) and set(value) == {"zh", "en"}:
        return value[lang]
    unit = row.item.get("unit") if row.field == "value" else None
    if unit and isinstance(value, (int, float)):
        from .describe import quantity
        return quantity(value, unit, lang)
    return f"{value:g}" if isinstance(value, float) else str(value)
