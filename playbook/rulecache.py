"""A validated rule set, kept between runs: a pre-commit hook should not validate the whole
playbook again for every commit.

The cache is keyed by content: the package version, the schemas and each layer's rule files,
names and bytes. Where the layers are, or where the run starts, is not part of it: a position is
kept as (rule file, line, column) with the rule file as its place in the run's list of them, and
is shown relative to the working directory of the run that reads it, as ``load_rules`` would
show it. Two checkouts of the same rules share one cache file. How the file is kept safe to read
is ``cachefile``'s part.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import sys
from contextlib import suppress
from itertools import islice
from pathlib import Path

from . import SCHEMAS, __version__, limits
from .cachefile import cache_dir, collector_paused
from .cachefile import read as read_file
from .cachefile import write as write_file
from .paths import outside
from .ruleset import RuleSet, default_rules_dir, display_path, load_rules, rule_files
from .yamlload import Mapping, Sequence

FORMAT = "json-1"  # changes with the layout of the file, below
KEEP = 8  # cache files kept: a few rule sets (branches, companies) used in turn


_KEPT: dict[tuple, RuleSet] | None = None  # in a process that keeps rule sets in memory (keep_in_memory)


def keep_in_memory() -> None:
    """From now on, keep every rule set this process loads, for its later runs: the resident checker's
    runs are forks of one process (see resident)."""
    global _KEPT
    _KEPT = {} if _KEPT is None else _KEPT


def cached_rules(overlays=()) -> RuleSet:
    """Like ``load_rules``, reusing the result of an earlier run over the same inputs."""
    layers = [default_rules_dir(), *map(Path, overlays)]
    try:
        key, files = _inputs(layers)
        path = cache_dir() / f"rules-{key}.json"
    except (OSError, RuntimeError):  # an unreadable rule file (load_rules says which), no home directory
        return load_rules(overlays)
    rules = (_KEPT or {}).get((key, *files)) or _read(path, files)
    if rules is None:
        rules = load_rules(overlays)
        if _inputs(layers)[0] == key:  # no rule file changed while it loaded
            _write(path, rules, files)
    if _KEPT is not None:
        _KEPT[(key, *files)] = rules
    return rules


def _inputs(layers: list[Path]) -> tuple[str, list[str]]:
    """The cache key, and the rule files as ``load_rules`` reads and shows them."""
    digest = hashlib.sha256()
    for part in (FORMAT, __version__, sys.version):
        digest.update(part.encode() + b"\0")
    schemas = SCHEMAS
    for entry in sorted([*schemas.iterdir(), *schemas.joinpath("rules").iterdir()], key=lambda e: str(e)):
        if entry.name.endswith(".yaml"):
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    files = []
    for layer in layers:
        if not layer.is_dir():
            digest.update(b"missing\0")
            continue
        digest.update(b"layer\0")
        for path in rule_files(layer):
            with open(path, "rb") as f:  # at most one byte more than load_rules accepts
                data = f.read(min(os.fstat(f.fileno()).st_size, limits.FILE_BYTES) + 1)
            link = b"out" if outside(path, layer) else b""
            digest.update(b"file\0%s\0%s\0%d\0" % (path.name.encode(), link, len(data)) + data)
            files.append(display_path(path))
    return digest.hexdigest()[:32], files


# The file (inside cachefile's framing): a header and a body, one JSON document per line.
# The body lists the items. Every Mapping and Sequence in it is a JSON object (a Sequence's keys
# are its indexes), so that the parser hands each, children first, to one hook that rebuilds it.
# The header says, in that order, which containers are Sequences ("s"), and holds their
# positions: (file, key line, key column, value line, value column) for each mapping entry and
# (file, line, column) for each sequence item, the file as an index into the run's rule files,
# packed as 16-bit little-endian numbers in hex. (Tens of thousands of JSON numbers would take
# longer to read than all the rest. A rule file longer or wider than 65,535 lines or columns is
# not cached.)


def _encode(rules: RuleSet, files: list[str]) -> bytes:
    index = {name: i for i, name in enumerate(files)}  # a file read twice shows in the last layer
    kinds, mapping_pos, sequence_pos = [], [], []

    def plain(value):
        """``value`` as JSON; its positions after its children's, as the parser will meet them."""
        if isinstance(value, Mapping):
            out = {key: plain(v) for key, v in value.items()}
            for key in value:
                file, *numbers = value.pos[key]
                mapping_pos.extend((index[file], *numbers))
            kinds.append("m")
            return out
        if isinstance(value, Sequence):
            out = {str(i): plain(v) for i, v in enumerate(value)}
            for file, *numbers in value.pos:
                sequence_pos.extend((index[file], *numbers))
            kinds.append("s")
            return out
        return value

    items = [plain(item) for collection in rules.collections.values() for item in collection.values()]
    head = json.dumps({"collections": {c: list(ids) for c, ids in rules.collections.items()},
                       "item_kind": rules.item_kind, "kinds": "".join(kinds),
                       "mapping_pos": _pack(mapping_pos), "sequence_pos": _pack(sequence_pos)},
                      ensure_ascii=False)
    return f"{head}\n{json.dumps(items, ensure_ascii=False, separators=(',', ':'))}".encode()


def _decode(data: bytes, files: list[str]) -> RuleSet:
    body = data.index(b"\n") + 1
    head = json.loads(data[:body])
    mapping_pos = _unpack(head["mapping_pos"], 5, files)
    sequence_pos = _unpack(head["sequence_pos"], 3, files)
    kinds = iter(head["kinds"])

    def container(entries: dict):
        if next(kinds) == "m":
            value = Mapping(entries)
            value.pos = dict(zip(entries, mapping_pos))  # zip takes no position once the keys run out
        else:
            value = Sequence(entries.values())
            value.pos = list(islice(sequence_pos, len(value)))
        return value

    with collector_paused():
        items = iter(json.loads(data[body:], object_hook=container))
    if any(next(rest, None) for rest in (kinds, mapping_pos, sequence_pos)):
        raise ValueError("positions left over")
    collections = {c: dict(zip(ids, items)) for c, ids in head["collections"].items()}
    return RuleSet(collections, head["item_kind"], files)


def _pack(numbers: list[int]) -> str:
    return struct.pack(f"<{len(numbers)}H", *numbers).hex()


def _unpack(text: str, width: int, files: list[str]):
    """An iterator of position tuples, ``width`` numbers each, the first naming the file."""
    data = bytes.fromhex(text)
    numbers = struct.unpack(f"<{len(data) // 2}H", data)
    return zip(map(files.__getitem__, numbers[0::width]), *(numbers[i::width] for i in range(1, width)))


def _read(path: Path, files: list[str]) -> RuleSet | None:
    """The rule set stored at ``path``, or None."""
    data = read_file(path)
    if data is None:
        return None
    try:
        return _decode(data, files)
    except Exception:  # whatever is wrong with the file, it is rebuilt, not trusted
        return None


def _write(path: Path, rules: RuleSet, files: list[str]) -> None:
    try:
        data = _encode(rules, files)
    except struct.error:  # a position past 65,535
        return
    write_file(path, data, KEEP)
    for old in path.parent.glob("rules-*.pickle"):  # earlier versions' files, which are never loaded
        with suppress(OSError):
            old.unlink()
