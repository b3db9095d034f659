"""What JSON Schema cannot say about a plan: ids unique within a list, references to the plan's own
items. The plan template declares both (``x-unique-id`` on a list, ``x-plan-ref: contacts`` on a
field); this pass reports them as format problems at the line of the duplicate or the reference.
"""

from __future__ import annotations

from functools import cache

from .plan_schema import template
from .problems import Problem
from .yamlload import Location, locate


@cache
def declared() -> tuple[tuple, tuple]:
    """(the paths of the lists whose items' ids are unique, (path of a field, path of the list it names))."""
    unique, refs = [], []

    def walk(node, path):
        if not isinstance(node, dict):
            return
        if node.get("x-unique-id"):
            unique.append(path)
        if "x-plan-ref" in node:
            refs.append((path, tuple(node["x-plan-ref"].split("."))))
        for key, value in (node.get("properties") or {}).items():
            walk(value, (*path, key))
        if isinstance(node.get("items"), dict):
            walk(node["items"], (*path, "*"))

    walk(template(), ())
    return tuple(unique), tuple(refs)


def nodes(data, path: tuple, at: tuple = ()):
    """(where, value) for each value a path with ``*`` for list items names."""
    if not path:
        yield at, data
        return
    head, rest = path[0], path[1:]
    if head == "*":
        for i, item in enumerate(data if isinstance(data, list) else ()):
            yield from nodes(item, rest, (*at, i))
    elif isinstance(data, dict) and head in data:
        yield from nodes(data[head], rest, (*at, head))


def problems(plan: dict, file: str) -> list[Problem]:
    """Duplicate ids and references to items the plan does not have, each at its place."""
    unique, refs = declared()
    found = []
    for path in unique:
        for where, items in nodes(plan, path):
            first: dict = {}  # id -> the index of the item that has it first
            for i, item in enumerate(items if isinstance(items, list) else ()):
                item_id = item.get("id") if isinstance(item, dict) else None
                if not isinstance(item_id, str):
                    continue
                if item_id not in first:
                    first[item_id] = i
                    continue
                at = locate(plan, [*where, i, "id"]) or Location(file, 1, 1)
                was = locate(plan, [*where, first[item_id], "id"]) or Location(file, 1, 1)
                found.append(Problem(at, "duplicate_plan_id", value=item_id, first=f"{was.line}:{was.column}")
                             .at_node((*where, i, "id")))
    for path, target in refs:
        ids = {item.get("id") for _, item in nodes(plan, (*target, "*")) if isinstance(item, dict)}
        for where, value in nodes(plan, path):
            if isinstance(value, str) and value not in ids:
                at = locate(plan, list(where)) or Location(file, 1, 1)
                found.append(Problem(at, "unknown_plan_ref", value=value, list=".".join(target)).at_node(where))
    return found
