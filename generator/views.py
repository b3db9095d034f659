"""What the templates need, in one language: names, links, labels."""

from __future__ import annotations

from playbook import describe, i18n, plan_schema, provenance, rule_schemas
from playbook.ruleset import RuleSet


class View:
    def __init__(self, rules: RuleSet, lang: str):
        self.rules, self.lang = rules, lang
        self.other = "en" if lang == "zh" else "zh"

    def t(self, code: str, **params) -> str:
        return i18n.text(code, self.lang, **params)

    def name(self, item_id: str | None) -> str:
        """The name of the item ``item_id`` in this language (the id itself if unknown)."""
        found = self.rules.find(item_id) if item_id else None
        return found[1]["name"][self.lang] if found else (item_id or "")

    def basis(self, collection: str, item: dict) -> dict | None:
        """The provenance badge of an item: its basis, the badge's word, and the detail after it
        (None for a source document itself)."""
        if "basis" not in item:
            return None
        return {"kind": item["basis"], "label": provenance.label(item["basis"], self.lang),
                "detail": provenance.detail(self.rules, collection, item, self.lang)}

    def link(self, target: str | None, depth: int = 0) -> str | None:
        """The page and anchor of an item or a collection, from a page ``depth`` folders down."""
        if not target:
            return None
        up = "../" * depth
        if target in self.rules.item_kind:
            kind = self.rules.item_kind[target]
            return f"{up}checks/{target}.md" if self.rules.index[target] == "checks" else f"{up}{kind}.md#{target}"
        for kind in rule_schemas.kinds():
            if target in rule_schemas.collections(kind):
                return f"{up}{kind}.md#{target}"
        return None

    def fields(self, collection: str, item: dict, depth: int = 0) -> list:
        """(label, [(text, link, is_code)]) for the fields of an item beyond its header."""
        return [(label, [(e.text, self.link(e.ref, depth), e.code) for e in entries])
                for label, entries in describe.fields(self.rules, collection, item, self.lang)]

    def enum_values(self, collection: str, field: str) -> list[str]:
        """The values a field of a collection's items may take, in the schema's order."""
        schema = rule_schemas.item_fields(collection)[field]
        return list(schema.get("enum") or rule_schemas.resolve(schema)["enum"])

    def enum(self, collection: str, field: str, value: str) -> str:
        """An enum value's label in this language (x-enum-titles), else the value."""
        schema = rule_schemas.item_fields(collection)[field]
        titles = schema.get("x-enum-titles") or rule_schemas.resolve(schema).get("x-enum-titles") or {}
        return titles[value][self.lang] if value in titles else value

    def plan_enum(self, path: list[str], value: str) -> str:
        """The label of a plan field's enum value (x-enum-titles in the plan schema), else the value."""
        schema = plan_schema.template()
        for key in path:
            schema = schema["properties"][key]
        titles = schema.get("x-enum-titles", {})
        return titles[value][self.lang] if value in titles else value

    def plan_label(self, value: str) -> str:
        """A labelled value of the plan format (a currency, a status) in this language, else the value."""
        titles = plan_schema.plan_enum_titles().get(value)
        return titles[self.lang] if titles else value

    def checks_enforcing(self, target: str) -> list[dict]:
        """The checks whose ``section`` is this item or collection: the reverse of a check's link."""
        return [c for c in self.rules.items("checks") if c["section"] == target]
