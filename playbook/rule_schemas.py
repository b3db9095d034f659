"""The JSON Schemas (2020-12) of the rule file kinds, shipped in ``playbook/schemas/rules``.

A kind's schema lists the collections a file of that kind may hold and the shape of their items.
Collections are global: an id names one item across the whole rule set, and a collection (such
as ``thresholds``) may appear in several kinds.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urljoin

import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from . import SCHEMAS

BASE_URI = "https://schemas.playbook.example/rules/"


@cache
def _load() -> tuple[dict[str, dict], Registry]:
    kinds: dict[str, dict] = {}
    resources = []
    for entry in sorted((SCHEMAS / "rules").iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        schema = yaml.load(entry.read_bytes(), Loader=yaml.CSafeLoader)
        _absolute_refs(schema, schema["$id"])
        resources.append((schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012)))
        kind = schema.get("properties", {}).get("kind", {}).get("const")
        if kind:
            kinds[kind] = schema
    ordered = dict(sorted(kinds.items(), key=lambda kv: kv[1].get("x-section", 99)))
    return ordered, Registry().with_resources(resources)


def _absolute_refs(schema, base: str) -> None:
    """Rewrite every ``$ref`` to an absolute URI, so that a subschema resolves out of context."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            schema["$ref"] = urljoin(base, ref)
        for value in schema.values():
            _absolute_refs(value, base)
    elif isinstance(schema, list):
        for value in schema:
            _absolute_refs(value, base)


def kinds() -> dict[str, dict]:
    """Kind name -> its schema, in the order of the playbook (``x-section``)."""
    return _load()[0]


def registry() -> Registry:
    return _load()[1]


def resolve(schema: dict) -> dict:
    """Follow a ``$ref`` (relative to the rule schemas) to the schema it names."""
    ref = schema.get("$ref")
    if ref is None:
        return schema
    return registry().resolver(base_uri=BASE_URI).lookup(ref).contents


def collections(kind: str) -> dict[str, dict]:
    """Collection name -> the array schema, for the collections a kind holds."""
    props = kinds()[kind]["properties"]
    return {name: s for name, s in props.items() if name != "kind"}


@cache
def all_collections() -> dict[str, dict]:
    """Every collection of every kind -> its array schema (resolved)."""
    found = {}
    for kind in kinds():
        for name, s in collections(kind).items():
            found.setdefault(name, {**resolve(s), **{k: v for k, v in s.items() if k != "$ref"}})
    return found


def properties(schema: dict) -> dict[str, dict]:
    """The properties an object schema allows, including those of the schema it extends."""
    base = resolve(schema) if "$ref" in schema else {}
    merged = dict(base.get("properties", {}))
    merged.update(schema.get("properties", {}))
    return merged


def item_fields(collection: str) -> dict[str, dict]:
    """Field name -> schema, for the items of a collection."""
    return properties(all_collections()[collection]["items"])


def role(collection: str) -> str | None:
    """Where the site shows a collection (``x-role``): ``overview``, ``reference``, or None (the method)."""
    return all_collections()[collection].get("x-role")


def title(schema: dict, lang: str, fallback: str) -> str:
    """A schema's bilingual ``x-title`` in ``lang``, or ``fallback``."""
    t = schema.get("x-title") or resolve(schema).get("x-title")
    return t[lang] if t else fallback
