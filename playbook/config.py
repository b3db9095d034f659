"""The configuration: ``playbook.yaml``, or ``[tool.playbook]`` in ``pyproject.toml``.

One rule: the first of the two found is the whole configuration (they are never merged), and
``--verbose`` says which was read. ``--config FILE`` names the file outright.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import yaml

from . import SCHEMAS
from .fastschema import FastSchema
from .problems import Problem, ProblemsError
from .ruleset import RuleSet
from .yamlload import Location, Mapping, YamlError, load_file, locate, locate_key, read

CONFIG_FILE = "playbook.yaml"
TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)$")


@dataclass
class Config:
    rules: list[str] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    disable: list[str] = field(default_factory=list)
    lang: str | None = None
    fail_on: str | None = None
    site_url: str | None = None
    baseline: str | None = None
    site: dict = field(default_factory=dict)  # the site's name, logo, colours, pages (generator.site_config)
    source: str | None = None  # the file it came from
    data: object = None  # as loaded, for positions
    unread: str | None = None  # a configuration that was found too, and not read because this one came first


def _schema() -> dict:
    return yaml.load((SCHEMAS / "config.yaml").read_bytes(), Loader=yaml.CSafeLoader)


def load_config(path: str | None = None) -> Config:
    """The configuration from ``path``, else ./playbook.yaml, else ./pyproject.toml, else defaults.
    Raises ProblemsError with positions when it is wrong."""
    candidates = [path] if path else [CONFIG_FILE, "pyproject.toml"]
    for candidate in candidates:
        if not path and not os.path.lexists(candidate):
            continue
        if candidate.endswith(".toml"):
            data = _toml(candidate)
            if data is None:
                continue
        else:
            problems: list[Problem] = []
            try:
                data = load_file(candidate, problems)
            except YamlError as e:
                raise ProblemsError([e.problem]) from None
            if problems:
                raise ProblemsError(problems)
            data = {} if data is None else data
        problems = FastSchema(_schema()).problems(data, Location(candidate, 1, 1))
        if problems:
            raise ProblemsError(problems)
        unread = "pyproject.toml" if not path and candidate == CONFIG_FILE and _has_toml_section() else None
        return Config(**data, source=candidate, data=data, unread=unread)
    return Config()


def _has_toml_section() -> bool:
    try:
        return _toml("pyproject.toml") is not None
    except (OSError, ProblemsError):
        return False


def _toml(path: str) -> dict | None:
    import tomllib  # here: most runs read no TOML

    try:
        document = tomllib.loads(read(path).decode("utf-8"))
    except YamlError as e:  # not a regular file, or not readable
        raise ProblemsError([e.problem]) from None
    except UnicodeDecodeError:
        raise ProblemsError([Problem(Location(path, 1, 1), "yaml_not_utf8")]) from None
    except tomllib.TOMLDecodeError as e:  # its position is only in its message before Python 3.14
        found = TOML_POSITION.search(str(e))
        line, column = map(int, found.groups()) if found else (1, 1)
        raise ProblemsError([Problem(Location(path, line, column), "toml_syntax",
                                     detail=TOML_POSITION.sub("", str(e)).strip())]) from None
    tool = document.get("tool")
    return tool.get("playbook") if isinstance(tool, dict) else None


def check_ids(config: Config, rules: RuleSet) -> None:
    """Every check the configuration names must exist (with a "did you mean")."""
    from .suggest import suggest

    known = {c["id"] for c in rules.items("checks")}
    problems = []
    data = config.data if isinstance(config.data, Mapping) else {}
    named = [(locate_key(data.get("severity", {}), k), k) for k in config.severity]
    named += [(locate(data, ["disable", i]), k) for i, k in enumerate(config.disable)]
    for where, check in named:
        if check not in known:
            problems.append(Problem(where or Location(config.source, 1, 1), "unknown_check", id=check,
                                    hint=suggest(check, known)))
    if problems:
        raise ProblemsError(problems)
