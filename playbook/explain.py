"""Show one item of the knowledge base as text, in the chosen language."""

from __future__ import annotations

from . import describe, rule_schemas
from .ruleset import RuleSet


def explain(rules: RuleSet, item_id: str, lang: str) -> list[str] | None:
    """The lines describing ``item_id``, or None when no item has that id."""
    found = rules.find(item_id)
    if found is None:
        return None
    collection, item = found
    other = "en" if lang == "zh" else "zh"
    source = rules.find(item["source"])
    source_label = rule_schemas.title(rule_schemas.item_fields(collection).get("source", {}), lang, "source")
    lines = [
        f"{item['name'][lang]} ({item['name'][other]})  [{item_id}]",
        f"{rule_schemas.title(rule_schemas.all_collections()[collection], lang, collection)} ({collection})"
        f" · {source_label}: {source[1]['name'][lang] if source else item['source']}",
        "",
        item["description"][lang],
    ]
    for label, entries in describe.fields(rules, collection, item, lang):
        lines += ["", f"{label}:"]
        bullet = "- " if len(entries) > 1 else ""
        for e in entries:
            if e.code:
                lines += ["    " + line for line in e.text.splitlines()]
            else:
                lines.append(f"  {bullet}{e.text}" + (f" [{e.ref}]" if e.ref else ""))
    return lines
