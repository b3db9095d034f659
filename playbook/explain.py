"""Find and show any part of the knowledge base as text, in the chosen language: an item by its id,
its name in either language or an alias, and a collection by its id."""

from __future__ import annotations

import re
import unicodedata

from . import describe, i18n, provenance, rule_schemas
from .ruleset import RuleSet
from .suggest import suggest

ID = re.compile(r"[a-z][a-z0-9_]*")  # what an item's or a collection's id looks like


def explain(rules: RuleSet, query: str, lang: str) -> list[str] | None:
    """The lines answering ``query``, or None when nothing has that id or name.

    An id wins over a name (``price`` is an id and other items' English name). A name several items
    share lists them, one line each, to explain one by its id: nothing is wrong with the name."""
    if query in rules.index:
        return _item(rules, query, lang)
    collections = rule_schemas.all_collections()
    if query in collections:
        rows = listing(rules, query, lang)
        return [f"{rule_schemas.title(collections[query], lang, query)} ({query}): {len(rows)}",
                *(f"  {row}" for row in rows)]
    found = named(rules, query)
    if len(found) == 1:
        return _item(rules, found[0], lang)
    if found:
        return [i18n.text("explain_several", lang, query=query, count=len(found)),
                *(f"  {row}" for row in _rows(rules, found, lang, collection=True))]
    return None


def listing(rules: RuleSet, collection: str, lang: str) -> list[str] | None:
    """What ``rules --list`` prints: a collection's active items in order, one line each, id first (the
    ids a plan or an overlay may use); with no collection named, the collections and their counts.
    None when no collection has that id."""
    collections = rule_schemas.all_collections()
    if not collection:
        width = max(map(len, collections))
        return [f"{c:<{width}}  {len(rules.items(c)):>3}  {rule_schemas.title(schema, lang, c)}"
                for c, schema in collections.items()]
    if collection not in collections:
        return None
    return _rows(rules, [item["id"] for item in rules.items(collection)], lang)


def named(rules: RuleSet, query: str) -> list[str]:
    """The ids of the items whose name, in either language, or one of whose aliases is ``query``."""
    key = _fold(query)
    return [item_id for items in rules.collections.values() for item_id, item in items.items()
            if key in map(_fold, _names(item))]


def closest(rules: RuleSet, query: str) -> str:
    """The did-you-mean of ``explain``: the id, collection or name (as the rules write it) nearest ``query``."""
    written = {_fold(name): name for items in rules.collections.values() for item in items.values()
               for name in _names(item)}
    written.update((known, known) for known in (*rule_schemas.all_collections(), *rules.index))
    return written.get(suggest(_fold(query), written), "")


def _names(item) -> tuple[str, ...]:
    return (*item["name"].values(), *item.get("aliases", ()))


def _fold(text: str) -> str:
    """A name as it is compared: full-width letters and brackets as ASCII, any case, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _rows(rules: RuleSet, ids: list[str], lang: str, collection: bool = False) -> list[str]:
    """One line per item: its id (padded, so that the names line up), its name and maybe its collection."""
    width = max(map(len, ids), default=0)
    rows = []
    for item_id in ids:
        where, item = rules.find(item_id)
        row = f"{item_id:<{width}}  {item['name'][lang]}"
        if collection:
            row += f" · {rule_schemas.title(rule_schemas.all_collections()[where], lang, where)} ({where})"
        rows.append(row)
    return rows


def _item(rules: RuleSet, item_id: str, lang: str) -> list[str]:
    collection, item = rules.find(item_id)
    other = "en" if lang == "zh" else "zh"
    lines = [
        f"{item['name'][lang]} ({item['name'][other]})  [{item_id}]",
        f"{rule_schemas.title(rule_schemas.all_collections()[collection], lang, collection)} ({collection})"
        + (f" · {provenance.line(rules, collection, item, lang)}" if "basis" in item else ""),  # a source has none
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
