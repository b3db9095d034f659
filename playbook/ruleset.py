"""Load a rule set: the default rules, with a company's own rule directories layered over them.

A rule file has a ``kind`` and one list per collection. Items are keyed by id across the whole
rule set. A later layer may change any field of an existing item (mappings merge, everything
else is replaced), add new items, or disable one with ``disabled: true``; it never needs to copy
a default file. The merged rule set is then validated kind by kind against the schemas, so an
error points at the file and line that introduced it, whichever layer that was.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from importlib.resources import as_file, files
from pathlib import Path

from . import ahp
from .paths import is_yaml_name, outside
from .problems import Problem, ProblemsError
from .yamlload import Location, Mapping, Sequence, YamlError, load_file, locate, locate_key


def default_rules_dir() -> Path:
    """Where the default rules are: inside the installed package."""
    with as_file(files("playbook.default_rules")) as path:
        return Path(path)


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


def rule_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if is_yaml_name(p.name) and p.is_file())


@dataclass
class RuleSet:
    """The active items of a rule set, by collection and by id."""

    collections: dict[str, dict[str, Mapping]]
    item_kind: dict[str, str]  # id -> the kind of the file that defined the item
    files: list[str]
    index: dict[str, str] = field(init=False)  # id -> collection

    def __post_init__(self):
        self.index = {i: c for c, items in self.collections.items() for i in items}

    def items(self, collection: str, kind: str | None = None) -> list[Mapping]:
        """The active items of a collection; of those defined in files of ``kind`` if given."""
        items = self.collections.get(collection, {})
        return [item for i, item in items.items() if kind is None or self.item_kind[i] == kind]

    def find(self, item_id: str) -> tuple[str, Mapping] | None:
        collection = self.index.get(item_id)
        return (collection, self.collections[collection][item_id]) if collection else None

    def threshold(self, item_id: str) -> float:
        return self.collections["thresholds"][item_id]["value"]

    @cached_property
    def ahp(self) -> dict[str, ahp.AhpResult]:
        """Every AHP item (one with ``criteria`` and a ``matrix``), weighed."""
        return {item["id"]: ahp.weigh_item(item)
                for items in self.collections.values() for item in items.values()
                if "matrix" in item and "criteria" in item}


@dataclass
class _Entry:
    item: Mapping
    collection: str
    kind: str
    layer: int
    where: Location  # where the item was last written (the layer that last changed it)
    first: Location  # where it was first defined


def load_rules(overlays: list[Path] | tuple = (), default_dir: Path | None = None) -> RuleSet:
    """Load and validate the default rules and ``overlays`` (later wins). Raises ProblemsError."""
    from . import rule_schemas, schema_check  # the validators' imports cost, and a cached rule set needs none

    layers = [default_dir or default_rules_dir(), *map(Path, overlays)]
    problems: list[Problem] = []
    entries: dict[str, _Entry] = {}
    collection_key: dict[str, dict[str, Location]] = {}  # kind -> collection -> where first named
    files_read = []
    for layer, directory in enumerate(layers):
        if not directory.is_dir():
            code = "rules_dir_not_directory" if os.path.lexists(directory) else "rules_dir_missing"
            problems.append(Problem(Location(str(directory), 1, 1), code))
            continue
        for path in rule_files(directory):
            target = outside(path, directory)
            if target:
                problems.append(Problem(Location(display_path(path), 1, 1), "rule_link_outside", target=str(target)))
                continue
            files_read.append(display_path(path))
            _read_file(display_path(path), layer, entries, collection_key, problems)

    active = {i: e for i, e in entries.items() if not e.item.get("disabled")}
    collections: dict[str, dict[str, Mapping]] = {}
    for item_id, e in active.items():
        collections.setdefault(e.collection, {})[item_id] = e.item
    ids = {c: set(items) for c, items in collections.items()}

    def threshold(item_id: str) -> float:
        entry = active.get(item_id)
        value = entry.item.get("value") if entry else None
        return value if isinstance(value, (int, float)) else float("inf")

    for kind, schema in rule_schemas.kinds().items():
        doc = _kind_document(kind, active, collection_key.get(kind, {}))
        fallback = next(iter(collection_key.get(kind, {}).values()), Location(display_path(layers[0]), 1, 1))
        validator = schema_check.make_validator(schema, ids, threshold)
        problems.extend(schema_check.problems(validator, doc, fallback))
    if problems:
        raise ProblemsError(problems)
    return RuleSet(collections, {i: e.kind for i, e in active.items()}, files_read)


def _read_file(path: str, layer: int, entries: dict[str, _Entry],
               collection_key: dict[str, dict[str, Location]], problems: list[Problem]) -> None:
    """Check a file's outline (kind, collections, items with ids) and merge its items."""
    from . import rule_schemas
    from .suggest import suggest

    try:
        data = load_file(path, problems)
    except YamlError as e:
        problems.append(e.problem)
        return
    start = Location(path, 1, 1)
    if not isinstance(data, Mapping):
        problems.append(Problem(start, "rule_file_not_mapping"))
        return
    kinds = rule_schemas.kinds()
    kind = data.get("kind")
    if kind not in kinds:
        where = locate(data, ["kind"]) or start
        problems.append(Problem(where, "unknown_kind", value=kind, allowed=", ".join(kinds),
                                hint=suggest(kind, kinds)) if kind is not None
                        else Problem(start, "missing_kind", allowed=", ".join(kinds)))
        return
    allowed = rule_schemas.collections(kind)
    for collection, items in data.items():
        if collection == "kind":
            continue
        if collection not in allowed:
            problems.append(Problem(locate_key(data, collection), "unknown_key", key=collection,
                                    hint=suggest(collection, allowed)))
            continue
        collection_key.setdefault(kind, {}).setdefault(collection, locate_key(data, collection))
        if not isinstance(items, Sequence):
            problems.append(Problem(locate(data, [collection]), "collection_not_list", collection=collection))
            continue
        for i, item in enumerate(items):
            where = locate(items, [i])
            if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
                problems.append(Problem(where, "item_without_id", collection=collection))
                continue
            _merge_item(item, collection, kind, layer, where, entries, problems)


def _merge_item(item: Mapping, collection: str, kind: str, layer: int, where: Location,
                entries: dict[str, _Entry], problems: list[Problem]) -> None:
    item_id = item["id"]
    known = entries.get(item_id)
    if known is None and layer > 0 and item.get("disabled"):
        from .suggest import suggest
        problems.append(Problem(locate(item, ["id"]) or where, "disables_unknown", id=item_id,
                                hint=suggest(item_id, entries)))
    elif known is None:
        entries[item_id] = _Entry(item, collection, kind, layer, where, where)
    elif known.layer == layer or known.collection != collection:
        problems.append(Problem(locate(item, ["id"]) or where, "duplicate_id", id=item_id,
                                first=str(known.first)))
    else:
        known.item = _deep_merge(known.item, item)
        known.where = where


def _deep_merge(base: Mapping, over: Mapping) -> Mapping:
    """``over`` laid on ``base``: nested mappings merge, anything else is replaced.
    Each key keeps the position of the layer its value came from."""
    merged = Mapping(base)
    merged.pos = dict(base.pos)
    for key, value in over.items():
        old = base.get(key)
        merged[key] = _deep_merge(old, value) if isinstance(old, Mapping) and isinstance(value, Mapping) else value
        merged.pos[key] = over.pos[key]
    return merged


def _kind_document(kind: str, active: dict[str, _Entry], keys: dict[str, Location]) -> Mapping:
    """One document holding every active item of a kind, positioned where each item was written."""
    doc = Mapping(kind=kind)
    doc.pos = {}
    for e in active.values():
        if e.kind != kind:
            continue
        items = doc.get(e.collection)
        if items is None:
            items = doc[e.collection] = Sequence()
            items.pos = []
            k = keys.get(e.collection) or e.where
            doc.pos[e.collection] = (k.file, k.line - 1, k.column - 1, k.line - 1, k.column - 1)
        items.append(e.item)
        items.pos.append((e.where.file, e.where.line - 1, e.where.column - 1))
    return doc
