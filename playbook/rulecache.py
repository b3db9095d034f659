"""A validated rule set, kept between runs: a pre-commit hook should not validate the whole
playbook again for every commit.

The cache key covers everything the result depends on: the package version, the schemas, every
rule file's path and bytes, and the working directory (positions are printed relative to it).
The cache lives in ``$PLAYBOOK_CACHE_DIR``, else ``$XDG_CACHE_HOME/playbook``, else
``~/.cache/playbook``; a cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from importlib.resources import files
from pathlib import Path

from . import __version__
from .ruleset import RuleSet, default_rules_dir, load_rules, rule_files


def cache_dir() -> Path:
    explicit = os.environ.get("PLAYBOOK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "playbook"


def _key(layers: list[Path]) -> str:
    digest = hashlib.sha256()
    for part in (__version__, sys.version, os.getcwd()):
        digest.update(part.encode() + b"\0")
    schemas = files("playbook.schemas")
    for entry in sorted([*schemas.iterdir(), *schemas.joinpath("rules").iterdir()], key=lambda e: str(e)):
        if entry.name.endswith(".yaml"):
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    for layer in layers:
        digest.update(str(layer.resolve()).encode() + b"\0")
        for path in rule_files(layer) if layer.is_dir() else ():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:32]


def cached_rules(overlays=()) -> RuleSet:
    """Like ``load_rules``, reusing the result of an earlier run over the same inputs."""
    layers = [default_rules_dir(), *map(Path, overlays)]
    path = cache_dir() / f"rules-{_key(layers)}.pickle"
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    rules = load_rules(overlays)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            pickle.dump(rules, tmp, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp.name, path)  # whole or not at all, even with runs side by side
    except OSError:
        pass
    return rules
