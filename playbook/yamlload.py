"""Read YAML with libyaml's C composer and keep where every key and value was written.

``yaml.load`` hands the composed node tree to PyYAML's pure-Python constructor, which drops
positions and keeps the last of two duplicate keys. We walk the C-composed tree ourselves: it is
faster than the constructor (see ``bench/``), every mapping and sequence remembers the position
of its entries, and a duplicate key is an error rather than a silent overwrite.

Scalars follow YAML 1.1 as PyYAML resolves them, except that timestamps stay the text the user
wrote (the schemas check dates as strings), so the data is plain JSON-compatible Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, ScalarNode

from .problems import Problem

STR_TAG = "tag:yaml.org,2002:str"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
MERGE_TAG = "tag:yaml.org,2002:merge"


class Mapping(dict):
    """A YAML mapping. ``pos[key] = (file, key_line, key_col, value_line, value_col)``, 0-based."""

    __slots__ = ("pos",)


class Sequence(list):
    """A YAML sequence. ``pos[i] = (file, line, col)`` of item ``i``, 0-based."""

    __slots__ = ("pos",)


@dataclass(frozen=True)
class Location:
    """A 1-based place in a file, as editors and linters print it."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class YamlError(Exception):
    """A file that cannot be read as YAML at all; carries its one problem."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem.location))
        self.problem = problem


def load_file(path: str, problems: list[Problem]) -> object:
    """Load one YAML file. Recoverable problems (duplicate or non-string keys) are appended to
    ``problems``; an unreadable file raises YamlError."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise YamlError(Problem(Location(path, 1, 1), "file_unreadable", detail=e.strerror or str(e))) from None
    return load_bytes(data, path, problems)


def load_bytes(data: bytes | str, file: str, problems: list[Problem]) -> object:
    """Load one YAML document from ``data``; ``file`` is the name used in positions."""
    loader = yaml.CSafeLoader(data)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        detail = " ".join(p for p in (e.context, e.problem) if p)
        raise YamlError(Problem(_mark_location(file, mark), "yaml_syntax", detail=detail)) from None
    except yaml.YAMLError as e:  # reader errors (bad encoding) carry a position but no mark
        raise YamlError(Problem(Location(file, 1, 1 + getattr(e, "position", 0)), "yaml_syntax", detail=str(e))) from None
    finally:
        loader.dispose()
    if node is None:
        return None
    try:
        return _Builder(loader, file, problems).build(node)
    except RecursionError:
        raise YamlError(Problem(Location(file, 1, 1), "yaml_too_deep")) from None


def _mark_location(file: str, mark) -> Location:
    if mark is None:
        return Location(file, 1, 1)
    return Location(file, mark.line + 1, mark.column + 1)


class _Builder:
    """Turns composed nodes into Mapping / Sequence / scalars, recording positions."""

    def __init__(self, loader: yaml.CSafeLoader, file: str, problems: list[Problem]):
        self.loader = loader
        self.constructors = loader.yaml_constructors
        self.file = file
        self.problems = problems
        self.done: dict[int, object] = {}  # anchored nodes already built, so aliases share them

    def build(self, node):
        if node.__class__ is ScalarNode:
            return self.scalar(node)
        built = self.done.get(id(node))
        if built is not None:
            return built
        file = self.file
        if node.__class__ is MappingNode:
            result = Mapping()
            pos = result.pos = {}
            self.done[id(node)] = result
            for key_node, value_node in node.value:
                # Fast path: a plain string key (nearly all of them); anything else is checked.
                if key_node.__class__ is ScalarNode and key_node.tag == STR_TAG:
                    key = key_node.value
                else:
                    key = self.key(key_node)
                    if key is None:
                        continue
                km = key_node.start_mark
                if key in result:
                    first = pos[key]
                    self.problems.append(Problem(
                        Location(file, km.line + 1, km.column + 1), "duplicate_key",
                        key=key, first=f"{first[1] + 1}:{first[2] + 1}"))
                    continue
                vm = value_node.start_mark
                if value_node.__class__ is ScalarNode and value_node.tag == STR_TAG:
                    result[key] = value_node.value
                else:
                    result[key] = self.build(value_node)
                pos[key] = (file, km.line, km.column, vm.line, vm.column)
            return result
        result = Sequence()
        pos = result.pos = []
        self.done[id(node)] = result
        append, append_pos = result.append, pos.append
        for item_node in node.value:
            m = item_node.start_mark
            append(self.build(item_node))
            append_pos((file, m.line, m.column))
        return result

    def scalar(self, node):
        tag = node.tag
        if tag == STR_TAG or tag == TIMESTAMP_TAG:
            return node.value
        try:
            return self.constructors[tag](self.loader, node)
        except (KeyError, yaml.YAMLError, ValueError):
            raise YamlError(Problem(_mark_location(self.file, node.start_mark), "yaml_bad_scalar",
                                    tag=tag, value=node.value)) from None

    def key(self, node):
        """A mapping key must be a plain string; YAML 1.1 reads `on`, `no`, `1` as other types."""
        where = _mark_location(self.file, node.start_mark)
        if node.__class__ is not ScalarNode:
            self.problems.append(Problem(where, "yaml_key_not_scalar"))
            return None
        if node.tag == MERGE_TAG:
            self.problems.append(Problem(where, "yaml_merge_key"))
            return None
        key = self.scalar(node)
        if key.__class__ is not str:
            self.problems.append(Problem(where, "yaml_key_not_string", key=node.value,
                                         type=type(key).__name__))
            return None
        return key


def locate(root, path) -> Location | None:
    """The position of the value at ``path`` (keys and indexes) below ``root``."""
    container, where = root, None
    for step in path:
        pos = getattr(container, "pos", None)
        if pos is None:
            break
        try:
            entry = pos[step]
        except (KeyError, IndexError, TypeError):
            break
        where = (entry[0], entry[3], entry[4]) if len(entry) == 5 else entry
        container = container[step]
    if where is None:
        return None
    return Location(where[0], where[1] + 1, where[2] + 1)


def locate_key(mapping: Mapping, key: str) -> Location | None:
    """The position of ``key`` itself in ``mapping`` (where an unknown key is reported)."""
    entry = getattr(mapping, "pos", {}).get(key)
    if entry is None:
        return None
    return Location(entry[0], entry[1] + 1, entry[2] + 1)
