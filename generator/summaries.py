"""The printable one-page summary of a topic: a decision aid, each row a situation and what to do.

Which collections give rows, and which fields are the situation and which the action, is set in
``site_templates/training.yaml`` (``summary``). A text is shortened to its first sentence here, by
that stated rule, so the page fits without the printer cutting a line.
"""

from __future__ import annotations

import re

from playbook import describe, rule_schemas

from .site_config import template_settings
from .views import View

SETTINGS = template_settings("training")["summary"]
_FIRST_SENTENCE = re.compile(r"^(.+?(?:[。！？]|[.!?](?=\s+[^\sa-z])))")  # "e.g. a" goes on


def topic(view: View, kind: str) -> dict:
    """The gist of a kind (its overview item, in full), its decision tables, then its key numbers."""
    overviews = [view.rules.items(name, kind) for name in rule_schemas.collections(kind)
                 if rule_schemas.role(name) == "overview"]
    return {"gist": [" ".join(item["description"][view.lang].split()) for items in overviews for item in items],
            "tables": [_table(view, name, kind, SETTINGS["rows"][name]) for name in rule_schemas.collections(kind)
                       if name in SETTINGS["rows"] and view.rules.items(name, kind)],
            "numbers": [_number(view, item) for item in view.rules.items(SETTINGS["numbers"], kind)]}


def _table(view: View, collection: str, kind: str, fields: dict) -> dict:
    schema = rule_schemas.collections(kind)[collection]
    return {"title": rule_schemas.title(schema, view.lang, collection),
            "rows": [{"situation": _cell(view, collection, item, fields["situation"]),
                      "action": _cell(view, collection, item, fields["action"]),
                      "basis": _basis(view, collection, item)}
                     for item in view.rules.items(collection, kind)]}


def _cell(view: View, collection: str, item: dict, fields: list[str]) -> list[dict]:
    """The parts of a cell: the item's name (linked), or a field's text (its first sentence; a list
    in full). A field the item does not have is left out."""
    schemas = rule_schemas.item_fields(collection)
    parts = []
    for field in fields:
        if field == "name":
            parts.append({"text": item["name"][view.lang], "link": view.link(item["id"], 1)})
        elif field in item:
            texts = [e.text for e in describe.entries(view.rules, schemas.get(field, {}), item[field], view.lang)]
            parts.append({"text": view.t("training_separator").join(_first_sentence(t) for t in texts), "link": None})
    return parts


def _number(view: View, item: dict) -> dict:
    return {"name": item["name"][view.lang], "link": view.link(item["id"], 1),
            "value": describe.quantity(item["value"], item["unit"], view.lang),
            "basis": _basis(view, SETTINGS["numbers"], item)}


def _basis(view: View, collection: str, item: dict) -> dict | None:
    """The provenance badge of an item that is not straight from the sources (a house default, an
    inference), so the summary never teaches one as the method."""
    basis = view.basis(collection, item)
    return basis if basis and basis["kind"] != "source" else None


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    return m.group(1) if (m := _FIRST_SENTENCE.match(text)) else text
