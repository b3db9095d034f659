"""Load a rule set: the default rules, with a company's own rule directories layered over them.

A rule file has a ``kind`` and one list per collection. Items are keyed by id across the whole
rule set. A later layer may change any field of an existing item (mappings merge, everything
else is replaced), add new items, or disable one with ``disabled: true``; it never needs to copy
a default file. What a later layer adds or changes is the company's: its basis becomes ``company``. In a collection whose order means something (``x-ordered`` in its schema: stages,
steps) a new item says where it goes with ``before: ID`` or ``after: ID``, which also moves an
existing one. The merged rule set is then validated kind by kind against the schemas, so an
error points at the file and line that introduced it, whichever layer that was.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import ahp
from .paths import is_yaml_name, outside
from .problems import Problem, ProblemsError
from .suggest import suggest
from .yamlload import Location, Mapping, Sequence, YamlError, load_file, locate, locate_key


def default_rules_dir() -> Path:
    """Where the default rules are: inside the installed package (in a checkout's editable install,
    its rules/ folder)."""
    from . import default_rules

    return Path(default_rules.__file__).parent


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
    def plan_schema(self) -> dict:
        """The plan schema of this rule set (see plan_schema), made once: read it, never change it."""
        from .plan_schema import plan_schema  # it reads this module
        return plan_schema(self)

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
    place: tuple | None = None  # ("before" or "after", the id it goes next to, where that is written)


PLACES = ("before", "after")
TYPO_LIKENESS = 0.8  # how alike (difflib's ratio) a new id must be to an existing one to be taken for a typo
USERS_SHOWN = 5  # of the items that use an item switched off, the ones a message names


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

    order = _order(entries, problems)
    active = {i: entries[i] for ids in order.values() for i in ids if not entries[i].item.get("disabled")}
    collections: dict[str, dict[str, Mapping]] = {}
    for item_id, e in active.items():
        collections.setdefault(e.collection, {})[item_id] = e.item
    ids = {c: set(items) for c, items in collections.items()}

    def threshold(item_id: str) -> float:
        entry = active.get(item_id)
        value = entry.item.get("value") if entry else None
        return value if isinstance(value, (int, float)) else float("inf")

    users: dict[str, dict[str, None]] = {}  # an item switched off -> the active items that use it
    for kind, schema in rule_schemas.kinds().items():
        doc = _kind_document(kind, active, collection_key.get(kind, {}))
        fallback = next(iter(collection_key.get(kind, {}).values()), Location(display_path(layers[0]), 1, 1))
        validator = schema_check.make_validator(schema, ids, threshold)
        for problem in schema_check.problems(validator, doc, fallback):
            off = _switched_off(problem, entries)
            if off:
                collection, index, name = problem.node[:3]
                users.setdefault(off, {})[f"{doc[collection][index]['id']}.{name}"] = None
            else:
                problems.append(problem)
    for item_id, used_by, where in _thresholds_used(active):
        e = entries.get(item_id)
        if item_id in ids.get("thresholds", ()):
            continue
        if e is not None and e.item.get("disabled"):
            users.setdefault(item_id, {})[used_by] = None
        else:
            problems.append(Problem(where, "unknown_ref", collection="thresholds", value=item_id,
                                    hint=suggest(item_id, ids.get("thresholds", ()))))
    problems.extend(_in_use(item_id, entries[item_id], list(used_by)) for item_id, used_by in users.items())
    if problems:
        raise ProblemsError(problems)
    return RuleSet(collections, {i: e.kind for i, e in active.items()}, files_read)


def _thresholds_used(active: dict[str, _Entry]):
    """(threshold id, who uses it, where) for every threshold the rules' facts read (``$threshold.ID``,
    ``threshold: ID``) and every one the tool reads itself (the plan format's ranges, the portfolio):
    each must be there, or a run would have no value to compare with."""
    from . import portfolio
    from .plan_schema import template

    for item_id, e in active.items():
        if e.collection != "facts":
            continue
        where = locate(e.item, ["args"]) or e.where
        for value in _leaves(e.item.get("args")):
            if isinstance(value, str) and value.startswith("$threshold."):
                yield value.removeprefix("$threshold."), f"{item_id}.args", where
        threshold = (e.item.get("args") or {}).get("threshold")
        if isinstance(threshold, str):
            yield threshold, f"{item_id}.args", where
    for item_id in _leaves(template(), under=("x-minimum", "x-maximum")):
        yield item_id, "plan.yaml", Location("plan.yaml", 1, 1)
    for item_id in portfolio.THRESHOLDS:
        yield item_id, "portfolio", Location("portfolio", 1, 1)


def _leaves(value, under: tuple = ()):
    """Every value below ``value``, however deeply nested; with ``under``, only those of these keys."""
    if isinstance(value, dict):
        for key, v in value.items():
            if not under or key in under and not isinstance(v, (dict, list)):
                yield from _leaves(v) if not under else [v]
            if under:
                yield from _leaves(v, under)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v, under)
    elif not under:
        yield value


def _switched_off(problem: Problem, entries: dict[str, _Entry]) -> str | None:
    """The id a reference names, when that item is of the collection named but switched off."""
    if problem.code != "unknown_ref":
        return None
    e = entries.get(problem.params["value"])
    off = e and e.item.get("disabled") and problem.params["collection"] in ("*", e.collection)
    return problem.params["value"] if off else None


def _in_use(item_id: str, e: _Entry, users: list[str]) -> Problem:
    """An item switched off while active items use it: reported where it was switched off, naming them."""
    more = len(users) - USERS_SHOWN
    shown = ", ".join(users[:USERS_SHOWN]) + (f", +{more}" if more > 0 else "")
    return Problem(locate(e.item, ["disabled"]) or e.where, "disabled_in_use", id=item_id, users=shown)


def _read_file(path: str, layer: int, entries: dict[str, _Entry],
               collection_key: dict[str, dict[str, Location]], problems: list[Problem]) -> None:
    """Check a file's outline (kind, collections, items with ids) and merge its items."""
    from . import rule_schemas

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
    at_id = locate(item, ["id"]) or where
    known = entries.get(item_id)
    item, place = _take_place(item, collection, problems)
    if layer > 0 and set(item) != {"id", "disabled"} and _has_basis(collection):  # switching off leaves it as it was
        item = _company(item)
    if known is None and layer > 0 and item.get("disabled"):
        problems.append(Problem(at_id, "disables_unknown", id=item_id, hint=suggest(item_id, entries)))
    elif known is None and layer > 0 and (meant := _typo_of(item, collection, entries)):
        problems.append(Problem(at_id, "new_item_or_typo", id=item_id, collection=collection, hint=meant))
    elif known is None:
        if layer > 0 and place is None and _ordered(collection):
            problems.append(Problem(at_id, "place_needed", id=item_id, collection=collection))
        entries[item_id] = _Entry(item, collection, kind, layer, where, where, place)
    elif known.layer == layer or known.collection != collection:
        problems.append(Problem(at_id, "duplicate_id", id=item_id, first=str(known.first)))
    else:
        known.item = _deep_merge(known.item, item)
        known.where = where
        known.place = place or known.place


def _has_basis(collection: str) -> bool:
    """Whether the items of a collection say where they come from (all but the source documents)."""
    from . import rule_schemas
    return "basis" in rule_schemas.item_fields(collection)


def _company(item: Mapping) -> Mapping:
    """An overlay's item: whatever it adds or changes is the company's, so its basis is ``company``."""
    marked = Mapping(item, basis="company")
    marked.pos = {**item.pos, "basis": item.pos["id"]}
    return marked


def _ordered(collection: str) -> bool:
    from . import rule_schemas
    return bool(rule_schemas.all_collections()[collection].get("x-ordered"))


def _take_place(item: Mapping, collection: str, problems: list[Problem]) -> tuple[Mapping, tuple | None]:
    """The item without ``before`` / ``after``, which are not part of it, and the place they give."""
    keys = [k for k in PLACES if k in item]
    if not keys:
        return item, None
    rest = Mapping((k, v) for k, v in item.items() if k not in PLACES)
    rest.pos = {k: p for k, p in item.pos.items() if k not in PLACES}
    if not _ordered(collection):
        problems.extend(Problem(locate_key(item, k), "place_unordered", collection=collection, key=k) for k in keys)
        return rest, None
    if len(keys) > 1:
        problems.append(Problem(locate_key(item, keys[1]), "place_both"))
    return rest, (keys[0], item[keys[0]], locate(item, [keys[0]]))


def _typo_of(item: Mapping, collection: str, entries: dict[str, _Entry]) -> str:
    """For a new item that lacks fields every item of its collection has, the existing id of that
    collection it most likely misspells: one problem then, instead of a list of missing fields."""
    import difflib

    from . import rule_schemas
    schema = rule_schemas.all_collections()[collection]["items"]
    required = {*schema.get("required", ()), *rule_schemas.resolve(schema).get("required", ())}
    if required <= item.keys():
        return ""
    ids = [i for i, e in entries.items() if e.collection == collection]
    return next(iter(difflib.get_close_matches(item["id"], ids, n=1, cutoff=TYPO_LIKENESS)), "")


def _order(entries: dict[str, _Entry], problems: list[Problem]) -> dict[str, list[str]]:
    """Each collection's ids in order: as read, each placed item then moved next to the id it names
    (once that one has its own place). Several items after one id keep the order they are written in."""
    order: dict[str, list[str]] = {}
    for item_id, e in entries.items():
        order.setdefault(e.collection, []).append(item_id)
    waiting = [i for i, e in entries.items() if e.place]
    for item_id in waiting:
        order[entries[item_id].collection].remove(item_id)
    while ready := [i for i in waiting if entries[i].place[1] in order[entries[i].collection]]:
        for item_id in ready:
            key, anchor, _ = entries[item_id].place
            ids = order[entries[item_id].collection]
            at = ids.index(anchor)
            if key == "after":  # past the anchor, and past the items already placed after it
                at += 1
                while at < len(ids) and (entries[ids[at]].place or ())[:2] == (key, anchor):
                    at += 1
            ids.insert(at, item_id)
        waiting = [i for i in waiting if i not in ready]
    for item_id in waiting:  # its place names no item of the collection, or items that place each other
        e = entries[item_id]
        key, anchor, where = e.place
        known = [i for i, other in entries.items() if other.collection == e.collection]
        if anchor in known:
            problems.append(Problem(where, "place_circular", id=item_id, key=key, anchor=anchor))
        else:
            problems.append(Problem(where, "unknown_ref", collection=e.collection, value=anchor,
                                    hint=suggest(anchor, known)))
        order[e.collection].append(item_id)
    return order


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
