"""Read YAML with libyaml's C parser and keep where every key and value was written.

``yaml.load`` hands the parsed document to PyYAML's pure-Python constructor, which drops positions
and keeps the last of two duplicate keys. We build the data from the C parser's events ourselves:
it is faster than the constructor (see ``bench/``), every mapping and sequence remembers the
position of its entries, a duplicate key is an error rather than a silent overwrite, and the
bounds of ``limits`` (size, depth, alias expansion) hold against hostile files.

Scalars follow YAML 1.1 as PyYAML resolves them, except that timestamps stay the text the user
wrote (the schemas check dates as strings), and that the 1.1 numbers nobody means (``010`` is 8,
``1:30`` is 90) and non-finite ones are refused, so the data is plain JSON-compatible Python.
"""

from __future__ import annotations

import math
import os
import re
import stat
from dataclasses import dataclass
from functools import lru_cache

import yaml
from yaml.events import (MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent,
                         SequenceStartEvent, StreamEndEvent)
from yaml.nodes import ScalarNode

from . import limits

from .problems import Problem

STR_TAG = "tag:yaml.org,2002:str"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
MERGE_TAG = "tag:yaml.org,2002:merge"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
PLAIN = (bool, int, float, str, type(None))
# A plain scalar can read as something other than text only if it starts with one of these
RESOLVABLE = frozenset(yaml.CSafeLoader.yaml_implicit_resolvers)
COLLECTION_TAGS = (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
LINE_BREAK = re.compile(rb"\r\n|[\r\n]|\xc2\x85|\xe2\x80[\xa8\xa9]")  # as YAML counts lines, in UTF-8
TRAP = re.compile(r"[-+]?(0[0-9_]|[0-9_]*:)")  # YAML 1.1 octal (010 is 8) and base 60 (1:30 is 90)


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
    return load_bytes(read(path), path, problems)


def read(path: str, limit: int = limits.FILE_BYTES) -> bytes:
    """A regular file's bytes, at most ``limit`` + 1 of them (the caller refuses the one too many);
    YamlError when it cannot be read. A pipe or a device named like a file is refused unopened
    for reading: it could block the run, or never end."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with open(fd, "rb") as f:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise YamlError(Problem(Location(path, 1, 1), "file_not_regular"))
            data = f.read(min(info.st_size, limit) + 1)  # a buffer of its size, not of the limit
            if info.st_size < len(data) <= limit:  # it grew meanwhile: the rest, up to the limit
                data += f.read(limit + 1 - len(data))
            return data
    except OSError as e:
        raise YamlError(Problem(Location(path, 1, 1), "file_unreadable", detail=e.strerror or str(e))) from None


def load_bytes(data: bytes | str, file: str, problems: list[Problem]) -> object:
    """Load one YAML document from ``data``; ``file`` is the name used in positions."""
    if len(data) > limits.FILE_BYTES:
        raise YamlError(Problem(Location(file, 1, 1), "file_too_large", limit=f"{limits.FILE_BYTES // 2**20} MB"))
    loader = yaml.CSafeLoader(data)
    try:
        return _Builder(loader, file, problems).document()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        detail = " ".join(p for p in (e.context, e.problem) if p)
        raise YamlError(Problem(_mark_location(file, mark), "yaml_syntax", detail=detail)) from None
    except yaml.reader.ReaderError as e:  # not UTF-8 / UTF-16, or a control character
        where = _offset_location(data, file, e.position)
        if "control" in e.reason:
            raise YamlError(Problem(where, "yaml_control_character", character=f"#x{e.character:02x}")) from None
        raise YamlError(Problem(where, "yaml_not_utf8")) from None
    finally:
        loader.dispose()


def _offset_location(data: bytes | str, file: str, offset: int) -> Location:
    """The line and column (in characters) of the ``offset``-th byte of ``data``, where libyaml's
    reader stopped."""
    before = (data.encode("utf-8") if isinstance(data, str) else data)[:offset]
    breaks = [m.end() for m in LINE_BREAK.finditer(before)]
    line_start = breaks[-1] if breaks else 0
    return Location(file, len(breaks) + 1, len(before[line_start:].decode("utf-8", errors="ignore")) + 1)


def _mark_location(file: str, mark) -> Location:
    if mark is None:
        return Location(file, 1, 1)
    return Location(file, mark.line + 1, mark.column + 1)


def _short_tag(tag: str) -> str:
    """``!!binary`` rather than ``tag:yaml.org,2002:binary``, as the user would write it."""
    return tag.replace("tag:yaml.org,2002:", "!!")


class _Skipped(str):
    """A key that was reported and is left out, with its value (its text still names the node)."""


class _BadScalar(Exception):
    """A scalar that cannot be read as plain data: reported, and kept as the text written."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


class _Builder:
    """Builds Mapping / Sequence / scalars straight from the parser's events, recording positions.

    An explicit stack rather than recursion, so that deep nesting ends in a clear error at
    ``limits.DEPTH`` instead of overflowing the C stack (PyYAML's C composer recurses). Each
    anchored value remembers how many values it holds, so that aliases which would expand the
    document past ``limits.ALIAS_VALUES`` ("billion laughs") stop at once; an alias shares the
    anchored object rather than copying it.
    """

    def __init__(self, loader: yaml.CSafeLoader, file: str, problems: list[Problem]):
        self.loader = loader
        self.file = file
        self.problems = problems
        self.anchors: dict[str, tuple[object, int]] = {}  # anchor -> (value, values it holds)
        self.expanded = 0  # values added by aliases

    def document(self):
        get = self.loader.get_event
        get()  # stream start
        if self.loader.check_event(StreamEndEvent):
            return None
        get()  # document start
        value = self.values()
        get()  # document end
        if not self.loader.check_event(StreamEndEvent):
            raise YamlError(Problem(_mark_location(self.file, self.loader.peek_event().start_mark),
                                    "yaml_several_documents"))
        return value

    def values(self):
        """The document's root value; the events from its first to its last."""
        get, file = self.loader.get_event, self.file
        # open collections: [value, is_mapping, key, key's mark, anchor, values before it, start mark]
        stack: list[list] = []
        parent = None  # the innermost open collection
        count = 0  # values so far, aliases expanded: an anchored collection holds those that came while it was open
        while True:
            event = get()
            cls = event.__class__
            m = event.start_mark
            if cls is ScalarEvent:
                count += 1
                value, tag = event.value, event.tag
                try:
                    if tag is not None and tag != "!":
                        value = _tagged(tag, value)
                    elif event.implicit[0] and (not value or value[0] in RESOLVABLE):  # else quoted, or text
                        value = _plain(value)
                except _BadScalar as bad:
                    where = _mark_location(file, m)
                    self.problems.append(Problem(where, bad.code, **bad.params).at_node(self.node(stack, event)))
                    value = event.value
                if event.anchor is not None:
                    self.new_anchor(event)
                    self.anchors[event.anchor] = (value, 1)
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                if len(stack) >= limits.DEPTH:
                    raise self.error(event, "yaml_too_deep", limit=limits.DEPTH)
                if event.anchor is not None:
                    self.new_anchor(event)
                if event.tag not in COLLECTION_TAGS:  # !!set, !!omap, !!python/...: not plain data
                    raise self.error(event, "yaml_bad_tag", tag=_short_tag(event.tag))
                value = Mapping() if cls is MappingStartEvent else Sequence()
                value.pos = {} if cls is MappingStartEvent else []
                parent = [value, cls is MappingStartEvent, None, None, event.anchor, count, m]
                stack.append(parent)
                continue
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                count += 1
                value, _, _, _, anchor, before, m = stack.pop()
                if anchor is not None:
                    self.anchors[anchor] = (value, count - before)
                parent = stack[-1] if stack else None
            else:  # an alias: the parser sends nothing else inside a document
                value, size = self.alias(event)
                count += size
            if parent is None:
                return value
            container = parent[0]
            if not parent[1]:
                container.append(value)
                container.pos.append((file, m.line, m.column))
            elif parent[2] is None:  # this value is a key
                fine = value.__class__ is str and cls is ScalarEvent and value not in container
                parent[2] = value if fine else self.bad_key(event, m, value, container, stack)
                parent[3] = m
            else:
                key, km = parent[2], parent[3]
                parent[2] = None
                if key.__class__ is not _Skipped:
                    container[key] = value
                    container.pos[key] = (file, km.line, km.column, m.line, m.column)

    @staticmethod
    def node(stack: list, event) -> tuple:
        """The keys and indexes that lead to the value ``event`` starts (a key: to that key)."""
        node = []
        for container, is_mapping, key, *_ in stack:
            if not is_mapping:
                node.append(len(container))
            else:
                node.append(key if key is not None else getattr(event, "value", None))
        return tuple(node)

    def error(self, event, code: str, **params) -> YamlError:
        return YamlError(Problem(_mark_location(self.file, event.start_mark), code, **params))

    def new_anchor(self, event) -> None:
        if event.anchor in self.anchors:
            raise self.error(event, "yaml_duplicate_anchor", anchor=event.anchor)

    def alias(self, event) -> tuple[object, int]:
        if event.anchor not in self.anchors:  # unknown, or the alias sits inside its own anchor
            raise self.error(event, "yaml_unknown_alias", anchor=event.anchor)
        value, size = self.anchors[event.anchor]
        self.expanded += size
        if self.expanded > limits.ALIAS_VALUES:
            raise self.error(event, "yaml_alias_bomb", limit=f"{limits.ALIAS_VALUES:,}")
        return value, size

    def bad_key(self, event, mark, key, mapping: Mapping, stack: list) -> _Skipped:
        """A mapping key must be a plain string, given once; YAML 1.1 reads `on`, `no`, `1` as
        other types. A bad key is reported and left out, with its value."""
        if event.__class__ is not ScalarEvent:
            problem = Problem(_mark_location(self.file, mark), "yaml_key_not_scalar")
        elif key is MergeKey:
            problem = Problem(_mark_location(self.file, mark), "yaml_merge_key")
        elif key.__class__ is not str:
            problem = Problem(_mark_location(self.file, mark), "yaml_key_not_string", key=event.value,
                              type=type(key).__name__)
        else:
            first = mapping.pos[key]
            problem = Problem(_mark_location(self.file, mark), "duplicate_key", key=key,
                              first=f"{first[1] + 1}:{first[2] + 1}")
        self.problems.append(problem.at_node(self.node(stack, event)))
        return _Skipped(getattr(event, "value", ""))


@lru_cache(maxsize=4096)  # plans repeat their numbers, dates and booleans
def _plain(value: str):
    """What an unquoted scalar that may not be text reads as, as PyYAML resolves it."""
    return _tagged(_RESOLVER.resolve(ScalarNode, value, (True, False)), value)


def _tagged(tag: str, value: str):
    """A scalar's value under its tag; _BadScalar when that is not plain data (JSON's)."""
    if tag == STR_TAG or tag == TIMESTAMP_TAG:
        return value
    if tag == MERGE_TAG:
        return MergeKey
    node = ScalarNode(tag, value, None, None)
    try:
        result = _RESOLVER.yaml_constructors[tag](_RESOLVER, node)
    except (KeyError, yaml.YAMLError, ValueError):
        raise _BadScalar("yaml_bad_scalar", tag=_short_tag(tag), value=value) from None
    if tag == INT_TAG or tag == FLOAT_TAG:
        if TRAP.match(value):
            raise _BadScalar("yaml_11_number", value=value, number=result)
        if result.__class__ is float and not math.isfinite(result):
            raise _BadScalar("yaml_not_finite", value=value)
    elif result.__class__ not in PLAIN:  # !!binary, !!set ...: not JSON data
        raise _BadScalar("yaml_bad_scalar", tag=_short_tag(tag), value=value)
    return result


_RESOLVER = yaml.CSafeLoader("")  # resolves and constructs single scalars: it holds no document


class MergeKey:
    """The YAML 1.1 merge key ``<<``, which Playbook refuses."""


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
