"""Rules -> ``{path: markdown}``: one pure function, so the site can move to another generator.

Pages are rendered with the Jinja2 templates in ``site_templates/pages``. Chinese pages sit at
the root of the site, English ones under ``en/``.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from playbook import describe, i18n, rule_schemas
from playbook.ruleset import RuleSet

TEMPLATES = Path(__file__).resolve().parent.parent / "site_templates" / "pages"
PREFIX = {"zh": "", "en": "en/"}


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["md"] = _text

    return env


def _text(text: str) -> str:
    """Rule text is text, never markup: neutralise HTML and table pipes."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def build_pages(rules: RuleSet) -> dict[str, str]:
    """Every generated page of the playbook, in both languages."""
    env = _environment()
    pages = {}
    kinds = [k for k in rule_schemas.kinds() if any(rules.items(c, k) for c in rule_schemas.collections(k))]
    for lang in i18n.LANGS:
        view = _View(rules, lang)
        sections = [view.section(kind) for kind in kinds]
        pages[f"{PREFIX[lang]}index.md"] = env.get_template("index.md.j2").render(
            lang=lang, sections=sections, t=view.t)
        for section in sections:
            pages[f"{PREFIX[lang]}{section['kind']}.md"] = env.get_template("section.md.j2").render(
                lang=lang, section=section, t=view.t)
    return pages


class _View:
    """What the templates need from the rules, in one language."""

    def __init__(self, rules: RuleSet, lang: str):
        self.rules, self.lang = rules, lang

    def t(self, code: str, **params) -> str:
        return i18n.text(code, self.lang, **params)

    def section(self, kind: str) -> dict:
        schema = rule_schemas.kinds()[kind]
        collections = []
        for name, coll_schema in rule_schemas.collections(kind).items():
            items = self.rules.items(name, kind)
            if items:
                collections.append({"id": name, "title": rule_schemas.title(coll_schema, self.lang, name),
                                    "entries": [self.item(name, i) for i in items]})
        return {"kind": kind, "title": rule_schemas.title(schema, self.lang, kind), "collections": collections}

    def item(self, collection: str, item: dict) -> dict:
        source = self.rules.find(item.get("source", ""))
        return {
            "id": item["id"], "name": item["name"][self.lang],
            "other_name": item["name"]["en" if self.lang == "zh" else "zh"],
            "description": item["description"][self.lang],
            "source": source[1]["name"][self.lang] if source else "",
            "fields": [(label, [(e.text, self.link(e.ref), e.code) for e in entries])
                       for label, entries in describe.fields(self.rules, collection, item, self.lang)],
        }

    def link(self, ref: str | None) -> str | None:
        """The page and anchor of the item ``ref`` names, relative to a section page."""
        return f"{self.rules.item_kind[ref]}.md#{ref}" if ref else None
